"""Sentences and coverage for the claim stage: the parsed sentences as trimmed line ranges, the
sentences a claim lies in, whether a range overlaps an attribution, the entities a claim names."""

from __future__ import annotations

import bisect
import re
from typing import Any

from .records import Span
from .mentions import MentionIndex


def sentence_spans(text: str, chunks: list[tuple[int, Any]]) -> list[Span]:
    """The parsed sentences as trimmed, non-empty ``(start, end)`` ranges in text order; a parsed
    sentence running over a line break (headline + body) gives one range per line."""
    out: list[Span] = []
    for off, sdoc in chunks:
        for s in sdoc.sents:
            s0, s1 = off + s.start_char, off + s.end_char
            for line in re.finditer(r"[^\n]+", text[s0:s1]):
                a, b = trim(text, s0 + line.start(), s0 + line.end())
                if b > a:
                    out.append((a, b))
    return out


def sentences_over(sentences: list[Span], starts: list[int], spans: list[Span]) -> list[int]:
    """Indexes of the sentences overlapping any of ``spans`` (sentences sorted and disjoint)."""
    out: list[int] = []
    for a, b in spans:
        k = max(0, bisect.bisect_right(starts, a) - 1)
        while k < len(sentences) and sentences[k][0] < b:
            if sentences[k][1] > a and k not in out:
                out.append(k)
            k += 1
    return out


def trim(text: str, a: int, b: int) -> Span:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def entity_ids(index: MentionIndex, spans: list[Span]) -> list[str]:
    """Entity ids of the mentions overlapping ``spans``, in mention order (looked up by offset)."""
    out: list[str] = []
    if not spans:
        return out
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    for m in index.near(lo, hi):
        if m.entity_id and m.entity_id not in out and any(m.start < e and m.end > s for s, e in spans):
            out.append(m.entity_id)
    return out


class Covered:
    """Does ``[a, b)`` overlap any of the covered spans? Sorted starts + prefix max of ends."""

    def __init__(self, spans: list[Span]):
        ordered = sorted((s, e) for s, e in spans if e > s)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[int] = []
        m = -1
        for _, e in ordered:
            m = max(m, e)
            self.max_end.append(m)

    def overlaps(self, a: int, b: int) -> bool:
        if b <= a:
            return False
        k = bisect.bisect_left(self.starts, b) - 1   # spans starting before b
        return k >= 0 and self.max_end[k] > a
