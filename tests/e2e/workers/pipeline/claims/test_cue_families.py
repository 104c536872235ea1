"""What counts as an attribution (issue 17): each cue family on sentences written here, through
``build_pipeline()`` — the emitted ones with their cue class, the refused ones (actions, wishes,
perception, "declined to comment", topic-only, source-less passives) with no attributed claim —
and page furniture in plain text, which is never a claim."""

from __future__ import annotations

import pytest

from workers.pipeline import build_pipeline
from workers.pipeline.claims.definition import CLASSES

pytestmark = pytest.mark.e2e


def claims(pipeline, text: str) -> list[dict]:
    doc = pipeline.run({"url": f"https://example.test/{abs(hash(text))}", "text": text})
    for c in doc["claims"]:
        if c["cue"] is not None:
            assert c["cue"]["class"] in CLASSES, c["cue"]
    return doc["claims"]


def attributed(pipeline, text: str) -> list[dict]:
    return [c for c in claims(pipeline, text) if c["kind"] != "unattributed"]


@pytest.mark.parametrize("text, cls, speaker, words", [
    ("Mayor Lena Ortiz tweeted that the bridge would reopen on Friday.", "speech", "Lena Ortiz", "bridge would reopen"),
    ("Officials said the talks would resume next week.", "speech", "Officials", "talks would resume"),
    ("According to the ministry, exports fell by four percent in May.", "speech", "the ministry", "exports fell"),
    ("Economists believe that interest rates will fall next year.", "belief", "Economists", "interest rates will fall"),
    ("The study found that the drug reduced deaths by a third.", "belief", "The study", "reduced deaths"),
    ("The union called for an independent inquiry into the crash.", "request", "The union", "independent inquiry"),
    ("The governor urged residents to leave the coast before the storm.", "request", "The governor", "leave the coast"),
    ("Rights groups accused the police of using excessive force.", "evaluative", "Rights groups", "excessive force"),
    ("The mayor condemned the attack on the mosque in the strongest terms.", "evaluative", "The mayor", "attack on the mosque"),
    ("The company denied that it had hidden the losses from investors.", "denial", "The company", "hidden the losses"),
    ("The minister admitted that the rollout had been too slow.", "admission", "The minister", "rollout had been too slow"),
])
def test_each_cue_family_is_emitted_with_its_class(pipeline, text, cls, speaker, words):
    [c] = [c for c in attributed(pipeline, text) if words in c["text"]]
    assert c["cue"]["class"] == cls
    assert speaker in c["speaker"]["text"]


def test_a_stance_is_marked_and_not_speech(pipeline):
    text = "Senator Ruth Adler backed the proposal to raise the minimum wage."
    for c in attributed(pipeline, text):
        if c["cue"]["lemma"] == "back":
            assert c["cue"]["class"] == "stance" and c["cue"]["stance"] == "support"


@pytest.mark.parametrize("text, cue", [
    ("The United States has been seeking Julian Assange's extradition since 2019.", "seek"),            # action
    ("Sony offered its streaming service to hotel guests across Europe.", "offer"),                      # action
    ("The president named Chad Wolf acting secretary of homeland security.", "name"),                   # action
    ("He deflected Republican attacks during the debate in Ohio.", "deflect"),                          # action
    ("Some White House advisers would like to see China agree to the trade deal.", "like"),             # wish
    ("The coach wants the league to change its rules before the season.", "want"),                      # wish
    ("Wild defenseman Ryan Suter could see his friend's face in the crowd.", "see"),                    # perception
    ("The minister declined to comment on the report about the contracts.", "decline"),                 # no comment
    ("The researchers did not say how many phones have been infected so far.", "say"),              # no statement
    ("The senator would not say whether she will run for governor next year.", "say"),              # no statement
    ("The two leaders discussed the trade deal at length on Tuesday.", "discuss"),                      # topic only
    ("She spoke about the war at a rally in Berlin on Sunday.", "speak"),                               # topic only
    ("It is believed that the ship sank near the coast of Crete.", "believe"),                          # no source
    ("The deal, thought to be worth two billion dollars, was signed on Monday.", "think"),              # no source
    ("The agency has been criticized for its slow response to the floods.", "criticize"),              # no source
])
def test_non_attributions_are_refused(pipeline, text, cue):
    assert [c for c in attributed(pipeline, text) if c["cue"]["lemma"] == cue] == []


def test_a_refused_act_reported_by_a_source_is_the_sources_claim(pipeline):
    text = "Beijing plans to build three new airports next year, according to state media."
    [c] = attributed(pipeline, text)
    assert c["speaker"]["text"] == "state media" and c["cue"]["class"] == "speech"
    assert c["text"].startswith("Beijing plans") and "according" not in c["text"]


def test_a_wish_beside_a_statement_keeps_the_statement(pipeline):
    text = "Suter said he was proud of the team. He would like to see the fans return next season."
    got = attributed(pipeline, text)
    assert [c["cue"]["lemma"] for c in got] == ["say"]


TWEET = ("We will never give up on the farmers of this great country! pic.twitter.com/abc123 "
         "— Donald J. Trump (@realDonaldTrump) March 21, 2020")


@pytest.mark.parametrize("text", [
    TWEET,
    "Donald J. Trump (@realDonaldTrump) March 21, 2020\n\nThe vote was delayed by a week, aides said.",
    "A post shared by Lena Ortiz (@lenaortiz) on Mar 3, 2020 at 10:12am PST\n\nThe bridge reopened on Friday, the city said.",
])
def test_embedded_post_metadata_is_never_a_claim(pipeline, text):
    for c in claims(pipeline, text):
        assert "@" not in c["text"] and "2020" not in c["text"] and "pic.twitter" not in c["text"], c


def test_a_caption_or_pull_quote_repeating_a_quote_counts_once(pipeline):
    text = ("“We will rebuild every house in this town,” the governor said on Monday.\n\n"
            "“We will rebuild every house in this town” (Photo: Getty Images)\n\n"
            "“We will rebuild every house in this town,” Governor Ana Diaz said.\n\n"
            "Crews began clearing the roads on Tuesday, the city said.")
    got = [c for c in claims(pipeline, text) if "rebuild every house" in c["text"]]
    assert len(got) == 1 and got[0]["kind"] == "direct" and got[0]["speaker"]["text"] == "the governor"


@pytest.mark.parametrize("head", [
    "Coronavirus: Hospitals in the north are running out of beds and staff",
    "STRESS: How to look after your mental health in the lockdown",
    "CARD HIGHLIGHTS: Two points on all travel and dining worldwide",
])
def test_a_headline_set_off_with_a_colon_is_no_speech(pipeline, head):
    text = (head + "\n\n"
            "The outbreak has spread to six provinces, the health ministry said.")
    got = attributed(pipeline, text)
    assert [c for c in got if c["cue"]["text"] == ":"] == []
    assert [c["speaker"]["text"] for c in got] == ["the health ministry"]


def test_a_transcript_turn_stays_speech(pipeline):
    text = ("WALLACE: Do you think the tariffs will hurt farmers in Iowa this year?\n"
            "PENCE: Well, the farmers in Iowa know the president is fighting for them.\n"
            "WALLACE: And the markets think otherwise, as we saw last week.")
    got = [c for c in attributed(pipeline, text) if c["cue"]["text"] == ":"]
    assert [c["speaker"]["text"] for c in got] == ["WALLACE", "PENCE", "WALLACE"]
    assert all(c["cue"]["class"] == "speech" for c in got)


def test_a_publication_stamp_is_no_claim(pipeline):
    text = ("PUBLISHED: November 8, 2023 at 4:56 p.m. | UPDATED: November 8, 2023 at 6:00 p.m.\n\n"
            "The council approved the budget on Tuesday, the mayor's office said.")
    assert [c for c in claims(pipeline, text) if "2023" in c["text"]] == []


def test_the_polnear_definition_keeps_what_the_newsflow_one_refuses(pipeline):
    from shared.config import Settings

    broad = build_pipeline(Settings.from_env({}, claim_definition="polnear"))
    text = "The senator sought to distinguish her plan from the governor's proposal on taxes."
    assert not attributed(pipeline, text)
    kept = attributed(broad, text)
    assert kept and all(c["cue"]["class"] == "other" for c in kept), kept
    # what both definitions count is the same claim either way
    said = "Officials said the talks would resume next week."
    assert [c["text"] for c in attributed(broad, said)] == [c["text"] for c in attributed(pipeline, said)]


@pytest.mark.parametrize("head", [
    "Merkel and Macron: A difficult friendship",
    "Tuesday's Briefing: The Long Road To The Harbour Deal",
    "Garcia: Now or never",
])
def test_a_verbless_title_after_a_colon_is_no_speech(pipeline, head):
    text = head + "\n\nThe talks will resume in March, the foreign ministry said."
    got = attributed(pipeline, text)
    assert [c for c in got if c["cue"]["text"] == ":"] == [], [c["text"] for c in got]


@pytest.mark.parametrize("head, words", [
    ("Garcia: No deal without the fishermen", "No deal"),
    ("Garcia: The harbour deal is dead", "harbour deal"),
    ("Garcia: “A very bad week for the harbour”", "bad week"),
])
def test_a_colon_headline_that_states_stays(pipeline, head, words):
    text = head + "\n\nMayor Ana Garcia spoke after the council meeting on Tuesday."
    got = attributed(pipeline, text)
    assert any(c["cue"]["text"] == ":" and words in c["text"] for c in got), [c["text"] for c in got]
