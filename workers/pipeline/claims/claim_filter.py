"""Attribution filter: how likely is an extracted attribution to be a real one?

A logistic regression over features of the whole attribution — which rule found it, the cue lemma
and stance, the speaker's kind, content length, quoting — trained by
``eval/train_claim_filter.py`` on PolNeAR train (label: the attribution matches a gold one) and
shipped as ``models/claim_filter.json``. The claim stage drops attributions whose probability is
below :data:`KEEP_ABOVE`. No model file → everything is kept.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .weights import load_weights, probability

MODEL_PATH = Path(__file__).with_name("models") / "claim_filter.json"
_MODEL_FILE = str(MODEL_PATH)
KEEP_ABOVE = float(os.environ.get("NEWSFLOW_CLAIM_FILTER", "0.3"))
_WORD = re.compile(r"\w+")


def _bucket(n: int) -> str:
    for lim in (1, 2, 5, 10, 20, 40):
        if n <= lim:
            return str(lim)
    return "more"


def features(a: Any, text: str, in_quote: bool) -> list[str]:
    words = sum(len(_WORD.findall(text[s:e])) for s, e in a.content)
    lem = a.cue.lemma
    f = [f"how={a.how}", f"lem={lem}", f"lh={lem}|{a.how}", f"st={a.cue.stance}", f"dir={a.direct}",
         f"spk={a.spk_kind if a.speaker else 'none'}", f"ls={lem}|{a.spk_kind if a.speaker else 'none'}",
         f"w={_bucket(words)}", f"hw={a.how}|{_bucket(words)}", f"nsp={min(len(a.content), 3)}",
         f"q={in_quote}", f"hq={a.how}|{in_quote}", f"rb={bool(a.reported_by)}"]
    # the learned cue probability is left out on purpose: the cue model was fitted on the same
    # PolNeAR train articles, so its scores there are over-confident
    return f


def keep_probability(a: Any, text: str, in_quote: bool) -> float | None:
    w = load_weights(_MODEL_FILE)
    return None if w is None else probability(w, features(a, text, in_quote))
