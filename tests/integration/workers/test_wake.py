"""The worker starts a job when it is queued (the intake script's wake-up) or when a slot frees up,
not at its next poll (here 8 s away)."""

from __future__ import annotations

import asyncio
import time

import pytest
from arq import func

from shared import keys as K
from shared.store import queue
from workers.settings import redis_settings
from workers.wake import WakeableWorker

POLL = 8.0  # a pick-up within POLL / 3 can only be the wake-up (loose: a loaded CI machine)


def make_worker(url: str, started: list[tuple[str, float]], seconds: float = 0.0, max_jobs: int = 1,
                poll: float = POLL, ctx: dict | None = None) -> WakeableWorker:
    async def process_article(ctx, doc_id: str) -> str:  # stands in for the pipeline
        started.append((doc_id, time.monotonic()))
        await asyncio.sleep(seconds)
        return "done"

    return WakeableWorker(functions=[func(process_article, name=K.ARQ_TASK)], queue_name=K.ARQ_QUEUE,
                          redis_settings=redis_settings(url), poll_delay=poll, max_jobs=max_jobs,
                          handle_signals=False, job_serializer=queue.job_serializer,
                          job_deserializer=queue.job_deserializer, keep_result=0, ctx=ctx)


async def _run(worker: WakeableWorker, until, timeout: float = 4.0) -> None:
    task = asyncio.get_running_loop().create_task(worker.async_run())
    try:
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
    finally:
        await worker.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_submitted_article_wakes_the_idle_worker(redis_server, store, redis):
    started: list[tuple[str, float]] = []
    worker = make_worker(redis_server.url, started)
    task = asyncio.get_running_loop().create_task(worker.async_run())
    try:
        # its first poll is done (now it waits POLL s) and it listens on the wake channel (on a loaded
        # machine the subscription can come after the first poll: a wake-up before it is lost by design)
        deadline = time.monotonic() + POLL
        while not (await redis.exists(K.ARQ_HEALTH_CHECK) and dict(await redis.pubsub_numsub(K.WAKE)).get(
                K.WAKE.encode(), 0)) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        t0 = time.monotonic()
        res = await store.submit({"text": "The ships left Busan on Monday."})
        while not started and time.monotonic() - t0 < POLL:
            await asyncio.sleep(0.005)
        assert started and started[0][0] == res.id
        assert started[0][1] - t0 < POLL / 3, "picked up at the poll, not at the wake-up"
    finally:
        await worker.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_finished_job_frees_its_slot_for_the_next_at_once(redis_server, store, redis):
    ids = [(await store.submit({"text": f"Article number {i} about ships."})).id for i in range(3)]
    started: list[tuple[str, float]] = []
    worker = make_worker(redis_server.url, started, seconds=0.2, max_jobs=1)  # one slot: jobs one after another
    await _run(worker, lambda: len(started) == 3, timeout=30)
    assert sorted(d for d, _ in started) == sorted(ids)
    gaps = [b - a for (_, a), (_, b) in zip(started, started[1:])]
    assert all(g < POLL / 3 for g in gaps), gaps  # 0.2 s job + pickup, not + the poll delay


async def test_without_a_wake_up_the_worker_still_polls(redis_server, redis):
    started: list[tuple[str, float]] = []
    worker = make_worker(redis_server.url, started)
    task = asyncio.get_running_loop().create_task(worker.async_run())
    try:
        while not await redis.exists(K.ARQ_HEALTH_CHECK):
            await asyncio.sleep(0.01)
        now_ms = int(time.time() * 1000)
        await redis.set(K.arq_job("plain"), queue.encode_job("plain", now_ms))
        await redis.zadd(K.ARQ_QUEUE, {"plain": now_ms})  # queued without a wake-up (e.g. the lease reaper)
        t0 = time.monotonic()
        while not started and time.monotonic() - t0 < POLL + 3:
            await asyncio.sleep(0.01)
        assert [d for d, _ in started] == ["plain"]
    finally:
        await worker.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_polls_do_not_check_the_workers_own_running_jobs_in_redis_again(redis_server, store, redis):
    """Running jobs stay in arq's queue; a worker with free slots polls every 20 ms here and must not
    WATCH its own running jobs each time (arq's start-up check of a job, four round trips)."""
    ids = [(await store.submit({"text": f"Long article {i}."})).id for i in range(2)]
    started: list[tuple[str, float]] = []
    worker = make_worker(redis_server.url, started, seconds=1.5, max_jobs=8, poll=0.02)
    task = asyncio.get_running_loop().create_task(worker.async_run())
    try:
        t0 = time.monotonic()
        while len(started) < 2:
            assert time.monotonic() - t0 < 30, started
            await asyncio.sleep(0.01)
        await redis.config_resetstat()
        await asyncio.sleep(1.0)  # ~50 polls while both jobs run
        stats = await redis.info("commandstats")
        assert stats.get("cmdstat_zrangebyscore", {}).get("calls", 0) >= 10  # it did poll
        assert stats.get("cmdstat_watch", {}).get("calls", 0) == 0
        assert sorted(d for d, _ in started) == sorted(ids)
    finally:
        await worker.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


class Wants:
    """Stands in for the executor's advice (micro-batching: ``jobs_wanted``)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def jobs_wanted(self) -> int:
        return self.n


async def test_the_worker_takes_no_more_jobs_than_its_executor_wants(redis_server, store, redis):
    ids = [(await store.submit({"text": f"Burst article {i}."})).id for i in range(8)]
    started: list[tuple[str, float]] = []
    wants = Wants(3)
    worker = make_worker(redis_server.url, started, seconds=30, max_jobs=10, poll=0.02, ctx={"executor": wants})
    polls = 0
    poll = worker._poll_iteration

    async def counted() -> None:
        nonlocal polls
        polls += 1
        await poll()

    worker._poll_iteration = counted  # type: ignore[method-assign]
    task = asyncio.get_running_loop().create_task(worker.async_run())
    try:
        t0 = time.monotonic()
        while len(started) < 3 and time.monotonic() - t0 < 30:
            await asyncio.sleep(0.01)
        # then ~30 more polls (counted, not timed: a loaded machine polls less often than every 20 ms)
        seen = polls
        while polls < seen + 30:
            assert time.monotonic() - t0 < 60, f"the worker stopped polling ({polls - seen} polls)"
            await asyncio.sleep(0.02)
        assert len(started) == 3 and worker.max_jobs == 3  # the rest stay in the queue for other workers
        wants.n = 50
        t0 = time.monotonic()
        while len(started) < 8 and time.monotonic() - t0 < 30:
            await asyncio.sleep(0.01)
        assert sorted(d for d, _ in started) == sorted(ids) and worker.max_jobs == 10  # never above its own cap
    finally:
        await worker.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_close_ends_normally_when_a_job_task_ends_cancelled(redis_server, redis):
    """A job task cancelled before its own ``try`` (arq's ``run_job`` waiting on its first pipeline while
    Redis is down) ends cancelled: closing the worker must still finish (health key gone, pool closed),
    not re-raise that cancellation in the caller, which made ``newsflow worker`` exit after a lost Redis."""
    worker = make_worker(redis_server.url, [])
    task = asyncio.get_running_loop().create_task(worker.async_run())
    deadline = time.monotonic() + POLL
    while not await redis.exists(K.ARQ_HEALTH_CHECK) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert await redis.exists(K.ARQ_HEALTH_CHECK)
    stuck = asyncio.get_running_loop().create_task(asyncio.sleep(60))  # cancelled by close(), ends cancelled
    worker.tasks["stuck-job"] = stuck
    await worker.close()
    assert stuck.cancelled()
    assert worker._pool is None and not await redis.exists(K.ARQ_HEALTH_CHECK)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_pool_start_that_ends_during_start_jobs_does_not_stop_the_worker(redis_server, store, redis):
    """Micro-batching off: ``jobs_startable`` is 0 while the pool (re)starts and None (no advice) once it is
    up. A start that ends during ``start_jobs``'s own Redis round trip gave ``job_counter + None``: a
    TypeError out of arq's main loop, and the worker exited. The start here is a future the loop resolves
    at its next turn (that round trip); the executor and the worker are real."""
    from arq.connections import ArqRedis

    from workers.executor import PipelineExecutor

    doc_id = (await store.submit({"text": "An article queued while the pool restarts."})).id
    started: list[tuple[str, float]] = []

    async def process_article(ctx, doc_id: str) -> str:  # stands in for the pipeline
        started.append((doc_id, time.monotonic()))
        return "done"

    ex = PipelineExecutor(1, batch=1, start="spawn")  # never started: no pool process
    loop = asyncio.get_running_loop()
    ex._ready = loop.create_future()  # type: ignore[assignment] - a (re)start under way
    assert ex.starting and ex.jobs_startable(0) == 0
    worker = WakeableWorker(functions=[func(process_article, name=K.ARQ_TASK)], queue_name=K.ARQ_QUEUE,
                            redis_pool=ArqRedis.from_url(redis_server.url), poll_delay=POLL, max_jobs=4,
                            handle_signals=False, job_serializer=queue.job_serializer,
                            job_deserializer=queue.job_deserializer, keep_result=0, ctx={"executor": ex})
    try:
        loop.call_soon(ex._ready.set_result, None)  # the start ends at the loop's next turn
        await worker.start_jobs([doc_id.encode()])
        assert not ex.starting and ex.jobs_startable(0) is None  # it did end within start_jobs
        deadline = time.monotonic() + 30
        while not started and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert [d for d, _ in started] == [doc_id]  # taken: the pool is up
    finally:
        await worker.close()
        ex.close()
