"""Entities read from the layout of news text, where a tagger trained on prose fails.

* headlines in capitals (:func:`allcaps_lines`) — the model is not trusted there;
* datelines: a line that starts with a place in capitals followed by a date or an agency tag
  ("SEOUL 2024-05-28", "FARMINGTON HILLS , Mich 1996-08-30", "LONDON (Reuters) -") → GPE;
* sports results and standings tables: "Arsenal 2 Chelsea 1", "Norwich 1 Wolverhampton 1",
  "CLEVELAND 70 60 .538 -" → the names are teams (ORG). Only when a document has at least
  :data:`MIN_TABLE_LINES` such lines, so a stray "London 5" in prose is never a team.
"""

from __future__ import annotations

import bisect
import re

from .spans import Mention

MIN_CAPS_WORDS = 3
MIN_TABLE_LINES = 2
# At most this many words after the first in a team name: bounds the backtracking of the table rules
# (unbounded, "Mr. " x 16k took a minute: every row start rescanned the rest of the line).
MAX_NAME_WORDS = 12

_LINE = re.compile(r"[^\n]+")
_NAME = r"[A-Z][\w.'’&\-]*(?: (?:[A-Z][\w.'’&\-]*|of|de|la|del|the|and|&)){0,%d}" % MAX_NAME_WORDS
# Table rows may be lines of their own or run together on one line ("… 1 Leeds 0 Everton 3 …"):
# a row starts at a line start or right after a number / closing punctuation.
_ROW = r"(?:^|(?<=[\d.:;)\-] ))[ \t]*"
_RESULT = re.compile(rf"{_ROW}(?P<a>{_NAME})[ \t]+\d{{1,3}}[ \t]+(?P<b>{_NAME})[ \t]+\d{{1,3}}(?![\d/.:\-]|[ \t]*[-/:][ \t]*\d)", re.M)
_STANDING = re.compile(rf"{_ROW}(?P<a>{_NAME})(?:[ \t]+\.?\d[\d.]*%?){{3,}}(?=[ \t]|$)", re.M)
_CAPS_WORD = r"[A-Z][A-Z'’\-]*"
_DATELINE = re.compile(
    rf"(?:^|(?<=[.!?] ))[ \t]*(?P<a>{_CAPS_WORD}[A-Z](?: {_CAPS_WORD}){{0,3}})(?:[ \t]*,[ \t]*(?P<b>[A-Z][A-Za-z.]{{1,15}}))?"
    r"[ \t]+(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\((?:Reuters|AP|AFP|Reuter)\))", re.M
)
_CAPS_RUN = re.compile(rf"(?<![\w.]){_CAPS_WORD}(?:(?:[ \t]+|[ \t]*[-,.:;/&()'’\"]+[ \t]*){_CAPS_WORD}){{2,}}(?![\w])")


def allcaps_lines(text: str) -> list[tuple[int, int]]:
    """Ranges written in capitals (headlines): lines with ≥ 3 words and ≥ 80% upper-case letters,
    and, inside lines, runs of ≥ 3 consecutive capitalised words (≥ 8 letters)."""
    out = []
    for m in _LINE.finditer(text):
        line = m.group(0)
        letters = sum(map(str.isalpha, line))
        if letters < 8 or len(line.split()) < MIN_CAPS_WORDS:
            continue
        upper = sum(1 for c in line if c.isupper() and c.isalpha())
        if upper >= 0.8 * letters:
            out.append((m.start(), m.end()))
    for m in _CAPS_RUN.finditer(text):
        if sum(c.isalpha() for c in m.group(0)) >= 8 and not any(s <= m.start() and m.end() <= e for s, e in out):
            out.append((m.start(), m.end()))
    return sorted(out)


def datelines(text: str) -> list[Mention]:
    out = []
    for m in _DATELINE.finditer(text):
        for g in ("a", "b"):
            if m.group(g):
                out.append(Mention(m.start(g), m.end(g), "GPE", "layout", 2.0))
    return out


def table_teams(text: str) -> list[Mention]:
    """Team names in results/standings rows (empty unless the document has a real table)."""
    found: list[Mention] = []
    starts: list[int] = []  # the found mentions are disjoint: sorted starts, and their ends, for an
    ends: list[int] = []    # O(log n) overlap test (a scan of ``found`` per row was quadratic)
    rows = 0
    for pattern in (_RESULT, _STANDING):
        for m in pattern.finditer(text):
            i = bisect.bisect_left(starts, m.end()) - 1  # the last mention starting before this row ends
            if i >= 0 and ends[i] > m.start():
                continue
            rows += 1
            for g in ("a", "b"):
                if g in m.groupdict() and m.group(g):
                    found.append(Mention(m.start(g), m.end(g), "ORG", "team", 3.0))
                    j = bisect.bisect_left(starts, m.start(g))
                    starts.insert(j, m.start(g))
                    ends.insert(j, m.end(g))
    return found if rows >= MIN_TABLE_LINES else []
