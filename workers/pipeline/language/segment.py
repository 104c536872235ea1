"""Cut text into units and label them with a smoothed language sequence.

1. ``split_units``: lines, then sentences (very long texts: ~2,000-character windows).
2. ``make_blocks``: consecutive units grouped up to ~300 characters, never across a blank line
   or a change of script; each block is identified once (cheap: a 5 kB article is ~20 calls).
3. Blocks that are uncertain, of mixed script, or disagree with a neighbour are *refined*: their
   units are identified one by one, so a language switch is placed at the right sentence.
4. ``smooth``: a Viterbi pass picks one language per unit/block maximising
   ``Σ weight · log p(lang) − switch_cost · #switches``. Short or ambiguous pieces cannot pay for a
   switch, so a stray word or an abbreviation never becomes a false foreign segment, while a run
   of real foreign sentences (or a line in another script) does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from .detect import Guess, _mixed_script
from .scripts import han_variant, script_counts, script_fits

# Line breaks, then sentence ends (Latin/Arabic/Devanagari punctuation followed by space, CJK full
# stops with or without space).
_BREAK_RE = re.compile(r"\n+|(?<=[.!?…؟।])[\"'”’»)\]]*\s+|(?<=[。！？])\s*")
MAX_UNIT = 1000          # longer units are cut at a space (or hard) so cost stays linear
HUGE_TEXT = 100_000      # beyond this, units are fixed windows instead of sentences
WINDOW = 10_000          # window size for huge texts
BLOCK_CHARS = 300
SHORT_TEXT = 1000        # texts up to this many characters are always read sentence by sentence
SURE = 0.97              # a block whose best language has less than this is refined
FLOOR = 1e-4


@dataclass
class Unit:
    start: int
    end: int
    guess: Guess


def split_units(text: str) -> list[tuple[int, int]]:
    """Spans of non-blank units, in order, ``text[start:end]`` stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    if len(text) > HUGE_TEXT:
        _add(text, 0, len(text), spans, WINDOW)
        return spans
    pos = 0
    for m in _BREAK_RE.finditer(text):
        if m.end() == m.start() and m.start() == pos:
            continue
        _add(text, pos, m.start() if m.group().strip() == "" else m.end(), spans)
        pos = m.end()
    _add(text, pos, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]], max_unit: int = MAX_UNIT) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_unit:
        cut = text.rfind(" ", start + max_unit // 2, start + max_unit)
        cut = cut if cut > start else start + max_unit
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def make_blocks(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Group consecutive unit spans into blocks of about ``BLOCK_CHARS``, breaking at blank lines."""
    blocks: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for span in spans:
        if cur and (span[1] - cur[0][0] > BLOCK_CHARS or "\n\n" in text[cur[-1][1]:span[0]]):
            blocks.append(cur)
            cur = []
        cur.append(span)
    if cur:
        blocks.append(cur)
    return blocks


def unit_weight(g: Guess) -> float:
    """How much evidence a piece carries: grows with its letters, capped at one sentence's worth."""
    letters = g.letters * (3 if g.script in ("Hans", "Hant", "Jpan", "Hang") else 1)
    if g.probs and min(g.probs.values()) == 1.0:  # decided by its script alone: sure sooner
        return min(1.0, letters / 20.0)
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
    n = len(labels)
    zero = [0.0] * n

    def emission(u: Unit) -> list[float]:
        g = u.guess
        if not g.letters:
            return zero
        w = unit_weight(g)
        probs = g.probs or {"und": 1.0}
        return [w * (math.log(probs[c]) if probs.get(c, 0.0) > FLOOR else log_floor) for c in labels]

    score = list(emission(units[0]))
    back: list[list[int]] = []
    for u in units[1:]:
        e = emission(u)
        best_prev = max(range(n), key=score.__getitem__)
        switch = score[best_prev] - switch_cost
        new, ptr = [], []
        for j in range(n):
            if score[j] >= switch:
                new.append(score[j] + e[j])
                ptr.append(j)
            else:
                new.append(switch + e[j])
                ptr.append(best_prev)
        score = new
        back.append(ptr)
    j = max(range(n), key=score.__getitem__)
    path = [j]
    for ptr in reversed(back):
        j = ptr[j]
        path.append(j)
    path.reverse()
    return [labels[j] for j in path]


def label_units(
    text: str,
    detect: Callable[..., Guess],
    switch_cost: float = 4.0,
    trusted: Sequence[tuple[int, int, str]] = (),
) -> tuple[list[Unit], list[str]]:
    """Units (whole blocks where a block is sure, else its sentences) and their smoothed languages.

    ``trusted``: character spans already known to be in one language (CLD2's spans of a long
    document's main language); a block inside one, in that language's script, needs no model call.
    """
    blocks = make_blocks(text, split_units(text))
    guesses = [_trusted_guess(text, b, trusted) or detect(text[b[0][0]:b[-1][1]], thorough=0) for b in blocks]
    codes = [g.code for g in guesses]
    units: list[Unit] = []
    short = len(text) <= SHORT_TEXT
    for i, (block, g) in enumerate(zip(blocks, guesses)):
        neighbours = {codes[k] for k in (i - 1, i + 1) if 0 <= k < len(codes) and guesses[k].letters}
        suspect = len(block) > 1 and g.letters and (
            short or g.confidence < SURE or g.mixed_script or bool(neighbours - {codes[i]})
        )
        if suspect:  # lingua on short units only where the text is short: in an article, context decides
            units.extend(Unit(s, e, detect(text[s:e]) if short else detect(text[s:e], thorough=0)) for s, e in block)
        else:
            units.append(Unit(block[0][0], block[-1][1], g))
    return units, (smooth(units, switch_cost) if units else [])


TRUSTED_CONFIDENCE = 0.98


def _trusted_guess(text: str, block: list[tuple[int, int]], trusted: Sequence[tuple[int, int, str]]) -> Guess | None:
    start, end = block[0][0], block[-1][1]
    for s, e, code in trusted:
        if s <= start and end <= e:
            counts = script_counts(text[start:end])
            letters = sum(counts.values())
            if not letters or _mixed_script(counts):
                return None
            script = max(counts, key=counts.__getitem__)
            if not script_fits(code, script):
                return None
            if code in ("zh", "ja"):
                script = "Jpan" if code == "ja" else han_variant(text[start:end])
            return Guess({code: TRUSTED_CONFIDENCE}, letters, script)
    return None
