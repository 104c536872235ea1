"""API keys: created, listed, revoked, and checked per request (with the key's rate limit).

A key is ``nfk_<id>_<secret>``: ``id`` (12 hex characters) names it in listings and ``revoke``, the
secret is 256 random bits. Only the SHA-256 of the whole key is stored (a random 256-bit secret needs
no slow hash: there is nothing to brute-force), so the key is shown once, when it is created.

Scopes: ``submit`` (POST articles), ``read`` (GET), ``admin`` (DELETE, retry, key management).
Each request runs one script (``lua/authenticate.lua``): look the key up and take a token from its
bucket (``rate`` tokens per second, up to ``burst``), on Redis's clock.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any, Iterable

from redis.asyncio import Redis

from .. import keys as K
from .base import iso
from .scripts import AUTHENTICATE, as_str

SCOPES = ("submit", "read", "admin")
KEY_PREFIX = "nfk_"


class InvalidScope(ValueError):
    pass


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    scopes: tuple[str, ...]
    created_at: str = ""
    revoked: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "scopes": list(self.scopes), "created_at": self.created_at,
                "revoked": self.revoked}


@dataclass(frozen=True)
class AuthResult:
    key: ApiKey | None             # None: unknown or revoked
    allowed: bool = True           # False: over the rate limit
    retry_after: float = 0.0       # seconds until a token is back (when not allowed)


def parse_scopes(scopes: str | Iterable[str]) -> tuple[str, ...]:
    """``"submit,read"`` (or a list) → the scopes in canonical order; unknown ones raise :class:`InvalidScope`."""
    items = scopes.split(",") if isinstance(scopes, str) else list(scopes)
    wanted = {s.strip() for s in items if s.strip()}
    unknown = wanted - set(SCOPES)
    if unknown:
        raise InvalidScope(f"unknown scope(s): {', '.join(sorted(unknown))} (known: {', '.join(SCOPES)})")
    if not wanted:
        raise InvalidScope(f"at least one scope is needed ({', '.join(SCOPES)})")
    return tuple(s for s in SCOPES if s in wanted)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _record(raw: dict[Any, Any]) -> ApiKey:
    d = {as_str(k): as_str(v) for k, v in raw.items()}
    return ApiKey(d["id"], d.get("name", ""), tuple(s for s in d.get("scopes", "").split(",") if s),
                  d.get("created_at", ""), d.get("revoked") == "1")


class ApiKeyStore:
    """The API keys in ``redis`` (a ``redis.asyncio.Redis``)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def create(self, name: str, scopes: str | Iterable[str]) -> tuple[ApiKey, str]:
        """A new key: its record and the key itself (shown once; only its hash is stored)."""
        parsed = parse_scopes(scopes)
        key_id = secrets.token_hex(6)
        key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        now = time.time()
        record = ApiKey(key_id, name, parsed, iso(now))
        digest = key_digest(key)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(K.apikey(key_id), mapping={"id": key_id, "name": name, "scopes": ",".join(parsed),
                                             "created_at": record.created_at, "revoked": "0", "hash": digest})
        pipe.set(K.apikey_hash(digest), key_id)
        pipe.zadd(K.APIKEYS, {key_id: now})
        await pipe.execute()
        return record, key

    async def get(self, key_id: str) -> ApiKey | None:
        raw = await self.redis.hgetall(K.apikey(key_id))
        return _record(raw) if raw else None

    async def list(self) -> list[ApiKey]:
        """Every key, oldest first (revoked ones too, marked)."""
        ids = [as_str(i) for i in await self.redis.zrange(K.APIKEYS, 0, -1)]
        pipe = self.redis.pipeline(transaction=False)
        for key_id in ids:
            pipe.hgetall(K.apikey(key_id))
        return [_record(raw) for raw in await pipe.execute() if raw]

    async def revoke(self, key_id: str) -> bool:
        """Revoke a key for good (its record stays, marked); False for an unknown id."""
        digest = await self.redis.hget(K.apikey(key_id), "hash")
        if digest is None:
            return False
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(K.apikey(key_id), "revoked", "1")
        pipe.delete(K.apikey_hash(as_str(digest)), K.RATELIMIT_PREFIX + key_id)
        await pipe.execute()
        return True

    async def authenticate(self, key: str, rate: float = 0.0, burst: int = 1) -> AuthResult:
        """Check ``key`` and take one token from its bucket (``rate`` ≤ 0: no limit)."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return AuthResult(None)
        reply = await AUTHENTICATE(self.redis, [K.apikey_hash(key_digest(key))],
                                   {"key_prefix": K.APIKEY_PREFIX, "bucket_prefix": K.RATELIMIT_PREFIX,
                                    "rate": repr(float(rate)), "burst": str(max(1, int(burst)))})
        if int(reply[0]) != 1:
            return AuthResult(None)
        record = ApiKey(as_str(reply[1]), as_str(reply[2]), tuple(s for s in as_str(reply[3]).split(",") if s))
        return AuthResult(record, bool(int(reply[4])), int(reply[5]) / 1000)
