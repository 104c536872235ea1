"""The analysis pipeline: normalise → language → entities → claims.

``build_pipeline()`` is the one place the stage order is defined; the worker and
``newsflow analyze`` both call it.
"""

from __future__ import annotations

from .base import Pipeline, Stage
from .document import AnalysisDoc

PIPELINE_VERSION = "1"


def build_pipeline() -> Pipeline:
    from .claims import ClaimStage
    from .entities import EntityStage
    from .language import LanguageStage
    from .normalize import NormalizeStage

    return Pipeline([NormalizeStage(), LanguageStage(), EntityStage(), ClaimStage()], PIPELINE_VERSION)


__all__ = ["AnalysisDoc", "Pipeline", "Stage", "build_pipeline", "PIPELINE_VERSION"]
