"""Cut text into units (lines, then sentences) and label them with a smoothed language sequence.

Each unit gets a :class:`Guess`; a Viterbi pass picks one language per unit maximising
``Σ weight(unit) · log p(unit, lang) − switch_cost · (#switches)``. Short or ambiguous units
cannot pay for a switch, so a stray word or an abbreviation never becomes a false foreign segment,
while a run of real foreign sentences (or a line in another script) does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from .detect import Guess

# Line breaks, then sentence ends (Latin/Arabic/Devanagari punctuation followed by space, CJK full
# stops with or without space).
_BREAK_RE = re.compile(r"\n+|(?<=[.!?…؟।])[\"'”’»)\]]*\s+|(?<=[。！？])\s*")
MAX_UNIT = 1000  # longer units are cut at a space (or hard) so cost stays linear


@dataclass
class Unit:
    start: int
    end: int
    guess: Guess


def split_units(text: str) -> list[tuple[int, int]]:
    """Spans of non-blank units, in order, ``text[start:end]`` stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _BREAK_RE.finditer(text):
        if m.end() == m.start() and m.start() == pos:
            continue
        _add(text, pos, m.start() if m.group().strip() == "" else m.end(), spans)
        pos = m.end()
    _add(text, pos, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_UNIT:
        cut = text.rfind(" ", start + MAX_UNIT // 2, start + MAX_UNIT)
        cut = cut if cut > start else start + MAX_UNIT
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


FLOOR = 1e-4


def unit_weight(g: Guess) -> float:
    """How much evidence a unit carries: grows with its letters, capped at one sentence's worth."""
    letters = g.letters * (3 if g.script in ("Hans", "Hant", "Jpan", "Hang") else 1)
    return min(1.0, letters / 40.0)


def smooth(units: list[Unit], switch_cost: float = 4.0) -> list[str]:
    """Most likely language per unit (``und`` where a unit has letters no configured language owns)."""
    labels: list[str] = []
    for u in units:
        for c in u.guess.probs:
            if c not in labels:
                labels.append(c)
        if u.guess.letters and not u.guess.probs and "und" not in labels:
            labels.append("und")
    if not labels:
        return ["und"] * len(units)
    log_floor = math.log(FLOOR)

    def emission(u: Unit) -> list[float]:
        g = u.guess
        if not g.letters:
            return [0.0] * len(labels)
        w = unit_weight(g)
        probs = g.probs or {"und": 1.0}
        return [w * (math.log(probs[c]) if probs.get(c, 0.0) > FLOOR else log_floor) for c in labels]

    n = len(labels)
    score = emission(units[0])
    back: list[list[int]] = []
    for u in units[1:]:
        e = emission(u)
        best_prev = max(range(n), key=score.__getitem__)
        new, ptr = [], []
        for j in range(n):
            stay, switch = score[j], score[best_prev] - switch_cost
            if stay >= switch:
                new.append(stay + e[j]); ptr.append(j)
            else:
                new.append(switch + e[j]); ptr.append(best_prev)
        score = new
        back.append(ptr)
    j = max(range(n), key=score.__getitem__)
    path = [j]
    for ptr in reversed(back):
        j = ptr[j]
        path.append(j)
    path.reverse()
    return [labels[j] for j in path]


def label_units(text: str, detect: Callable[[str], Guess], switch_cost: float = 4.0) -> tuple[list[Unit], list[str]]:
    units = [Unit(s, e, detect(text[s:e])) for s, e in split_units(text)]
    return units, (smooth(units, switch_cost) if units else [])
