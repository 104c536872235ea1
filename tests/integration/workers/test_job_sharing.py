"""How many jobs a micro-batching worker takes (workers/wake.py, ``jobs_startable`` in workers/batching.py):
real arq workers in this process, real pool processes with stub stages, real Redis.

A worker whose process is busy leaves a freshly queued job to an idle worker of the queue (it used to take
up to a whole batch per process, so a burst ended in one worker's memory while the others idled); jobs
that have waited in the queue (every worker was busy) still gather behind a busy process and go through
it as one batch, and a worker alone on the queue takes fresh jobs at once, as before."""

from __future__ import annotations

import asyncio
import time

import pytest

from shared import keys as K
from shared.config import Settings
from workers.run import _close
from workers.settings import worker_options
from workers.wake import WakeableWorker

from stub_stages import BATCH_STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration


class Running:
    """A ``WakeableWorker`` with the newsflow options (one pool process, batches of 8) in this process."""

    def __init__(self, url: str, fresh_s: float | None = None) -> None:
        # a long job timeout: a call counts as long (its process taken: the worker wants no more jobs) and a
        # waiting document is handed back after a quarter of the pipeline's soft timeout (45 s here), which
        # must outlast the tests' set-up on a loaded machine (with 30 s it was 4.5 s)
        settings = Settings(redis_url=url, stages=BATCH_STAGES, worker_concurrency=1, worker_batch=8,
                            job_timeout_seconds=300, html_fallback="allow")
        self.worker = WakeableWorker(**worker_options(settings, url), ctx={}, handle_signals=False)
        if fresh_s is not None:
            self.worker.fresh_s = fresh_s
        self.task = asyncio.get_running_loop().create_task(self.worker.async_run())

    async def stop(self) -> None:
        await _close(self.worker, self.task)  # as `newsflow worker` stops (a job may be finishing: cancelled)
        executor = self.worker.ctx.pop("executor", None)
        if executor is not None:
            executor.close()


async def until(check, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def listening(redis, n: int) -> None:
    async def check() -> bool:
        return int(dict(await redis.pubsub_numsub(K.WAKE)).get(K.WAKE.encode(), 0)) >= n
    await until(check, what=f"{n} worker(s) listening on the wake-up channel")


async def finished(store, ids: list[str]) -> list[dict]:
    async def check() -> bool:
        states = [await store.get_status(i) or {} for i in ids]
        return all(st.get("status") in ("done", "failed") for st in states)
    await until(check, what="the articles")
    return [await store.get_document(i) for i in ids]


async def test_a_busy_worker_leaves_fresh_jobs_to_an_idle_one(redis_server, store, redis, tmp_path) -> None:
    # a job stays fresh for 60 s here: the busy worker may take it only as the idle one would not
    busy = Running(redis_server.url, fresh_s=60)
    idle: Running | None = None
    gate = tmp_path / "open"  # the long article runs until the four short ones are done (not "slow N":
    try:                      # starting the idle worker on a loaded machine can take longer than N s)
        await listening(redis, 1)
        [long] = [r.id for r in await store.submit_many([{"text": f"gate {gate} holds the first worker"}])]
        await until(lambda: _processing(store, long), what="the long article in the first worker")
        idle = Running(redis_server.url, fresh_s=60)
        await listening(redis, 2)
        ids = []
        for i in range(4):  # one by one, as the API queues them
            ids.append((await store.submit({"text": f"a short article number {i}"})).id)
        docs = await finished(store, ids)
        assert await _processing(store, long)  # still busy: the four were left to the idle worker, not raced for
        gate.touch()
        long_doc = (await finished(store, [long]))[0]
    finally:
        gate.touch()
        await asyncio.gather(*(w.stop() for w in (busy, idle) if w is not None))
    busy_pid = long_doc["batch"]["pid"]
    assert all(d["batch"]["pid"] != busy_pid for d in docs), \
        [(d["text"], d["batch"]) for d in docs]  # all four went to the idle worker's process


async def test_jobs_that_waited_while_every_worker_was_busy_go_through_one_process_as_one_batch(
        redis_server, store, redis, tmp_path) -> None:
    first = Running(redis_server.url)  # fresh for 0.2 s (the default): it takes them once they waited
    other: Running | None = None
    gate = tmp_path / "open"  # both long articles run until the five wait in the first worker
    try:
        await listening(redis, 1)
        [long1] = [r.id for r in await store.submit_many([{"text": f"gate {gate} holds the first worker"}])]
        await until(lambda: _processing(store, long1), what="the long article in the first worker")
        other = Running(redis_server.url, fresh_s=60)  # busy too; never takes them (fresh to it for 60 s)
        await listening(redis, 2)
        [long2] = [r.id for r in await store.submit_many([{"text": f"gate {gate} holds the second worker"}])]
        await until(lambda: _processing(store, long2), what="the long article in the second worker")
        ids = [r.id for r in await store.submit_many([{"text": f"waiting article {i}"} for i in range(5)])]
        await until(lambda: _waiting(first, 5), what="the five articles waiting in the first worker's executor")
        gate.touch()
        docs = await finished(store, ids)
        long_doc = (await finished(store, [long1]))[0]
    finally:
        gate.touch()
        await asyncio.gather(*(w.stop() for w in (first, other) if w is not None))
    assert long_doc["batch"]["size"] == 1
    assert [d["batch"]["size"] for d in docs] == [5] * 5  # one pool call for the five
    assert {d["batch"]["pid"] for d in docs} == {long_doc["batch"]["pid"]}


async def test_a_worker_alone_takes_fresh_jobs_at_once_to_batch_them(redis_server, store, redis, tmp_path) -> None:
    only = Running(redis_server.url, fresh_s=60)  # no other worker listens: fresh jobs are its to take
    gate = tmp_path / "open"
    try:
        await listening(redis, 1)
        [long] = [r.id for r in await store.submit_many([{"text": f"gate {gate} holds the only worker"}])]
        await until(lambda: _processing(store, long), what="the long article in the worker")
        ids = [r.id for r in await store.submit_many([{"text": f"waiting article {i}"} for i in range(5)])]
        await until(lambda: _waiting(only, 5), what="the five articles waiting in the worker's executor")
        gate.touch()
        docs = await finished(store, ids)
        long_doc = (await finished(store, [long]))[0]
    finally:
        gate.touch()
        await only.stop()
    assert long_doc["batch"]["size"] == 1
    assert [d["batch"]["size"] for d in docs] == [5] * 5
    assert {d["batch"]["pid"] for d in docs} == {long_doc["batch"]["pid"]}


async def _processing(store, doc_id: str) -> bool:
    return (await store.get_status(doc_id) or {}).get("status") == "processing"


async def _waiting(running: Running, n: int) -> bool:
    """``n`` documents wait in the worker's executor for a process (taken, not yet in a pool call)."""
    executor = running.worker.ctx.get("executor")
    batcher = getattr(executor, "_batcher", None)
    return batcher is not None and len(batcher._queue) == n
