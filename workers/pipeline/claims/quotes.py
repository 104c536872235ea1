"""Direct quotations: matched quote marks over the document text.

Handles curly (“ ”) and straight (") double quotes, and a quote running over several paragraphs
(English convention: the paragraph ends without a closing mark and the next one opens again):
such a quote yields one :class:`Quote` per paragraph, the later ones with ``continues`` set to the
index of the previous piece. Offsets are into the text given; a quote's span includes its marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = "“"
CLOSE = "”"
STRAIGHT = '"'
_WORD = re.compile(r"\w+")


@dataclass
class Quote:
    start: int           # offset of the opening mark
    end: int             # offset after the closing mark (or paragraph end for an open piece)
    closed: bool
    continues: int | None = None  # index of the quote piece this one continues (multi-paragraph)

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, (self.end - 1 if self.closed else self.end)

    def words(self, text: str) -> int:
        a, b = self.inner
        return len(_WORD.findall(text[a:b]))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n", text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int, bool]]:
    """Quote pieces inside one paragraph: (start, end, closed)."""
    out: list[tuple[int, int, bool]] = []
    i = a
    while i < b:
        ch = text[i]
        if ch == OPEN or ch == STRAIGHT:
            closer = CLOSE if ch == OPEN else STRAIGHT
            j = text.find(closer, i + 1, b)
            if ch == OPEN:
                # a stray second opening mark before the close means the first one never closed
                k = text.find(OPEN, i + 1, b)
                if k != -1 and (j == -1 or k < j):
                    if j == -1:
                        out.append((i, _rstrip(text, i, b), False))
                        return out
                    i = k
                    continue
            if j == -1:
                out.append((i, _rstrip(text, i, b), False))
                return out
            out.append((i, j + 1, True))
            i = j + 1
            continue
        i += 1
    return out


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1].isspace():
        b -= 1
    return b


def find_quotes(text: str) -> list[Quote]:
    quotes: list[Quote] = []
    open_piece: int | None = None
    for a, b in _paragraphs(text):
        para_start = a
        while para_start < b and text[para_start].isspace():
            para_start += 1
        pieces = _pieces(text, a, b)
        for n, (s, e, closed) in enumerate(pieces):
            cont = None
            if n == 0 and open_piece is not None and s == para_start:
                cont = open_piece
            quotes.append(Quote(s, e, closed, cont))
        last = quotes[-1] if pieces else None
        open_piece = len(quotes) - 1 if (last is not None and not last.closed) else None
    return quotes
