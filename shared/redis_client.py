"""Redis client plumbing shared by the API and the workers.

redis-py 5's asyncio client packs every command in Python (~19 µs for the intake's ~25-argument
EVALSHA with a 4 KB article); hiredis's C packer does the same bytes in ~3 µs. Intake is one script
call per article, so this is a measurable share of its CPU.
"""

from __future__ import annotations

from typing import Any

import hiredis
from redis.asyncio.connection import Connection


class HiredisPackedConnection(Connection):
    """A TCP connection whose commands are packed by hiredis (same RESP bytes as redis-py's packer)."""

    def pack_command(self, *args: Any) -> list[bytes]:
        first = args[0]
        if isinstance(first, str) and " " in first:  # 'SCRIPT LOAD' → two arguments, as redis-py does
            args = tuple(first.split()) + args[1:]
        elif isinstance(first, bytes) and b" " in first:
            args = tuple(first.split()) + args[1:]
        if any(isinstance(a, (bool, float, memoryview)) for a in args):
            return super().pack_command(*args)  # redis-py's own rules for these (bool is an error there)
        return [hiredis.pack_command(args)]


def connection_kwargs(url: str) -> dict[str, Any]:
    """Extra ``Redis.from_url`` arguments for ``url``: the hiredis packer for plain TCP URLs (TLS and
    unix-socket URLs keep redis-py's own connection classes)."""
    return {"connection_class": HiredisPackedConnection} if url.startswith("redis://") else {}
