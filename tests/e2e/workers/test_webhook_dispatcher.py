"""The webhook dispatcher of a real ``newsflow worker`` survives a failing start: its first
``XGROUP CREATE`` fails (here ``nf:events`` has the wrong type when the worker starts; under ``newsflow
up`` it was a connection that timed out while the worker's event loop was busy starting its pipeline
pool). It used to end for good, silently, and no webhook was delivered by that worker; now the failure is
logged, retried with a backoff, shown in the worker's heartbeat (``/readyz``, ``/metrics``), and an
article completed afterwards is delivered to a real local HTTP receiver."""

from __future__ import annotations

import asyncio
import time

import orjson
import pytest
from aiohttp import web

from shared import keys as K

from hooks import hook_receiver

pytestmark = pytest.mark.e2e

STAGES = "normalize,tests.integration.workers.stub_stages:echo"


async def failed_group_creations(redis) -> int:
    """``XGROUP CREATE`` calls Redis answered with an error since the last ``CONFIG RESETSTAT``."""
    stats = await redis.info("commandstats")
    return int((stats.get("cmdstat_xgroup|create") or {}).get("failed_calls", 0))


async def test_dispatcher_survives_a_failing_first_group_creation_and_delivers(make_client, redis,
                                                                                workers) -> None:
    client = await make_client(stages=STAGES)
    received: list[dict] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(orjson.loads(await request.read()))
        return web.Response(status=200)

    receiver = await hook_receiver(receive)
    try:
        await redis.config_resetstat()
        await redis.set(K.EVENTS, "not a stream")  # XGROUP CREATE … MKSTREAM answers WRONGTYPE
        proc = await workers.start(redis, NEWSFLOW_STAGES=STAGES, NEWSFLOW_WORKER_BATCH="1")
        deadline = time.monotonic() + 60
        while await failed_group_creations(redis) < 1:  # the dispatcher's first try failed
            assert time.monotonic() < deadline, workers.log(proc)
            await asyncio.sleep(0.05)
        await redis.delete(K.EVENTS)  # the cause is gone: the next try makes the group

        resp = await client.post("/v1/webhooks", json={"url": str(receiver.make_url("/hook")),
                                                       "events": ["article.done"]})
        assert resp.status == 201, await resp.text()
        resp = await client.post("/v1/articles", json={"text": "An article completed after the failed start."})
        assert resp.status == 202, await resp.text()
        doc_id = (await resp.json())["id"]
        deadline = time.monotonic() + 90
        while not any(e["data"]["article"]["id"] == doc_id for e in received):
            assert time.monotonic() < deadline, f"no delivery; worker log:\n{workers.log(proc)}"
            await asyncio.sleep(0.05)
    finally:
        await receiver.close()

    log = workers.log(proc)
    assert "WRONGTYPE" in log and "webhook dispatch" in log  # the failure was said, not swallowed
    # the worker's heartbeat shows the dispatcher running again, and that it failed before
    deadline = time.monotonic() + 30
    state: dict = {}
    while not state.get("alive"):  # the heartbeat comes every lease / 3 seconds
        assert time.monotonic() < deadline, state
        await asyncio.sleep(0.1)
        beats = [await redis.get(k) async for k in redis.scan_iter(match=K.WORKER_PREFIX + "*")]
        state = orjson.loads(beats[0])["webhook_dispatcher"] if beats else {}
    assert state["failures"] >= 1 and "WRONGTYPE" in state["last_error"]
    ready = await (await client.get("/readyz")).json()
    assert ready["webhook_dispatchers"]["live"] == 1, ready
    metrics = await (await client.get("/metrics")).text()
    assert "newsflow_webhook_dispatchers_live 1" in metrics
