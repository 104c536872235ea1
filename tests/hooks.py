"""Test helpers for webhook and queue tests: an arq pool as a worker gets it (JSON job records, never
pickles: ``workers/settings.py``), and a local HTTP receiver for deliveries."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestServer
from arq.connections import ArqRedis, create_pool

from shared.store import queue
from workers.settings import redis_settings


async def arq_pool(url: str) -> ArqRedis:
    """An arq pool on ``url`` with newsflow's job serializer (close it with ``aclose()``)."""
    return await create_pool(redis_settings(url), job_serializer=queue.job_serializer,
                             job_deserializer=queue.job_deserializer)


async def hook_receiver(handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                        path: str = "/hook") -> Any:
    """A started local HTTP server answering POST ``path`` with ``handler`` (close it with ``close()``;
    ``make_url(path)`` is its address)."""
    app = web.Application()
    app.router.add_post(path, handler)
    server = TestServer(app)
    await server.start_server()
    return server
