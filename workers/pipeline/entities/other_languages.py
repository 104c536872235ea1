"""Mentions for French (spaCy ``fr_core_news_sm``), Russian (natasha) and Chinese (jieba POS).

Each backend returns :class:`.spans.Mention` objects in ``doc.text`` offsets for the segments of
its language, with labels mapped to the OntoNotes set (PER→PERSON, ORG→ORG, LOC→GPE; French MISC
is dropped: it mixes nationalities, events and works). Models load lazily, once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from ..document import AnalysisDoc
from ..nlp import language_spans, parsed_chunks, split_long
from .spans import Mention, clean_span

LABELS = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "GPE"}


def _spans(doc: AnalysisDoc, lang: str) -> list[tuple[int, int]]:
    out = []
    for s, e in language_spans(doc, lambda code: code.split("-")[0] == lang):
        out.extend(split_long(doc.text, s, e))
    return out


def _add(text: str, out: list[Mention], start: int, end: int, label: str | None) -> None:
    if label is None:
        return
    cleaned = clean_span(text, start, end)
    if cleaned:
        out.append(Mention(cleaned[0], cleaned[1], label))


def french_mentions(doc: AnalysisDoc) -> list[Mention]:
    out: list[Mention] = []
    for offset, parsed in parsed_chunks(doc, "fr"):
        for ent in parsed.ents:
            _add(doc.text, out, offset + ent.start_char, offset + ent.end_char, LABELS.get(ent.label_))
    return out


@lru_cache(maxsize=1)
def _natasha() -> tuple[Any, Any, Any, Any]:
    """Segmenter, slovnet NER and morphology tagger, and the pymorphy2 vocabulary used to bring
    names to their nominative form ("Москве" → "Москва") so ids do not depend on grammatical case.
    pymorphy2 0.9.1 imports fine on this Python 3.11 build; if it ever fails, names stay as written."""
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    emb = NewsEmbedding()
    try:
        from natasha import MorphVocab

        morph: Any = (NewsMorphTagger(emb), MorphVocab())
    except Exception:  # pragma: no cover - depends on pymorphy2/inspect compatibility
        morph = (None, None)
    return Segmenter(), NewsNERTagger(emb), morph[0], morph[1]


def russian_mentions(doc: AnalysisDoc) -> list[Mention]:
    from natasha import Doc

    segmenter, tagger, morph_tagger, vocab = _natasha()
    out: list[Mention] = []
    for s, e in _spans(doc, "ru"):
        nd = Doc(doc.text[s:e])
        nd.segment(segmenter)
        nd.tag_ner(tagger)
        if morph_tagger is not None and nd.spans:
            nd.tag_morph(morph_tagger)
        for span in nd.spans:
            before = len(out)
            _add(doc.text, out, s + span.start, s + span.stop, LABELS.get(span.type))
            if len(out) > before and vocab is not None and doc.text[out[-1].start:out[-1].end] == span.text:
                try:
                    span.normalize(vocab)
                    if span.normal:
                        out[-1].meta["norm"] = span.normal
                except Exception:  # pragma: no cover - normalisation is best effort
                    pass
    return out


_JIEBA = {"nr": "PERSON", "nrfg": "PERSON", "ns": "GPE", "nt": "ORG"}


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def chinese_mentions(doc: AnalysisDoc) -> list[Mention]:
    posseg = _jieba()
    out: list[Mention] = []
    for s, e in _spans(doc, "zh"):
        pos = s
        for word, flag in posseg.cut(doc.text[s:e]):
            start, pos = pos, pos + len(word)
            if doc.text[start:pos] != word:  # jieba dropped or changed characters: resync
                found = doc.text.find(word, start, e)
                if found < 0:
                    pos = start
                    continue
                start, pos = found, found + len(word)
            if len(word) >= 2:
                _add(doc.text, out, start, pos, _JIEBA.get(flag))
    return out


BACKENDS: dict[str, Callable[[AnalysisDoc], list[Mention]]] = {
    "fr": french_mentions,
    "ru": russian_mentions,
    "zh": chinese_mentions,
}
