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


# granting is giving: "granted the appeal urgent status", "granted immunity"; "granted that …" concedes

@pytest.mark.parametrize("text, content", [
    ("In June the tribunal granted our appeal urgent status.", "our appeal urgent status"),
    ("The ministry has granted the fishermen a second licence.", "the fishermen a second licence"),
])
def test_granting_a_thing_is_no_admission(text, content):
    a = cand(text, "granted", "grant", "dobj", content, "The ministry" if "ministry" in text else "the tribunal",
             spk_lemma="ministry")
    assert definition.classify(a, text) is None


def test_granting_a_point_stays_an_admission():
    text = "The minister granted that the scheme had cost more than planned."
    a = cand(text, "granted", "grant", "ccomp", "the scheme had cost more than planned", "The minister",
             spk_lemma="minister")
    assert definition.classify(a, text) == "admission"
