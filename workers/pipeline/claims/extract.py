"""Attribution extraction: dependency rules over the one shared spaCy parse.

``extract(text, chunks)`` returns :class:`Attribution` records (absolute character offsets into
``text``), each a cue with its speaker span and content spans:

- direct quotes attached to an adjacent cue ("“…,” said X", "X said: “…”"), continued by later
  quote pieces that carry no cue of their own ("“…,” said X. “…”", quotes over two paragraphs);
- reported speech: a cue verb's ccomp / xcomp / content preposition / claim-bearing object,
  inverted cues ("X is Y, he said"), adjective cues ("is optimistic that"), and a bare "that"
  clause after a cue when the parse went astray;
- "according to X" and "from his experience, …" prepositional attributions;
- chains: a cue whose content is itself headed by a cue with its own subject ("A believes X,
  according to B"; "A believes X, B said") becomes one attribution by A with ``reported_by`` B;
  so does ", according to B" ending A's content when the parse hung it inside that content;
- reduced passives ("This deal, thought to be worth X, …") are attributions with no named
  source (speaker None), never the noun's own statement; so are agentless passives ("X was
  criticized for Y": content subject + complement, ``passives.py``).

Who speaks (the cue's subject, the speaker's noun phrase) is in ``subjects.py``; what is said (a
cue's complement, object or clause) in ``contents.py``; quote finding in ``quotes.py``; dash
signatures in ``structure.py``. This module holds the rules that put them together (``_Builder``).
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from .contents import (
    _as_clause_content, _content_tokens, _is_cue_verb, _is_inverted, _is_parenthetical, _object_content,
    _subtree_minus,
)
from .chunks import ChunkTokens
from .cues import cue_probability
from .lexicon import ADJ_PREP_CUES, NOUN_CUES, PERSPECTIVE_NOUNS, QUOTE_ONLY_VERBS, adj_stance, verb_stance
from .passives import is_agentless_passive, passive_content
from .quotes import Quote, find_quotes
from .structure import colon_lines, dash_sources
from .subjects import _bad_speaker, _is_relpron, _reduced_passive, _speaker_tokens, _stranded_subject, _subject

_WORD = re.compile(r"\w")
# what a content found inside a quote may have skipped after the opening mark: spaces, "[", an
# ellipsis, one complementiser ("“If you want …": the parse's clause starts after "If")
_QUOTE_LEAD = re.compile(r"[\s\[…]*(?:\.\.\.)?[\s\[…]*(?:(?:if|whether|when|because|although|though|while|as)\s+)?", re.I)
_THAT_BEFORE = re.compile(r"\bthat,?\s*$", re.I)
_POINTER = re.compile(r"(?:the\s+)?(?:following|same|above)(?:\s+(?:statement|comment|remarks?|words|story|report))?|as\s+follows", re.I)
_MIN_QUOTE_WORDS = 4
# learned cue detector (cues.py): a lexicon cue is dropped below DROP_BELOW, a verb outside the
# lexicon becomes a cue above ADD_ABOVE (chosen on PolNeAR train/dev; env overrides for experiments)
DROP_BELOW = float(os.environ.get("NEWSFLOW_CUE_DROP", "0.15"))
ADD_ABOVE = float(os.environ.get("NEWSFLOW_CUE_ADD", "0.35"))
# nouns ("Trump's disdain for X") and adjectives ("willing to X") outside the lexicon
LEARNED_OTHER_POS = float(os.environ.get("NEWSFLOW_CUE_ADD_OTHER", "0.5"))
# verbs after which "it" is an organisation or document speaking ("It says the campaign violated …")
_IT_SPEAKS = frozenset("say report note state claim add write argue deny accuse announce warn allege insist "
                       "explain acknowledge confirm reply respond tweet".split())


@dataclass
class Cue:
    start: int
    end: int
    text: str
    lemma: str
    stance: str
    tag: str = ""                            # fine POS tag of the cue head (tense/aspect, for the claim filter)


@dataclass
class Attribution:
    cue: Cue
    speaker: tuple[int, int] | None          # surface span of the speaker (may be a pronoun)
    content: list[tuple[int, int]]           # content spans, document order
    direct: bool = False                     # content is quoted speech
    reported_by: list[tuple[tuple[int, int], Cue]] = field(default_factory=list)
    speaker_ref: tuple[int, int] | None = None   # antecedent of a relative-pronoun speaker
    sent_start: int = 0                      # sentence of the cue (for resolution context)
    anchor: int = 0                          # token index of the cue head, for ordering/dedupe
    chunk: int = 0
    how: str = ""                            # which rule found it (features for the claim filter)
    cue_p: float = -1.0                      # learned cue probability of the cue token (-1: none)
    spk_kind: str = "none"                   # speaker head: pronoun / entity label / POS


# --------------------------------------------------------------------------- helpers


def _span_of(tokens: Iterable[Any], off: int) -> tuple[int, int] | None:
    toks = sorted(tokens, key=lambda t: t.i)
    toks = [t for t in toks if not t.is_punct and not t.is_space]
    if not toks:
        return None
    return off + toks[0].idx, off + toks[-1].idx + len(toks[-1])


def _runs(tokens: Iterable[Any], off: int, text: str) -> list[tuple[int, int]]:
    """Contiguous runs of tokens as character spans, edges trimmed of punctuation/“that”."""
    toks = sorted(set(tokens), key=lambda t: t.i)
    runs: list[list[Any]] = []
    for t in toks:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        while run and (run[0].is_punct or run[0].is_space or (run[0].dep_ == "mark" and run[0].lower_ in ("that", "whether", "if"))
                       or run[0].lower_ in ("that",) and run[0].dep_ in ("mark", "nsubj") and len(run) > 3 and run[0].i == run[0].sent.start):
            if run[0].is_punct and run[0].text in "“\"" and _closes_in(run):
                break
            run = run[1:]
        while run and (run[-1].is_punct or run[-1].is_space or run[-1].dep_ == "cc"):
            if run[-1].is_punct and run[-1].text in "”\"" and _opens_in(run):
                break
            run = run[:-1]
        if run and any(_WORD.search(t.text) for t in run):
            a, b = off + run[0].idx, off + run[-1].idx + len(run[-1])
            seg = text[a:b]
            if seg.count("“") > seg.count("”"):   # the closing mark hangs off the main verb
                k = text.find("”", b, b + 3)
                if k != -1:
                    b = k + 1
            out.append((a, b))
    return out


def _clip(text: str, span: tuple[int, int], lo: int, hi: int) -> tuple[int, int] | None:
    a, b = max(span[0], lo), min(span[1], hi)
    while a < b and not (text[a].isalnum() or text[a] in "“\"‘'$£€"):
        a += 1
    while b > a and not (text[b - 1].isalnum() or text[b - 1] in "”\"’'%.!?"):
        b -= 1
    if b > a and text[b - 1] == "." and (b - a < 4 or text[b - 2].islower()):
        b -= 1
    return (a, b) if b > a and _WORD.search(text[a:b]) else None


def _closes_in(run: list[Any]) -> bool:
    return any(t.text in "”\"" for t in run[1:])


def _opens_in(run: list[Any]) -> bool:
    return any(t.text in "“\"" for t in run[:-1])


# a line ending in "<… cue verb> [up to three words]:" and the next paragraph, not a quotation
_BLOCK_LEAD = re.compile(r"(?m)^[^\n]*?(\b[A-Za-z]+(?:[ \t\u00a0]+[A-Za-z]+){0,3}):[ \t]*\n[ \t]*\n?[ \t]*([^\s“\"‘'<])")


_BLOCK_VERBS = frozenset("say add write continue explain state note argue declare tell ask reply respond "
                         "remark report warn".split())


class _Builder:
    def __init__(self, text: str, chunks: list[tuple[int, Any]]):
        self.text = text
        self.chunks = chunks
        self.quotes = [q for q in find_quotes(text)]
        self._qstarts = [q.start for q in self.quotes]
        self._qsorted = all(a <= b for a, b in zip(self._qstarts, self._qstarts[1:]))
        self.tokens = ChunkTokens(chunks)
        self.out: list[Attribution] = []
        self.refs: dict[tuple[int, int], tuple[int, int]] = {}
        self.learned: set[tuple[int, int]] = set()
        self.cue_p: dict[tuple[int, int], float] = {}
        self.spk_kinds: dict[tuple[int, int], str] = {}   # cues found by the learned detector only
        self.that_quotes: set[int] = set()   # quotes introduced by "said that “…”": mixed speech

    # quote helpers ------------------------------------------------------
    def _spk(self, tok: Any, off: int) -> tuple[int, int] | None:
        """Surface span of a speaker token; a relative pronoun ("who said") is the surface and
        its antecedent noun phrase is remembered for resolution."""
        sp = _span_of(_speaker_tokens(tok), off)
        if sp is not None:
            low = tok.lower_
            self.spk_kinds[sp] = low if tok.pos_ == "PRON" else (tok.ent_type_ or tok.pos_)
        if sp is not None and _is_relpron(tok):
            ref = _span_of(_speaker_tokens(tok.head.head), off)
            if ref is not None:
                self.refs[sp] = ref
        return sp

    def _quote_at(self, pos: int) -> int | None:
        k = bisect.bisect_right(self._qstarts, pos) - 1
        if k >= 0 and self.quotes[k].start <= pos < self.quotes[k].end:
            return k
        return None

    def _inside_quote(self, t: Any, off: int) -> bool:
        return self._quote_at(off + t.idx) is not None

    def _fragment(self, n: int) -> bool:
        """A quote that continues the words before it: lowercase start, right after a word."""
        a, b = self.quotes[n].inner
        m = re.search(r"[^\W\d_]", self.text[a:b])
        before = self.text[max(0, self.quotes[n].start - 30):self.quotes[n].start].rstrip(" ")
        return bool(m and m.group().islower() and before and before[-1].isalpha())

    def _speechlike(self, n: int) -> bool:
        q = self.quotes[n]
        if q.words(self.text) >= _MIN_QUOTE_WORDS:
            return True
        a, b = q.inner
        return bool(re.search(r"[.!?,]\W*$", self.text[a:b]))

    def run(self) -> list[Attribution]:
        for ci, (off, sdoc) in enumerate(self.chunks):
            self._chunk(ci, off, sdoc)
        self._colon_lines()
        self._dash_sources()
        self._block_quotes()
        out = []
        for a in self.out:
            lo = self.text.rfind("\n", 0, a.cue.start) + 1
            hi = self.text.find("\n", a.cue.end)
            hi = len(self.text) if hi == -1 else hi
            if a.speaker is not None:
                a.speaker_ref = self.refs.get(a.speaker)
                a.spk_kind = self.spk_kinds.get(a.speaker, "other")
                a.speaker = _clip(self.text, a.speaker, lo, hi)
            if not a.direct and a.how != "block":   # a block quotation is the next paragraph
                a.content = [c for c in (_clip(self.text, sp, lo, hi) for sp in a.content) if c]
            a.reported_by = [(r, c) for r, c in ((_clip(self.text, r, lo, hi), c) for r, c in a.reported_by) if r]
            if a.content:
                out.append(a)
        out.sort(key=lambda a: a.content[0][0])
        self.out = out
        return out

    # ------------------------------------------------------------------
    def _chunk(self, ci: int, off: int, sdoc: Any) -> None:
        text = self.text
        first_out = len(self.out)   # attributions of this chunk are appended after this
        cue_tokens: list[tuple[Any, str]] = []
        for t in sdoc:
            st = _is_cue_verb(t)
            if t.pos_ not in ("VERB", "AUX"):
                if st:
                    cue_tokens.append((t, st))
                continue
            p = cue_probability(t, self._inside_quote(t, off))
            if p is not None:
                self.cue_p[(ci, t.i)] = p
            if p is None:
                if st:
                    cue_tokens.append((t, st))
            elif st and (p >= DROP_BELOW or any(c.lower_ == "according" for c in t.children)):
                # a cue modified by "according to" heads a chain: always kept
                cue_tokens.append((t, st))
            elif not st and p >= ADD_ABOVE and t.pos_ == "VERB":
                cue_tokens.append((t, "other"))
                self.learned.add((ci, t.i))
        according: dict[int, tuple[tuple[int, int], Cue, Any]] = {}  # head token i -> (speaker span, cue, prep token)
        for t in sdoc:
            if t.lower_ == "according" and t.i + 1 < len(sdoc) and sdoc[t.i + 1].lower_ == "to":
                to = sdoc[t.i + 1]
                pobj = [c for c in to.children if c.dep_ == "pobj"] or [c for c in t.children if c.dep_ == "pobj"]
                if not pobj:
                    continue
                sp = self._spk(pobj[0], off)
                cue = Cue(off + t.idx, off + to.idx + len(to), text[off + t.idx: off + to.idx + len(to)], "according to", "report")
                according[t.head.i] = (sp, cue, t)
        chunk_len = sdoc[-1].idx + len(sdoc[-1].text_with_ws) if len(sdoc) else 0
        # 1. direct quotes attached to adjacent cues
        attached: dict[int, list[int]] = {}
        q_lo = bisect.bisect_left(self._qstarts, off) if self._qsorted else 0
        q_hi = bisect.bisect_left(self._qstarts, off + chunk_len) if self._qsorted else len(self.quotes)
        for n in range(q_lo, q_hi):   # the quotes starting inside this chunk
            q = self.quotes[n]
            if q.continues is not None or not (off <= q.start < off + chunk_len) or not self._speechlike(n):
                continue
            best = self._cue_for_quote(n, q, off, sdoc, cue_tokens)
            if best is not None:
                attached.setdefault(best.i, []).append(n)
        done_cues: set[int] = set()
        for t, stance in cue_tokens:
            if t.i in attached:
                qs = attached[t.i]
                spans: list[tuple[int, int]] = []
                for n in qs:
                    spans.extend(self._quote_chain(n))
                # continuation: following quotes with no cue of their own
                last_end = max(self._clause_end(t, off, spans), spans[-1][1])
                k = max(qs) + 1
                while k < len(self.quotes):
                    k2 = k
                    while k2 < len(self.quotes) and self.quotes[k2].continues is not None:
                        k2 += 1
                    if k2 >= len(self.quotes):
                        break
                    nq = self.quotes[k2]
                    gap = text[last_end:nq.start]
                    if _WORD.search(gap) or gap.count("\n") > 2 or any(k2 in v for v in attached.values()):
                        break
                    if nq.words(text) < _MIN_QUOTE_WORDS:
                        break
                    spans.extend(self._quote_chain(k2))
                    last_end = spans[-1][1]
                    k = k2 + 1
                spk = _subject(t)
                if spk is not None and _bad_speaker(spk):
                    continue
                spk_span = self._spk(spk, off) if spk is not None else None
                # "said that “…”" and quotes that open mid-sentence (lowercase: “has consistently
                # demonstrated …”) are quoted fragments inside reported speech: mixed, not direct
                direct = not (any(n in self.that_quotes for n in qs) or self._fragment(qs[0]))
                if off + t.idx >= self.quotes[qs[0]].end:
                    led = self._lead_in(t, off, qs[0], spans)
                    if led != spans:
                        spans, direct = led, False
                self.out.append(self._verb_att(t, stance, off, ci, spk_span, sorted(set(spans)), direct, "quote"))
                done_cues.add(t.i)
        # 2. reported speech
        chained: set[int] = set()
        for t, stance in cue_tokens:
            if t.i in done_cues or t.i in chained:
                continue
            att = self._reported(t, stance, off, ci, cue_tokens)
            if att is None:
                continue
            inner = att[1]
            if inner is not None:
                chained.add(inner.i)
            self.out.append(att[0])
            done_cues.add(t.i)
        # 3. adjective cues: "is optimistic that …"
        for t in sdoc:
            st = (adj_stance(t.lemma_) or ADJ_PREP_CUES.get(t.lemma_.lower(), (None,))[0]) if t.pos_ in ("ADJ", "VERB") and t.dep_ == "acomp" or t.pos_ == "ADJ" else None
            learned_adj = False
            if not st and t.pos_ == "ADJ" and t.dep_ == "acomp":
                p = cue_probability(t, self._inside_quote(t, off))
                if p is not None and p >= LEARNED_OTHER_POS:
                    st, learned_adj = "other", True
            if not st or t.dep_ not in ("acomp", "ROOT", "amod"):
                continue
            head = t.head if t.dep_ == "acomp" else t
            spk = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if _bad_speaker(spk):
                continue
            toks = None
            for c in list(t.children) + list(head.children):
                if c.dep_ == "ccomp":
                    toks = list(c.subtree)
                    break
            if toks is None and t.i + 2 < t.sent.end and sdoc[t.i + 1].lower_ == "that":
                toks = [sdoc[k] for k in range(t.i + 2, t.sent.end)]
            if toks is None and learned_adj:   # "willing to …", "eager for …"
                for c in t.children:
                    if c.dep_ == "xcomp" or (c.dep_ == "prep" and c.i > t.i and c.lower_ in ("about", "of", "on", "for", "with", "to")):
                        obj = list(c.subtree) if c.dep_ == "xcomp" else [x for g in c.children if g.dep_ in ("pobj", "pcomp") for x in g.subtree]
                        if obj:
                            toks = obj
                            break
            if toks is None and t.lemma_.lower() in ADJ_PREP_CUES:
                preps = ADJ_PREP_CUES[t.lemma_.lower()][1]
                for c in t.children:
                    if c.dep_ == "prep" and c.lower_ in preps and c.i > t.i:
                        obj = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
                        if obj:
                            toks = list(obj[0].subtree)
                            break
            if not toks:
                continue
            spans = _runs(toks, off, text)
            if not spans:
                continue
            cue_text_end = off + t.idx + len(t)
            cue = Cue(off + head.idx if head.i < t.i else off + t.idx, cue_text_end,
                      text[off + (head.idx if head.i < t.i else t.idx):cue_text_end], t.lemma_.lower(), st)
            self.out.append(Attribution(cue, self._spk(spk, off), spans,
                                        sent_start=off + t.sent.start_char, anchor=t.i, chunk=ci, how="adj"))
        # 3b. noun cues owned by a speaker: "Trump's claim that X", "her call for X"
        for t in sdoc:
            spec = NOUN_CUES.get(t.lemma_.lower()) if t.pos_ == "NOUN" else None
            if spec is None and t.pos_ == "NOUN" and any(c.dep_ == "poss" for c in t.children):
                p = cue_probability(t, self._inside_quote(t, off))
                if p is not None and p >= LEARNED_OTHER_POS:
                    spec = ("other", {"that", "of", "for", "on", "about", "to", "against"})
            if spec is None:
                continue
            poss = next((c for c in t.children if c.dep_ == "poss"), None)
            if poss is None or _bad_speaker(poss) or poss.lower_ in ("its",):
                continue
            toks = None
            for c in t.children:
                if c.i < t.i:
                    continue
                if c.dep_ in ("acl", "ccomp", "relcl") and "that" in spec[1] and any(x.lower_ == "that" and x.dep_ == "mark" for x in c.children):
                    toks = list(c.subtree)
                elif c.dep_ == "acl" and "to" in spec[1] and any(x.lower_ == "to" for x in c.children):
                    toks = list(c.subtree)
                elif c.dep_ == "prep" and c.lower_ in spec[1]:
                    obj = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
                    toks = list(obj[0].subtree) if obj else None
                if toks:
                    break
            if not toks:
                continue
            spans = _runs(toks, off, text)
            if not spans or sum(len(re.findall(r"\w+", text[a:b])) for a, b in spans) < 2:
                continue
            cue = Cue(off + t.idx, off + t.idx + len(t), t.text, t.lemma_.lower(), spec[0])
            self.out.append(Attribution(cue, self._spk(poss, off), spans, self._all_quoted(spans),
                                        sent_start=off + t.sent.start_char, anchor=t.i, chunk=ci, how="noun"))
        # 4. "according to X" not attached to a cue verb; "from his experience, …"
        by_anchor: dict[int, list[Attribution]] = {}   # this chunk's attributions by cue token
        for a in self.out[first_out:]:
            if a.chunk == ci:
                by_anchor.setdefault(a.anchor, []).append(a)
        for hi, (sp, cue, prep) in according.items():
            if hi in by_anchor or hi in chained:
                # chain: the cue verb that "according to" modifies is the claimant's
                for a in by_anchor.get(hi, ()):
                    if sp is not None:
                        a.reported_by.append((sp, cue))
                continue
            if sp is not None and self._according_tail(prep, sp, cue, off, ci, first_out):
                continue
            head = sdoc[hi]
            toks = _subtree_minus(head, [prep]) if head.i != prep.i else []
            spans = _runs(toks, off, text)
            if not spans:
                continue
            spans = self._quote_opened(spans, cue.start) or spans   # "According to X, “…”"
            direct = self._all_quoted(spans)
            self.out.append(Attribution(cue, sp, spans, direct, sent_start=off + head.sent.start_char,
                                        anchor=hi, chunk=ci, how="according"))
        for t in sdoc:
            if t.dep_ == "pobj" and t.lemma_.lower() in PERSPECTIVE_NOUNS and t.head.lower_ in ("from", "in", "by"):
                poss = next((c for c in t.children if c.dep_ == "poss"), None)
                prep = t.head
                if poss is None or prep.head is prep or prep.i > t.i:
                    continue
                head = prep.head
                if head.pos_ not in ("VERB", "AUX"):
                    continue
                sent = t.sent
                if prep.i == sent.start:   # sentence-initial: the whole rest of the sentence
                    excl = set(prep.subtree)
                    toks = [x for x in sent if x not in excl]
                else:
                    toks = _subtree_minus(head, [prep])
                spans = _runs(toks, off, text)
                if not spans:
                    continue
                cue = Cue(off + prep.idx, off + t.idx + len(t), text[off + prep.idx: off + t.idx + len(t)],
                          f"{prep.lower_} {t.lemma_.lower()}", "belief")
                self.out.append(Attribution(cue, (off + poss.idx, off + poss.idx + len(poss)), spans,
                                            sent_start=off + t.sent.start_char, anchor=head.i, chunk=ci,
                                            how="perspective"))

    def _lead_in(self, t: Any, off: int, n: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """"The campaign grew out of the belief that “…,” added X", "In past campaigns, “we felt
        …,” he said": words before a quote whose cue comes after it (from the sentence start, same
        line, no other quote, not a frame ending in a colon) are the content too, which makes it
        mixed. PolNeAR annotates them so (train 500–684: direct/indirect 0.973/0.979 → 0.975/0.980)."""
        q = self.quotes[n]
        s0 = off + t.sent.start_char
        lo = max(s0, self.text.rfind("\n", 0, q.start) + 1)
        lead = self.text[lo:q.start]
        if not _WORD.search(lead) or self._quote_at(lo) is not None or re.search(r"[“”\"]", lead):
            return spans
        if lead.rstrip().endswith(":"):
            return spans   # "… of all: “It's about time …,” she said": the colon frames the quote
        before = self.text[max(0, lo - 3):lo].rstrip()
        if before and before[-1] not in ".!?”\"’'\n":
            return spans   # not a real sentence start (the parse split the sentence)
        while lo < q.start and self.text[lo].isspace():
            lo += 1
        return [(lo, spans[0][1])] + spans[1:] if spans and spans[0][0] == q.start else spans

    def _according_tail(self, prep: Any, sp: tuple[int, int], cue: Cue, off: int, ci: int, first_out: int) -> bool:
        """", according to X" that ends another attribution's content, after a comma, hung by the
        parse on a verb inside that content ("A say Y is true, according to X"): X reports the
        attribution (a chain, as when it hangs on the cue) and the phrase leaves the content."""
        text = self.text
        a0 = off + prep.idx
        end = off + max(t.idx + len(t) for t in prep.subtree if not t.is_punct)
        cut = a0
        while cut > 0 and text[cut - 1] in " \t":
            cut -= 1
        if cut == 0 or text[cut - 1] != ",":
            return False
        cut -= 1
        for a in self.out[first_out:]:
            if a.chunk != ci or a.cue.start >= a0 or not a.content:
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

    # ------------------------------------------------------------------
    def _colon_lines(self) -> None:
        """"<Speaker>: <statement>" lines (``structure.colon_lines``): headlines and transcript turns."""
        taken = [(a.content[0][0], a.content[-1][1]) for a in self.out if a.content]
        for ln in colon_lines(self.text, self.tokens, taken):
            (l0, l1), (b0, b1) = ln.speaker, ln.content[0]
            body = self.text[b0:b1]
            direct = self._all_quoted([(b0, b1)]) or bool(re.fullmatch(r"[‘'“\"][^‘“\"]*[’'”\"]", body))
            self.out.append(Attribution(Cue(ln.cue[0], ln.cue[1], ":", ":", "assert"), (l0, l1), [(b0, b1)], direct,
                                        sent_start=ln.line_start, anchor=-1, chunk=-1, how="colon"))

    def _dash_sources(self) -> None:
        """Quotation paragraphs signed by a dash line (``structure.dash_sources``): direct speech
        with the signed name as speaker."""
        for st in dash_sources(self.text, self.quotes):
            c0, c1 = st.cue
            cue = Cue(c0, c1, self.text[c0:c1], "dash", "assert")
            self.out.append(Attribution(cue, st.speaker, list(st.content), True, sent_start=st.content[0][0],
                                        anchor=-1, chunk=-1, how=st.how))

    def _block_quotes(self) -> None:
        """"The governor added:" closing a paragraph, the words themselves set as the next paragraph
        without quote marks (a block quotation): that paragraph is the content, the cue verb's
        subject the speaker. The verb must be a verb of speaking or writing among the line's last
        four words (a colon after "below", "as follows", a list heading or "the poll found that:"
        introduces no block of speech; on PolNeAR train the speech verbs did 5 of 5)."""
        text = self.text
        for m in _BLOCK_LEAD.finditer(text):
            c0 = m.start(1)
            toks = [t for t in self.tokens.tokens(c0, m.end(1)) if t.pos_ in ("VERB", "AUX")]
            cue_tok = next((t for t in reversed(toks) if t.lemma_.lower() in _BLOCK_VERBS), None)
            if cue_tok is None:
                continue
            spk = _subject(cue_tok)
            if spk is None or _bad_speaker(spk):
                continue
            off = self.tokens.offset_at(c0)
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
            self.out.append(Attribution(self._cue(cue_tok, off, stance), self._spk(spk, off), [(b0, b1)], False,
                                        sent_start=off + cue_tok.sent.start_char, anchor=-1, chunk=-1,
                                        how="block"))

    def _verb_att(self, t: Any, stance: str, off: int, ci: int, speaker: tuple[int, int] | None,
                  spans: list[tuple[int, int]], direct: bool, how: str) -> Attribution:
        """An attribution whose cue is the verb token ``t`` of chunk ``ci`` (its sentence, anchor
        and learned cue probability come from ``t``)."""
        return Attribution(self._cue(t, off, stance), speaker, spans, direct, sent_start=off + t.sent.start_char,
                           anchor=t.i, chunk=ci, how=how, cue_p=self.cue_p.get((ci, t.i), -1.0))

    def _cue(self, t: Any, off: int, stance: str) -> Cue:
        # multiword cue: particle / "for" preposition ("called for", "pointed out")
        end = t.idx + len(t)
        for c in t.children:
            if c.dep_ == "prt" and c.i == t.i + 1:
                end = c.idx + len(c)
        return Cue(off + t.idx, off + end, self.text[off + t.idx: off + end], t.lemma_.lower(), stance, t.tag_)

    def _quote_chain(self, n: int) -> list[tuple[int, int]]:
        spans = [(self.quotes[n].start, self.quotes[n].end)]
        k = n + 1
        while k < len(self.quotes) and self.quotes[k].continues == k - 1:
            spans.append((self.quotes[k].start, self.quotes[k].end))
            k += 1
        return spans

    def _clause_end(self, t: Any, off: int, spans: list[tuple[int, int]]) -> int:
        """End of the attribution clause of cue ``t``: its subtree tokens outside any quote."""
        end = off + t.idx + len(t)
        for x in t.subtree:
            if not self._inside_quote(x, off) and x.text not in "“”\"":
                end = max(end, off + x.idx + len(x))
        return end

    def _cue_for_quote(self, n: int, q: Quote, off: int, sdoc: Any, cue_tokens: list[tuple[Any, str]]) -> Any | None:
        text = self.text
        # last piece of a multi-paragraph quote
        last = n
        while last + 1 < len(self.quotes) and self.quotes[last + 1].continues == last:
            last += 1
        q_end = self.quotes[last].end
        best = None
        for t, _ in cue_tokens:
            if self._inside_quote(t, off):
                continue
            ts = off + t.idx
            if ts >= q_end:
                # after the quote: only punctuation and the speaker's own words in between
                if ts - q_end > 200 or "\n" in text[q_end:ts]:
                    continue
                spk = _subject(t)
                allowed = set()
                if spk is not None:
                    allowed.update(x.i for x in spk.subtree)
                # a cue with its own content after it ("“…” She says they will go on") does
                # not take the quote before it
                own = _content_tokens(t)
                if own is not None and any(x.i > t.i and not self._inside_quote(x, off) and not x.is_punct
                                           for x in own[0]):
                    continue
                between = []
                k = t.i - 1
                while k >= 0 and off + sdoc[k].idx >= q_end:
                    between.append(sdoc[k])
                    k -= 1
                if any(self._quote_at(off + x.idx) is not None for x in between):
                    continue
                if all(x.is_punct or x.is_space or x.i in allowed or x.pos_ in ("ADV", "AUX", "PART") for x in between):
                    if "\n" in text[q_end:ts] and spk is not None and spk.i > t.i:
                        continue
                    best = t
                    break
            elif ts < q.start:
                gap = text[ts + len(t):q.start]
                if len(gap) > 60 or "\n\n\n" in gap:
                    continue
                g = gap.strip()
                spk = _subject(t)
                if spk is not None and spk.i > t.i:
                    # "said Mr X: “…”" — drop the inverted speaker from the gap
                    sp = self._spk(spk, off)
                    if sp and sp[0] >= ts:
                        g = text[sp[1]:q.start].strip()
                if g.rstrip(",:; ").endswith("that") and spk is not None:
                    self.that_quotes.add(n)
                if (g == "" or g in (":", ",", "that", ", that", "that,") or (g.endswith(":") and not re.search(r"\b(is|are|was|were)\b", g))) and spk is not None:
                    best = t
        return best

    def _quote_covering(self, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
        """The quote that a dependency-found content mostly fills (the parse cut a quote short):
        content inside one quote of ≥ 4 words, covering ≥ 60 % of its words."""
        n = self._quote_at(spans[0][0])
        if n is None:
            return None
        q = self.quotes[n]
        if any(not (q.start <= a and b <= q.end) for a, b in spans) or q.words(self.text) < _MIN_QUOTE_WORDS:
            return None
        got = sum(len(re.findall(r"\w+", self.text[a:b])) for a, b in spans)
        return (q.start, q.end) if got >= 0.6 * q.words(self.text) else None

    def _quote_opened(self, spans: list[tuple[int, int]], cue_at: int) -> list[tuple[int, int]] | None:
        """A content that begins where a quote after the cue begins (“told Fox News, “So, X has
        nukes. …”", the parse's clause stopping at the first sentence or running past the closing
        mark) is that whole quote, with its later paragraphs."""
        a = spans[0][0]
        n = self._quote_at(a)
        if n is None:
            return None
        q = self.quotes[n]
        if q.start <= cue_at or q.continues is not None or q.words(self.text) < _MIN_QUOTE_WORDS:
            return None
        if not _QUOTE_LEAD.fullmatch(self.text, q.inner[0], a):
            return None
        first = re.search(r"[^\W\d_]", self.text[q.inner[0]:q.end])
        if first is None or first.group().islower():   # “the current system …”: a fragment
            return None
        return self._quote_chain(n)

    def _all_quoted(self, spans: list[tuple[int, int]]) -> bool:
        """Content found by dependency rules is direct only when every span is a whole quote of
        at least four words (a nested attribution inside a quote, or a quoted fragment after
        "called X", is not direct speech; nor is a quote after the complementiser, "said that “…”",
        which is quoted words inside reported speech: mixed)."""
        for a, b in spans:
            n = self._quote_at(a)
            if n is None or self.quotes[n].start != a or self.quotes[n].end < b - 1:
                return False
            if _THAT_BEFORE.search(self.text, max(0, a - 8), a):
                return False
            if self.quotes[n].words(self.text) < _MIN_QUOTE_WORDS:
                return False
        return True

    def _reduced(self, t: Any, stance: str, off: int, ci: int):
        """"This deal, thought to be worth X, …": an attribution whose source is left unnamed
        (speaker None); the content is the noun phrase and the infinitive ("This deal … to be worth X")."""
        x = next((c for c in t.children if c.i > t.i and any(y.i == t.i + 2 for y in c.subtree)), None)
        if x is None:
            return None
        noun = _reduced_noun(t)
        toks = list(x.subtree)
        if noun is not None:   # its own words only: an "acl" participle is not part of them
            toks += _speaker_tokens(noun)
        spans = _runs(toks, off, self.text)
        if not spans:
            return None
        return self._verb_att(t, stance, off, ci, None, spans, False, "reduced"), None

    def _passive(self, t: Any, stance: str, off: int, ci: int):
        """"X has been criticized for Y": an agentless passive cue, speaker None, content the
        subject and complement (``passives.passive_content``); "passive0"."""
        toks = passive_content(t)
        spans = _runs(toks, off, self.text) if toks else None
        if not spans or sum(len(re.findall(r"\w+", self.text[a:b])) for a, b in spans) < 2:
            return None
        return self._verb_att(t, stance, off, ci, None, spans, self._all_quoted(spans), "passive0"), None

    def _reported(self, t: Any, stance: str, off: int, ci: int, cue_tokens: list[tuple[Any, str]]):
        text = self.text
        if t.lemma_.lower() in QUOTE_ONLY_VERBS:
            return None
        if _reduced_passive(t):
            return self._reduced(t, stance, off, ci)
        if is_agentless_passive(t):
            return self._passive(t, stance, off, ci)
        spk = _subject(t) or _stranded_subject(t)
        res = _content_tokens(t, learned=(ci, t.i) in self.learned)
        inner_cue = None
        if res is None:
            inverted = _is_inverted(t)
            if inverted:
                # "…, Clinton attacked Machado": a cue with its own object is not a parenthetical
                # "X is Y, he said" — what it is aimed at is its content, not the clause before it
                res = _object_content(t)
            if res is None and (inverted or _is_parenthetical(t)):
                # the clause around the cue (an inverted cue: only the part before it)
                own = set(t.subtree) | (set(spk.subtree) if spk is not None else set())
                res = ([x for x in t.head.subtree if x not in own and (not inverted or x.i < t.i)], "inverted")
        if res is None:
            res = _as_clause_content(t) or _object_content(t)
        if res is None:
            return None
        toks, how = res
        if spk is None:
            return None
        if _bad_speaker(spk) and not (spk is not None and spk.lower_ == "it" and how == "ccomp"
                                      and t.lemma_.lower() in _IT_SPEAKS):
            return None
        if how in ("ccomp", "inverted"):
            # chain: content headed by a cue with its own (non-pronoun) subject
            roots = [x for x in toks if x.head not in toks or x.head is x]
            r = roots[0] if roots else None
            if r is not None and verb_stance(r.lemma_) and r.pos_ in ("VERB", "AUX"):
                inner_spk = _subject(r)
                inner = _content_tokens(r)
                if inner_spk is not None and inner is not None and inner[1] in ("ccomp", "that") and inner_spk.pos_ != "PRON":
                    inner_cue = r
                    spans = _runs(inner[0], off, text)
                    if spans:
                        outer_sp = self._spk(spk, off)
                        att = self._verb_att(r, verb_stance(r.lemma_) or "other", off, ci, self._spk(inner_spk, off),
                                             spans, self._all_quoted(spans), "chain")
                        if outer_sp:
                            att.reported_by.append((outer_sp, self._cue(t, off, stance)))
                        return att, inner_cue
        spk_toks = set(_speaker_tokens(spk))
        toks = [x for x in toks if x not in spk_toks and x is not t]
        # a clause joined to the content that carries its own attribution ("…, while the ministry
        # confirmed that …") is that attribution's, not part of this content
        cue_ids = {c.i for c, _ in cue_tokens}
        cut: set[Any] = set()
        for x in toks:
            if x.i in cue_ids and x.dep_ in ("advcl", "conj", "parataxis") and x.head in toks \
                    and any(c.dep_ == "nsubj" for c in x.children):
                cut.update(x.subtree)
        if cut:
            toks = [x for x in toks if x not in cut]
        spans = _runs(toks, off, text)
        if not spans:
            return None
        # a content made only of a short fragment is noise ("said so", "told him"), and so is a
        # pointer to text elsewhere ("reported the following:")
        words = sum(len(re.findall(r"\w+", text[a:b])) for a, b in spans)
        pointer = len(spans) == 1 and _POINTER.fullmatch(text[spans[0][0]:spans[0][1]].strip(" :."))
        if words < (1 if how == "obj1" else 2) or pointer:
            return None
        sp = self._spk(spk, off)
        whole = self._quote_covering(spans)
        if whole is not None and not self._inside_quote(t, off):
            spans = [whole]
        elif not self._inside_quote(t, off):
            spans = self._quote_opened(spans, off + t.idx) or spans
        return self._verb_att(t, stance, off, ci, sp, spans, self._all_quoted(spans), how), inner_cue


def _reduced_noun(t: Any) -> Any | None:
    for c in t.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i < t.i:
            return c
    return t.head if t.dep_ == "acl" and t.head.pos_ in ("NOUN", "PROPN") else None


def extract(text: str, chunks: list[tuple[int, Any]]) -> tuple[list[Attribution], list[Quote]]:
    b = _Builder(text, chunks)
    return b.run(), b.quotes
