"""Why ``newsflow up`` delivered no webhooks in 2 runs of 3: its worker (two pipeline processes, so a shared
pool: ``workers/shared_pool.py``) blocked its event loop for 10–16 s while the fork server loaded the models.
When that happened just after the dispatcher had begun opening its connection for ``XGROUP CREATE``, the
connect timeout (5 s) had passed by the time the loop ran again: ``TimeoutError``, raised outside the
loop's ``try``, ended the dispatcher task for good, silently (nothing sent, nothing logged).

Here, on a real Redis, the dispatcher starts on a pool with no open connection and the event loop is
blocked (``time.sleep``) right after its first step, longer than the connect timeout: its first
``ensure_group`` fails as it did under ``up``; it must say so, try again, and dispatch an event that comes
afterwards."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from shared import keys as K
from workers import webhooks
from workers.settings import redis_settings

from hooks import arq_pool

pytestmark = pytest.mark.integration


async def test_a_first_group_creation_that_times_out_is_retried(client, store, settings, redis, redis_server,
                                                                caplog) -> None:
    resp = await client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["article.done"]})
    assert resp.status == 201, await resp.text()
    hook = (await resp.json())["id"]
    pool = await arq_pool(redis_server.url)
    await pool.connection_pool.disconnect()  # the dispatcher's first command opens a connection
    ctx = {"redis": pool, "settings": settings}
    connect_timeout = redis_settings(redis_server.url).conn_timeout
    caplog.set_level(logging.WARNING, logger="newsflow.webhooks")
    task = asyncio.get_running_loop().create_task(webhooks.run_dispatcher(ctx))
    # runs right after the dispatcher's first step (it is connecting): the loop is blocked, as by the
    # fork server's start-up, past the connect timeout
    asyncio.get_running_loop().call_soon(time.sleep, connect_timeout + 1)
    try:
        deadline = time.monotonic() + 60
        while not await redis.exists(K.EVENTS) or not await redis.xinfo_groups(K.EVENTS):
            assert not task.done(), task  # the dispatcher ended
            assert time.monotonic() < deadline, caplog.text
            await asyncio.sleep(0.05)
        doc_id = (await store.submit({"text": "Officials said the talks would resume."})).id
        art = await store.get_article(doc_id)
        await store.save_document({**art, "id": doc_id, "entities": [], "claims": []}, 12.0)  # article.done
        [(event_id, _)] = await redis.xrange(K.EVENTS)
        job = f"arq:job:{K.WEBHOOK_JOB_PREFIX}{hook}:{event_id.decode()}"
        while not await redis.exists(job):  # dispatched: the delivery is queued
            assert not task.done(), task
            assert time.monotonic() < deadline, caplog.text
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await pool.aclose()
    assert "webhook dispatch: making the group: TimeoutError" in caplog.text  # said, not swallowed
    assert webhooks.health(ctx).failures >= 1
