"""Refusals a second pass of the page audit (issue 17, "What counts") added, on hand-made
candidates over sentences written here: each candidate is what the rules would hand the
definition; no parse."""

from __future__ import annotations

import pytest

from workers.pipeline.claims import definition
from workers.pipeline.claims.records import Attribution, Cue

pytestmark = pytest.mark.unit


def cand(text: str, cue: str, lemma: str, how: str, content: str, speaker: str | None = None, tag: str = "VBD",
         kind: str = "NOUN", spk_lemma: str = "", ref: str | None = None) -> Attribution:
    """The candidate of ``text`` whose cue is the first ``cue``, with ``content`` (and ``speaker``,
    ``ref`` — a relative pronoun's antecedent) the first such substrings."""
    c = text.index(cue)
    c0 = text.index(content, c + len(cue)) if content in text[c + len(cue):] else text.index(content)
    spk = None
    if speaker is not None:
        s = text.index(speaker)
        spk = (s, s + len(speaker))
    sref = None
    if ref is not None:
        r = text.index(ref)
        sref = (r, r + len(ref))
    return Attribution(Cue(c, c + len(cue), cue, lemma, "other", tag), spk, [(c0, c0 + len(content))], False,
                       how=how, spk_kind=kind, spk_lemma=spk_lemma, speaker_ref=sref)


# writing a creative work is making it: what the story says is elsewhere, if anywhere

@pytest.mark.parametrize("text, speaker, content", [
    ("At school I had written a ghost story for the class magazine.", "I", "a ghost story for the class magazine"),
    ("By then she had written three novels in a rented attic.", "she", "three novels in a rented attic"),
    ("He wrote a song about his grandfather's boat.", "He", "a song about his grandfather's boat"),
])
def test_writing_a_creative_work_is_no_statement(text, speaker, content):
    a = cand(text, "written" if "written" in text else "wrote", "write", "dobj", content, speaker, kind="PRON")
    assert definition.classify(a, text) is None


@pytest.mark.parametrize("text, content", [
    ("The columnist wrote a story saying the harbour would close.", "a story saying the harbour would close"),
    ("The senator wrote a memoir about the war years.", "a memoir about the war years"),
    ("The volunteers wrote a code of conduct for the new members.", "a code of conduct for the new members"),
])
def test_a_text_that_states_stays_written_speech(text, content):
    a = cand(text, "wrote", "write", "dobj", content, " ".join(text.split()[:2]), spk_lemma=text.split()[1])
    assert definition.classify(a, text) == "speech"


# a thing takes no side and admits nothing, as a relative pronoun's antecedent or as a passive's agent

@pytest.mark.parametrize("text, lemma, content, ref", [
    ("It is a compromise that quietly acknowledges the limits of the budget.", "acknowledge",
     "the limits of the budget", "a compromise"),
    ("They chose a layout which openly welcomes the new rules.", "welcome", "the new rules", "a layout"),
])
def test_a_thing_as_a_relative_pronouns_antecedent_judges_nothing(text, lemma, content, ref):
    cue = text.split(" that ")[-1].split()[1] if " that " in text else text.split(" which ")[-1].split()[1]
    rel = "that" if " that " in text else "which"
    a = cand(text, cue, lemma, "dobj", content, f" {rel} ".strip(), tag="VBZ", kind=rel, spk_lemma=rel, ref=ref)
    a.speaker = (text.index(f" {rel} ") + 1, text.index(f" {rel} ") + 1 + len(rel))
    assert definition.classify(a, text) is None


@pytest.mark.parametrize("text, lemma, content, ref", [
    ("She joined a small charity that openly acknowledges its mistakes.", "acknowledge", "its mistakes",
     "a small charity"),
    ("They met the farmers who openly welcome the new rules.", "welcome", "the new rules", "the farmers"),
    ("It was a victory for Greenpeace, which welcomed the ruling.", "welcome", "the ruling", "Greenpeace"),
])
def test_a_source_as_the_antecedent_stays(text, lemma, content, ref):
    rel = next(w for w in ("that", "which", "who") if f" {w} " in text)
    cue = text.split(f" {rel} ")[-1].split()[0 if rel == "which" else 1]
    a = cand(text, cue, lemma, "dobj", content, None, tag="VBZ", kind=rel, spk_lemma=rel, ref=ref)
    a.speaker = (text.index(f" {rel} ") + 1, text.index(f" {rel} ") + 1 + len(rel))
    assert definition.classify(a, text) is not None


@pytest.mark.parametrize("text, speaker, spk_lemma, ok", [
    ("The new trail map is backed by cheap cardboard.", "cheap cardboard", "cardboard", False),
    ("The bill is backed by the farmers' union.", "the farmers' union", "union", True),
    ("The bill is opposed by most residents of the valley.", "most residents of the valley", "resident", True),
])
def test_a_things_passive_agent_takes_no_side(text, speaker, spk_lemma, ok):
    cue = "backed" if "backed" in text else "opposed"
    a = cand(text, cue, "back" if cue == "backed" else "oppose", "passive", text.split(" is ")[0], speaker,
             tag="VBN", spk_lemma=spk_lemma)
    assert (definition.classify(a, text) is not None) == ok


def test_an_outfit_is_a_body_that_takes_sides():
    text = "Voters for Rail, a small campaign outfit that endorsed the mayor, hired two organisers."
    a = cand(text, "endorsed", "endorse", "dobj", "the mayor", None, tag="VBD", kind="that", spk_lemma="that",
             ref="a small campaign outfit")
    a.speaker = (text.index(" that ") + 1, text.index(" that ") + 5)
    assert definition.classify(a, text) == "stance"


# a page's box or menu set out with a colon is furniture, no one's statement

def colon_line(text: str, label_end: int | None = None) -> Attribution:
    c = text.index(":")
    return Attribution(Cue(c, c + 1, ":", ":", "assert"), (0, label_end or c), [(c + 2, len(text))], False,
                       how="colon", spk_kind="NOUN")


@pytest.mark.parametrize("text, label", [
    ("Tonight's fixtures at a glance: Leeds v Hull, Derby v Stoke", "Tonight's fixtures"),
    ("Ferry routes: Oslo | Bergen | Tromsø | Bodø", None),
    ("Sections: News I Sport I Weather I Travel", None),
    ("The season in numbers: twelve wins from thirty games, the worst record since 1987", "The season"),
])
def test_a_box_or_a_menu_is_no_statement(text, label):
    assert definition.classify(colon_line(text, len(label) if label else None), text) is None


@pytest.mark.parametrize("text", [
    "Marta Lindqvist: The rent doubled in two years and our customers moved to the suburbs.",
    "Anna Berg: I know I said I would stay, but I cannot.",
    "The mayor: Oslo, Bergen and Tromsø will all get new ferries next year.",
])
def test_a_colon_statement_stays(text):
    assert definition.classify(colon_line(text), text) == "speech"
