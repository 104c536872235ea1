"""What reading the claims on 2016 political news that matched no PolNeAR attribution found the claim
stage emitting that is no attribution (issue 17, "What counts"; ``claims/news_refusals.py``, a section
here for each of its rules) — on sentences written here, through ``build_pipeline()``; and next to
each refusal, the attribution that stays."""

from __future__ import annotations

import pytest
from claim_texts import attributed, cues

pytestmark = pytest.mark.e2e


def attributed_texts(pipeline, text: str) -> list[str]:
    return [c["text"] for c in attributed(pipeline, text)]


@pytest.mark.parametrize("text, cue", [
    ("Speaking on Fox News on Monday, Alvarez refrained from attacking his rivals, particularly Govs. Lane and Moss.", "attack"),
    ("The senator has been taking heat back home for not condemning the mayor's attacks on the judge.", "condemn"),
    ("The senator made headlines by never condemning the mayor's attacks on the judge.", "condemn"),
    ("The minister left the hearing without criticising the central bank.", "criticise"),
])
def test_a_speech_act_not_made_is_no_claim(pipeline, text, cue):
    assert cue not in cues(pipeline, text)


def test_a_speech_act_made_stays(pipeline):
    assert "attack" in cues(pipeline, "Speaking on Fox News on Monday, Alvarez kept attacking his rivals, particularly Govs. Lane and Moss.")
    assert "condemn" in cues(pipeline, "The senator made headlines by condemning the mayor's attacks on the judge.")


def test_worrying_someone_is_no_belief(pipeline):
    assert "worry" not in cues(pipeline, "Putin’s about-face on the regime in Tehran worries the Gulf capitals, and puts "
                                         "previous accords into question.")


def test_worrying_that_stays(pipeline):
    assert "worry" in cues(pipeline, "The neighbouring farmers worry that the pipeline will poison their wells.")


@pytest.mark.parametrize("text", [
    "Most voters simply pull the lever for the party they know, according to their instinctive preference.",
    "The bridge was finished two weeks early, according to plan.",
])
def test_according_to_a_plan_or_a_taste_is_no_source(pipeline, text):
    assert "according to" not in cues(pipeline, text)


def test_according_to_a_source_or_a_plan_drawn_up_stays(pipeline):
    assert "according to" in cues(pipeline, "The bridge was finished two weeks early, according to the city engineer.")
    assert "according to" in cues(pipeline, "Firms that move abroad must repay their grants, according to her plan.")


def test_a_thanks_with_no_for_is_a_greeting(pipeline):
    assert "thank" not in cues(pipeline, "The governor is thanking supporters at a victory rally in her home town.")


def test_a_thanks_for_something_stays(pipeline):
    assert "thank" in cues(pipeline, "The governor thanked the volunteers for their work during the flood.")


@pytest.mark.parametrize("text", [
    "The senator boasts a roughly 20-point lead in the polls, which her campaign calls a firewall.",
    "The governor boasts a long record of cutting taxes in the state.",
])
def test_boasting_a_thing_is_having_it(pipeline, text):
    assert "boast" not in cues(pipeline, text)


def test_boasting_about_a_thing_stays(pipeline):
    assert "boast" in cues(pipeline, "The governor boasted about his long record of cutting taxes in the state.")


@pytest.mark.parametrize("text", [
    "The council voted on Tuesday. This story has been updated to note that the mayor posted the plan on his website.",
    "The council voted on Tuesday. An earlier version of this story indicated that the mayor had resigned.",
])
def test_the_articles_own_note_is_no_claim(pipeline, text):
    assert attributed_texts(pipeline, text) == []


def test_a_report_the_article_is_about_stays(pipeline):
    assert "find" in cues(pipeline, "The auditors published their review on Monday. This report found that the mayor "
                                    "had overspent by a third.")


@pytest.mark.parametrize("text", [
    "Maria Lopez covers city hall for the paper. She tweets @marialopez_news.",
    "Joe Park is the paper's transport reporter. He tweets @joepark_rides.",
])
def test_a_handle_is_no_content(pipeline, text):
    assert attributed_texts(pipeline, text) == []
