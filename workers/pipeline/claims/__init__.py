"""Claim stage: who asserted what (issue 5).

Assembles ``doc.claims`` from the one shared spaCy parse (``nlp.parsed_chunks``):

1. ``extract`` finds attributions (cue, speaker span, content spans) with dependency rules and
   quote matching; the cue lexicon is refined by a learned cue detector (``cues.py``, trained
   on PolNeAR train by ``eval/train_cues.py``) and the results by a learned attribution filter
   (``claim_filter.py``, ``eval/train_claim_filter.py``);
2. ``speakers.Resolver`` resolves each speaker (and each ``reported_by`` source) to an entity and
   canonical name — explicit, alias, pronoun or description;
3. quantities (``quantities.find_quantities``) and check-worthiness (``checkworthiness.score``)
   are attached — an attributed claim gets the best of its content's score and the scores of the
   sentences it lies in (the model was trained on whole sentences); sentences outside any
   attribution whose check-worthiness passes the threshold (``NEWSFLOW_CLAIM_THRESHOLD``, default
   0.5) become ``unattributed`` claims (not questions, nor lines ending in a colon, which introduce
   what follows: "X reported the following:").

Claims come out in document order; every offset indexes ``doc.text``; a claim id is
``<doc id>:c<hash of its spans>`` (stable across runs).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from typing import Any, Callable

from pydantic import BaseModel, Field

from shared.schemas import Claim

from ..document import AnalysisDoc
from ..nlp import parsed_chunks
from ..records import plain
from ..registry import stage
from .claim_filter import KEEP_ABOVE, keep_probability
from .extract import Attribution, Cue, extract
from .quotes import Quote
from .speakers import MentionIndex, Resolver, display_names, entity_mentions

from .checkworthiness import score as _cw_score
from .checkworthiness import threshold_from_env
from .quantities import find_quantities as _find_quantities

_WORDS = re.compile(r"\w+")


def _score(sentences: list[str]) -> list[float]:
    return [float(min(1.0, max(0.0, x))) for x in _cw_score(sentences)] if sentences else []


def _quantities(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    return [q for a, b in spans for q in _find_quantities(text, a, b)]


def _drop_nested(atts: list[Attribution]) -> list[Attribution]:
    """Drop an attribution whose cue sits inside another attribution's content.

    Point-in-interval queries against all content spans, O(n log n): spans sorted by start with
    prefix maxima of their end (the best end and the best end of a *different* attribution, so
    an attribution's own spans can be excluded)."""
    spans = sorted((s, e, i) for i, b in enumerate(atts) for s, e in b.content if e > s)
    starts = [s for s, _, _ in spans]
    best: list[tuple[int, int]] = []     # (end, owner) of the largest end so far
    second: list[int] = []               # largest end so far among owners other than best's
    b1, o1, b2 = -1, -1, -1
    for _, e, i in spans:
        if e > b1:
            if i != o1:
                b2 = b1
            b1, o1 = e, i
        elif i != o1 and e > b2:
            b2 = e
        best.append((b1, o1))
        second.append(b2)
    out = []
    for i, a in enumerate(atts):
        p = a.cue.start
        k = bisect.bisect_right(starts, p) - 1
        inside = False
        if k >= 0:
            e1, owner = best[k]
            inside = e1 > p if owner != i else second[k] > p
        if not inside:
            out.append(a)
    return out


def _quote_overlaps(quotes: list[Quote], qstarts: list[int], a: int, b: int) -> list[Quote]:
    """Quotes overlapping ``[a, b)`` (quotes are sorted, disjoint pieces, as ``find_quotes`` makes them)."""
    k = max(0, bisect.bisect_right(qstarts, a) - 1)
    out = []
    while k < len(quotes) and quotes[k].start < b:
        if quotes[k].end > a:
            out.append(quotes[k])
        k += 1
    return out


# first-person "I think" / "we guess": hedges, not attributions (PolNeAR train, 150 articles:
# 0.29 precision, against 0.97 for "I said"). "I/we know" (0.20 on train) is left to the filter:
# dropping it cost recall on dev
_HEDGE_CUES = {"think", "guess"}
_HEDGE_SPEAKERS = {"i", "we", "you"}


def _hedge(a: Attribution, text: str) -> bool:
    return (a.speaker is not None and a.cue.lemma in _HEDGE_CUES
            and text[a.speaker[0]:a.speaker[1]].lower() in _HEDGE_SPEAKERS)


def _wraps_label(a: Attribution, q: Quote) -> bool:
    """A quote mark opening right before a line's speaker label (a transcript quoted turn by turn:
    ``"PENCE: Well, …``) wraps the turn; the label's colon is not speech inside a quote."""
    return a.how == "colon" and a.speaker is not None and q.start + q.open_len == a.speaker[0]


def cue_in_quote(a: Attribution, quotes: list[Quote], qstarts: list[int] | None = None) -> bool:
    """Is the cue inside a quote (the filter's ``in_quote``)? A quote wrapping a transcript turn's
    label does not count (``_wraps_label``). ``qstarts``: the quotes' starts when they are sorted,
    disjoint pieces (bisect), else None (plain scan). Training uses this same definition."""
    cands = quotes if qstarts is None else _quote_overlaps(quotes, qstarts, a.cue.start, a.cue.start + 1)
    return any(q.start <= a.cue.start < q.end and not _wraps_label(a, q) for q in cands)


def _keep(a: Attribution, text: str, quotes: list[Quote], qstarts: list[int] | None = None) -> bool:
    """The learned attribution filter (claim_filter.py); kept when no model ships. First-person
    hedges ("I think", "we guess") are never kept."""
    if _hedge(a, text):
        return False
    p = keep_probability(a, text, cue_in_quote(a, quotes, qstarts))
    return p is None or p >= KEEP_ABOVE


def _cue_dict(c: Cue | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"text": c.text, "start": c.start, "end": c.end, "lemma": c.lemma, "stance": c.stance}


def _kind(text: str, spans: list[tuple[int, int]], direct: bool, quotes: list[Quote],
          qstarts: list[int] | None = None) -> str:
    if direct:
        return "direct"
    for a, b in spans:
        for q in (quotes if qstarts is None else _quote_overlaps(quotes, qstarts, a, b)):
            if q.start < b and q.end > a and q.words(text) >= 1:
                return "mixed"
    return "indirect"


def _claim_id(doc_id: str, spans: list[tuple[int, int]]) -> str:
    key = ",".join(f"{a}-{b}" for a, b in spans)
    return f"{doc_id}:c{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def _dedupe(atts: list[Attribution]) -> list[Attribution]:
    """Drop exact duplicates (same content spans found by two rules); nested attributions
    ("he said she believes X") are both kept, as annotators mark both."""
    out: list[Attribution] = []
    seen: set[tuple[tuple[int, int], ...]] = set()
    for a in atts:
        key = tuple(a.content)
        if key in seen:
            continue
        seen.add(key)
        out.append(a)
    return out


class ClaimStage:
    name = "claims"

    def __init__(self, scorer: Callable[[list[str]], list[float]] | None = None,
                 options: dict[str, Any] | None = None) -> None:
        self._scorer = scorer or _score
        # the claim options from Settings (ClaimsConfig below); the claim modules still read the
        # same environment variables themselves until they take these
        self.options = dict(options or {})

    def __call__(self, doc: AnalysisDoc) -> None:
        doc.claims = self.claims_for(doc)

    def claims_for(self, doc: AnalysisDoc) -> list[dict[str, Any]]:
        text = doc.text
        if not text or not doc.entities_supported and not doc.entities and not _is_english(doc):
            return []
        chunks = parsed_chunks(doc)
        if not chunks:
            return []
        atts, quotes = extract(text, chunks)
        atts = _dedupe(atts)
        qstarts = [q.start for q in quotes]
        if any(q2.start < q1.end for q1, q2 in zip(quotes, quotes[1:])):
            qstarts = None   # not sorted disjoint pieces: plain scans
        atts = [a for a in atts if _keep(a, text, quotes, qstarts)]
        if os.environ.get("NEWSFLOW_CLAIM_NESTED", "drop") == "drop":
            atts = _drop_nested(atts)
        mentions = entity_mentions(plain(doc.entities), chunks, text)
        index = MentionIndex(mentions)
        resolver = Resolver(text, mentions, chunks, index)
        claims: list[dict[str, Any]] = []
        # resolve in text order of the speaker/cue so pronouns see earlier speakers
        order = sorted(range(len(atts)), key=lambda i: (atts[i].speaker or (atts[i].cue.start,))[0])
        speakers: dict[int, dict[str, Any] | None] = {}
        reporters: dict[int, list[dict[str, Any]]] = {}
        for i in order:
            a = atts[i]
            reps = []
            for sp, cue in a.reported_by:
                r = resolver.resolve(sp)
                if r is not None:
                    rep = {"name": r["name"], "text": r["text"], "start": r["start"], "end": r["end"],
                           "resolution": r["resolution"], "cue": _cue_dict(cue)}
                    if r.get("entity_id"):
                        rep["entity_id"] = r["entity_id"]
                    if r.get("entity_ids"):
                        rep["entity_ids"] = r["entity_ids"]
                    reps.append(rep)
            reporters[i] = reps
            speakers[i] = resolver.resolve(a.speaker, a.speaker_ref)
        titled = display_names(mentions, text)
        for d in [*speakers.values(), *(r for rs in reporters.values() for r in rs)]:
            if d and d.get("entity_id") in titled and not d.get("entity_ids"):
                d["name"] = titled[d["entity_id"]]
        covered: list[tuple[int, int]] = []
        for i, a in enumerate(atts):
            spans = a.content
            covered.extend(spans)
            covered.append((a.cue.start, a.cue.end))
            claims.append({
                "id": _claim_id(doc.id, spans),
                "text": " ".join(text[s:e] for s, e in spans),
                "spans": [{"start": s, "end": e} for s, e in spans],
                "kind": _kind(text, spans, a.direct, quotes, qstarts),
                "speaker": speakers[i],
                "cue": _cue_dict(a.cue),
                "reported_by": reporters[i],
                "quantities": _quantities(text, spans),
                "entity_ids": _entity_ids(index, spans),
                "checkworthiness": 0.0,
            })
        # unattributed: sentences outside every attribution
        sentences = _sentence_spans(text, chunks)
        cov = _Covered(covered)
        cands = [(a, b) for a, b in sentences
                 if len(_WORDS.findall(text[a:b])) >= 5 and not text[a:b].endswith(("?", ":"))
                 and not cov.overlaps(a, b)]
        # an attributed claim is scored on its content and on the sentences it lies in (the model
        # reads whole sentences; a content clause alone — "against the war" — loses the evidence)
        starts = [a for a, _ in sentences]
        around = [_sentences_over(sentences, starts, c["spans"]) for c in claims]
        wanted = sorted({k for ks in around for k in ks})
        scores = self._scorer([c["text"] for c in claims] + [text[a:b] for a, b in cands]
                              + [text[sentences[k][0]:sentences[k][1]] for k in wanted])
        sent_score = dict(zip(wanted, scores[len(claims) + len(cands):]))
        for c, sc, ks in zip(claims, scores, around):
            c["checkworthiness"] = round(max([sc] + [sent_score[k] for k in ks]), 4)
        threshold = threshold_from_env()
        for (a, b), sc in zip(cands, scores[len(claims):len(claims) + len(cands)]):
            if sc < threshold:
                continue
            spans = [(a, b)]
            claims.append({
                "id": _claim_id(doc.id, spans), "text": text[a:b], "spans": [{"start": a, "end": b}],
                "kind": "unattributed", "speaker": None, "cue": None, "reported_by": [],
                "quantities": _quantities(text, spans), "entity_ids": _entity_ids(index, spans),
                "checkworthiness": round(sc, 4),
            })
        claims.sort(key=lambda c: (c["spans"][0]["start"], c["spans"][0]["end"]))
        return claims


def _sentence_spans(text: str, chunks: list[tuple[int, Any]]) -> list[tuple[int, int]]:
    """The parsed sentences as trimmed, non-empty ``(start, end)`` ranges in text order; a parsed
    sentence running over a line break (headline + body) gives one range per line."""
    out: list[tuple[int, int]] = []
    for off, sdoc in chunks:
        for s in sdoc.sents:
            s0, s1 = off + s.start_char, off + s.end_char
            for line in re.finditer(r"[^\n]+", text[s0:s1]):
                a, b = _trim(text, s0 + line.start(), s0 + line.end())
                if b > a:
                    out.append((a, b))
    return out


def _sentences_over(sentences: list[tuple[int, int]], starts: list[int], spans: list[dict[str, int]]) -> list[int]:
    """Indexes of the sentences overlapping any of ``spans`` (sentences sorted and disjoint)."""
    out: list[int] = []
    for sp in spans:
        a, b = sp["start"], sp["end"]
        k = max(0, bisect.bisect_right(starts, a) - 1)
        while k < len(sentences) and sentences[k][0] < b:
            if sentences[k][1] > a and k not in out:
                out.append(k)
            k += 1
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _entity_ids(index: MentionIndex, spans: list[tuple[int, int]]) -> list[str]:
    """Entity ids of the mentions overlapping ``spans``, in mention order (looked up by offset)."""
    out: list[str] = []
    if not spans:
        return out
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    for m in index.near(lo, hi):
        if m.entity_id and m.entity_id not in out and any(m.start < e and m.end > s for s, e in spans):
            out.append(m.entity_id)
    return out


class _Covered:
    """Does ``[a, b)`` overlap any of the covered spans? Sorted starts + prefix max of ends."""

    def __init__(self, spans: list[tuple[int, int]]):
        ordered = sorted((s, e) for s, e in spans if e > s)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[int] = []
        m = -1
        for _, e in ordered:
            m = max(m, e)
            self.max_end.append(m)

    def overlaps(self, a: int, b: int) -> bool:
        if b <= a:
            return False
        k = bisect.bisect_left(self.starts, b) - 1   # spans starting before b
        return k >= 0 and self.max_end[k] > a


def _is_english(doc: AnalysisDoc) -> bool:
    lang = (doc.language or {}).get("code")
    return lang in (None, "en")


class ClaimsConfig(BaseModel):
    threshold: float = 0.5      # NEWSFLOW_CLAIM_THRESHOLD: check-worthiness of an unattributed claim
    nested: str = "drop"        # NEWSFLOW_CLAIM_NESTED
    filter: float = 0.4         # NEWSFLOW_CLAIM_FILTER: the attribution filter's keep threshold
    cue_drop: float = 0.15      # NEWSFLOW_CUE_DROP
    cue_add: float = 0.35       # NEWSFLOW_CUE_ADD
    cue_add_other: float = 0.5  # NEWSFLOW_CUE_ADD_OTHER
    cues_model: str = ""        # NEWSFLOW_CUES_MODEL ("" = the shipped weights)


class ClaimsOutput(BaseModel):
    claims: list[Claim] = Field([], description="who asserted what, and check-worthy unattributed sentences, "
                                                "in document order")


@stage("claims", requires=["text", "language", "entities"], assigns=["claims"], output=ClaimsOutput,
       config=ClaimsConfig, settings={f: f if f.startswith("cue") else f"claim_{f}" for f in ClaimsConfig.model_fields})
def make_claim_stage(config: ClaimsConfig) -> ClaimStage:
    return ClaimStage(options=config.model_dump())


__all__ = ["ClaimStage"]
