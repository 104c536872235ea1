"""Normalisation stage (placeholder: plain text copied, stats counted)."""

from __future__ import annotations

from .document import AnalysisDoc


class NormalizeStage:
    name = "normalize"

    def __call__(self, doc: AnalysisDoc) -> None:
        doc.text = doc.article.get("text") or doc.article.get("html") or ""
        doc.stats = {"chars": len(doc.text), "words": len(doc.text.split()), "sentences": 0}
