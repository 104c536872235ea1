"""Token runs and character spans: how the attribution rules turn parse tokens into trimmed
``(start, end)`` offsets of the document text."""

from __future__ import annotations

import re
from typing import Any, Iterable

_WORD = re.compile(r"\w")


def span_of(tokens: Iterable[Any], off: int) -> tuple[int, int] | None:
    """The span from the first to the last non-punctuation token (``off``: the chunk's offset)."""
    toks = sorted(tokens, key=lambda t: t.i)
    toks = [t for t in toks if not t.is_punct and not t.is_space]
    if not toks:
        return None
    return off + toks[0].idx, off + toks[-1].idx + len(toks[-1])


def runs(tokens: Iterable[Any], off: int, text: str) -> list[tuple[int, int]]:
    """Contiguous runs of tokens as character spans, edges trimmed of punctuation/“that”."""
    toks = sorted(set(tokens), key=lambda t: t.i)
    groups: list[list[Any]] = []
    for t in toks:
        if groups and t.i == groups[-1][-1].i + 1:
            groups[-1].append(t)
        else:
            groups.append([t])
    out = []
    for run in groups:
        while run and (run[0].is_punct or run[0].is_space or (run[0].dep_ == "mark" and run[0].lower_ in ("that", "whether", "if"))
                       or run[0].lower_ in ("that",) and run[0].dep_ in ("mark", "nsubj") and len(run) > 3 and run[0].i == run[0].sent.start):
            if run[0].is_punct and run[0].text in "“\"" and _closes_in(run):
                break
            run = run[1:]
        while run and (run[-1].is_punct or run[-1].is_space or run[-1].dep_ == "cc"):
            if run[-1].is_punct and run[-1].text in "”\"" and _opens_in(run):
                break
            run = run[:-1]
        if run and any(_WORD.search(t.text) for t in run):
            a, b = off + run[0].idx, off + run[-1].idx + len(run[-1])
            seg = text[a:b]
            if seg.count("“") > seg.count("”"):   # the closing mark hangs off the main verb
                k = text.find("”", b, b + 3)
                if k != -1:
                    b = k + 1
            out.append((a, b))
    return out


def clip(text: str, span: tuple[int, int], lo: int, hi: int) -> tuple[int, int] | None:
    """``span`` cut to ``[lo, hi)`` and trimmed to its words (a sentence-final period of a short
    span or after a lower-case letter dropped); None when no word is left."""
    a, b = max(span[0], lo), min(span[1], hi)
    while a < b and not (text[a].isalnum() or text[a] in "“\"‘'$£€"):
        a += 1
    while b > a and not (text[b - 1].isalnum() or text[b - 1] in "”\"’'%.!?"):
        b -= 1
    if b > a and text[b - 1] == "." and (b - a < 4 or text[b - 2].islower()):
        b -= 1
    return (a, b) if b > a and _WORD.search(text[a:b]) else None


def word_count(text: str, spans: Iterable[tuple[int, int]]) -> int:
    return sum(len(re.findall(r"\w+", text[a:b])) for a, b in spans)


def _closes_in(run: list[Any]) -> bool:
    return any(t.text in "”\"" for t in run[1:])


def _opens_in(run: list[Any]) -> bool:
    return any(t.text in "“\"" for t in run[:-1])
