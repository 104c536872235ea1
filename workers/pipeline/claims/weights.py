"""The claim stage's small linear models: feature → weight JSON files, loaded once per process."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Iterable


@functools.lru_cache(maxsize=None)
def load_weights(path: str) -> dict[str, float] | None:
    """The ``weights`` of a model file; ``None`` for the path ``"none"`` or an unreadable file."""
    if path == "none":
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["weights"]
    except (OSError, ValueError, KeyError):
        return None


def probability(weights: dict[str, float], features: Iterable[str]) -> float:
    """Logistic regression over binary features: sigmoid(bias + sum of the features' weights)."""
    z = weights.get("__bias__", 0.0) + sum(weights.get(x, 0.0) for x in features)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
