"""Claim stage (placeholder)."""

from __future__ import annotations

from ..document import AnalysisDoc


class ClaimStage:
    name = "claims"

    def __call__(self, doc: AnalysisDoc) -> None:
        doc.claims = []
