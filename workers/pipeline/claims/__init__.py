"""Claim stage: who asserted what (issue 5).

Assembles ``doc.claims`` from the one shared spaCy parse (``nlp.parsed_chunks``):

1. ``extract`` finds attributions (cue, speaker span, content spans) with the rule table of
   ``rules/`` (dependency rules and quote matching); the cue lexicon is refined by a learned cue
   detector (``cues.py``, trained on PolNeAR train by ``eval/train_cues.py``) and the results by a
   learned attribution filter (``claim_filter.py``, ``eval/train_claim_filter.py``; ``filters.py``);
   what counts is the definition's (``definition.py``: each kept attribution gets its cue class,
   actions, wishes, perception, topic-only mentions and source-less passives are refused), and
   page furniture (``furniture.py``: tweet signatures, embed metadata, captions) is cut out;
2. ``speakers.Resolver`` resolves each speaker (and each ``reported_by`` source) to an entity and
   canonical name — explicit, alias, pronoun or description; ``coref.py`` first re-links one-word
   mentions of a surname several full names share, and ranks he/she antecedents by salience;
3. quantities (``quantities.find_quantities``) and check-worthiness (``checkworthiness.score``)
   are attached — an attributed claim gets the best of its content's score and the scores of the
   sentences it lies in (the model was trained on whole sentences); sentences outside any
   attribution whose check-worthiness passes the threshold (``ClaimOptions.threshold``, default
   0.5) become ``unattributed`` claims (not questions, nor lines ending in a colon, which introduce
   what follows: "X reported the following:").

Internally claims are :class:`records.Claim` records; they are serialised to the document's
JSON (``Claim.to_dict``) at the stage boundary. Claims come out in document order; every offset
indexes ``doc.text``; a claim id is ``<doc id>:c<hash of its spans>`` (stable across runs). The
stage's settings are a :class:`ClaimOptions` (``ClaimStage(options)``); nothing here reads the
environment.
"""

from __future__ import annotations

import hashlib
import re
from typing import Callable

from pydantic import BaseModel, Field

from shared.schemas import Claim as ClaimSchema

from ..document import AnalysisDoc
from ..nlp import parsed_chunks
from ..records import plain
from ..registry import stage
from . import definition
from .checkworthiness import score as _cw_score
from .chunks import ChunkTokens
from .coref import split_shared_surnames
from .extract import Attribution, extract
from .filters import dedupe, drop_nested, keep, kind
from .furniture import cut, furniture_spans, repeat_key, touches
from .nested import inner_quotes
from .options import ClaimOptions
from .quantities import Quantity, quantities_in
from .refusals import without_publication_turns
from .sources import thing_antecedent
from .records import Claim, Reporter, Span, Speaker
from .spans import word_count
from .sentences import Covered, entity_ids, sentence_spans, sentences_over
from .speakers import MentionIndex, Resolver, display_names, entity_mentions

_WORDS = re.compile(r"\w+")


def _score(sentences: list[str]) -> list[float]:
    return [float(min(1.0, max(0.0, x))) for x in _cw_score(sentences)] if sentences else []


def _quantities(text: str, spans: list[Span]) -> list[Quantity]:
    return [q for a, b in spans for q in quantities_in(text, a, b)]


def _claim_id(doc_id: str, spans: list[Span]) -> str:
    key = ",".join(f"{a}-{b}" for a, b in spans)
    return f"{doc_id}:c{hashlib.sha1(key.encode()).hexdigest()[:10]}"


class ClaimStage:
    name = "claims"

    def __init__(self, options: ClaimOptions | None = None,
                 scorer: Callable[[list[str]], list[float]] | None = None) -> None:
        self.options = options or ClaimOptions()
        self._scorer = scorer or _score

    def __call__(self, doc: AnalysisDoc) -> None:
        doc.claims = [c.to_dict() for c in self.claims_for(doc)]

    def claims_for(self, doc: AnalysisDoc) -> list[Claim]:
        text = doc.text
        if not text or not doc.entities_supported and not doc.entities and not _is_english(doc):
            return []
        chunks = parsed_chunks(doc)
        if not chunks:
            return []
        opts = self.options
        atts, quotes = extract(text, chunks, opts)
        atts = dedupe(atts)
        qstarts: list[int] | None = [q.start for q in quotes]
        if any(q2.start < q1.end for q1, q2 in zip(quotes, quotes[1:])):
            qstarts = None   # not sorted disjoint pieces: plain scans
        atts = [a for a in atts if keep(a, text, quotes, qstarts, opts.filter_keep_above)]
        # what counts (definition.py): each kept attribution gets its cue class, the rest go
        atts = definition.apply(atts, text, refuse=opts.definition == "newsflow")
        if opts.definition == "newsflow":   # an interview's questions by the publication itself (refusals.py)
            atts = without_publication_turns(atts, text, (doc.article or {}).get("url"))
        # page furniture is never a claim: tweet signatures, embed metadata, captions are cut out
        furn = furniture_spans(text)
        if furn:
            for a in atts:
                a.content = cut(text, a.content, furn)
            atts = [a for a in atts if word_count(text, a.content) >= (1 if a.how == "answer" else 2)]   # "said yes"
        if opts.drop_nested:
            atts = drop_nested(atts)
        mentions = split_shared_surnames(text, entity_mentions(plain(doc.entities), chunks, text), chunks)
        index = MentionIndex(mentions)
        if opts.drop_nested:   # a quote inside a quote: its own claim, reported by the outer speaker (nested.py)
            atts = sorted(atts + inner_quotes(text, ChunkTokens(chunks), index, atts), key=lambda a: a.content[0][0])
        contents = [sp for a in atts for sp in a.content]
        speakers, reporters = _resolve(atts, Resolver(text, mentions, chunks, index, contents))
        # "They know …" said of algorithms: a thing is no source (sources.py); skipped below
        things = {i for i, a in enumerate(atts) if thing_antecedent(a, speakers[i])} if opts.definition == "newsflow" else set()
        titled = display_names(mentions, text)
        for s in [*speakers.values(), *(r.speaker for rs in reporters.values() for r in rs)]:
            if s and s.entity_id in titled and not s.entity_ids:
                s.name = titled[s.entity_id]
        claims: list[Claim] = []
        covered: list[Span] = []
        for i, a in enumerate(atts):
            if i in things:
                continue
            spans = a.content
            covered.extend(spans)
            covered.append((a.cue.start, a.cue.end))
            claims.append(Claim(_claim_id(doc.id, spans), " ".join(text[s:e] for s, e in spans), list(spans),
                                kind(text, spans, a.direct, quotes, qstarts), speakers[i], a.cue, reporters[i],
                                _quantities(text, spans), entity_ids(index, spans)))
        # unattributed: sentences outside every attribution
        sentences = sentence_spans(text, chunks)
        cov = Covered(covered)
        cands = [(a, b) for a, b in sentences
                 if len(_WORDS.findall(text[a:b])) >= 5 and not text[a:b].endswith(("?", ":"))
                 and not cov.overlaps(a, b) and not touches(furn, a, b)]
        # an attributed claim is scored on its content and on the sentences it lies in (the model
        # reads whole sentences; a content clause alone — "against the war" — loses the evidence)
        starts = [a for a, _ in sentences]
        around = [sentences_over(sentences, starts, c.spans) for c in claims]
        wanted = sorted({k for ks in around for k in ks})
        scores = self._scorer([c.text for c in claims] + [text[a:b] for a, b in cands]
                              + [text[sentences[k][0]:sentences[k][1]] for k in wanted])
        sent_score = dict(zip(wanted, scores[len(claims) + len(cands):]))
        for c, sc, ks in zip(claims, scores, around):
            c.checkworthiness = round(max([sc] + [sent_score[k] for k in ks]), 4)
        threshold = opts.claim_threshold
        for (a, b), sc in zip(cands, scores[len(claims):len(claims) + len(cands)]):
            if sc < threshold:
                continue
            spans = [(a, b)]
            claims.append(Claim(_claim_id(doc.id, spans), text[a:b], spans, "unattributed", None, None, [],
                                _quantities(text, spans), entity_ids(index, spans), round(sc, 4)))
        claims.sort(key=lambda c: (c.spans[0][0], c.spans[0][1]))
        return _once(text, claims)


def _once(text: str, claims: list[Claim]) -> list[Claim]:
    """A caption or pull quote repeating a quote counts once: of the claims with the same words
    (four or more), the first attributed one stays (the first unattributed one when none is)."""
    keys = [repeat_key(text, c.spans) for c in claims]
    first: dict[tuple[str, ...], int] = {}
    for i in sorted(range(len(claims)), key=lambda i: claims[i].kind == "unattributed"):
        if len(keys[i]) >= 4:
            first.setdefault(keys[i], i)
    return [c for i, c in enumerate(claims) if len(keys[i]) < 4 or first[keys[i]] == i]


def _resolve(atts: list[Attribution], resolver: Resolver) -> tuple[dict[int, Speaker | None], dict[int, list[Reporter]]]:
    """Each attribution's speaker and ``reported_by`` sources, resolved in text order of the
    speaker (or cue) so that pronouns see earlier speakers."""
    def at(a: Attribution) -> tuple[int, bool]:   # a quote inside a quote right after its outer speaker
        nested = a.how == "nested" and bool(a.reported_by)
        return (a.reported_by[0][0] if nested else a.speaker or (a.cue.start,))[0], nested
    order = sorted(range(len(atts)), key=lambda i: at(atts[i]))
    speakers: dict[int, Speaker | None] = {}
    reporters: dict[int, list[Reporter]] = {}
    for i in order:
        a = atts[i]
        reps = []
        for sp, cue in a.reported_by:
            r = resolver.resolve(sp)
            if r is not None:
                reps.append(Reporter(r.copy(), cue))
        reporters[i] = reps
        speakers[i] = resolver.resolve(a.speaker, a.speaker_ref, a.cue.lemma, a.content, remember=a.how != "nested")
    return speakers, reporters


def _is_english(doc: AnalysisDoc) -> bool:
    lang = (doc.language or {}).get("code")
    return lang in (None, "en")


class ClaimsOutput(BaseModel):
    claims: list[ClaimSchema] = Field([], description="who asserted what, and check-worthy unattributed sentences, "
                                                      "in document order")


# ClaimOptions field → Settings attribute (NEWSFLOW_CLAIM_THRESHOLD, …; see shared/config.py)
_SETTINGS = {"threshold": "claim_threshold", "nested": "claim_nested", "filter_keep_above": "claim_filter",
             "cue_drop": "cue_drop", "cue_add": "cue_add", "cue_add_other": "cue_add_other", "cue_model": "cues_model",
             "definition": "claim_definition"}


@stage("claims", requires=["text", "language", "entities"], assigns=["claims"], output=ClaimsOutput,
       config=ClaimOptions, settings=_SETTINGS)
def make_claim_stage(options: ClaimOptions) -> ClaimStage:
    return ClaimStage(options)


__all__ = ["ClaimOptions", "ClaimStage"]
