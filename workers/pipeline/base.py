"""The pipeline mechanism: an ordered list of small stages over one :class:`AnalysisDoc`.

A stage is any object with a ``name`` and ``__call__(doc)`` that fills its part of the document
(or returns its output model, which is stored on the document). Stages are declared with
:func:`.registry.stage` and chosen by settings (:func:`.registry.build_pipeline`). A stage may also offer ``pipe(docs) -> None`` to process several documents at once (used by
``newsflow analyze`` and batched workers); the default is one call per document. Stages never
talk to Redis, and the worker and ``newsflow analyze`` run the very same :class:`Pipeline`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Iterable, Protocol, Sequence

from pydantic import BaseModel

from shared.ids import article_id

from .document import AnalysisDoc
from .records import plain

# The stage fields of a document when the pipeline is built without a registry (the built-ins).
DEFAULT_OUTPUTS = ("stats", "extraction", "language", "entities", "entities_supported", "claims")


class Stage(Protocol):
    name: str

    def __call__(self, doc: AnalysisDoc) -> BaseModel | None: ...


class Pipeline:
    def __init__(self, stages: Sequence[Stage], version: str, outputs: Sequence[str] | None = None) -> None:
        self.stages = list(stages)
        self.version = version
        self.outputs = list(DEFAULT_OUTPUTS if outputs is None else outputs)  # stage fields of a document
        self.failed_stage: str | None = None  # the stage that raised in the last run (error reports)

    def run(self, article: dict[str, Any], doc_id: str | None = None) -> dict[str, Any]:
        """Analyse one article; return the document (without queue/status fields)."""
        return self.run_many([article], [doc_id] if doc_id else None)[0]

    def run_many(self, articles: Sequence[dict[str, Any]], ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Analyse several articles, letting stages batch their work; results in input order."""
        docs = [
            AnalysisDoc(id=(ids[i] if ids else article_id(a)), article=a, title=a.get("title"))
            for i, a in enumerate(articles)
        ]
        self.failed_stage = None
        for stage in self.stages:
            self.failed_stage = stage.name
            start = time.perf_counter()
            pipe = getattr(stage, "pipe", None)
            if pipe is not None and len(docs) > 1:
                pipe(docs)
                per_doc = (time.perf_counter() - start) * 1000 / len(docs)
                for d in docs:
                    d.timings_ms[stage.name] = round(per_doc, 3)
            else:
                for d in docs:
                    t0 = time.perf_counter()
                    out = stage(d)
                    if isinstance(out, BaseModel):
                        d.set_output(out)
                    d.timings_ms[stage.name] = round((time.perf_counter() - t0) * 1000, 3)
        self.failed_stage = None
        return [self.to_document(d) for d in docs]

    def to_document(self, doc: AnalysisDoc) -> dict[str, Any]:
        a = doc.article
        document = {
            "id": doc.id,
            "external_id": a.get("external_id"),
            "url": a.get("url"),
            "title": doc.title,
            "source": a.get("source"),
            "published_at": a.get("published_at") or (doc.page or {}).get("published_at"),  # the client's wins
            "metadata": a.get("metadata") or {},
            "language_hint": a.get("language"),
            "processed_at": datetime.now(timezone.utc).isoformat(),
            "pipeline_version": self.version,
            "text": doc.text,
            "timings_ms": doc.timings_ms,
        }
        for name in self.outputs:  # the enabled stages' output fields, serialised; None = absent
            value = doc.get_output(name)
            if value is not None:
                document[name] = plain(value)
        return document


def iter_chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
