"""Structural attributions: who said a quotation, read off the layout rather than a cue verb.

- ``dash_sources``: a quotation paragraph signed by a dash line — the dash and name at the end of
  the same paragraph (“…” ― Ana Ruiz, 41, Tucson) or on the next line ("- Ana Ruiz."), as vox-pop
  collections, fact checks and pull-quotes print them. The quote is the content (direct speech),
  the name after the dash the speaker, the dash the cue.

Functions return plain offsets (absolute, into the text); ``extract`` makes the records.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .quotes import Quote

# "―" (U+2015), em and en dashes, "--" and a lone hyphen (only before a space or a capital)
_DASH = r"(?:―|—|–|--|-(?=\s|[A-Z]))"
# a person or organisation name: capitalised words (initials, particles, hyphens and accented
# letters allowed), at most six
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|del|da|dos|la|le|van|von|bin|al)"
_NAME = rf"[A-Z][\w'’.-]*(?:[ \t]+{_NAME_WORD}){{0,5}}"
# the signature: dash, name, an optional handle and an optional ", 34, Phoenix" tail to line end
_SIGN = re.compile(rf"[ \t]*({_DASH})[ \t]*({_NAME}?)[.]?(?:[ \t]*\(@\w+\))?(?:[ \t]*,[^\n]{{0,80}})?[ \t.]*$")
_MAX_TAIL_WORDS = 12


class Structural(NamedTuple):
    cue: tuple[int, int]
    speaker: tuple[int, int]
    content: list[tuple[int, int]]
    how: str


def _line(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, len(text) if b == -1 else b


def _paragraph_quote(text: str, quotes: list[Quote], k: int) -> list[tuple[int, int]] | None:
    """The spans of quote ``k`` and the pieces it continues, when the quote is a whole paragraph
    (or the last paragraph of a multi-paragraph quote): it opens the paragraph and is closed."""
    q = quotes[k]
    if not q.closed or q.words(text) < 2:
        return None
    a, _ = _line(text, q.start)
    if text[a:q.start].strip():
        return None
    spans = [(q.start, q.end)]
    while q.continues is not None:
        q = quotes[q.continues]
        spans.insert(0, (q.start, q.end))
    return spans


def _name_ok(text: str, a: int, b: int) -> bool:
    return 0 < len(text[a:b].split()) <= 6


def dash_sources(text: str, quotes: list[Quote]) -> list[Structural]:
    """Quotation paragraphs signed by a dash line (see the module docstring). A quote that does
    not open its paragraph, a signature longer than a name and short tail, or a name-less dash
    is left alone."""
    out: list[Structural] = []
    for k, q in enumerate(quotes):
        if not q.closed:
            continue
        la, lb = _line(text, q.end)
        rest = text[q.end:lb]
        m = _SIGN.match(rest)
        how = "dash"
        if m is None and not rest.strip(" \t.,"):
            # the signature on the next non-empty line
            nxt = re.compile(r"\n[ \t]*\n?[ \t]*").match(text, lb)
            if nxt is None:
                continue
            na, nb = _line(text, nxt.end())
            if nb <= na:
                continue
            m2 = _SIGN.match(text, na, nb)
            if m2 is None or not text[na:m2.start(1)].strip() == "":
                continue
            m, base = m2, 0
            how = "dash_line"
        else:
            base = q.end
            if m is None:
                continue
        if not m.group(2):
            continue
        spans = _paragraph_quote(text, quotes, k)
        if spans is None:
            continue
        s0, s1 = base + m.start(2), base + m.end(2)
        while s1 > s0 and text[s1 - 1] in ".":
            s1 -= 1
        if not _name_ok(text, s0, s1) or len(re.findall(r"\w+", m.group(0))) > _MAX_TAIL_WORDS:
            continue
        c0, c1 = base + m.start(1), base + m.end(1)
        out.append(Structural((c0, c1), (s0, s1), spans, how))
    return out
