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
    open_len: int = 1
    close_len: int = 1

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + self.open_len, (self.end - self.close_len if self.closed else self.end)

    def words(self, text: str) -> int:
        a, b = self.inner
        return len(_WORD.findall(text[a:b]))


_MARK = re.compile(r"“|”|\"|''")
# what follows a ” that opens: a letter, or an ellipsis and then a word ("” … they are so …")
_OPENS_WORDS = re.compile(r"[^\W\d_]|[ \t]*(?:…|\.\.\.)[ \t]*\w")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n", text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int, bool, int, int]]:
    """Quote pieces inside one paragraph: (start, end, closed, open_len, close_len).

    Marks: curly “ ”, straight ", and the doubled apostrophe '' some wires use. A ” that stands
    where an opening mark belongs (start of paragraph or after a space, before a letter or an
    ellipsis that leads into words) opens. Mismatched pairs close too, when the paragraph holds
    no matching mark further on: “…" (a straight mark in closing position) and "…”.
    """
    out: list[tuple[int, int, bool, int, int]] = []
    open_at: int | None = None
    open_mark = ""
    for m in _MARK.finditer(text, a, b):
        mark, i = m.group(), m.start()
        if open_at is None:
            if mark == CLOSE:
                prev = text[i - 1:i] if i > a else " "
                if not (prev.isspace() and _OPENS_WORDS.match(text, i + 1)):
                    continue
            if mark == "''" and not text[i + 2:i + 3].strip():
                continue   # a closing '' with nothing open (or a stray pair)
            open_at, open_mark = i, mark
            continue
        if open_mark in (OPEN, CLOSE):
            if mark == CLOSE or (mark == STRAIGHT and _closing_position(text, i, b) and CLOSE not in text[i + 1:b]):
                out.append((open_at, i + 1, True, 1, 1))
                open_at = None
            elif mark == OPEN:
                open_at = i          # the first one never closed: restart here
            continue
        if open_mark == STRAIGHT and mark == CLOSE and STRAIGHT not in text[i + 1:b]:
            out.append((open_at, i + 1, True, 1, 1))   # "… ” — the writer's marks do not match
            open_at = None
            continue
        if mark == open_mark:
            out.append((open_at, i + len(mark), True, len(open_mark), len(mark)))
            open_at = None
    if open_at is not None:
        out.append((open_at, _rstrip(text, open_at, b), False, len(open_mark), 0))
    return out


def _closing_position(text: str, i: int, b: int) -> bool:
    """A straight mark at ``i`` that can only close (“…," — the writer's marks do not match): after
    a non-space, before a space, punctuation or the paragraph end."""
    prev = text[i - 1:i]
    nxt = text[i + 1:i + 2] if i + 1 < b else ""
    return bool(prev) and not prev.isspace() and (not nxt or nxt.isspace() or nxt in ".,;:!?)—–-")


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
        for n, (s, e, closed, ol, cl) in enumerate(pieces):
            cont = None
            if n == 0 and open_piece is not None and s == para_start:
                cont = open_piece
            quotes.append(Quote(s, e, closed, cont, ol, cl))
        last = quotes[-1] if pieces else None
        open_piece = len(quotes) - 1 if (last is not None and not last.closed) else None
    return quotes
