"""The worker against a real Redis: an in-process arq worker (``serve_worker``) running the real
pipeline in its process pool. Failures are provoked through input, never by mocking."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest_asyncio
from aiohttp import web

from shared import keys as K
from shared.config import Settings
from workers.settings import delivery_options, pipeline_timeouts, redis_settings, worker_options
from workers.tasks import backoff, job_deadline

from hooks import arq_pool, hook_receiver

ARTICLE = {
    "title": "Ships leave port",
    "text": "The ships left Busan on Monday, officials said.\u200b Kim Jong Un met Vladimir Putin in September.",
    "source": "test-wire",
}


# ------------------------------------------------------------------------------ pure functions

def test_backoff_grows_is_capped_and_jittered() -> None:
    rng = random.Random(1)
    for attempt in range(1, 12):
        ceiling = min(30.0, 0.5 * 2 ** (attempt - 1))
        values = [backoff(attempt, 0.5, 30.0, rng) for _ in range(50)]
        assert all(max(0.25, ceiling * 0.5) <= v <= ceiling for v in values)
        assert len(set(values)) > 1  # jitter: workers that failed together do not retry together


def test_timeouts_are_nested_inside_the_job_timeout() -> None:
    for job_timeout in (1.0, 2.0, 5.0, 60.0, 300.0, 3600.0):
        soft, hard = pipeline_timeouts(job_timeout)
        assert 0 < soft < hard < job_timeout


async def test_job_deadline_leaves_room_before_arq_cancels() -> None:
    loop = asyncio.get_running_loop()
    for job_timeout in (2.0, 60.0, 300.0):
        left = job_deadline({}, job_timeout) - loop.time()
        assert 0 < left < job_timeout


def test_worker_options(settings) -> None:
    opts = worker_options(settings.with_(max_attempts=3, job_timeout_seconds=7, worker_concurrency=1))
    assert opts["max_tries"] > 3 and opts["job_timeout"] == 7
    assert opts["max_jobs"] == 2 * 16  # micro-batching (default 16): a batch running, the next one waiting
    assert worker_options(settings.with_(worker_concurrency=1, worker_batch=1))["max_jobs"] == 1
    assert opts["queue_name"] == K.ARQ_QUEUE and opts["functions"][0].__name__ == K.ARQ_TASK
    deliveries = delivery_options(settings)  # webhook deliveries: their own queue, their own job slots
    assert deliveries["queue_name"] == K.ARQ_WEBHOOK_QUEUE != opts["queue_name"]
    assert [f.name for f in deliveries["functions"]] == ["deliver_webhook"] and deliveries["max_jobs"] == 20
    rs = redis_settings("redis://127.0.0.1:7777/3")
    assert (rs.host, rs.port, rs.database) == ("127.0.0.1", 7777, 3)


# ------------------------------------------------------------------------------ with a real worker

@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def worker(redis_server):
    """One in-process worker (default settings, one pipeline process) shared by this module's tests:
    loading the models is the expensive part. Each test's ``redis`` fixture empties Redis under it."""
    from workers.run import serve_worker

    s = Settings(redis_url=redis_server.url, worker_concurrency=1)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_worker(s, s.redis_url, stop))
    yield
    stop.set()
    await asyncio.wait_for(task, 30)


async def wait_status(store, doc_id: str, wanted: tuple[str, ...] = ("done", "failed"), timeout: float = 120,
                      seen: list[dict] | None = None) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        st = await store.get_status(doc_id)
        if seen is not None and st and (not seen or st != seen[-1]):
            seen.append(st)
        if st and st["status"] in wanted:
            return st
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting; last status {st}"
        await asyncio.sleep(0.05)


async def arq_finished(redis, job_id: str, timeout: float = 30) -> None:
    """Wait until arq has finished job ``job_id``: off the queue, no in-progress key."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (queued := await redis.zrange(K.ARQ_QUEUE, 0, -1)) or await redis.exists(K.arq_in_progress(job_id)):
        assert asyncio.get_running_loop().time() < deadline, \
            f"queue {queued}, in progress: {await redis.exists(K.arq_in_progress(job_id))}"
        await asyncio.sleep(0.02)


async def test_worker_processes_an_article_and_keeps_offsets_valid(store, worker, redis) -> None:
    res = await store.submit(dict(ARTICLE))
    st = await wait_status(store, res.id)
    assert st["status"] == "done", st
    assert st["attempts"] == 1
    doc = await store.get_document(res.id)
    assert doc["text"] == ARTICLE["text"].replace("\u200b", " ")  # cleaned one-for-one
    assert doc["stats"]["chars"] == len(doc["text"]) and doc["stats"]["words"] > 10
    assert set(doc["timings_ms"]) == {"normalize", "language", "entities", "claims", "fingerprint"}
    for ent in doc.get("entities") or []:
        for m in ent.get("mentions") or []:
            assert doc["text"][m["start"]:m["end"]] == m["text"]
    # the job is finished in arq's eyes too: nothing left queued or in progress (arq takes the job off
    # its queue and deletes its in-progress key a moment after the function returned "done")
    await arq_finished(redis, res.id)


async def test_a_document_that_crashes_a_stage_fails_alone_without_retries(store, worker) -> None:
    bad = await store.submit({"html": "<html><body><script>render()</script></body></html>", "source": "t"})
    good = await store.submit({"text": "A perfectly normal sentence about Paris.", "source": "t"})
    st = await wait_status(store, bad.id)
    assert st["status"] == "failed"
    assert st["attempts"] == 1  # permanent: no retry storm
    assert st["error"]["code"] == "stage_error" and st["error"]["stage"] == "normalize"
    assert "no readable text" in st["error"]["message"]
    assert (await wait_status(store, good.id))["status"] == "done"


async def test_unknown_job_id_is_dropped(store, worker, redis, settings) -> None:
    arq = await arq_pool(settings.redis_url)
    try:
        await arq.enqueue_job(K.ARQ_TASK, "doesnotexist00", _job_id="doesnotexist00")
        deadline = asyncio.get_running_loop().time() + 60
        while await redis.zcard(K.ARQ_QUEUE):
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
        assert await store.get_status("doesnotexist00") is None
        assert not await redis.exists(K.document("doesnotexist00"))
    finally:
        await arq.aclose()


async def test_worker_survives_a_redis_restart_and_keeps_processing(store, worker, redis_server) -> None:
    first = await store.submit({"text": "Before the restart, the agency said ships had sailed.", "source": "t"})
    assert (await wait_status(store, first.id))["status"] == "done"
    await asyncio.to_thread(redis_server.restart)  # the worker's connections break under it

    async def submit_when_back() -> Any:
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            try:
                return await store.submit({"text": "After the restart, officials said talks resumed.", "source": "t"})
            except Exception:  # noqa: BLE001 - connection refused / loading while Redis comes back
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.1)

    received: list[bytes] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(await request.read())
        return web.Response(status=204)

    receiver = await hook_receiver(receive, "/callback")
    try:
        second = await submit_when_back()
        assert (await wait_status(store, second.id))["status"] == "done"
        third = await store.submit({"text": "Later, the port said ships were back.", "source": "t",
                                    "callback_url": str(receiver.make_url("/callback"))})
        assert (await wait_status(store, third.id))["status"] == "done"
        # the delivery worker and its event dispatcher came back too: the callback arrives
        deadline = asyncio.get_running_loop().time() + 30
        while not received:
            assert asyncio.get_running_loop().time() < deadline, "no callback after the restart"
            await asyncio.sleep(0.05)
    finally:
        await receiver.close()
    assert third.id.encode() in received[0]
    # AOF kept the first document across the restart
    assert (await store.get_status(first.id))["status"] == "done"
