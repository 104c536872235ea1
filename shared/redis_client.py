"""Redis client plumbing shared by the API and the workers.

redis-py 5's asyncio client packs every command in Python (~19 µs for the intake's ~25-argument
EVALSHA with a 4 KB article); hiredis's C packer does the same bytes in ~3 µs. Intake is one script
call per article, so this is a measurable share of its CPU.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

import hiredis
from redis.asyncio.connection import Connection
from redis.asyncio.sentinel import Sentinel


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


def sentinel_master(sentinels: list[tuple[str, int]], master: str, url: str | None = None, **kwargs: Any) -> Any:
    """A client for the master that the sentinels name (found again after a failover on the next
    connection). Password, username and db come from ``url`` when given (``redis://:pw@-/0``)."""
    if url:
        parts = urlparse(url)
        if parts.password:
            kwargs.setdefault("password", unquote(parts.password))
        if parts.username:
            kwargs.setdefault("username", unquote(parts.username))
        if parts.path.strip("/").isdigit():
            kwargs.setdefault("db", int(parts.path.strip("/")))
    timeout = kwargs.get("socket_connect_timeout", 2)
    return Sentinel(sentinels, socket_timeout=timeout, sentinel_kwargs={"socket_timeout": timeout}).master_for(
        master, **kwargs)


def connection_kwargs(url: str) -> dict[str, Any]:
    """Extra ``Redis.from_url`` arguments for ``url``: the hiredis packer for plain TCP URLs (TLS and
    unix-socket URLs keep redis-py's own connection classes)."""
    return {"connection_class": HiredisPackedConnection} if url.startswith("redis://") else {}
