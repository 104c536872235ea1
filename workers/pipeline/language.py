"""Language stage (placeholder)."""

from __future__ import annotations

from .document import AnalysisDoc


class LanguageStage:
    name = "language"

    def __call__(self, doc: AnalysisDoc) -> None:
        doc.language = {"code": "en", "name": "English", "confidence": 0.0, "script": "Latn", "reliable": False,
                        "segments": [{"start": 0, "end": len(doc.text), "code": "en", "confidence": 0.0}],
                        "languages": [{"code": "en", "share": 1.0}], "hint": doc.article.get("language")}
