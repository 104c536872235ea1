"""The pipeline mechanism: an ordered list of small stages over one :class:`AnalysisDoc`.

A stage is any object with a ``name`` and ``__call__(doc) -> None`` that fills its part of the
document. It may also offer ``pipe(docs) -> None`` to process several documents at once (used by
``newsflow analyze`` and batched workers); the default is one call per document. Stages never
talk to Redis, and the worker and ``newsflow analyze`` run the very same :class:`Pipeline`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Iterable, Protocol, Sequence

from shared.ids import article_id

from .document import AnalysisDoc


class Stage(Protocol):
    name: str

    def __call__(self, doc: AnalysisDoc) -> None: ...


class Pipeline:
    def __init__(self, stages: Sequence[Stage], version: str) -> None:
        self.stages = list(stages)
        self.version = version

    def run(self, article: dict[str, Any], doc_id: str | None = None) -> dict[str, Any]:
        """Analyse one article; return the document (without queue/status fields)."""
        return self.run_many([article], [doc_id] if doc_id else None)[0]

    def run_many(self, articles: Sequence[dict[str, Any]], ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Analyse several articles, letting stages batch their work; results in input order."""
        docs = [
            AnalysisDoc(id=(ids[i] if ids else article_id(a)), article=a, title=a.get("title"))
            for i, a in enumerate(articles)
        ]
        for stage in self.stages:
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
                    stage(d)
                    d.timings_ms[stage.name] = round((time.perf_counter() - t0) * 1000, 3)
        return [self.to_document(d) for d in docs]

    def to_document(self, doc: AnalysisDoc) -> dict[str, Any]:
        a = doc.article
        return {
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
            "stats": doc.stats,
            "extraction": doc.extraction,
            **({"page": doc.page} if doc.page is not None else {}),
            "language": doc.language,
            "entities": doc.entities,
            "entities_supported": doc.entities_supported,
            "claims": doc.claims,
            "timings_ms": doc.timings_ms,
        }


def iter_chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
