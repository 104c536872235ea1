"""A duplicate delivery that loses the race to another worker (workers/tasks.py, the ``require`` of
shared/store/status.py): the task with a real store on a real Redis, real pool processes with stub stages.

"Another worker" finishes the article at the worst moment for the duplicate run: between its read of the
status and its start (``mark_processing``), or while it runs, just before it hands the article back, schedules
its retry or fails it. :class:`RacingStore` is the real store, with that other worker's run put right before one
of its calls (no timing guess). The duplicate must neither run the pipeline again nor change the ``done``
status: it used to turn it back to ``processing`` (and run it again), ``queued`` or ``failed``.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
from arq import Retry

from shared import keys as K
from shared.config import Settings
from shared.store import DocumentStore
from workers.executor import PipelineExecutor
from workers.pipeline.registry import build_pipeline
from workers.tasks import process_article

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration


class RacingStore(DocumentStore):
    """The real store; ``before[name]`` (once) runs just before its method ``name``: another worker's move."""

    def __init__(self, redis: Any, settings: Settings, before: dict[str, Callable[[], Awaitable[None]]]) -> None:
        super().__init__(redis, settings)
        self.before = before

    async def _race(self, name: str) -> None:
        other = self.before.pop(name, None)
        if other is not None:
            await other()

    async def mark_processing(self, *args: Any, **kw: Any) -> bool:
        await self._race("mark_processing")
        return await super().mark_processing(*args, **kw)

    async def unmark_processing(self, *args: Any, **kw: Any) -> bool:
        await self._race("unmark_processing")
        return await super().unmark_processing(*args, **kw)

    async def mark_retry(self, *args: Any, **kw: Any) -> bool:
        await self._race("mark_retry")
        return await super().mark_retry(*args, **kw)

    async def mark_failed(self, *args: Any, **kw: Any) -> bool:
        await self._race("mark_failed")
        return await super().mark_failed(*args, **kw)


@pytest.fixture()
def runs_log(tmp_path: Path, monkeypatch) -> Path:
    """The stub stage appends a line per ``slow``/``gate`` article it analyses (NF_STUB_LOG)."""
    path = tmp_path / "runs.log"
    monkeypatch.setenv("NF_STUB_LOG", str(path))  # before the pool processes are spawned: they inherit it
    return path


def make_executor(batch: int = 1) -> PipelineExecutor:
    return PipelineExecutor(1, soft_timeout=4.0, hard_timeout=8.0, start="spawn", batch=batch,
                            factory=functools.partial(build_pipeline, Settings(stages=STAGES)))


def ctx(store: DocumentStore, settings: Settings, executor: PipelineExecutor, redis: Any, doc_id: str,
        job_try: int = 1) -> dict[str, Any]:
    return {"store": store, "settings": settings, "executor": executor, "redis": redis, "job_try": job_try,
            "job_id": doc_id}


def runs(log: Path, text: str) -> int:
    return sum(1 for line in (log.read_text().splitlines() if log.exists() else []) if line.split("\t")[0] == text)


async def assert_done_by_the_other(store: DocumentStore, redis: Any, doc_id: str, attempts: int = 1) -> None:
    st = await store.get_status(doc_id)
    assert st["status"] == "done" and st["attempts"] == attempts, st
    assert st["started_at"] and st["finished_at"] and "processing_ms" in st, st  # the other run's, whole
    assert not {"error", "last_error", "retry_at"} & st.keys(), st
    assert await redis.zscore(K.FAILED, doc_id) is None
    for status in ("queued", "processing", "failed"):
        assert await redis.zscore(K.idx_status(status), doc_id) is None, status
    assert await redis.zscore(K.idx_status("done"), doc_id) is not None


async def test_a_duplicate_finished_by_another_worker_before_it_starts_is_not_run_again(
        redis, settings, store, runs_log) -> None:
    s = settings.with_(stages=STAGES, job_timeout_seconds=30, max_attempts=3)
    text = "slow 0.01 an article delivered twice"
    doc_id = (await store.submit({"text": text})).id
    ex = make_executor()
    try:
        async def other_worker() -> None:  # between the duplicate's read (queued) and its start
            assert await process_article(ctx(store, s, ex, redis, doc_id), doc_id) == "done"
            assert runs(runs_log, text) == 1

        racing = RacingStore(redis, s, {"mark_processing": other_worker})
        assert await process_article(ctx(racing, s, ex, redis, doc_id), doc_id) == "duplicate"
    finally:
        ex.close()
    assert not racing.before  # the other worker did run at that moment
    assert runs(runs_log, text) == 1  # the duplicate did not run the pipeline again
    await assert_done_by_the_other(store, redis, doc_id)


async def test_a_duplicate_handed_back_after_another_worker_finished_leaves_it_done(
        redis, settings, store, runs_log, tmp_path) -> None:
    """The duplicate waits for the one pool process (held by another article) until it is handed back
    (``Busy``); meanwhile the other worker finishes the article: no hand-back (no ``Retry``), still done."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=30, max_attempts=3)
    text = "slow 0.01 an article delivered twice"
    doc_id = (await store.submit({"text": text})).id
    gate = tmp_path / "open"
    ex = make_executor(batch=2)
    try:
        await ex.start(120)
        holder = asyncio.create_task(ex.analyse({"text": f"gate {gate} holds the process"}, "holder"))
        while not ex._batcher._calls:
            await asyncio.sleep(0.01)

        async def other_worker() -> None:  # just before the duplicate hands the article back
            gate.touch()
            assert await process_article(ctx(store, s, ex, redis, doc_id), doc_id) == "done"

        racing = RacingStore(redis, s, {"unmark_processing": other_worker})
        assert await process_article(ctx(racing, s, ex, redis, doc_id), doc_id) == "duplicate"
        await holder
    finally:
        gate.touch()
        ex.close()
    assert not racing.before
    assert runs(runs_log, text) == 1
    await assert_done_by_the_other(store, redis, doc_id)


@pytest.mark.parametrize("text, job_try, move", [
    ("crash the process", 1, "mark_retry"),      # a transient failure: would be retried
    ("crash the process", 3, "mark_failed"),     # the same on the last attempt: would fail
    ("boom", 1, "mark_failed"),                  # a permanent failure
    ("a fine article", 4, "mark_failed"),        # past max_attempts: failed before any start
])
async def test_a_duplicate_that_fails_after_another_worker_finished_leaves_it_done(
        redis, settings, store, text, job_try, move) -> None:
    s = settings.with_(stages=STAGES, job_timeout_seconds=30, max_attempts=3, backoff_base_seconds=0.2)
    doc_id = (await store.submit({"text": text})).id

    async def other_worker() -> None:  # its run (its own pipeline result) is saved just before
        await store.mark_processing(doc_id, 1)
        await store.save_document({"id": doc_id, "text": text, "echo": {"chars": len(text)}}, 5.0, 1.0)

    racing = RacingStore(redis, s, {move: other_worker})
    ex = make_executor()
    try:
        try:
            result = await process_article(ctx(racing, s, ex, redis, doc_id, job_try), doc_id)
        except Retry:  # (the old code: done turned back into queued, and the job retried)
            result = "retried"
    finally:
        ex.close()
    assert not racing.before
    assert result == "duplicate"
    await assert_done_by_the_other(store, redis, doc_id)
    assert not await redis.hgetall(K.METRICS_FAILED)


async def test_a_copy_that_finds_its_job_handed_back_by_another_copy_keeps_the_job(
        redis, redis_server, settings, store, runs_log, tmp_path) -> None:
    """Two runs of ONE job (the lease reaper freed copy B while it was only slow; copy A ran the same job
    record): A hands the article back (queued; its ``Retry`` keeps the job), then B, handed back too, finds the
    status no longer its own. B used to return, and arq, for which a return is the end of the job, deleted the
    job record and its queue entry under A's re-queue: the article stayed queued for ever with no job. Now B
    raises ``Retry`` (its revision is still the article's, and it is neither done nor failed): the job lives on
    and its next run analyses the article. B runs in a real arq worker (burst: it stops when the queue is
    empty); each copy is handed back because the one pool process is held by another article."""
    from workers.settings import worker_options
    from workers.wake import ArqWorker

    s = settings.with_(stages=STAGES, job_timeout_seconds=30, max_attempts=3)
    text = "slow 0.01 an article run twice at once"
    doc_id = (await store.submit({"text": text})).id
    gate = tmp_path / "open"
    ex = make_executor(batch=2)
    worker = None
    try:
        await ex.start(120)
        holder = asyncio.create_task(ex.analyse({"text": f"gate {gate} holds the process"}, "holder"))
        while not ex._batcher._calls:
            await asyncio.sleep(0.01)

        async def copy_a() -> None:  # just before B hands the article back: A's whole run of the same job
            with pytest.raises(Retry):  # A is handed back as well (the process is still held)
                await process_article(ctx(store, s, ex, redis, doc_id, job_try=2), doc_id)
            st = await store.get_status(doc_id)
            assert st["status"] == "queued" and st["retry_at"], st  # due again (retry_at: the hand-back's too)
            gate.touch()  # from now on the process is free

        racing = RacingStore(redis, s, {"unmark_processing": copy_a})
        options = worker_options(s, redis_server.url)
        startup = options["on_startup"]

        async def on_startup(wctx: dict[str, Any]) -> None:
            await startup(wctx)
            wctx["store"] = racing  # B's store: A's move comes before B's hand-back

        options.update(on_startup=on_startup, burst=True, poll_delay=0.02)
        options.pop("on_shutdown")  # the executor is this test's
        worker = ArqWorker(**options, ctx={"executor": ex}, handle_signals=False)
        await asyncio.wait_for(worker.main(), 120)  # until the queue is empty
        await holder
    finally:
        gate.touch()
        if worker is not None:
            await worker.close()
        ex.close()
    assert not racing.before  # A did run at that moment
    st = await store.get_status(doc_id)
    assert st["status"] == "done", st  # the old code: queued, and no job left to run it
    assert runs(runs_log, text) == 1
    assert not await redis.exists(K.arq_job(doc_id)) and not await redis.zcard(K.ARQ_QUEUE)


@pytest.mark.parametrize("old_text, old_try", [
    ("boom revision one", 1),                # a permanent failure: _fail
    ("crash the process revision one", 3),   # a transient one on its last attempt: _retry fails it
    ("boom revision one", 4),                # past max_attempts: failed before any start (the revision read)
])
async def test_an_older_revisions_job_does_not_fail_the_newer_revisions_run(
        redis, settings, store, old_text, old_try) -> None:
    """J1, the job of revision 1, is about to fail the article while revision 2 arrives and its job J2 starts
    (processing) and then fails transiently. ``require="processing"`` alone let J1 fail the article under J2
    (with revision 1's error), and J2, finding it failed, ended without its retry: revision 2 never analysed.
    Now J1's change requires its own run (the token mark_processing wrote) or, past max_attempts, the revision
    it read: it changes nothing and ends (its revision is no longer the article's); J2's retry stands."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=60, max_attempts=3, backoff_base_seconds=0.2)
    doc_id = (await store.submit({"text": old_text, "external_id": "x1"})).id
    ex = PipelineExecutor(1, soft_timeout=20.0, hard_timeout=30.0, start="spawn",  # patient with a restart
                          factory=functools.partial(build_pipeline, Settings(stages=STAGES)))
    j2_failing, j1_over = asyncio.Event(), asyncio.Event()
    j2: asyncio.Task | None = None

    async def j2_fails() -> None:  # J2's pipeline crashed: it is about to schedule its retry; J1 moves first
        j2_failing.set()
        await j1_over.wait()

    async def revision_two() -> None:  # just before J1's failure is written
        nonlocal j2
        r2 = await store.submit({"text": "crash the process revision two", "external_id": "x1"})
        assert r2.id == doc_id and r2.status == "queued"
        j2_store = RacingStore(redis, s, {"mark_retry": j2_fails})
        j2 = asyncio.create_task(process_article(
            {"store": j2_store, "settings": s, "executor": ex, "redis": redis, "job_try": 1,
             "job_id": f"{doc_id}:r2"}, doc_id))
        await asyncio.wait_for(j2_failing.wait(), 60)
        assert (await store.get_status(doc_id))["status"] == "processing"  # J2's run

    racing = RacingStore(redis, s, {"mark_failed": revision_two})
    try:
        try:
            j1 = await process_article(ctx(racing, s, ex, redis, doc_id, old_try), doc_id)
        finally:
            j1_over.set()
        assert j2 is not None
        with pytest.raises(Retry):  # J2 scheduled its retry (the old code: "duplicate", no retry)
            await j2
    finally:
        ex.close()
    assert not racing.before
    assert j1 == "duplicate"  # (the old code: "failed")
    st = await store.get_status(doc_id)
    assert st["status"] == "queued" and st["revision"] == 2 and "error" not in st, st
    assert st["last_error"]["code"] == "worker_process_died" and st["attempts"] == 1, st  # J2's
    assert await redis.zscore(K.FAILED, doc_id) is None
    assert not await redis.hgetall(K.METRICS_FAILED)
