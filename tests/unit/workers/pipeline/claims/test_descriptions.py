"""Role evidence of person descriptions (``claims/descriptions.py``): the word tests, no parse."""

from __future__ import annotations

import pytest

from workers.pipeline.claims.descriptions import fits, has_word, norm

pytestmark = pytest.mark.unit


def test_abbreviated_titles_count_as_their_words():
    assert has_word(norm("Indiana Gov."), "governor")
    assert has_word(norm("Sen."), "senat")
    assert has_word(norm("Manhattan Supreme Court Justice"), "judge")
    assert not has_word(norm("government adviser"), "governor")


def test_a_vice_president_is_not_a_president_and_a_possessive_is_not_the_role():
    assert not has_word(norm("Vice President"), "president")
    assert has_word(norm("Vice President"), "vice-president")
    assert not has_word("the governor's aide", "governor")
    assert has_word("the governor of ohio", "governor")


def test_every_other_capitalised_word_must_fit_in_the_same_phrase():
    assert fits(norm("Indiana Gov."), ("governor",), ["indiana"])
    assert not fits(norm("Ohio Gov."), ("governor",), ["indiana"])
    assert fits(norm("the republican presidential nominee"), ("nominee",), ["gop"])
    assert fits("anything", None, [])
    assert not fits(norm("the band's drummer"), ("leader",), [])
