"""The definition's cue classes and refusals on hand-made candidates, and plain-text page
furniture (issue 17); no parse."""

from __future__ import annotations

import pytest

from workers.pipeline.claims import definition
from workers.pipeline.claims.furniture import cut, furniture_spans, repeat_key
from workers.pipeline.claims.records import Attribution, Cue

pytestmark = pytest.mark.unit


def att(lemma: str, how: str, direct: bool = False) -> Attribution:
    return Attribution(Cue(0, len(lemma), lemma, lemma, "other"), (0, 1), [(5, 20)], direct, how=how)


@pytest.mark.parametrize("lemma, how, cls", [
    ("say", "ccomp", "speech"), ("tweet", "ccomp", "speech"), ("according to", "according", "speech"),
    (":", "colon", "speech"), ("believe", "ccomp", "belief"), ("estimate", "ccomp", "belief"),
    ("find", "ccomp", "belief"), ("call", "prep", "request"), ("ask", "xcomp", "request"),
    ("demand", "dobj", "request"), ("condemn", "dobj", "evaluative"), ("welcome", "dobj", "evaluative"),
    ("accuse", "prep", "evaluative"), ("deny", "ccomp", "denial"), ("admit", "ccomp", "admission"),
    ("back", "dobj", "stance"), ("oppose", "dobj", "stance"), ("call", "oprd", "speech"),
    ("in view", "perspective", "belief"),
])
def test_cue_classes(lemma, how, cls):
    assert definition.classify(att(lemma, how)) == cls


@pytest.mark.parametrize("lemma, how", [
    ("seek", "dobj"), ("offer", "dobj"), ("name", "oprd"), ("deflect", "dobj"),    # actions
    ("like", "xcomp"), ("want", "xcomp"), ("hope", "xcomp"),                        # wishes
    ("see", "dobj"), ("hear", "ccomp"),                                             # perception
    ("decline", "xcomp"), ("refuse", "xcomp"),                                      # "declined to comment"
    ("discuss", "dobj"), ("speak", "prep"), ("comment", "prep"), ("mention", "dobj"),  # topic only
    ("believe", "passive0"), ("think", "reduced"),                                  # no source
    ("sigh", "ccomp"),                                                              # outside the lists
])
def test_refused(lemma, how):
    assert definition.classify(att(lemma, how)) is None


def test_an_unlisted_verb_introducing_a_quotation_is_speech():
    assert definition.classify(att("sigh", "quote", direct=True)) == "speech"
    assert definition.classify(att("sigh", "dobj", direct=True)) is None


def test_apply_sets_class_and_a_stance_cues_stance():
    out = definition.apply([att("say", "ccomp"), att("seek", "dobj"), att("back", "dobj")])
    assert [(a.cue.cls, a.cue.stance) for a in out] == [("speech", "other"), ("stance", "support")]
    assert out[0].cue.to_dict()["class"] == "speech"


TWEET = "We will win! pic.twitter.com/abc123 — Donald J. Trump (@realDonaldTrump) March 21, 2020"


def test_tweet_signature_and_link_are_furniture_the_tweet_is_not():
    spans = furniture_spans(TWEET)
    left = cut(TWEET, [(0, len(TWEET))], spans)
    assert [TWEET[a:b] for a, b in left] == ["We will win!"]


@pytest.mark.parametrize("line", [
    "Donald J. Trump (@realDonaldTrump) March 21, 2020",
    "A post shared by Lena Ortiz (@lenaortiz) on Mar 3, 2020 at 10:12am PST",
    "Rescuers search the rubble in Antakya on Monday. (AP Photo/Hussein Malla)",
    "Image caption The bridge was closed for three weeks",
    "PUBLISHED: November 8, 2023 at 4:56 p.m. | UPDATED: November 8, 2023 at 6:00 p.m.",
])
def test_whole_furniture_lines(line):
    text = "The bridge reopened on Friday.\n" + line + "\nTraffic was light."
    a = text.index(line)
    assert furniture_spans(text) == [(a, a + len(line))]


def test_body_text_is_not_furniture():
    text = "The minister said the photo was taken in March 2020.\nShe posted it on Twitter the same day."
    assert furniture_spans(text) == []


def test_repeat_key_ignores_quote_marks_and_case():
    a = "“We will rebuild every house,” he said."
    b = "WE WILL REBUILD EVERY HOUSE"
    assert repeat_key(a, [(0, a.index(",”") + 2)]) == repeat_key(b, [(0, len(b))])


def test_the_claim_definition_option_is_checked():
    import pytest

    from workers.pipeline.claims.options import ClaimOptions

    assert ClaimOptions(definition="polnear").definition == "polnear"
    with pytest.raises(ValueError):
        ClaimOptions(definition="broad")


def spoken(lemma: str, how: str, speaker: str, kind: str, head: str, text: str = "") -> Attribution:
    """A candidate with speaker ``speaker`` (head ``head``, spaCy kind ``kind``) over ``text``."""
    text = text or f"{speaker} {lemma} that the plan failed badly."
    s0 = text.index(speaker)
    c0 = text.index(lemma, s0 + len(speaker))
    a = Attribution(Cue(c0, c0 + len(lemma), lemma, lemma, "other"), (s0, s0 + len(speaker)),
                    [(c0 + len(lemma) + 1, len(text) - 1)], how=how)
    a.spk_kind, a.spk_lemma = kind, head
    return a


@pytest.mark.parametrize("lemma, speaker, kind, head, ok", [
    ("threaten", "The smoke", "NOUN", "smoke", False),        # a substance
    ("demonstrate", "The regrowth", "NOUN", "regrowth", False),
    ("add", "COVID-19", "EVENT", "covid-19", False),           # an event entity
    ("suggest", "This", "this", "this", False),                # the writer's own inference
    ("show", "The survey", "NOUN", "survey", True),            # a document
    ("show", "New data", "NOUN", "datum", True),               # spaCy's lemma of "data"
    ("add", "The photographer", "NOUN", "photographer", True),  # a person noun by its suffix
    ("threaten", "The union", "NOUN", "union", True),
    ("expect", "She", "she", "she", True),
    ("say", "The smoke", "NOUN", "smoke", True),               # speech-only verbs are not judged
])
def test_a_soft_verbs_speaker_must_be_able_to_be_a_source(lemma, speaker, kind, head, ok):
    a = spoken(lemma, "ccomp", speaker, kind, head)
    assert (definition.classify(a, f"{speaker} {lemma} that the plan failed badly.") is not None) == ok


@pytest.mark.parametrize("obj, ok", [
    ("a new algorithm for sorting parcels", False), ("a state of emergency", False),
    ("estimates that the scheme would create jobs", True), ("the report on the crash", True),
    ("“a total disaster” for the party", True),
])
def test_an_act_verbs_plain_object_is_no_statement(obj, ok):
    text = f"The firm revealed {obj}."
    a = spoken("revealed", "obj", "The firm", "NOUN", "firm", text)
    a.cue.lemma = "reveal"
    assert (definition.classify(a, text) is not None) == ok


@pytest.mark.parametrize("text, lemma, ok", [
    ("The club declined to disclose the fee paid.", "disclose", False),
    ("The club would not want to confirm the fee paid.", "confirm", False),
    ("The club said to everyone the fee was paid.", "said", True),
])
def test_a_refused_statement_is_none(text, lemma, ok):
    a = spoken(lemma, "dobj" if lemma != "said" else "ccomp", "The club", "NOUN", "club", text)
    a.cue.lemma = "say" if lemma == "said" else lemma
    assert (definition.classify(a, text) is not None) == ok


@pytest.mark.parametrize("lemma, speaker, kind, head, ok", [
    ("expect", "The data", "NOUN", "datum", False),       # data shows, it does not expect
    ("believe", "The survey", "NOUN", "survey", False),
    ("expect", "The analysts", "NOUN", "analyst", True),
    ("add", "The pandemic", "ADJ", "pandemic", False),   # a noun the tagger took for an adjective
])
def test_a_mind_verb_needs_a_mind(lemma, speaker, kind, head, ok):
    a = spoken(lemma, "ccomp", speaker, kind, head)
    assert (definition.classify(a, f"{speaker} {lemma} that the plan failed badly.") is not None) == ok


def test_a_gerund_clause_is_no_speaker():
    text = "Frisking them explains why the rate fell."
    a = spoken("explain", "ccomp", "Frisking them", "VERB", "frisk", text)
    assert definition.classify(a, text) is None


@pytest.mark.parametrize("obj, ok", [("the incident to the police", False), ("25 new cases on Monday", True)])
def test_a_report_of_a_figure_is_a_statement_of_an_incident_is_not(obj, ok):
    text = f"The hospital reported {obj}."
    a = spoken("reported", "dobj", "The hospital", "NOUN", "hospital", text)
    a.cue.lemma = "report"
    assert (definition.classify(a, text) is not None) == ok


def test_a_participle_the_parse_made_the_speakers_head_keeps_a_named_speaker():
    text = "Speaking from a stage, Chief Executive Satya Nadella explained that the plan failed."
    a = spoken("explain", "ccomp", "Speaking from a stage, Chief Executive Satya Nadella", "VERB", "speak", text)
    assert definition.classify(a, text) == "speech"


@pytest.mark.parametrize("lemma, how, cls", [
    ("shout", "ccomp", "speech"), ("yell", "ccomp", "speech"), ("lie", "prep", "speech"),
    ("bemoan", "dobj", "evaluative"), ("rail", "prep", "evaluative"), ("liken", "prep", "evaluative"),
    ("compare", "prep", "evaluative"), ("lambast", "dobj", "evaluative"), ("apologize", "prep", "admission"),
    ("advocate", "prep", "request"),
])
def test_speech_acts_outside_the_cue_lexicon_are_in_the_definition(lemma, how, cls):
    assert definition.classify(att(lemma, how)) == cls


@pytest.mark.parametrize("lemma", ["make", "put", "rule", "impose", "plan"])
def test_actions_outside_the_lists_stay_out(lemma):
    assert definition.classify(att(lemma, "dobj")) is None


@pytest.mark.parametrize("lemma", ["refer", "reference", "invoke"])
def test_a_reference_to_a_topic_is_no_statement_a_quoted_one_is(lemma):
    text = "He at once made the “most generous offer in history” plain to all."
    a = Attribution(Cue(0, 2, lemma, lemma, "other"), (0, 2), [(3, 10)], how="prep")
    assert definition.classify(a, text) is None
    q = Attribution(Cue(0, 2, lemma, lemma, "other"), (0, 2), [(text.index("the"), text.index(" plain"))], how="prep")
    assert definition.classify(q, text) == "speech"


def test_a_call_with_a_quoted_name_is_speech_a_plain_object_a_phone_call():
    text = "She called his plan “a crucial step forward” and then called the office."
    named = Attribution(Cue(4, 10, "called", "call", "other"), (0, 3), [(11, text.index(" and"))], how="dobj")
    office = Attribution(Cue(0, 3, "called", "call", "other"), (0, 3), [(text.index("the office"), len(text) - 1)],
                         how="dobj")
    assert definition.classify(named, text) == "speech"
    assert definition.classify(office, text) is None


@pytest.mark.parametrize("text, lemma, ok", [
    ("He apologized to his supporters on Monday.", "apologize", False),     # to whom
    ("He apologized for the remarks on Monday.", "apologize", True),        # for what
])
def test_an_apology_to_someone_is_no_statement(text, lemma, ok):
    c0 = text.index(" his" if "to" in text else " the") + 1
    a = Attribution(Cue(3, 13, "apologized", lemma, "other"), (0, 2), [(c0, text.index(" on"))], how="prep")
    assert (definition.classify(a, text) is not None) == ok


@pytest.mark.parametrize("obj, ok", [("supporters", False), ("a statement denying the report", True)])
def test_an_email_to_people_is_no_statement(obj, ok):
    text = f"The campaign emailed {obj}."
    a = Attribution(Cue(13, 20, "emailed", "email", "other"), (0, 12), [(21, 21 + len(obj))], how="obj")
    assert (definition.classify(a, text) is not None) == ok
