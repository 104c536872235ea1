"""The one source lexicon (``claims/source_nouns.py``) and the source checks built on it
(``claims/sources.py``), on hand-made candidates; no parse."""

from __future__ import annotations

import pytest

from workers.pipeline.claims.records import Attribution, Cue, Speaker
from workers.pipeline.claims.source_nouns import (DOCUMENT_NOUNS, GROUP_HINTS, ORG_NOUNS, ROLE_HINTS, SOURCE_NOUNS,
                                                  source_noun)
from workers.pipeline.claims.sources import implausible_source, thing_antecedent, thing_speaker

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("word", ["spokeswoman", "agency", "poll", "newspaper", "resident", "someone"])
def test_listed_sources(word):
    assert source_noun(word)


@pytest.mark.parametrize("word", ["photographer", "economist", "trustee", "councilmember"])
def test_person_nouns_by_their_suffix(word):
    assert source_noun(word)


@pytest.mark.parametrize("word", ["docstring", "module", "camera", "water", "computer", "neoliberalism"])
def test_things_are_no_sources(word):
    assert not source_noun(word)


def test_the_lists_are_one_lexicon():
    assert set(ROLE_HINTS) - {"defector", "nominee", "specialist", "strategist"} <= SOURCE_NOUNS
    assert DOCUMENT_NOUNS <= SOURCE_NOUNS and ORG_NOUNS - {"business", "corporation"} <= SOURCE_NOUNS
    assert set(GROUP_HINTS) - {"watchdog"} <= SOURCE_NOUNS


def cand(text: str, speaker: str, cue: str, lemma: str, tag: str, kind: str, lem: str, content: str) -> Attribution:
    s = text.index(speaker)
    c = text.index(cue, s + len(speaker)) if cue in text[s + len(speaker):] else text.index(cue)
    k = text.index(content)
    return Attribution(Cue(c, c + len(cue), cue, lemma, "assert", tag=tag), (s, s + len(speaker)),
                       [(k, k + len(content))], how="ccomp", spk_kind=kind, spk_lemma=lem)


def test_a_gerund_clause_opened_by_an_adverb_is_no_source():
    text = "Just putting smart people together does not guarantee that you will have a smart group."
    a = cand(text, "Just putting smart people together", "guarantee", "guarantee", "VB", "VERB", "put",
             "you will have a smart group")
    assert implausible_source(a, text)


@pytest.mark.parametrize("text, speaker, lem, thing", [
    ("the docstring explaining what it does", "the docstring", "docstring", True),
    ("the plan explaining what it does", "the plan", "plan", False),            # a text that states
    ("a wide array of artists explaining what it does", "a wide array of artists", "array", False),
    ("Wines explaining what it does", "Wines", "wine", False),                  # maybe a name
])
def test_thing_speaker(text, speaker, lem, thing):
    a = cand(text, speaker, "explaining", "explain", "VBG", "NOUN", lem, "what it does")
    assert thing_speaker(a, text) is thing


@pytest.mark.parametrize("name, person, thing", [
    ("proprietary facial recognition algorithms", False, True),
    ("the city's traffic cameras", False, True),
    ("local officials", False, False),
    ("the Hendersons", False, False),
    ("the old fishermen", True, False),
])
def test_a_pronoun_resolved_to_things(name, person, thing):
    text = "They know I turned down my usual choice."
    a = cand(text, "They", "know", "know", "VBP", "they", "they", "I turned down my usual choice")
    a.cue.cls = "belief"
    assert thing_antecedent(a, Speaker("They", 0, 4, name, "pronoun", person=person)) is thing


def test_a_pronoun_for_things_is_judged_for_minded_cues_only():
    text = "They show I turned down my usual choice."
    a = cand(text, "They", "show", "show", "VBP", "they", "they", "I turned down my usual choice")
    a.cue.cls = "speech"
    assert not thing_antecedent(a, Speaker("They", 0, 4, "the cameras", "pronoun"))
