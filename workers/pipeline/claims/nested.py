"""Quotes inside quotes: "“Smith told me ‘we are done’,” Jones said."

The outer quotation is Jones's claim (the rules find it; an attribution whose cue lies inside
another claim's content is dropped, ``NEWSFLOW_CLAIM_NESTED``). The inner one is a claim of its
own: ‘we are done’ is Smith's, as Jones reports it — its speaker is the subject of the speech verb
right before the inner marks (inside the outer quotation: "Smith told me ‘…’", "he said: ‘…’"), and
``reported_by`` is the outer speaker. Who the inner speaker is, is read from inside the quotation:

- "I" / "we" → the outer speaker ("I told them ‘no’," Jones said);
- "he" / "she" / "they" → the nearest person named, or person-role noun ("the minister"), before
  it inside the same quotation; with none the inner claim is not emitted (a he/she in a quote
  refers from the quoted speaker's view, never to whoever the article named last);
- a name or a description → itself, resolved like any speaker.

Only curly single marks ‘…’ (two words or more, not an apostrophe) inside a direct claim count.
"""

from __future__ import annotations

import re
from typing import Any

from .chunks import ChunkTokens
from .contents import _is_cue_verb
from .definition import verb_class
from .mentions import PERSON_LABELS, MentionIndex, role_hints
from .records import Attribution, Cue, Span
from .subjects import _speaker_tokens, _subject

_INNER = re.compile(r"(?<![\w’])‘(?=\w)([^‘]*?)’(?!\w)")     # "that’s" inside: ’ before a letter
_FIRST = {"i", "we"}
_THIRD = {"he", "she", "they"}
_OBJECTS = {"me", "us", "him", "her", "them", "you"}


def _span(toks: list[Any], tokens: ChunkTokens) -> Span:
    a = min(tokens.start_of(t) for t in toks)
    b = max(tokens.start_of(t) + len(t) for t in toks)
    return a, b


def _antecedent(text: str, tokens: ChunkTokens, index: MentionIndex, lo: int, hi: int) -> Span | None:
    """The nearest person mention or person-role noun phrase in ``[lo, hi)``."""
    best: Span | None = None
    for m in index.near(lo, hi):
        if m.label in PERSON_LABELS and lo <= m.start and m.end <= hi:
            best = (m.start, m.end) if best is None or m.start > best[0] else best
    for t in tokens.tokens(lo, hi):
        if t.pos_ == "NOUN" and role_hints(t.lower_) and (best is None or tokens.start_of(t) > best[0]):
            best = _span([x for x in t.subtree if tokens.start_of(x) < hi and x.i <= t.i], tokens)
    return best


def inner_quotes(text: str, tokens: ChunkTokens, index: MentionIndex, atts: list[Attribution]) -> list[Attribution]:
    """The inner quotations of direct attributions as attributions of their own (module docstring)."""
    out: list[Attribution] = []
    for a in atts:
        if not a.direct:
            continue
        for lo, hi in a.content:
            for q in _INNER.finditer(text, lo, hi):
                if len(q.group(1).split()) < 2:
                    continue
                inner = _one(text, tokens, index, a, lo, q.start(), q.end())
                if inner is not None:
                    out.append(inner)
    return out


def _one(text: str, tokens: ChunkTokens, index: MentionIndex, a: Attribution, lo: int, qs: int, qe: int
         ) -> Attribution | None:
    before = [t for t in tokens.tokens(lo, qs) if not t.is_punct and not t.is_space]
    if not before:
        return None
    v = before[-1]
    if v.lower_ in _OBJECTS and len(before) > 1:     # "told me ‘…’" (not "calling these groups ‘…’")
        v = before[-2]
    stance = _is_cue_verb(v)
    subj = _subject(v) if stance else None
    if subj is None or tokens.start_of(subj) < lo or (subj.pos_ == "PRON" and subj.lower_ not in _FIRST | _THIRD):
        return None
    spk = _span(_speaker_tokens(subj), tokens)
    ref: Span | None = None
    if subj.lower_ in _FIRST:
        ref = a.speaker
    elif subj.lower_ in _THIRD:
        ref = _antecedent(text, tokens, index, lo, spk[0])
        if ref is None:
            return None
    if ref is None and subj.lower_ in _FIRST:
        return None
    vs = tokens.start_of(v)
    cue = Cue(vs, vs + len(v), v.text, v.lemma_.lower(), stance, v.tag_, verb_class(v.lemma_.lower()) or "speech")
    reporter = [(a.speaker, a.cue)] if a.speaker is not None else []
    return Attribution(cue, spk, [(qs, qe)], direct=True, reported_by=reporter, speaker_ref=ref,
                       sent_start=a.sent_start, anchor=a.anchor, chunk=a.chunk, how="nested")


__all__ = ["inner_quotes"]
