""""According to X" not attached to a cue verb: the clause it modifies is X's. On a cue verb it
makes a chain (X reports that cue's attribution); ", according to X" ending another
attribution's content, hung by the parse inside that content, does too. "That's according to X"
points back: the sentence before is X's (``points_back_rule``, a document rule)."""

from __future__ import annotations

import re
from typing import Any

from ..context import ChunkContext, DocContext
from ..contents import _subtree_minus
from ..records import Attribution, Cue, Span
from ..spans import runs
from .nouns import previous_sentence

_WORD = re.compile(r"\w")


def rule(c: ChunkContext) -> list[Attribution]:
    d, off, text = c.doc, c.off, c.text
    by_anchor: dict[int, list[Attribution]] = {}   # this chunk's attributions by cue token
    for a in c.found:
        if a.chunk == c.ci:
            by_anchor.setdefault(a.anchor, []).append(a)
    out: list[Attribution] = []
    for hi, (sp, cue, prep) in c.according.items():
        if hi in by_anchor or hi in c.chained:
            # chain: the cue verb that "according to" modifies is the claimant's
            for a in by_anchor.get(hi, ()):
                if sp is not None:
                    a.reported_by.append((sp, cue))
            continue
        if sp is not None and according_tail(c, [*c.found, *out], prep, sp, cue):
            continue
        head = c.sdoc[hi]
        if points_back(prep):
            continue   # points_back_rule
        toks = _subtree_minus(head, [prep]) if head.i != prep.i else []
        spans = runs(toks, off, text)
        if not spans:
            continue
        spans = d.quote_opened(spans, cue.start) or spans   # "According to X, “…”"
        direct = d.all_quoted(spans)
        out.append(Attribution(cue, sp, spans, direct, sent_start=off + head.sent.start_char,
                               anchor=hi, chunk=c.ci, how="according"))
    return out


def according_tail(c: ChunkContext, found: list[Attribution], prep: Any, sp: Span, cue: Cue) -> bool:
    """", according to X" that ends another attribution's content, after a comma, hung by the
    parse on a verb inside that content ("A say Y is true, according to X"): X reports the
    attribution (a chain, as when it hangs on the cue) and the phrase leaves the content."""
    text, off = c.text, c.off
    a0 = off + prep.idx
    end = off + max(t.idx + len(t) for t in prep.subtree if not t.is_punct)
    cut = a0
    while cut > 0 and text[cut - 1] in " \t":
        cut -= 1
    if cut == 0 or text[cut - 1] != ",":
        return False
    cut -= 1
    for a in found:
        if a.chunk != c.ci or a.cue.start >= a0 or not a.content:
            continue
        k = next((j for j, (x, y) in enumerate(a.content) if x < a0 < y), None)
        if k is None or k != len(a.content) - 1 or not re.fullmatch(r"[\W_]*", text[end:a.content[k][1]]):
            continue
        x, _ = a.content[k]
        if not _WORD.search(text[x:cut]):
            continue
        a.content[k] = (x, cut)
        a.reported_by.append((sp, cue))
        return True
    return False


_POINTS_BACK = re.compile(r"\W*(?:that|this)\s*(?:['’]s|is|was)\s+(?:\w+ly\s+)?$", re.I)


def points_back(prep: Any) -> bool:
    """"That's according to X", "This is according to X": the sentence opens with a demonstrative
    and a copula right before "according"."""
    s = prep.sent
    return bool(_POINTS_BACK.match(s.doc.text[s.start_char:prep.idx]))


def points_back_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """"Sales fell by a third last year. That's according to the company's own figures.": the
    sentence before is the source's (the demonstrative is what it says), cue "according to"."""
    text = d.text
    sents = d.sentences
    out: list[Attribution] = []
    for k, (off, s) in enumerate(sents):
        for t in s:
            if t.lower_ != "according" or t.i + 1 >= s.end or t.doc[t.i + 1].lower_ != "to" \
                    or not points_back(t):
                continue
            to = t.doc[t.i + 1]
            pobj = [x for x in to.children if x.dep_ == "pobj"] or [x for x in t.children if x.dep_ == "pobj"]
            prev = previous_sentence(text, sents, k) if pobj else None
            if prev is None:
                break
            c0, c1 = off + t.idx, off + to.idx + len(to)
            cue = Cue(c0, c1, text[c0:c1], "according to", "report")
            out.append(Attribution(cue, d.spk(pobj[0], off), [prev], d.all_quoted([prev]), sent_start=prev[0],
                                   anchor=-1, chunk=-1, how="pointback"))
            break
    return out
