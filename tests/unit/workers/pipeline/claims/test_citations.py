"""Parenthetical citations closing a sentence (``structure.citation``) and the cue classes of the
rules added for real-news recall (issue 17); plain text, no parse."""

from __future__ import annotations

import pytest

from workers.pipeline.claims import definition
from workers.pipeline.claims.records import Attribution, Cue
from workers.pipeline.claims.structure import citation

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("sentence, speaker, content", [
    ("The warming is a harbinger of more suffering (Otto, Imperial College London).", "Otto",
     "The warming is a harbinger of more suffering"),
    ("It may set new temperature records next year (World Meteorological Organization, 2023).",
     "World Meteorological Organization", "It may set new temperature records next year"),
    ("The effect was twice as large in older mice (Lee et al., 2020).", "Lee",
     "The effect was twice as large in older mice"),
    ("Rates rose sharply among the youngest workers (Smith and Jones 2019)", "Smith and Jones",
     "Rates rose sharply among the youngest workers"),
])
def test_citations(sentence, speaker, content):
    (c0, c1), (s0, s1), (t0, t1) = citation(sentence, 0, len(sentence))
    assert sentence[c0] == "(" and sentence[c1 - 1] == ")"
    assert sentence[s0:s1] == speaker and sentence[t0:t1] == content


@pytest.mark.parametrize("sentence", [
    "She grew up in a small town near the coast (Brest, France).",       # a place
    "The bill was introduced by Senator Mark Lee (R-Texas).",             # a party tag
    "Shares fell by four percent on Monday (NASDAQ: ACME).",              # a ticker
    "Crowds gathered outside (AP Photo/Jane Doe).",                       # a photo credit
    "Records fell (WMO, 2023).",                                          # too short a sentence
    "The study (Lee et al., 2020) found the effect twice as large.",      # not closing the sentence
    "Sales of the new model rose sharply over the year (January 2019).",  # a date
    "Profits at the bank fell by a third on the quarter (Q3 2019).",      # a quarter
    "The rate has doubled in the last ten years (Figure 2, 2019).",       # a pointer
])
def test_no_citation(sentence):
    assert citation(sentence, 0, len(sentence)) is None


def att(lemma: str, how: str, direct: bool = False) -> Attribution:
    return Attribution(Cue(0, len(lemma), lemma, lemma, "other"), (0, 1), [(5, 20)], direct, how=how)


@pytest.mark.parametrize("lemma, how, cls", [
    ("citation", "citation", "speech"), ("call", "nounlight", "request"), ("evidence", "nounlight", "belief"),
    ("criticism", "nounlight", "evaluative"), ("decision", "nounlight", None), ("attribute", "prep", "belief"),
    ("push", "xcomp", "request"),
])
def test_classes_of_the_new_rules(lemma, how, cls):
    assert definition.classify(att(lemma, how)) == cls


def test_a_continued_quote_is_speech():
    assert definition.classify(att("sigh", "continued", direct=True)) == "speech"


def test_an_object_found_is_no_finding_unless_an_inquiry_or_evidence():
    text = "The researchers found a tool with no handle. The inquiry found a route. They found evidence of fire."
    def found(spk: str, content: str) -> Attribution:
        s, c = text.index(spk), text.index(content)
        return Attribution(Cue(0, 1, "found", "find", "report"), (s, s + len(spk)), [(c, c + len(content))], how="obj")
    assert definition.classify(found("The researchers", "a tool with no handle"), text) is None
    assert definition.classify(found("The inquiry", "a route"), text) == "belief"
    assert definition.classify(found("They", "evidence of fire"), text) == "belief"


def test_an_open_question_is_no_belief():
    text = "Investigators will determine whether the fire was set on purpose."
    c = text.index("the fire")
    a = Attribution(Cue(20, 29, "determine", "determine", "belief"), (0, 13), [(c, len(text) - 1)], how="ccomp")
    assert definition.classify(a, text) is None


def test_a_topic_verb_quoting_the_sources_words_is_speech():
    text = "a report highlighting the “alarming rise of casual labour” in universities"
    c = text.index("the “")
    quoted = Attribution(Cue(9, 21, "highlighting", "highlight", "assert"), (0, 8), [(c, len(text))], how="dobj")
    assert definition.classify(quoted, text) == "speech"
    plain = "the minister highlighted the report at a meeting"
    c = plain.index("the report")
    topic = Attribution(Cue(13, 24, "highlighted", "highlight", "assert"), (0, 12), [(c, c + 10)], how="dobj")
    assert definition.classify(topic, plain) is None
