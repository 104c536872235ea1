"""Cost of the API-key check (one EVALSHA: key lookup + token bucket) against a PING, on a private
redis-server. Printed, never asserted.

    PYTHONPATH=. python bench/auth.py [N]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time

import redis.asyncio as aioredis

from shared.redis_client import connection_kwargs
from shared.redis_server import RedisServer
from shared.store.apikeys import ApiKeyStore


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, RedisServer(tmp) as server:
        client = aioredis.Redis.from_url(server.url, **connection_kwargs(server.url))
        keys = ApiKeyStore(client)
        _, key = await keys.create("bench", "read")
        await keys.authenticate(key, 1e9, 10**9)
        t0 = time.perf_counter()
        for _ in range(n):
            await client.ping()
        ping = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        for _ in range(n):
            assert (await keys.authenticate(key, 1e9, 10**9)).allowed
        auth = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        for _ in range(n):
            assert (await keys.authenticate("nfk_000000000000_unknown")).key is None
        unknown = (time.perf_counter() - t0) / n
        print(f"{n} calls each: PING {ping * 1e6:.0f} µs, authenticate (known key, bucket) {auth * 1e6:.0f} µs, "
              f"unknown key {unknown * 1e6:.0f} µs per call (sequential, one connection)")
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
