"""Two runs of ONE job at once (the lease reaper freed a run that was only slow: a second copy runs the same
job record): workers/tasks.py must let the live run's outcome stand.

* A copy whose article another copy took over (``processing`` by that live run) used to ``Retry(0.5)``:
  arq's Retry deletes the job's shared in-progress key, so 0.5 s later a third copy started and took the
  article over from the live run (its ``processing`` read as a lost worker), and so on, up to about twice
  ``max_attempts`` duplicate runs. Now it is due again only after a job timeout (and a margin): by then the
  live run has ended, and its return ends the job (its Retry re-schedules it).
* A copy past ``max_attempts`` used to fail the article under a live run (a false ``failed`` event and
  failure count; the live run then saved it ``done``). Now it waits likewise; it fails the article (the
  worker lost) only when the run holding it started more than a job timeout ago: that run is over.

The task with a real store on a real Redis, real pool processes with stub stages (``stub_stages.py``);
:class:`RacingStore` puts the other copy's move right before one of the run's status changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from arq import Retry

from shared import keys as K
from workers.tasks import process_article

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)
from test_duplicate_delivery import RacingStore  # noqa: E402
from test_revision_jobs import ctx, make_executor  # noqa: E402 - the same patient executor and task context

pytestmark = pytest.mark.integration

JOB_TIMEOUT = 30.0




async def failed_events(redis: Any) -> int:
    return sum(1 for _, fields in await redis.xrange(K.EVENTS) if fields.get(b"type") == b"article.failed")


async def test_a_copy_past_its_attempts_does_not_fail_the_article_under_a_live_run(redis, settings, store) -> None:
    """Copy B (the job's 6th try, max 5) starts while copy A (its 5th) is live: B used to fail the article
    ('gave up after 5 attempts', a failed event and count), then A saved it done."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=JOB_TIMEOUT, max_attempts=5)
    text = "a fine article"
    doc_id = (await store.submit({"text": text})).id
    assert await store.mark_processing(doc_id, 5, run=f"{doc_id}#5#live")  # copy A, started just now
    ex = make_executor()
    try:
        with pytest.raises(Retry) as retry:  # (the old code: "failed")
            await process_article(ctx(store, s, ex, redis, doc_id, 6), doc_id)
    finally:
        ex.close()
    assert retry.value.defer_score >= JOB_TIMEOUT * 1000  # due again once A has surely ended
    st = await store.get_status(doc_id)
    assert st["status"] == "processing" and st["attempts"] == 5 and "error" not in st, st  # A's, untouched
    assert await redis.hget(K.status(doc_id), "run") == f"{doc_id}#5#live".encode()
    await store.save_document({"id": doc_id, "text": text, "echo": {"chars": len(text)}}, 5.0, 1.0)  # A saves
    st = await store.get_status(doc_id)
    assert st["status"] == "done" and "error" not in st, st
    assert not await redis.hgetall(K.METRICS_FAILED) and await failed_events(redis) == 0
    assert await redis.zscore(K.FAILED, doc_id) is None


async def test_a_copy_past_its_attempts_fails_the_article_once_the_run_holding_it_is_over(
        redis, settings, store) -> None:
    """The worker of the job's last try was killed (processing, its run lost). The next try waits a job
    timeout (that run might have been live); the one after finds the run's start older than a job timeout:
    that run is over whatever happened to it, and the article fails (worker lost), as it always did."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=JOB_TIMEOUT, max_attempts=5)
    doc_id = (await store.submit({"text": "a fine article"})).id
    assert await store.mark_processing(doc_id, 5, run=f"{doc_id}#5#lost")
    ex = make_executor()
    try:
        with pytest.raises(Retry):
            await process_article(ctx(store, s, ex, redis, doc_id, 6), doc_id)
        # the job is due again a job timeout (and a margin) later: the lost run's start is that old by then
        long_ago = datetime.now(timezone.utc) - timedelta(seconds=2 * JOB_TIMEOUT)
        await redis.hset(K.status(doc_id), "started_at", long_ago.isoformat(timespec="milliseconds"))
        assert await process_article(ctx(store, s, ex, redis, doc_id, 7), doc_id) == "failed"
    finally:
        ex.close()
    st = await store.get_status(doc_id)
    assert st["status"] == "failed" and st["error"]["code"] == "worker_lost", st
    assert "gave up after 6 attempts" in st["error"]["message"] and st["error"]["attempt"] == 6, st
    assert await redis.hgetall(K.METRICS_FAILED) == {b"worker_lost": b"1"} and await failed_events(redis) == 1


@pytest.mark.parametrize("text, job_try, move", [
    ("crash the process", 1, "mark_retry"),   # a transient failure: would be retried
    ("crash the process", 3, "mark_failed"),  # the same on the last attempt: would fail
    ("boom", 1, "mark_failed"),               # a permanent failure
])
async def test_a_run_another_copy_took_over_is_due_again_only_after_that_copy_has_ended(
        redis, settings, store, text, job_try, move) -> None:
    """Copy A runs the job; the reaper freed it and copy B took the article over (processing, B's token), B
    is live. A's change is refused (not its run any more): A used to ``Retry(0.5)``, and arq's Retry deletes
    the job's in-progress key, so a third copy started half a second later and took the article from B.
    Now A's job is due again after a job timeout (and a margin): B has ended by then, its outcome stands."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=JOB_TIMEOUT, max_attempts=3, backoff_base_seconds=0.2)
    doc_id = (await store.submit({"text": text})).id
    b_run = f"{doc_id}#{job_try + 1}#copy-b"

    async def copy_b_takes_over() -> None:
        assert await store.mark_processing(doc_id, job_try + 1, run=b_run)

    racing = RacingStore(redis, s, {move: copy_b_takes_over})
    ex = make_executor()
    try:
        with pytest.raises(Retry) as retry:
            await process_article(ctx(racing, s, ex, redis, doc_id, job_try), doc_id)
    finally:
        ex.close()
    assert not racing.before  # B did take over at that moment
    assert retry.value.defer_score >= JOB_TIMEOUT * 1000  # (the old code: 500 ms)
    st = await store.get_status(doc_id)
    assert st["status"] == "processing" and st["attempts"] == job_try + 1, st  # B's run, untouched by A
    assert not {"error", "last_error", "retry_at"} & st.keys(), st
    assert await redis.hget(K.status(doc_id), "run") == b_run.encode()
    assert not await redis.hgetall(K.METRICS_FAILED) and await failed_events(redis) == 0


async def test_a_copy_past_its_attempts_does_not_fail_a_run_that_started_after_its_read(
        redis, settings, store) -> None:
    """Copy B (past max_attempts) reads the article queued; copy A starts it (processing, live) before B's
    failure is written. B's failure required only 'queued or processing': it failed the article under A.
    Now it requires the status it read (queued): refused, and B's job waits for A as above."""
    s = settings.with_(stages=STAGES, job_timeout_seconds=JOB_TIMEOUT, max_attempts=5)
    doc_id = (await store.submit({"text": "a fine article"})).id

    async def copy_a_starts() -> None:
        assert await store.mark_processing(doc_id, 5, run=f"{doc_id}#5#copy-a")

    racing = RacingStore(redis, s, {"mark_failed": copy_a_starts})
    ex = make_executor()
    try:
        with pytest.raises(Retry) as retry:  # (the old code: "failed")
            await process_article(ctx(racing, s, ex, redis, doc_id, 6), doc_id)
    finally:
        ex.close()
    assert not racing.before
    assert retry.value.defer_score >= JOB_TIMEOUT * 1000
    st = await store.get_status(doc_id)
    assert st["status"] == "processing" and st["attempts"] == 5 and "error" not in st, st
    assert not await redis.hgetall(K.METRICS_FAILED) and await failed_events(redis) == 0
