"""Entity stage: typed, canonical, cross-document-stable entities with exact offsets.

Output on the document::

    entities = [{id, text, label, mentions: [{start, end, text}], count, salience, aliases}]

sorted by salience (descending). ``id`` is ``"<kind>:<slug of canonical name>"`` (kind = person,
org, place (GPE and LOC), norp, fac, event, …) and is the same for the same real entity in every
document (:mod:`.canonical`); ``aliases`` are the slugs of the
other forms seen in this document ("rusi", "thae"), for cross-document linking. Labels are the
OntoNotes named-entity labels (PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW,
LANGUAGE); numeric ones (DATE, CARDINAL, MONEY …) are not entities here.

Language routing (from ``doc.language["segments"]``): English segments go through the shared
spaCy parse (:mod:`..nlp`) and :mod:`.english`; French, Russian and Chinese segments through
:mod:`.other_languages`. Text in other languages is never run through a model:
``entities_supported`` is ``False`` when the document's main language has no backend.

Modules: :mod:`.spans` (span clean-up), :mod:`.english` (English mentions + document rules),
:mod:`.person_names` (titles, headline fragments, epithets, non-person heads in PERSON spans),
:mod:`.other_languages`, :mod:`.merge` (canonical grouping), :mod:`.surnames` (two people with one
surname), :mod:`.canonical` (ids, aliases),
:mod:`.salience`.
"""

from __future__ import annotations

from typing import Sequence

from ..document import AnalysisDoc
from ..nlp import parsed_chunks, prepare
from ..registry import stage
from .english import english_mentions
from .merge import merge
from .other_languages import BACKENDS
from .records import EntitiesOutput, Entity, EntityMention
from .salience import score
from .spans import Mention

SUPPORTED = frozenset({"en", *BACKENDS})


def _codes(doc: AnalysisDoc) -> set[str]:
    segments = doc.language.segments if doc.language is not None else []
    if not segments:
        return {"en"}
    return {str(s.code or "").split("-")[0] for s in segments if s.end > s.start}


def main_language(doc: AnalysisDoc) -> str:
    code = doc.language.code if doc.language is not None else None
    if code:
        return str(code).split("-")[0]
    return "en"


class EntityStage:
    name = "entities"

    def __call__(self, doc: AnalysisDoc) -> None:
        codes = _codes(doc)
        mentions: list[Mention] = []
        if "en" in codes:
            mentions += english_mentions(doc)
        for code, backend in BACKENDS.items():
            if code in codes:
                mentions += backend(doc)
        entities = merge(doc.text, mentions, parsed_chunks(doc) if "en" in codes else ())
        score(entities, doc.text, doc.title)
        doc.entities = entities
        doc.entities_supported = main_language(doc) in SUPPORTED or bool(codes & SUPPORTED)

    def pipe(self, docs: Sequence[AnalysisDoc]) -> None:
        """Batch: one ``nlp.pipe`` stream per spaCy language, then the per-document rules."""
        prepare(docs, "en")
        prepare([d for d in docs if "fr" in _codes(d)], "fr")
        for doc in docs:
            self(doc)


@stage("entities", requires=["text", "language"], assigns=["entities", "entities_supported"],
       output=EntitiesOutput)
def make_entity_stage() -> EntityStage:
    return EntityStage()


__all__ = ["EntityStage", "Entity", "EntityMention", "EntitiesOutput", "main_language"]
