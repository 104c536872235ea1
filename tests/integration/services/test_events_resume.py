"""Resuming an event stream (``GET /v1/events``) with ``newsflow_client``'s ``events()``:

* a stream the server ends (shutdown) sends its cursor as an id-only block first, and the client keeps
  it: a client whose filters matched nothing, started "from now on", resumes from there and misses
  nothing written while it was away (it used to reconnect without ``Last-Event-ID``: "from now on"
  again, and lost those events);
* a 503 (Redis unavailable) is retried with a backoff, not raised (it used to end ``events()``).

Real app, real redis-server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from newsflow_client import AsyncClient
from services.app import create_app
from services.events import STOPPING
from shared.config import Settings
from shared.redis_server import RedisServer
from shared.store import DocumentStore

pytestmark = pytest.mark.integration


async def finish(store, n: int, source: str) -> str:
    """Submit an article and save it as a worker would: one ``article.done`` event."""
    doc_id = (await store.submit({"text": f"Officials said on day {n} that the talks would resume.",
                                  "external_id": f"r{n}", "source": source})).id
    art = await store.get_article(doc_id)
    await store.save_document({**art, "id": doc_id, "entities": [], "claims": []}, 1.0)
    return doc_id


async def xreading(redis) -> set[str]:
    return {c["id"] for c in await redis.client_list() if c.get("cmd") == "xread"}


async def first_event(api: AsyncClient, **kwargs):
    async for ev in api.events(**kwargs):
        return ev


async def test_a_client_resumes_from_the_cursor_sent_at_shutdown_even_if_nothing_matched(client, store) -> None:
    await finish(store, 1, "Other")  # not the client's source: the cursor moves past it, no event sent
    before = await xreading(store.redis)
    async with AsyncClient(str(client.make_url("")).rstrip("/")) as api:
        reader = asyncio.create_task(first_event(api, source="wire"))  # from now on
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not await xreading(store.redis) - before:  # the stream took its starting point
            assert loop.time() < deadline and not reader.done()
            await asyncio.sleep(0.01)
        stopping = client.server.app[STOPPING]
        stopping.set()  # the API shuts down: open streams end, new ones end at once
        await asyncio.sleep(0.1)
        second = await finish(store, 2, "wire")  # written while the client is away
        await asyncio.sleep(0.5)  # it reconnects (and is ended) a few times meanwhile
        stopping.clear()  # "the restarted API"
        ev = await asyncio.wait_for(reader, 15)
    assert (ev.article_id, ev.type) == (second, "article.done")


async def test_events_retries_a_503_while_redis_is_down_and_then_streams(tmp_path: Path) -> None:
    from aiohttp.test_utils import TestServer

    server = RedisServer(tmp_path / "redis").start()
    settings = Settings(redis_url=server.url, data_dir=tmp_path / "var", port=0)
    redis = aioredis.Redis.from_url(server.url)
    api_server = TestServer(create_app(settings))
    await api_server.start_server()
    try:
        first = await finish(DocumentStore(redis, settings), 1, "wire")
        await redis.aclose()
        await asyncio.to_thread(server.stop)
        async with AsyncClient(str(api_server.make_url("")).rstrip("/")) as api:
            reader = asyncio.create_task(first_event(api, last_event_id="0"))
            await asyncio.sleep(1.5)  # a few 503s meanwhile
            assert not reader.done(), reader.exception()  # the old code raised ApiError (HTTP 503)
            await asyncio.to_thread(server.start)
            ev = await asyncio.wait_for(reader, 60)
        assert ev.article_id == first
    finally:
        await api_server.close()
        server.stop()
