"""A job knows its revision (workers/tasks.py ``job_revision``): its id is the article's id for revision 1 and
``<id>:r<N>`` for revision N (shared/store/lua/submit.lua). A job of an older revision than the article's
(a retry of it, or a copy the lease reaper freed, that starts after a newer revision was queued) ends at once,
unrun, with no status change: the newer revision has its own job. It used to adopt whatever revision the
status held when it started: past its attempts it failed the newer revision with a false ``worker_lost``, on
its last try it failed it after one transient error, and the newer revision's job then found the article
failed and ended: the newer revision was never analysed. ``POST /retry`` of a failed article queues the
job of its CURRENT revision (it used to queue the plain id: a revision-2 article's retry would now be that
older revision's job, ended unrun).

The task with a real store on a real Redis, real pool processes with stub stages (``stub_stages.py``).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import pytest
from arq import Retry

from shared import keys as K
from shared.config import Settings
from shared.store import DocumentStore
from workers.executor import PipelineExecutor
from workers.pipeline.registry import build_pipeline
from workers.tasks import job_revision, process_article

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)
from test_duplicate_delivery import RacingStore  # noqa: E402

pytestmark = pytest.mark.integration


def make_executor() -> PipelineExecutor:
    return PipelineExecutor(1, soft_timeout=20.0, hard_timeout=30.0, start="spawn",  # patient with a restart
                            factory=functools.partial(build_pipeline, Settings(stages=STAGES)))


def ctx(store: DocumentStore, settings: Settings, executor: PipelineExecutor, redis: Any, job_id: str,
        job_try: int) -> dict[str, Any]:
    return {"store": store, "settings": settings, "executor": executor, "redis": redis, "job_try": job_try,
            "job_id": job_id}


def test_job_revision_from_its_id() -> None:
    doc_id = "0123456789abcdef"
    assert job_revision(doc_id, doc_id) == 1
    assert job_revision(K.article_job(doc_id, 2), doc_id) == 2 and K.article_job(doc_id, 2) == f"{doc_id}:r2"
    assert job_revision(f"{doc_id}:r12", doc_id) == 12
    assert job_revision(None, doc_id) is None and job_revision("other", doc_id) is None
    assert job_revision(f"{doc_id}:rx", doc_id) is None


async def _revision_two(store: DocumentStore, first: str, second: str) -> str:
    doc_id = (await store.submit({"text": first, "external_id": "x1"})).id
    r2 = await store.submit({"text": second, "external_id": "x1"})
    assert r2.id == doc_id and r2.status == "queued" and r2.revision == 2
    return doc_id


async def test_an_older_revisions_job_past_its_attempts_ends_unrun_and_the_newer_revision_is_analysed(
        redis, settings, store) -> None:
    """J1 (revision 1) lost its 5th try (worker killed: processing, its token); revision 2 is queued with its
    job J2; the reaper frees J1: its 6th try used to fail the article (revision 2) as ``worker_lost``."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=30, max_attempts=5)
    doc_id = (await store.submit({"text": "slow 0.01 revision one", "external_id": "x1"})).id
    assert await store.mark_processing(doc_id, 5, run=f"{doc_id}#5#dead")  # J1's 5th try, its worker killed
    r2 = await store.submit({"text": "slow 0.01 revision two", "external_id": "x1"})
    assert r2.id == doc_id and r2.status == "queued"
    ex = make_executor()
    try:
        j1 = await process_article(ctx(store, s, ex, redis, doc_id, 6), doc_id)
        assert j1 == "superseded"  # (the old code: "failed", revision 2 failed as worker_lost)
        st = await store.get_status(doc_id)
        assert st["status"] == "queued" and st["revision"] == 2 and "error" not in st, st
        j2 = await process_article(ctx(store, s, ex, redis, K.article_job(doc_id, 2), 1), doc_id)
    finally:
        ex.close()
    assert j2 == "done"
    st = await store.get_status(doc_id)
    assert st["status"] == "done" and st["revision"] == 2 and st["attempts"] == 1, st
    doc = await store.get_document(doc_id)
    assert doc["revision"] == 2 and doc["echo"]["chars"] == len("slow 0.01 revision two")
    assert not await redis.hgetall(K.METRICS_FAILED)


async def test_an_older_revisions_job_on_its_last_try_does_not_fail_the_newer_revision(
        redis, settings, store) -> None:
    """J1 (revision 1) is due for its last try (4 transient failures before); revision 2 came meanwhile.
    J1 used to run revision 2, fail transiently once and fail the article ('gave up after 5 attempts')."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=30, max_attempts=5, backoff_base_seconds=0.2)
    doc_id = await _revision_two(store, "crash the process revision one", "crash the process revision two")
    ex = make_executor()
    try:
        j1 = await process_article(ctx(store, s, ex, redis, doc_id, 5), doc_id)
        assert j1 == "superseded"  # (the old code: "failed")
        with pytest.raises(Retry):  # revision 2's own first attempt: a transient failure, retried
            await process_article(ctx(store, s, ex, redis, K.article_job(doc_id, 2), 1), doc_id)
    finally:
        ex.close()
    st = await store.get_status(doc_id)
    assert st["status"] == "queued" and st["revision"] == 2 and st["attempts"] == 1, st
    assert st["last_error"]["code"] == "worker_process_died" and "error" not in st, st
    assert await redis.zscore(K.FAILED, doc_id) is None
    assert not await redis.hgetall(K.METRICS_FAILED)


async def test_an_older_revisions_job_does_not_take_the_newer_revision_from_its_job(
        redis, settings, store) -> None:
    """J1 (revision 1's job, first try) starts after revision 2 (a poison article) was queued, and J2 starts
    while J1 runs. J1 used to run revision 2, J2 took it over (processing read as a lost worker), J1's
    failure was then not its own to record (``Retry``, an attempt gone), its next try took it over from J2,
    and so on. Now J1 ends unrun and J2 alone fails the article on its first attempt."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=60, max_attempts=5)
    doc_id = await _revision_two(store, "slow 0.01 revision one", "boom revision two")
    ex = make_executor()
    j2_task: list[asyncio.Task] = []
    reached, release = asyncio.Event(), asyncio.Event()

    async def j2_waits() -> None:
        reached.set()
        await release.wait()

    async def j2_starts() -> None:  # (old code) J2 starts while J1 runs, before J1 records its failure
        j2_store = RacingStore(redis, s, {"mark_failed": j2_waits})
        j2_task.append(asyncio.create_task(
            process_article(ctx(j2_store, s, ex, redis, K.article_job(doc_id, 2), 1), doc_id)))
        await asyncio.wait_for(reached.wait(), 60)

    j1_store = RacingStore(redis, s, {"mark_failed": j2_starts})
    try:
        try:
            j1 = await process_article(ctx(j1_store, s, ex, redis, doc_id, 1), doc_id)
        except Retry:  # (the old code)
            j1 = "retried"
        finally:
            release.set()
        assert j1 == "superseded"
        assert "mark_failed" in j1_store.before  # J1 never got as far as a failure
        st = await store.get_status(doc_id)
        assert st["status"] == "queued" and st["attempts"] == 0, st  # J1 changed nothing
        j2 = await process_article(ctx(store, s, ex, redis, K.article_job(doc_id, 2), 1), doc_id)
    finally:
        release.set()
        for t in j2_task:
            t.cancel()
        ex.close()
    assert j2 == "failed"
    st = await store.get_status(doc_id)
    assert st["status"] == "failed" and st["revision"] == 2, st
    assert st["error"]["attempt"] == 1 and st["error"]["transient"] is False, st
    assert await redis.hgetall(K.METRICS_FAILED) == {st["error"]["code"].encode(): b"1"}


async def test_a_retry_of_a_failed_revision_two_article_runs_its_job_to_done(
        redis, redis_server, settings, store, make_client) -> None:
    """Revision 2 failed (its worker kept being killed: past its attempts, its job over, as arq leaves it);
    ``POST /retry`` queues revision 2's job (``<id>:r2``) with a new round of tries, and a real arq worker
    analyses revision 2. (The retry used to queue the plain id, now revision 1's job: ended unrun, the
    article left queued for ever.)"""
    from workers.settings import worker_options
    from workers.wake import ArqWorker

    s = settings.with_(stages=STAGES, job_timeout_seconds=30, max_attempts=3)
    doc_id = await _revision_two(store, "slow 0.01 revision one", "slow 0.01 revision two")
    job2 = K.article_job(doc_id, 2)
    # revision 1's job never ran (superseded); revision 2's ran 3 times, its worker killed each time; the 4th
    # try failed the article and ended the job (arq: record and queue entry gone, its try counter left)
    await redis.delete(K.arq_job(doc_id), K.arq_job(job2))
    await redis.zrem(K.ARQ_QUEUE, doc_id, job2)
    await redis.set(K.arq_retry(job2), 4)
    assert await store.mark_processing(doc_id, 3, run=f"{job2}#3#dead")
    assert await store.mark_failed(doc_id, {"code": "worker_lost", "message": "gave up after 3 attempts",
                                            "attempt": 3})
    client = await make_client()
    resp = await client.post(f"/v1/articles/{doc_id}/retry", headers={"Content-Type": "application/json"})
    assert resp.status == 202
    assert await redis.zscore(K.ARQ_QUEUE, job2) is not None  # (the old code: the plain id)
    assert await redis.zscore(K.ARQ_QUEUE, doc_id) is None
    assert await redis.get(K.arq_retry(job2)) is None  # a new round of tries

    ex = make_executor()
    worker = None
    try:
        options = worker_options(s, redis_server.url)
        options.update(burst=True, poll_delay=0.02)
        options.pop("on_shutdown")  # the executor is this test's
        worker = ArqWorker(**options, ctx={"executor": ex}, handle_signals=False)
        await asyncio.wait_for(worker.main(), 120)  # until the queue is empty
    finally:
        if worker is not None:
            await worker.close()
        ex.close()
    st = await store.get_status(doc_id)
    assert st["status"] == "done" and st["revision"] == 2 and st["attempts"] == 1, st
    doc = await store.get_document(doc_id)
    assert doc["revision"] == 2 and doc["echo"]["chars"] == len("slow 0.01 revision two")
    assert not await redis.zcard(K.ARQ_QUEUE)
