"""The analysis pipeline: by default normalise → language → entities → claims.

Each stage declares itself where it is defined (:func:`.registry.stage`: name, requires, assigns,
output model, options); :func:`build_pipeline` takes the order and the options from
:class:`shared.config.Settings` (``NEWSFLOW_STAGES`` …). The worker and ``newsflow analyze`` both
call it.
"""

from __future__ import annotations

PIPELINE_VERSION = "1"

from .base import Pipeline, Stage  # noqa: E402
from .document import AnalysisDoc  # noqa: E402
from .registry import PipelineConfigError, build_pipeline, stage  # noqa: E402

__all__ = ["AnalysisDoc", "Pipeline", "PipelineConfigError", "Stage", "build_pipeline", "stage", "PIPELINE_VERSION"]
