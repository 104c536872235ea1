"""A second pass of the page audit (issue 17, "What counts"; ``claims/refusals.py``,
``claims/definition.py``): a creative work written, a thing that admits or takes a
side through a relative pronoun or as a passive's agent — on sentences written here, through
``build_pipeline()``; and next to each, the attribution that stays."""

from __future__ import annotations

import pytest
from claim_texts import attributed, cues

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("text, cue", [
    ("As a teenager she wrote two short stories about the harbour.", "write"),
    ("My grandfather wrote a song for every one of his grandchildren.", "write"),
    ("It is a compromise that quietly acknowledges the limits of the budget.", "acknowledge"),
    ("The new trail map is backed by cheap cardboard.", "back"),
])
def test_no_claim(pipeline, text, cue):
    assert cue not in cues(pipeline, text), attributed(pipeline, text)


@pytest.mark.parametrize("text, cue", [
    ("The senator wrote that the harbour would close before the winter.", "write"),
    ("She joined a small charity that openly acknowledges its mistakes.", "acknowledge"),
    ("The bill is backed by the farmers' union.", "back"),
])
def test_the_attribution_stays(pipeline, text, cue):
    assert cue in cues(pipeline, text), attributed(pipeline, text)
