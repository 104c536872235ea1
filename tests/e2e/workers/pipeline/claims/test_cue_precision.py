"""What real news tempts the claim stage into (issue 17, precision): a thing or an event as the
subject of a cue verb that is not speech-only, a cue verb used as an act on a plain noun phrase,
refused speech ("declined to disclose …"), anonymity requests, topic-only tweets and awareness of a
noun — on sentences written here, through ``build_pipeline()``; and the sources and statements
next to them that stay."""

from __future__ import annotations

import pytest
from claim_texts import attributed, cues

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("text, cue", [
    # a thing, a substance, an event or the weather is no source
    ("The thick smoke threatens to close the highway for a third day, forcing residents to stay indoors.", "threaten"),
    ("The quick regrowth of the forest demonstrates that the burned land can recover within a decade.", "demonstrate"),
    ("The storm suggests that the rainy season has arrived early in the valley this year.", "suggest"),
    ("The surge in prices indicates that the harvest failed across the region.", "indicate"),
    ("The pandemic added a new level of stress for nurses on the night shift.", "add"),
    ("With the new sensors, the data can expect to be more accurate than before.", "expect"),
])
def test_a_thing_is_no_source(pipeline, text, cue):
    assert cue not in cues(pipeline, text)


@pytest.mark.parametrize("text, cue, speaker", [
    ("The survey shows that most tenants cannot afford a rent rise.", "show", "survey"),
    ("New data suggests that unemployment claims rose for a second week.", "suggest", "data"),
    ("The economist expects that inflation will fall below two percent next year.", "expect", "economist"),
    ("The photographer added that the crowd had dispersed by midnight.", "add", "photographer"),
    ("Police officials warned that the bridge would stay closed until Friday.", "warn", "officials"),
    ("Post mortem tests showed high levels of carbon monoxide in her blood.", "show", "tests"),
])
def test_sources_of_soft_verbs_stay(pipeline, text, cue, speaker):
    got = [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == cue]
    assert len(got) == 1 and speaker in got[0]["speaker"]["text"], attributed(pipeline, text)


@pytest.mark.parametrize("text, cue", [
    ("The company revealed a new algorithm for sorting parcels at its largest depot.", "reveal"),
    ("The governor declared a state of emergency in three counties on Tuesday.", "declare"),
    ("The mayor was touting the energy efficiency of the new city hall at the opening.", "tout"),
    ("The incumbent claimed victory in the race for the council seat late on Sunday.", "claim"),
    ("The hospital reported the incident to the police the next morning.", "report"),
])
def test_a_speech_verb_acting_on_a_plain_noun_phrase_is_no_statement(pipeline, text, cue):
    assert cue not in cues(pipeline, text)


@pytest.mark.parametrize("text, cue", [
    ("The ministry revealed that the plant had leaked for months before the inspection.", "reveal"),
    ("Figures from the health agency revealed a surge of cases in the north of the country.", "reveal"),
    ("The minister touted estimates that the scheme would create ten thousand jobs.", "tout"),
    ("The health ministry reported 25 new cases of the virus on Monday.", "report"),
])
def test_a_statement_or_a_finding_as_object_stays(pipeline, text, cue):
    assert cue in cues(pipeline, text)


@pytest.mark.parametrize("text, cue", [
    ("The club declined to disclose the size of the transfer fee paid for the striker.", "disclose"),
    ("A spokeswoman for the firm refused to confirm the number of jobs that would go.", "confirm"),
    ("One resident, who asked not to be named for fear of reprisals, was at home that night.", "ask"),
])
def test_refused_speech_and_anonymity_are_no_statement(pipeline, text, cue):
    assert cue not in cues(pipeline, text)


def test_a_tweet_about_a_topic_is_no_statement_a_tweet_that_states_is(pipeline):
    assert "tweet" not in cues(pipeline, "The senator, who tweeted about the budget deal on Monday, left early.")
    assert "tweet" in cues(pipeline, "The senator tweeted that the budget deal was a disgrace.")


def test_awareness_of_a_noun_is_no_belief_awareness_that_is(pipeline):
    assert "aware" not in cues(pipeline, "The coach is keenly aware of the pressure on his young squad this season.")
    assert "aware" in cues(pipeline, "The coach is aware that his young squad faces enormous pressure this season.")
