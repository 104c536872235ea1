"""Tokens by character range over the parsed chunks ``[(offset, sdoc)]`` (chunks in text order,
not overlapping): one lookup for the attribution rules and the speaker resolver."""

from __future__ import annotations

import bisect
from typing import Any


class ChunkTokens:
    def __init__(self, chunks: list[tuple[int, Any]]) -> None:
        self.chunks = chunks
        self._offs = [off for off, _ in chunks]
        self._starts: dict[int, list[int]] = {}   # chunk → absolute token starts (lazy)
        self._doc_off = {id(sdoc): off for off, sdoc in reversed(chunks)}

    def chunk_at(self, pos: int) -> int | None:
        """The index of the chunk whose parsed text holds ``pos``, or None (before the first
        chunk, in a gap between chunks, past the last token)."""
        ci = bisect.bisect_right(self._offs, pos) - 1
        if ci < 0:
            return None
        off, sdoc = self.chunks[ci]
        if not len(sdoc) or pos >= off + sdoc[-1].idx + len(sdoc[-1]):
            return None
        return ci

    def offset_at(self, pos: int) -> int | None:
        ci = self.chunk_at(pos)
        return None if ci is None else self.chunks[ci][0]

    def tokens(self, a: int, b: int) -> list[Any]:
        """The tokens of the chunk holding ``a`` that start in ``[a, b)``."""
        ci = self.chunk_at(a)
        if ci is None:
            return []
        off, sdoc = self.chunks[ci]
        starts = self._starts.get(ci)
        if starts is None:
            starts = self._starts[ci] = [off + t.idx for t in sdoc]
        lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        return [sdoc[k] for k in range(lo, hi)]

    def start_of(self, t: Any) -> int:
        """The absolute start of token ``t`` of one of the chunks (its own ``idx`` if none)."""
        return self._doc_off.get(id(t.doc), 0) + t.idx
