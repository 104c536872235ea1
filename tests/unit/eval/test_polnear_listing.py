"""The spurious-claim listing of eval/attribution_polnear.py (a script, loaded by path)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[3] / "eval" / "attribution_polnear.py"
_spec = importlib.util.spec_from_file_location("attribution_polnear", _PATH)
pn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pn)


def test_sentence_around_a_claim_with_no_sentence_start_before_it():
    text = "Like them or not, those four spielers demonstrated that it helps to have had some training. Next one."
    start = text.index("it helps")
    assert pn.sentence_around(text, [(start, start + 20)]) == \
        "Like them or not, those four spielers demonstrated that it helps to have had some training."


def test_sentence_around_starts_after_the_last_sentence_end_before_the_claim():
    text = "First sentence here. Second one says that the claim is here. Third."
    start = text.index("the claim")
    assert pn.sentence_around(text, [(start, start + 9)]) == "Second one says that the claim is here."
