"""The refusals a precision audit on unseen pages added (``claims/refusals.py``) on hand-made
candidates: the publication's own interview turns (by the page's domain), no one in particular as
the speaker; no parse."""

from __future__ import annotations

import pytest

from workers.pipeline.claims.records import Attribution, Cue
from workers.pipeline.claims.refusals import publication_turn, refused, without_publication_turns

pytestmark = pytest.mark.unit


def colon_turn(text: str) -> Attribution:
    """The "<Label>: <turn>" attribution of ``text``'s first line."""
    c = text.index(":")
    end = text.find("\n")
    end = len(text) if end < 0 else end
    return Attribution(Cue(c, c + 1, ":", ":", "assert"), (0, c), [(c + 2, end)], False, how="colon")


@pytest.mark.parametrize("label, url", [
    ("The Economist", "https://www.economist.com/open-future/2018/06/18/interview"),
    ("L.A. WEEKLY", "https://www.laweekly.com/meet-the-artist/"),
    ("Gazette", "http://gazette.example/a/b?c=d"),
])
def test_the_publications_own_turn(label, url):
    assert publication_turn(colon_turn(f"{label}: What made you start painting plants?"),
                           f"{label}: What made you start painting plants?", url)


@pytest.mark.parametrize("label, url", [
    ("Malcolm Borwick", "https://www.laweekly.com/meet-the-artist/"),   # the guest's answer
    ("The Economist", "https://www.laweekly.com/meet-the-artist/"),     # another publication quoted
    ("The Economist", None),
])
def test_not_the_publications_turn(label, url):
    text = f"{label}: Plants are archives of the places they grew in."
    assert not publication_turn(colon_turn(text), text, url)


def test_what_is_cued_inside_the_publications_turn_goes_with_it():
    text = "The Gazette: What do you tell people who ask why bread costs more?\nAnna Berg: The flour doubled in price."
    turn = colon_turn(text)
    a = text.index("ask")
    inner = Attribution(Cue(a, a + 3, "ask", "ask", "other"), (a - 10, a - 1), [(a + 4, text.index("?"))], False,
                        how="ccomp")
    b = text.index("Anna")
    answer = Attribution(Cue(b + 9, b + 10, ":", ":", "assert"), (b, b + 9), [(b + 11, len(text))], False,
                         how="colon")
    got = without_publication_turns([turn, inner, answer], text, "https://gazette.example/x")
    assert got == [answer]


@pytest.mark.parametrize("speaker, keep", [
    ("Everyone", False), ("Anybody", False), ("Whoever", False),
    ("The engineers", True), ("No one", True),   # "no one expected …": PolNeAR annotates it
])
def test_no_one_in_particular_is_no_source(speaker, keep):
    text = f"{speaker} knows that the bridge is too weak for lorries."
    s = len(speaker) + 1
    a = Attribution(Cue(s, s + 5, "knows", "know", "other"), (0, len(speaker)), [(s + 11, len(text) - 1)], False,
                    how="ccomp")
    assert refused(a, text) is not keep
