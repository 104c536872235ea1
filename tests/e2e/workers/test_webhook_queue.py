"""Webhook deliveries have their own queue (``arq:webhooks``): with a real ``newsflow worker`` busy on a
backlog of slow articles (stub stages), the webhook of an article that completed arrives while the
backlog is still queued, and so does a delivery an older version had queued behind that backlog on
the articles' queue (moved at start-up). The receiver is a real HTTP server; each delivery records,
as it arrives, the status of the last article of the backlog."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from newsflow_client import verify_signature
from shared import keys as K
from workers import webhooks

from hooks import arq_pool, hook_receiver

pytestmark = pytest.mark.e2e

STAGES = "normalize,tests.integration.workers.stub_stages:echo"
# one job at a time (no micro-batching): the backlog stays queued behind the article being analysed
ONE_AT_A_TIME = {"NEWSFLOW_STAGES": STAGES, "NEWSFLOW_WORKER_BATCH": "1", "NEWSFLOW_JOB_TIMEOUT_SECONDS": "60"}


async def submit(client, text: str) -> str:
    resp = await client.post("/v1/articles", json={"text": text})
    assert resp.status == 202, await resp.text()
    return (await resp.json())["id"]


async def event_of(redis, doc_id: str) -> str | None:
    """The id of the event (in ``nf:events``) about article ``doc_id``, or None."""
    return next((e.decode() for e, f in await redis.xrange(K.EVENTS) if doc_id.encode() in f[b"data"]), None)


async def test_a_webhook_arrives_while_the_backlog_is_still_queued(make_client, redis, redis_server, store,
                                                                  workers) -> None:
    client = await make_client(stages=STAGES)
    received: list[dict] = []
    backlog: list[str] = []

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        last = await redis.hget(K.status(backlog[-1]), "status")
        received.append({"event": request.headers["Newsflow-Event-Id"], "body": body,
                         "signature": request.headers.get("Newsflow-Signature", ""),
                         "last_backlog_status": last.decode(), "queued": await redis.zcard(K.ARQ_QUEUE)})
        return web.Response(status=200)

    receiver = await hook_receiver(receive)
    arq = await arq_pool(redis_server.url)
    try:
        resp = await client.post("/v1/webhooks", json={"url": str(receiver.make_url("/hook")),
                                                       "events": ["article.done"], "secret": "s3cret-s3cret"})
        assert resp.status == 201, await resp.text()
        hook = (await resp.json())["id"]
        first = await submit(client, "slow 0.2 the article that completes first")
        backlog += [await submit(client, f"slow 2 backlog article {i}") for i in range(6)]
        # a delivery an older newsflow queued on the articles' queue, behind the backlog
        legacy = await submit(client, "an article an older worker finished")
        await redis.zrem(K.ARQ_QUEUE, legacy)
        await redis.delete(K.arq_job(legacy))
        art = await store.get_article(legacy)
        await store.save_document({**art, "id": legacy, "entities": [], "claims": []}, 1.0)
        [(legacy_event, _)] = await redis.xrange(K.EVENTS)
        legacy_event = legacy_event.decode()
        job = await arq.enqueue_job(webhooks.TASK, hook, legacy_event, None,
                                    _job_id=f"{K.WEBHOOK_JOB_PREFIX}{hook}:{legacy_event}", _queue_name=K.ARQ_QUEUE)
        assert job is not None and await redis.zcard(K.ARQ_QUEUE) == 8

        await workers.start(redis, **ONE_AT_A_TIME)
        # wait for the two deliveries this test is about: the legacy one and the first article's, not any two
        # (the intake queues articles in the order they came, to the microsecond: queue.queue_score; before,
        # articles of the same millisecond were taken in id order and a backlog article could come first)
        deadline = time.monotonic() + 120
        while True:
            first_event = await event_of(redis, first)
            if first_event and {legacy_event, first_event} <= {r["event"] for r in received}:
                break
            assert time.monotonic() < deadline, f"deliveries: {received}"
            await asyncio.sleep(0.05)
    finally:
        await arq.aclose()
        await receiver.close()

    ours = [r for r in received if r["event"] in (legacy_event, first_event)]
    assert sorted(r["event"] for r in ours) == sorted([legacy_event, first_event]), received  # once each
    for r in ours:
        # delivered while the last backlog article was still waiting for the busy worker
        assert r["last_backlog_status"] == "queued", received
        assert r["queued"] >= 2, received
        assert verify_signature("s3cret-s3cret", r["signature"], r["body"])
    # delivered, nothing left to retry (arq takes a job off its queue just after the delivery returns)
    jobs = [f"{K.WEBHOOK_JOB_PREFIX}{hook}:{e}" for e in (legacy_event, first_event)]
    deadline = time.monotonic() + 10
    while any([await redis.zscore(K.ARQ_WEBHOOK_QUEUE, j) is not None for j in jobs]):
        assert time.monotonic() < deadline, await redis.zrange(K.ARQ_WEBHOOK_QUEUE, 0, -1)
        await asyncio.sleep(0.05)
