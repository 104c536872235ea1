"""Attribution extraction: dependency rules over the one shared spaCy parse.

``extract(text, chunks, options)`` returns :class:`Attribution` records (absolute character
offsets into ``text``), each a cue with its speaker span and content spans, and the quotes found.
The rules are one module per family under ``rules/``, run in the order of ``rules.RULES`` on each
parsed chunk and then ``rules.DOC_RULES`` on the whole document:

- direct quotes attached to an adjacent cue (``rules/direct_quotes.py``);
- reported speech after a cue verb, chains ("A believes X, B said": A's attribution reported by
  B), reduced and agentless passives with no named source (``rules/verb_cues.py``);
- adjective cues ("is optimistic that", ``rules/adjectives.py``) and noun cues owned by a speaker
  ("Trump's claim that", ``rules/nouns.py``);
- "according to X" (``rules/according.py``) and "from his experience, …" (``rules/perspective.py``);
- "<Speaker>: <statement>" lines, dash-signed quotation paragraphs and block quotations
  (``rules/lines.py``).

Who speaks (the cue's subject, the speaker's noun phrase) is in ``subjects.py``; what is said (a
cue's complement, object or clause) in ``contents.py``; quote finding in ``quotes.py``; dash
signatures in ``structure.py``; what the rules share in ``context.py``. This module picks each
chunk's cue tokens (lexicon + learned cue detector), runs the tables and trims the results.
"""

from __future__ import annotations

from typing import Any

from .context import ChunkContext, DocContext
from .contents import _is_cue_verb
from .options import ClaimOptions
from .quotes import Quote
from .records import Attribution, Cue
from .rules import DOC_RULES, RULES
from .sentences import trim
from .spans import clip


def cue_tokens(d: DocContext, ci: int, off: int, sdoc: Any) -> list[tuple[Any, str]]:
    """The chunk's cue tokens with their stance, in token order: lexicon cues the learned detector
    does not veto (below ``options.cue_drop``; one modified by "according to" heads a chain and is
    always kept) and verbs outside the lexicon it picks (above ``options.cue_add``)."""
    opts = d.options
    out: list[tuple[Any, str]] = []
    for t in sdoc:
        st = _is_cue_verb(t)
        if t.pos_ not in ("VERB", "AUX"):
            if st:
                out.append((t, st))
            continue
        p = d.cue_probability(t, off)
        if p is not None:
            d.cue_p[(ci, t.i)] = p
        if p is None:
            if st:
                out.append((t, st))
        elif st and (p >= opts.cue_drop or any(c.lower_ == "according" for c in t.children)):
            out.append((t, st))
        elif not st and p >= opts.cue_add and t.pos_ == "VERB":
            out.append((t, "other"))
            d.learned.add((ci, t.i))
    return out


def according_phrases(d: DocContext, off: int, sdoc: Any) -> dict[int, tuple[tuple[int, int] | None, Cue, Any]]:
    """"according to X" phrases: the token they modify → (X's span, the cue, the "according" token)."""
    text = d.text
    out: dict[int, tuple[tuple[int, int] | None, Cue, Any]] = {}
    for t in sdoc:
        if t.lower_ == "according" and t.i + 1 < len(sdoc) and sdoc[t.i + 1].lower_ == "to":
            to = sdoc[t.i + 1]
            pobj = [c for c in to.children if c.dep_ == "pobj"] or [c for c in t.children if c.dep_ == "pobj"]
            if not pobj:
                continue
            sp = d.spk(pobj[0], off)
            cue = Cue(off + t.idx, off + to.idx + len(to), text[off + t.idx: off + to.idx + len(to)], "according to", "report")
            out[t.head.i] = (sp, cue, t)
    return out


_QUOTING = frozenset("say tell add write state explain".split())


def _quoting_frame(t: Any) -> tuple[Any, Any] | None:
    """"Interfax quoted Lebed as saying …", "the agency quoted officials saying …": the quoting verb
    and the speech verb of the frame cue ``t`` is either of, or None."""
    if t.lemma_.lower() == "quote":
        for c in t.children:
            v = next((g for g in c.children if g.dep_ in ("pcomp", "pobj")), None) if c.dep_ == "prep" \
                and c.lower_ == "as" else c if c.dep_ in ("advcl", "xcomp") else None
            if v is not None and v.tag_ == "VBG" and v.lemma_.lower() in _QUOTING:
                return t, v
        return None
    if t.tag_ == "VBG" and t.lemma_.lower() in _QUOTING:
        q = t.head.head if t.dep_ in ("pcomp", "pobj") and t.head.lower_ == "as" else t.head if t.dep_ in ("advcl", "xcomp") else None
        if q is not None and q.lemma_.lower() == "quote" and q.i != t.i:
            return q, t
    return None


def _quoted_speakers(d: DocContext, found: list[Attribution]) -> None:
    """"X quoted Y as saying …": Y speaks and X reports it. The rules give the frame's subject as
    the speaker (of "quoted", or of "saying" climbed to it); the quoted object becomes the speaker,
    "saying" its cue, and the subject with "quoted" the first ``reported_by`` (a passive "Y was
    quoted as saying" already has Y)."""
    for a in found:
        if a.chunk < 0 or a.anchor < 0 or a.speaker is None:
            continue
        off, sdoc = d.chunks[a.chunk]
        if a.anchor >= len(sdoc) or off + sdoc[a.anchor].idx != a.cue.start:
            continue
        frame = _quoting_frame(sdoc[a.anchor])
        if frame is None:
            continue
        q, v = frame
        obj = next((c for c in q.children if c.dep_ == "dobj"), None)
        if obj is None or obj.i > v.i:
            continue
        sp = d.spk(obj, off)
        if sp is None or any(c0 < sp[1] and sp[0] < c1 for c0, c1 in a.content):
            continue   # the content is the quoted one ("quoted Lebed"), no statement: left as it is
        a.reported_by.insert(0, (a.speaker, d.cue(q, off, "report")))
        a.speaker, a.cue = sp, d.cue(v, off, a.cue.stance)
        a.anchor = v.i
        # the content the parse gave "quoted" starts with "saying": what was said starts after it
        a.content = [trim(d.text, a.cue.end, c1) if c0 <= a.cue.start < c1 else (c0, c1)
                     for c0, c1 in a.content if not (a.cue.start <= c0 and c1 <= a.cue.end)]


def _trim(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """Speaker, content and reporter spans clipped to the cue's line and trimmed; attributions
    left without content dropped; the rest in order of their content."""
    text = d.text
    out = []
    for a in found:
        lo = text.rfind("\n", 0, a.cue.start) + 1
        hi = text.find("\n", a.cue.end)
        hi = len(text) if hi == -1 else hi
        if a.speaker is not None:
            a.speaker_ref = d.refs.get(a.speaker)
            a.spk_kind = d.spk_kinds.get(a.speaker, "other")
            a.spk_lemma = d.spk_lemmas.get(a.speaker, "")
            a.speaker = clip(text, a.speaker, lo, hi)
        if not a.direct and a.how not in ("block", "viewof", "pointback"):   # a block quotation is the next
            # paragraph, "That is the view of X" and "That's according to X" point at the one before
            a.content = [c for c in (clip(text, sp, lo, hi) for sp in a.content) if c]
        a.reported_by = [(r, c) for r, c in ((clip(text, r, lo, hi), c) for r, c in a.reported_by) if r]
        if a.content:
            out.append(a)
    out.sort(key=lambda a: a.content[0][0])
    return out


def extract(text: str, chunks: list[tuple[int, Any]],
            options: ClaimOptions | None = None) -> tuple[list[Attribution], list[Quote]]:
    d = DocContext(text, chunks, options)
    found: list[Attribution] = []
    for ci, (off, sdoc) in enumerate(chunks):
        # the shared context is built before any rule runs (speaker spans of "according to X" first)
        c = ChunkContext(d, ci, off, sdoc, cue_tokens(d, ci, off, sdoc), {})
        c.according = according_phrases(d, off, sdoc)
        for rule in RULES:
            new = rule(c)
            c.found.extend(new)
            found.extend(new)
    for doc_rule in DOC_RULES:
        found.extend(doc_rule(d, found))
    _quoted_speakers(d, found)
    return _trim(d, found), d.quotes


__all__ = ["Attribution", "Cue", "according_phrases", "cue_tokens", "extract"]
