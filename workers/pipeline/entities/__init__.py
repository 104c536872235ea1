"""Entity stage (placeholder)."""

from __future__ import annotations

from ..document import AnalysisDoc


class EntityStage:
    name = "entities"

    def __call__(self, doc: AnalysisDoc) -> None:
        doc.entities = []
