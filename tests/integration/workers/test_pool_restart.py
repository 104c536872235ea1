"""A pool restart is the worker's state, not an article's (workers/executor.py ``_started``,
workers/pool.py ``start_timeout``): a real worker (in this process, stub stages, one spawned pool
process) whose pool restart is held at a gate (``NF_STUB_START_GATE``, stub_stages.py) for as long as
the test wants.

* Articles waiting while the pool restarts after ANOTHER article's hard timeout are handed back to the
  queue without using an attempt, however long the restart takes (it used to cost each of them an
  attempt per job time: "the pipeline processes were not ready in time").
* A pool that cannot start at all is bounded: a start past ``NEWSFLOW_POOL_START_TIMEOUT_SECONDS`` fails
  (error logged, pool killed), and from then on every wait for a pool counts, so the articles end
  ``failed`` with ``pool_start_timeout`` after ``max_attempts``, not handed back for ever.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from shared.config import Settings

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration


def worker_settings(redis_server, **kw) -> Settings:
    base = dict(redis_url=redis_server.url, stages=STAGES, worker_concurrency=1, pool_start="spawn",
                job_timeout_seconds=4, max_attempts=2, backoff_base_seconds=0.2, backoff_cap_seconds=0.5,
                html_fallback="allow", lease_seconds=3)
    return Settings(**{**base, **kw})


async def wait_ended(store, ids: list[str], timeout: float = 120) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        states = [await store.get_status(i) or {} for i in ids]
        if all(st.get("status") in ("done", "failed") for st in states):
            return states
        assert loop.time() < deadline, states
        await asyncio.sleep(0.05)


async def wait_for_file(path: Path, timeout: float = 120) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not path.exists():
        assert loop.time() < deadline, f"{path} never appeared"
        await asyncio.sleep(0.05)


async def test_articles_waiting_for_a_pool_restart_are_handed_back_without_using_attempts(
        redis_server, store, redis, tmp_path, monkeypatch) -> None:
    from workers.run import serve_worker

    monkeypatch.setenv("NF_STUB_START_GATE", str(tmp_path))  # the pool processes inherit it
    s = worker_settings(redis_server)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_worker(s, s.redis_url, stop))
    try:
        [first] = [r.id for r in await store.submit_many([{"text": "a first article"}])]
        assert (await wait_ended(store, [first]))[0]["status"] == "done"  # the pool has started
        (tmp_path / "armed").touch()  # from now on a pool start waits at the gate
        hang, fine, other = [r.id for r in await store.submit_many(
            [{"text": "hang until killed"}, {"text": "a fine one"}, {"text": "another fine one"}])]
        # the hanging article holds the process until the hard timeout kills the pool; its restart waits
        await wait_for_file(tmp_path / "waiting")
        # the gate stays shut for two whole job timeouts: every job waiting for the pool runs out of time
        loop = asyncio.get_running_loop()
        shut_until = loop.time() + 2 * s.job_timeout_seconds
        while loop.time() < shut_until:
            for doc_id in (fine, other):
                st = await store.get_status(doc_id) or {}
                assert not st.get("last_error") and int(st.get("attempts") or 0) <= 1, st
            await asyncio.sleep(0.05)
        (tmp_path / "open").touch()
        states = await wait_ended(store, [hang, fine, other])
    finally:
        (tmp_path / "open").touch()
        stop.set()
        await asyncio.wait_for(task, 30)
    hang_st, fine_st, other_st = states
    assert hang_st["status"] == "failed" and hang_st["error"]["code"] == "timeout", hang_st
    assert hang_st["attempts"] == 2, hang_st  # its own two runs, not the waits for the pool
    for st in (fine_st, other_st):
        assert st["status"] == "done" and st["attempts"] == 1 and not st.get("last_error"), st


async def test_a_pool_that_cannot_start_fails_its_articles_after_max_attempts(
        redis_server, store, redis, tmp_path, monkeypatch) -> None:
    from workers.run import serve_worker

    monkeypatch.setenv("NF_STUB_START_GATE", str(tmp_path))
    s = worker_settings(redis_server, pool_start_timeout_seconds=10)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_worker(s, s.redis_url, stop))
    try:
        [first] = [r.id for r in await store.submit_many([{"text": "a first article"}])]
        assert (await wait_ended(store, [first]))[0]["status"] == "done"
        (tmp_path / "armed").touch()  # the gate never opens: no pool start succeeds again
        crash, fine = [r.id for r in await store.submit_many([{"text": "crash the process"},
                                                              {"text": "a fine one"}])]
        states = await wait_ended(store, [crash, fine])
    finally:
        (tmp_path / "open").touch()
        stop.set()
        await asyncio.wait_for(task, 30)
    fine_st = states[1]
    assert fine_st["status"] == "failed" and fine_st["attempts"] == 2, fine_st
    assert fine_st["error"]["code"] == "pool_start_timeout", fine_st
    assert states[0]["status"] == "failed", states[0]


async def test_a_document_running_in_another_process_when_a_hard_timeout_kills_the_pool_is_handed_back() -> None:
    """Two pool processes: the first ``hang`` reaches the hard timeout, which kills the whole pool, while
    a second ``hang`` (started later, so its own hard timeout is still ahead) runs in the other process:
    that one is a bystander of the restart and is handed back uncounted (:class:`Busy`), not failed
    with ``worker_process_died``; the culprit gets its ``timeout``. Without ``hand_back`` the bystander
    still gets a TransientError, as before."""
    import functools

    from workers.executor import Busy, PipelineExecutor, TransientError
    from workers.pipeline.registry import build_pipeline

    for hand_back in (True, False):
        ex = PipelineExecutor(2, soft_timeout=5.0, hard_timeout=6.0, start="spawn",
                              factory=functools.partial(build_pipeline, Settings(stages=STAGES)))
        try:
            await ex.start()
            culprit = asyncio.create_task(ex.analyse({"text": "hang, the culprit"}, "c", hand_back=hand_back))
            await asyncio.sleep(3.0)  # the bystander's hard timeout is 3 s behind the culprit's
            assert not culprit.done()
            bystander = await asyncio.gather(ex.analyse({"text": "hang, a bystander"}, "b", hand_back=hand_back),
                                             return_exceptions=True)
            with pytest.raises(TransientError) as killed:
                await culprit
            assert killed.value.code == "timeout" and not isinstance(killed.value, Busy)
            got = bystander[0]
            assert isinstance(got, TransientError), got
            if hand_back:
                assert isinstance(got, Busy) and got.code == "busy", got
            else:
                assert not isinstance(got, Busy) and got.code == "worker_process_died", got
            assert (await ex.analyse({"text": "after it"}, "a"))["echo"]["chars"] == 8  # a fresh pool
        finally:
            ex.close()



async def test_an_article_that_kills_its_batch_pays_its_attempt_even_while_the_pool_restarts(
        tmp_path, monkeypatch) -> None:
    """A batch that killed the pool is redone one article at a time, and those are never handed back:
    handed back uncounted (PoolStarting), the culprit came back as a first attempt, shared a batch and
    killed the pool again, for as long as each restart outlasted the hand-back patience. Here the
    restart is held past that patience: the culprit still ends with its own failure (counted)."""
    import functools

    from workers.executor import Busy, PipelineExecutor, PoolStarting, TransientError
    from workers.pipeline.registry import build_pipeline

    monkeypatch.setenv("NF_STUB_START_GATE", str(tmp_path))
    ex = PipelineExecutor(1, soft_timeout=4.0, hard_timeout=5.0, start="spawn", batch=4,
                          factory=functools.partial(build_pipeline, Settings(stages=STAGES)))
    try:
        await ex.start(120)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        busy = asyncio.create_task(ex.analyse({"text": "slow 0.8 holds the one process"}, "busy", deadline,
                                              hand_back=True))
        while not ex._batcher._calls:  # the busy call is in the process: the next two wait together
            await asyncio.sleep(0.01)
        (tmp_path / "armed").touch()  # the restart after the crash waits at the gate
        crash = asyncio.create_task(ex.analyse({"text": "crash the process"}, "crash", deadline, hand_back=True))
        fine = asyncio.create_task(ex.analyse({"text": "a fine one"}, "fine", deadline, hand_back=True))
        await wait_for_file(tmp_path / "waiting")
        await asyncio.sleep(2 * ex.hand_back_after)  # the restart outlasts the hand-back patience
        (tmp_path / "open").touch()
        results = await asyncio.gather(busy, crash, fine, return_exceptions=True)
    finally:
        (tmp_path / "open").touch()
        ex.close()
    assert ex._batcher.batches >= 1, results  # the crash and its batch-mate went to the pool together
    assert isinstance(results[0], dict), results
    assert type(results[1]) is TransientError and results[1].code == "worker_process_died", results
    # the batch-mate: its document, or handed back uncounted (Busy) while the culprit held the process
    assert isinstance(results[2], (dict, Busy)) and not isinstance(results[2], PoolStarting), results


async def test_a_worker_whose_pool_is_restarting_leaves_fresh_jobs_to_a_healthy_worker(
        redis_server, store, redis, tmp_path, monkeypatch) -> None:
    """Two real workers (in this process, one pool process each). The first one's pool is killed (an
    article crashed it) and its restart is held at the gate: while it restarts, it takes no fresh job (its
    pool could start none); the healthy worker takes them at once. It used to take them as if idle, and
    each one taken waited there for the hand-back patience (a quarter of the soft timeout: 45 s here)
    before it went back to the queue. A worker alone on the queue still takes them (test above)."""
    from test_job_sharing import listening  # noqa: E402 - same folder
    from workers.run import _close
    from workers.settings import worker_options
    from workers.wake import WakeableWorker

    from stub_stages import BATCH_STAGES  # noqa: E402

    def start_worker(fresh_s: float | None = None) -> tuple[WakeableWorker, asyncio.Task]:
        s = Settings(redis_url=redis_server.url, stages=BATCH_STAGES, worker_concurrency=1, worker_batch=8,
                     job_timeout_seconds=300, max_attempts=1, html_fallback="allow")
        worker = WakeableWorker(**worker_options(s, s.redis_url), ctx={}, handle_signals=False)
        if fresh_s is not None:
            worker.fresh_s = fresh_s  # every job is fresh to it during the test: it may take none as "waited"
        return worker, asyncio.get_running_loop().create_task(worker.async_run())

    gate_a, gate_b = tmp_path / "a", tmp_path / "b"
    gate_a.mkdir(), gate_b.mkdir()
    monkeypatch.setenv("NF_STUB_START_GATE", str(gate_a))  # the pool processes spawned now inherit it
    workers: list[tuple[WakeableWorker, asyncio.Task]] = []
    try:
        workers.append(start_worker(fresh_s=60))
        restarting = workers[0][0]
        await listening(redis, 1)  # started (its pool up), alone on the queue: it takes the crash
        (gate_a / "armed").touch()  # from now on its pool's (re)start waits at the gate
        [crash] = [r.id for r in await store.submit_many([{"text": "crash the process"}])]
        assert (await wait_ended(store, [crash]))[0]["status"] == "failed"
        # its replacement pool is starting (at once: it used to start only when the next job came), held at
        # the gate (not waited for here: the old code would take the next job as if idle, and start then)
        monkeypatch.setenv("NF_STUB_START_GATE", str(gate_b))  # never armed: the healthy worker starts freely
        workers.append(start_worker())
        await listening(redis, 2)
        docs = []
        for i in range(6):  # one at a time: the healthy worker is idle for each, the restarting one too
            [doc_id] = [r.id for r in await store.submit_many([{"text": f"article number {i}"}])]
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            while (await store.get_status(doc_id) or {}).get("status") != "done":
                assert restarting.job_counter == 0, f"the restarting worker took article {i}"
                assert loop.time() < deadline, await store.get_status(doc_id)
                await asyncio.sleep(0.01)
            docs.append(await store.get_document(doc_id))
        await wait_for_file(gate_a / "waiting")
        assert restarting.ctx["executor"].starting  # all of it while the restart was held
    finally:
        (gate_a / "open").touch()
        for worker, task in workers:
            await _close(worker, task)
            executor = worker.ctx.pop("executor", None)
            if executor is not None:
                executor.close()
    assert restarting.jobs_retried == 0  # none taken, none handed back
    assert len({d["batch"]["pid"] for d in docs}) == 1, docs  # all in the healthy worker's one process
    assert all(d["status"] == "done" for d in docs)
