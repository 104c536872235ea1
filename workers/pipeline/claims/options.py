"""The claim stage's tunable settings, passed in (``ClaimStage(options)``); nothing in claims/
reads the environment. The defaults are the values shipped and measured (PolNeAR train/dev,
CheckThat! dev); the service's ``Settings`` maps its environment variables onto these fields.
The filter and cue thresholds are chosen by transfer, not on PolNeAR dev: ``eval/thresholds_cv.py``
(PolNeAR train cross-validated by article together with the real-news dev gold)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CUE_MODEL_PATH = Path(__file__).with_name("models") / "cues.json"


# the environment variables these fields replaced (read by the service's Settings, not here):
# threshold NEWSFLOW_CLAIM_THRESHOLD, nested NEWSFLOW_CLAIM_NESTED, filter_keep_above
# NEWSFLOW_CLAIM_FILTER, cue_drop NEWSFLOW_CUE_DROP, cue_add NEWSFLOW_CUE_ADD, cue_add_other
# NEWSFLOW_CUE_ADD_OTHER, cue_model NEWSFLOW_CUES_MODEL (empty: the shipped file)


@dataclass(frozen=True)
class ClaimOptions:
    # check-worthiness an unattributed sentence needs to become a claim (clamped to [0, 1])
    threshold: float = 0.5
    # "drop": an attribution whose cue sits inside another attribution's content is dropped;
    # anything else keeps it
    nested: str = "drop"
    # the learned attribution filter (claim_filter.py) keeps attributions at or above this
    filter_keep_above: float = 0.4
    # learned cue detector (cues.py): a lexicon cue is dropped below ``cue_drop``, a verb outside
    # the lexicon becomes a cue above ``cue_add``, a noun/adjective above ``cue_add_other``
    cue_drop: float = 0.15
    cue_add: float = 0.35
    cue_add_other: float = 0.5
    # the cue detector's weights file; "none" disables the detector
    cue_model: str = str(CUE_MODEL_PATH)
    # what counts (definition.py): "newsflow" refuses what the definition excludes; "polnear" keeps
    # those candidates (PolNeAR's broader annotation scheme) with cue class "other"
    definition: str = "newsflow"

    def __post_init__(self) -> None:
        if self.definition not in ("newsflow", "polnear"):
            raise ValueError(f"claim definition must be newsflow or polnear, not {self.definition!r}")

    @property
    def drop_nested(self) -> bool:
        return self.nested == "drop"

    @property
    def claim_threshold(self) -> float:
        return min(1.0, max(0.0, float(self.threshold)))


DEFAULT_OPTIONS = ClaimOptions()

__all__ = ["ClaimOptions", "DEFAULT_OPTIONS", "CUE_MODEL_PATH"]
