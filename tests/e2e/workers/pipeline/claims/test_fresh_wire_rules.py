"""Rules a second blind real-news measurement found missing (``eval/attribution_realnews.py --set
fresh2``, issue 17): on sentences written here, through ``build_pipeline()``; each next to what stays."""

from __future__ import annotations

import pytest
from claim_texts import attributed

pytestmark = pytest.mark.e2e


def speakers(pipeline, text: str) -> list[tuple[str, str]]:
    """(content start, speaker name) of each attributed claim."""
    return [(c["text"][:30], (c["speaker"] or {}).get("name") or "") for c in attributed(pipeline, text)]


# "they" after a plural thing as subject: the plural speaker before it, not the thing

def test_they_is_the_plural_speaker_not_a_plural_thing_as_subject(pipeline):
    text = ("More than 40 buses stand ready in the depots, transport officials said on Monday.\n"
            "City plans rely heavily on the new tram line, but there are also 40 buses in reserve in Bonn, "
            "according to transport officials.\n"
            "Besides the trams of Stadtwerke Bonn and Rheinbahn and the ferries Lorelei and Undine on the Rhine, "
            "the fleet of 20 Volvo and Scania buses is ready to leave from depots in Cologne, Siegburg and Bonn, "
            "they said.\n"
            "The fleet would need nearly 90 drivers in two shifts, they said.")
    got = speakers(pipeline, text)
    assert [n for c, n in got if c.startswith(("Besides", "The fleet"))] == ["transport officials"] * 2, got


def test_they_after_people_as_subject_stays_with_them(pipeline):
    text = ("The dock workers walked out on Monday after the talks collapsed.\n"
            "They said the port company had broken its promise on pay.")
    got = speakers(pipeline, text)
    assert got and "dock workers" in got[0][1], got


# a cue in a subordinate clause joined with no comma reports nothing of the main clause

def test_a_subordinate_cue_is_no_speaker_of_the_main_clause(pipeline):
    text = "Medical teams waited at the border in case the health minister ordered the closure of the crossing, aid workers said."
    got = speakers(pipeline, text)
    main = [n for c, n in got if c.startswith("Medical teams")]
    assert main == ["aid workers"], got


def test_a_subordinate_clause_with_a_mark_keeps_the_real_speaker(pipeline):
    # a guard for the older checks (a clause with a mark such as "until" was never inverted)
    text = "The two ferries will stay in port until the harbour master announces the end of the storm, the operator said."
    got = speakers(pipeline, text)
    assert [n for c, n in got if c.startswith("The two ferries")] == ["operator"], got


def test_an_as_clause_is_no_subordinate_cue_of_that_kind(pipeline):
    text = ("The ferries will not sail next week as many people expected, according to a letter from the harbour "
            "master seen by the Gazette.")
    got = [c["cue"]["lemma"] for c in attributed(pipeline, text)]
    assert "according to" in got, got


def test_a_cue_set_off_after_the_clause_still_reports_it(pipeline):
    got = speakers(pipeline, "The ferries will stay in port until Sunday, the harbour master said.")
    assert [n for c, n in got if c.startswith("The ferries")] == ["harbour master"], got


# "the ministry" after "the defence ministry said": that ministry, not another one named earlier

def test_the_ministry_is_the_one_that_said_which(pipeline):
    text = ("Spain's Interior Ministry spokeswoman Ana Ruiz said the border would stay open.\n"
            "The health ministry said on Tuesday that 300 new cases had been found.\n"
            "Most of the cases were in Madrid, the ministry added.")
    got = speakers(pipeline, text)
    assert [n for c, n in got if c.startswith("Most of the cases")] == ["health ministry"], got


def test_the_ministry_with_no_other_description_is_the_one_named(pipeline):
    text = ("Spain's Interior Ministry spokeswoman Ana Ruiz said the border would stay open.\n"
            "Later the ministry announced that extra guards would be sent to the coast.")
    got = speakers(pipeline, text)
    assert [n for c, n in got if c.startswith("extra guards")] == ["Interior Ministry"], got


def test_a_description_with_no_named_rival_of_its_head_leaves_the_one_named(pipeline):
    text = ("Siemens will hire 500 engineers in Munich next year. "
            "Later, the German industrial company said its orders had doubled. "
            "The company said the new staff would work on rail signalling.")
    got = speakers(pipeline, text)
    assert [n for c, n in got if c.startswith("the new staff")] == ["Siemens"], got


# "X, dubbed Y": X is the one named, not a speaker

@pytest.mark.parametrize("text", [
    "The harbour seal Bertie, dubbed the “Mayor of the Marina” for his daily visits, died on Tuesday.",
    "The old ferry, nicknamed “the Bathtub” for its shape, sank in the harbour last winter.",
])
def test_the_one_named_by_a_participle_is_no_speaker(pipeline, text):
    assert attributed(pipeline, text) == []


@pytest.mark.parametrize("text, speaker", [
    ("Harriet Vane, dubbed the “Queen of Crime” by her fans, lived in Oxford for thirty years.", "fans"),
    ("Her fans dubbed the writer the “Queen of Crime” after her third novel.", "fans"),
])
def test_whoever_dubs_stays_the_speaker(pipeline, text, speaker):
    got = attributed(pipeline, text)
    assert [c["cue"]["lemma"] for c in got] == ["dub"] and speaker in got[0]["speaker"]["text"], got


# "portrays X": a role played, unless "as …" says what X is made out to be

def test_an_actor_portraying_a_role_says_nothing(pipeline):
    text = "In the new series, the actress Lena Ortiz portrays the explorer Mary Kingsley, a doctor's daughter from London."
    assert attributed(pipeline, text) == []


def test_an_as_clause_after_a_role_played_says_nothing_either(pipeline):
    text = "The veteran actor portrays the young Abraham Lincoln in the new film, just as he once did on Broadway."
    assert attributed(pipeline, text) == []


@pytest.mark.parametrize("text", [
    "The senator portrayed the tax plan as a gift to the rich.",
    "The report portrays the mayor as a weak leader who ignored the warnings.",
    "Ortiz spent the run-up to the Iowa caucuses portraying Brennan as focused only on the economy.",
])
def test_portraying_someone_as_something_stays(pipeline, text):
    assert [c["cue"]["lemma"] for c in attributed(pipeline, text)] == ["portray"]


# a place after "in"/"at"/"from" inside the speaker's phrase says where the speakers are, not who

@pytest.mark.parametrize("text, place", [
    ("A third of the teachers at schools in Saxony have refused to grade the new exams, arguing they are unfair.",
     "Saxony"),
    ("Most of the 300 teachers in Leeds and about 200 in York walked out on Monday, saying the new timetable "
     "was unworkable.", "York"),
])
def test_a_place_inside_the_speakers_phrase_is_not_the_speaker(pipeline, text, place):
    [c] = attributed(pipeline, text)
    assert c["speaker"]["name"] != place and c["speaker"]["name"].startswith(("third of", "A third of", "Most of")), c["speaker"]


def test_a_place_that_is_the_speaker_stays(pipeline):
    [c] = attributed(pipeline, "Norway said on Monday that the new quotas would hold until 2030.")
    assert c["speaker"]["name"] == "Norway", c["speaker"]


# "called for calm in the camps": where a request holds is part of what is asked for

def test_where_a_request_holds_is_part_of_it(pipeline):
    [c] = attributed(pipeline, "The bishops appealed on Friday for calm in the towns along the northern border.")
    assert c["text"].startswith("calm") and "towns along the northern border" in c["text"], c["text"]


def test_when_a_request_was_made_is_not(pipeline):
    [c] = attributed(pipeline, "The dockers' union called for a strike in all ports on Monday.")
    assert "strike in all ports" in c["text"] and "Monday" not in c["text"], c["text"]


@pytest.mark.parametrize("text, asked", [
    ("The governor called for more patience during a visit to the flooded town of Ashby.", "more patience"),
    ("The chancellor called for fresh elections in a televised speech.", "fresh elections"),
    ("The coach called for better discipline in an interview with the local paper.", "better discipline"),
])
def test_where_or_when_a_request_was_made_is_not_part_of_it(pipeline, text, asked):
    [c] = attributed(pipeline, text)
    assert c["text"].rstrip(".") == asked, c["text"]
