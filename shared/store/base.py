"""What every part of the store shares: the Redis client, the settings, the time format."""

from __future__ import annotations

from datetime import datetime, timezone

from redis.asyncio import Redis

from ..config import Settings
from .scripts import ALL_SCRIPTS


def iso(ts: float) -> str:
    """Epoch seconds as the ISO time the store writes (UTC, milliseconds, ``Z``)."""
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StoreBase:
    """The state the concern mixins of :class:`shared.store.DocumentStore` work on."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings

    async def load_scripts(self) -> None:
        """Load the Lua scripts (so pipelined EVALSHA never meets NOSCRIPT)."""
        for script in ALL_SCRIPTS:
            await self.redis.script_load(script.source)

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    def _limit(self, limit: int | None) -> int:
        """A page size within the configured bounds (the default when not given)."""
        if limit is None:
            return self.settings.list_default_limit
        return max(1, min(int(limit), self.settings.list_max_limit))
