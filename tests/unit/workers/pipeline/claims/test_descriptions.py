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


# -- speaker spans the rules cut short (no parse needed) --------------------------------------------

def _resolve(text: str, span: str, mentions: list[tuple[str, str, str]]):
    from workers.pipeline.claims.mentions import Mention
    from workers.pipeline.claims.speakers import Resolver
    ms = sorted((Mention(text.index(t), text.index(t) + len(t), t, t, eid, label) for t, eid, label in mentions),
                key=lambda m: m.start)
    s = text.index(span)
    return Resolver(text, ms, []).resolve((s, s + len(span)))


def test_a_span_cut_at_the_organisation_before_its_titled_head_is_the_person():
    text = "Storms will come back, warns World Coastal Trust (WCT) Director Amara N. Osei as she urged towns to act."
    ms = [("World Coastal Trust", "org:wct", "ORG"), ("Amara N. Osei", "person:amara-n-osei", "PERSON")]
    sp = _resolve(text, "World Coastal Trust", ms)
    assert (sp.name, sp.entity_id) == ("Amara N. Osei", "person:amara-n-osei")
    plain = "Storms will come back, warns World Coastal Trust as Amara N. Osei urged towns to act."
    assert _resolve(plain, "World Coastal Trust", ms).name == "World Coastal Trust"    # no title between


def test_a_proper_name_longer_than_its_mention_keeps_its_words():
    text = "Police are searching for the woman, CHRONICLE ONLINE has learnt."
    sp = _resolve(text, "CHRONICLE ONLINE", [("CHRONICLE", "org:chronicle", "ORG")])
    assert (sp.name, sp.entity_id) == ("CHRONICLE ONLINE", "org:chronicle")
    sp = _resolve("Police are searching for the woman, CHRONICLE said.", "CHRONICLE", [("CHRONICLE", "org:chronicle", "ORG")])
    assert sp.name == "CHRONICLE"
