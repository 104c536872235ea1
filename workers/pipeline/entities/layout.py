"""Entities read from the layout of news text, where a tagger trained on prose fails.

* headlines in capitals (:func:`allcaps_lines`) — the model is not trusted there;
* datelines: a line that starts with a place in capitals followed by a date or an agency tag
  ("SEOUL 2024-05-28", "FARMINGTON HILLS , Mich 1996-08-30", "LONDON (Reuters) -") → GPE;
* sports results and standings tables: "Arsenal 2 Chelsea 1", "Norwich 1 Wolverhampton 1",
  "CLEVELAND 70 60 .538 -" → the names are teams (ORG). Only when a document has at least
  :data:`MIN_TABLE_LINES` such lines, so a stray "London 5" in prose is never a team.
"""

from __future__ import annotations

import re

from .spans import Mention

MIN_CAPS_WORDS = 3
MIN_TABLE_LINES = 2

_LINE = re.compile(r"[^\n]+")
_NAME = r"[A-Z][\w.'’&\-]*(?: (?:[A-Z][\w.'’&\-]*|of|de|la|del|the|and|&))*"
_RESULT = re.compile(rf"^\s*(?P<a>{_NAME})\s+\d{{1,3}}\s+(?P<b>{_NAME})\s+\d{{1,3}}\b(?!\s*[-/.:]\s*\d)")
_STANDING = re.compile(rf"^\s*(?P<a>{_NAME})(?:\s+[\d.]+%?){{3,}}(?:\s+[-\d.]+)*\s*$")
_DATELINE = re.compile(
    r"^\s*(?P<a>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+)*)(?:\s*,\s*(?P<b>[A-Z][A-Za-z.]{1,15}))?"
    r"\s+(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\((?:Reuters|AP|AFP|Reuter)\))"
)


def allcaps_lines(text: str) -> list[tuple[int, int]]:
    """Ranges of lines written in capitals (headlines): ≥ 3 words, ≥ 80% of letters upper-case."""
    out = []
    for m in _LINE.finditer(text):
        line = m.group(0)
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 8 or len(line.split()) < MIN_CAPS_WORDS:
            continue
        upper = sum(1 for c in letters if c.isupper())
        if upper >= 0.8 * len(letters):
            out.append((m.start(), m.end()))
    return out


def datelines(text: str) -> list[Mention]:
    out = []
    for line in _LINE.finditer(text):
        m = _DATELINE.match(line.group(0))
        if m:
            for g in ("a", "b"):
                if m.group(g):
                    out.append(Mention(line.start() + m.start(g), line.start() + m.end(g), "GPE", "layout", 2.0))
    return out


def table_teams(text: str) -> list[Mention]:
    """Team names in results/standings lines (empty unless the document has a real table)."""
    found: list[Mention] = []
    lines = 0
    for line in _LINE.finditer(text):
        s = line.group(0)
        m = _RESULT.match(s) or _STANDING.match(s)
        if not m:
            continue
        lines += 1
        for g in ("a", "b"):
            if g in m.groupdict() and m.group(g):
                found.append(Mention(line.start() + m.start(g), line.start() + m.end(g), "ORG", "team", 3.0))
    return found if lines >= MIN_TABLE_LINES else []
