"""Document-level rules over lines and paragraphs rather than one parsed chunk: "<Speaker>:
<statement>" lines, quotation paragraphs signed by a dash line, block quotations after "X added:",
sentences closed by a parenthetical citation "(Otto, Imperial College London)".
Each takes the document context and the attributions found so far and returns new ones."""

from __future__ import annotations

import re

from ..context import DocContext
from ..lexicon import verb_stance
from ..records import Attribution, Cue
from ..structure import ColonLine, citation, colon_lines, dash_sources, prep_colon_lines
from ..subjects import _bad_speaker, _subject

# a line ending in "<… cue verb> [up to three words]:" and the next paragraph, not a quotation
_BLOCK_LEAD = re.compile(r"(?m)^[^\n]*?(\b[A-Za-z]+(?:[ \t\u00a0]+[A-Za-z]+){0,3}):[ \t]*\n[ \t]*\n?[ \t]*([^\s“\"‘'<])")
_BLOCK_VERBS = frozenset("say add write continue explain state note argue declare tell ask reply respond "
                         "remark report warn".split())


def colon_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """"<Speaker>: <statement>" lines (``structure.colon_lines``): headlines and transcript turns."""
    taken = [(a.content[0][0], a.content[-1][1]) for a in found if a.content]
    return _colon_attributions(d, colon_lines(d.text, d.tokens, taken))


def headline_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """"<Speaker> on|to|at <…>: <statement>" headlines (``structure.prep_colon_lines``)."""
    taken = [(a.content[0][0], a.content[-1][1]) for a in found if a.content]
    return _colon_attributions(d, prep_colon_lines(d.text, d.tokens, taken))


def _colon_attributions(d: DocContext, lines: list[ColonLine]) -> list[Attribution]:
    out: list[Attribution] = []
    for ln in lines:
        (l0, l1), (b0, b1) = ln.speaker, ln.content[0]
        body = d.text[b0:b1]
        direct = d.all_quoted([(b0, b1)]) or bool(re.fullmatch(r"[‘'“\"][^‘“\"]*[’'”\"]", body))
        out.append(Attribution(Cue(ln.cue[0], ln.cue[1], ":", ":", "assert"), (l0, l1), [(b0, b1)], direct,
                               sent_start=ln.line_start, anchor=-1, chunk=-1, how="colon"))
    return out


def dash_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """Quotation paragraphs signed by a dash line (``structure.dash_sources``): direct speech
    with the signed name as speaker."""
    out: list[Attribution] = []
    for st in dash_sources(d.text, d.quotes):
        c0, c1 = st.cue
        cue = Cue(c0, c1, d.text[c0:c1], "dash", "assert")
        out.append(Attribution(cue, st.speaker, list(st.content), True, sent_start=st.content[0][0],
                               anchor=-1, chunk=-1, how=st.how))
    return out


def block_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """"The governor added:" closing a paragraph, the words themselves set as the next paragraph
    without quote marks (a block quotation): that paragraph is the content, the cue verb's
    subject the speaker. The verb must be a verb of speaking or writing among the line's last
    four words (a colon after "below", "as follows", a list heading or "the poll found that:"
    introduces no block of speech; on PolNeAR train the speech verbs did 5 of 5)."""
    text = d.text
    out: list[Attribution] = []
    for m in _BLOCK_LEAD.finditer(text):
        c0 = m.start(1)
        toks = [t for t in d.tokens.tokens(c0, m.end(1)) if t.pos_ in ("VERB", "AUX")]
        cue_tok = next((t for t in reversed(toks) if t.lemma_.lower() in _BLOCK_VERBS), None)
        if cue_tok is None:
            continue
        spk = _subject(cue_tok)
        if spk is None or _bad_speaker(spk):
            continue
        off = d.tokens.offset_at(c0)
        if off is None:
            continue
        b0 = m.start(2)
        b1 = text.find("\n", b0)
        b1 = len(text) if b1 == -1 else b1
        while b1 > b0 and text[b1 - 1].isspace():
            b1 -= 1
        if len(re.findall(r"\w+", text[b0:b1])) < 4:
            continue
        stance = verb_stance(cue_tok.lemma_) or "other"
        out.append(Attribution(d.cue(cue_tok, off, stance), d.spk(spk, off), [(b0, b1)], False,
                               sent_start=off + cue_tok.sent.start_char, anchor=-1, chunk=-1,
                               how="block"))
    return out


def citation_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """A sentence closed by a parenthetical citation (``structure.citation``) is the cited
    source's: a new attribution (cue the parenthesis, ``how = "citation"``), or, when the
    sentence's main verb is already a cue ("Burgess confirms that X (Copernicus, 2023)"), that
    attribution gets the citation as its reporting source."""
    text = d.text
    by_root: dict[tuple[int, int], Attribution] = {(a.chunk, a.anchor): a for a in found if a.chunk >= 0}
    out: list[Attribution] = []
    for ci, (off, sdoc) in enumerate(d.chunks):
        for s in sdoc.sents:
            a, b = off + s.start_char, off + s.end_char
            if ")" not in text[a:b]:
                continue
            got = citation(text, a, b)
            if got is None:
                continue
            (q0, q1), spk, content = got
            cue = Cue(q0, q1, text[q0:q1], "citation", "report")
            for x in found:   # the citation is no part of a content that ran into it
                x.content = [(c0, _rstrip(text, c0, min(c1, q0))) if c0 < q0 < c1 else (c0, c1)
                             for c0, c1 in x.content if not q0 <= c0 < q1]
            main = by_root.get((ci, s.root.i))
            if main is not None:
                main.reported_by.append((spk, cue))
                continue
            out.append(Attribution(cue, spk, [content], False, sent_start=a, anchor=-1, chunk=-1,
                                   how="citation"))
    return out


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1].isspace():
        b -= 1
    return b
