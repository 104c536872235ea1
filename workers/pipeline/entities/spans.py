"""Mention spans and their clean-up.

A :class:`Mention` is a typed character range of ``doc.text``. :func:`clean_span` trims what
models often glue onto a name — a leading "the", honorifics ("Mr", "Dr."), possessive "'s",
quotes, brackets and trailing junk after a dash ("Jean Mackenzie - Seoul") — by moving the
offsets only, so ``text[start:end]`` stays the reported string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HONORIFICS = frozenset(
    """mr mrs ms miss mx dr prof sir dame lord lady madam mme mlle m herr frau
    rev fr sen rep gov gen col lt capt sgt maj adm cmdr supt insp det cllr""".split()
)
# Labels whose names legitimately end in numbers ("World War 2", "Windows 95"); FAC is not one:
# its numbered names ("Terminal 5") are rarer than scores glued to places ("Somerset 83").
NUMBERED_LABELS = frozenset({"EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
# Honorifics that make the following capitalised word(s) a PERSON on their own.
PERSON_HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir dame mme mlle herr frau".split())
# An honorific right before a position ("Dr " before "Lewis"): group 1 the honorific, group 2 its dot;
# search it in the few characters before a span.
HONORIFIC_BEFORE = re.compile(r"(?:^|(?<=[\s(\"“'‘]))(%s)(\.?)\s+$" % "|".join(sorted(PERSON_HONORIFICS)), re.I)

_LEADING_WORDS = re.compile(r"(?:the|a|an|le|la|les|l'|l’)\s+", re.I)
_HONORIFIC = re.compile(r"([A-Za-z]{1,5})\.?\s+(?=\S)")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_DASH_JUNK = re.compile(r"\s+[-–—]+\s+.*$|\s*[-–—]{2,}.*$")
_EDGE = "\"'“”‘’«»()[]{}<>*,;:!?|/\\ \t\n.-–—_#@"
_TRAILING_NUMBER = re.compile(r"(?:\s+\d[\d.,:/\-–]*(?:st|nd|rd|th)?)+$")
_INNER_NUMBER = re.compile(r"\s+\d[\d.,:/\-–]*\s+\S.*$")
_TRAILING_LOWER = re.compile(r"(?:\s+[a-z][a-z\-]*)+$")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Mention:
    start: int
    end: int
    label: str
    source: str = "model"   # model | honorific | initials | layout | team | acronym | propagated | headline | name-part
    weight: float = 1.0     # vote weight for the entity label
    meta: dict = field(default_factory=dict)   # e.g. {"norm": "Москва"}: the form used for grouping


def strip_honorific(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """Drop one leading honorific ("Mr", "Dr.") from ``text[start:end]``; say whether there was one."""
    m = _HONORIFIC.match(text, start, end)
    if m and m.group(1).lower() in HONORIFICS and m.end() < end:
        return m.end(), end, True
    return start, end, False


def clean_span(text: str, start: int, end: int, numbers_are_junk: bool = True) -> tuple[int, int, bool] | None:
    """Trimmed ``(start, end, had_honorific)`` of a raw span, or ``None`` if nothing name-like is left.

    With ``numbers_are_junk`` (names of people, places, organisations) trailing numbers and scores
    are cut too ("Durham 114", "D. Blenkiron 4-43")."""
    had_honorific = False
    for _ in range(4):  # a few passes: '"the Mr. X's"' needs several
        before = (start, end)
        while start < end and text[start] in _EDGE:
            start += 1
        while start < end and text[end - 1] in _EDGE:
            # keep the final dot of an abbreviation ("U.S.", "Corp.", "Jr.")
            if text[end - 1] == "." and _keeps_dot(text[start:end]):
                break
            end -= 1
        m = _LEADING_WORDS.match(text, start, end)
        if m and m.end() < end:
            start = m.end()
        start, end, h = strip_honorific(text, start, end)
        had_honorific = had_honorific or h
        m = _POSSESSIVE.search(text, start, end)
        if m and m.start() > start:
            end = m.start()
        if numbers_are_junk:
            m = _INNER_NUMBER.search(text, start, end)      # "Norwich 1 Wolverhampton"
            if m and m.start() > start:
                end = m.start()
            m = _TRAILING_NUMBER.search(text, start, end)
            if m and m.start() > start:
                end = m.start()
        paren = text.find("(", start, end)
        if paren > start and text.find(")", paren, end) < 0:   # "Headingley ( Leeds"
            end = paren
        m = _TRAILING_LOWER.search(text, start, end)
        if m and m.start() > start:                               # "Interfax news agency"
            end = m.start()
        m = _DASH_JUNK.search(text, start, end)
        if m and m.start() > start:
            end = m.start()
        if (start, end) == before:
            break
    if end <= start or not _LETTER.search(text, start, end):
        return None
    return start, end, had_honorific


_ABBR = frozenset("Corp Inc Ltd Co Jr Sr St Bros Plc".split())


def _keeps_dot(span: str) -> bool:
    """Is the final "." part of the name ("U.S.", "J.", "Corp.") rather than sentence punctuation?"""
    last = span.split()[-1][:-1] if span.split() else ""
    return bool(last) and ("." in last or (len(last) == 1 and last.isupper()) or last in _ABBR)


def has_latin(s: str) -> bool:
    return any("a" <= c.lower() <= "z" for c in s)
