"""The arq task: one job per article, ``process_article(ctx, doc_id)``.

load the article (and its revision) → ``mark_processing`` → run the pipeline in the process pool → ``save_document``
(atomic and idempotent, keyed by id: a re-run after a crash overwrites, never duplicates).

The status's ``started_at`` is set by ``mark_processing``; ``wait_ms`` is the time from then to the start of the
pipeline call that analysed the document (waiting for a pool process, for a micro-batch, a failed batch redone
alone), ``processing_ms`` the document's share of that call (:class:`workers.executor.Timing`), so
``started_at + wait_ms + processing_ms`` ≤ ``finished_at`` (the rest is the save).

Attempts are counted by arq's per-job try counter (``ctx["job_try"]``), which also counts runs
that were cut short by a killed worker, so a document that keeps crashing workers still ends.

* transient error (Redis unreachable, pipeline timeout, a pool process died) → ``mark_retry`` and
  ``arq.Retry`` after ``backoff(attempt)`` (exponential, full jitter, capped), until
  ``settings.max_attempts``; then ``mark_failed`` with the last error.
* ``Busy`` (no pipeline process free in time) and ``PoolStarting`` (the pool was restarting after
  another document's failure, and no start has failed yet) → the job is handed back uncounted.
* permanent error (a stage raised on this document) → ``mark_failed`` at once; no retries.
* unknown id (article missing) → logged and dropped; a job for a document already ``done`` or
  ``failed`` (a duplicate delivery) is a no-op.
* a job of an older revision than the article's (its id says its revision: ``<id>`` for revision 1,
  ``<id>:r<N>`` for N >= 2, :func:`job_revision`; a retry or a freed copy of it that starts after a newer
  revision was queued) → ends at once (``superseded``), no status change: the newer revision has a job of
  its own (it used to adopt the revision it read, and could fail it, with its own attempts spent).

Every status change of a run is conditional (``require``, checked inside the status script): the run
starts (``mark_processing``) only if the article is still not ``done`` or ``failed`` (another worker
may have finished it between this job's read and its start: then this is the duplicate delivery it
is, logged, and no pipeline run) and of the revision it read; once started, it hands back, schedules
its retry or fails the article only while the status is still ``processing`` by this run (its token,
written by ``mark_processing``: a job of an older revision that read the status before the newer
revision came, or another copy of this one, changes nothing once another run has taken the article
over). When another run finished or failed the article meanwhile, or a new revision queued it again
(with a job of its own), the job ends there and
the status is left as it is: ``done`` never turns back into ``queued``, ``processing`` or ``failed``.
When the status is instead another run's of the same revision (a copy of this job that handed the
article back or scheduled its retry, or that is running it), the job is not ended (arq would delete the
job record under that copy's re-queue): ``Retry``, and the next run acts on the status it finds
(:func:`_superseded`): at once when the copy queued it (its own time stands), after a job timeout when
the copy is running it (a sooner run would take the article from that live run). A run past
``max_attempts`` fails the article only from the status it read, and not while another run that started
less than a job timeout ago holds it ``processing`` (it waits likewise): a lost run is failed on the
next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from arq import Retry
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared import keys as K
from shared.store.reads import to_score
from shared.store.status import ACTIVE, RUN

from .executor import Busy, PermanentError, Timing, TransientError

log = logging.getLogger("newsflow.worker")

REDIS_TRANSIENT = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait before attempt ``attempt + 1``: full jitter over ``base·2^(attempt-1)``, capped.

    Never below ``base / 2`` so a retry is never immediate.
    """
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    r = (rng or random).uniform(0.5, 1.0)
    return max(base / 2, ceiling * r)


def job_deadline(ctx: dict[str, Any], job_timeout: float) -> float:
    """``loop.time()`` by which the task must have answered, leaving room for its Redis writes
    before arq's own ``job_timeout`` cancels it (which would end the job without our bookkeeping)."""
    margin = min(max(0.5, job_timeout * 0.1), 15.0)
    return asyncio.get_running_loop().time() + max(0.5, job_timeout - margin)


def error_info(code: str, message: str, attempt: int, stage: str | None = None, transient: bool = False) -> dict[str, Any]:
    """The error object kept in the status (``error`` / ``last_error``) and shown over HTTP."""
    info: dict[str, Any] = {"code": code, "message": message, "attempt": attempt, "transient": transient,
                            "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    if stage:
        info["stage"] = stage
    return info


async def process_article(ctx: dict[str, Any], doc_id: str) -> str:
    presence = ctx.get("presence")  # workers.lease.Presence (None under a bare `arq` worker)
    job_id = ctx.get("job_id") or doc_id
    if presence is None:
        return await _process(ctx, doc_id)
    # the lease is set while the task reads its article (one round trip's wait instead of two)
    acquire = asyncio.ensure_future(_acquire(presence, ctx["redis"], job_id))
    try:
        return await _process(ctx, doc_id)
    finally:
        with contextlib.suppress(Exception):  # a Redis refusal reached the job's own writes as well
            await acquire
        await presence.release(ctx["redis"], job_id)


def job_revision(job_id: str | None, doc_id: str) -> int | None:
    """The revision a job of article ``doc_id`` was queued for: its id is ``doc_id`` for revision 1 and
    ``doc_id:rN`` for revision N >= 2 (:func:`shared.keys.article_job`).
    None when the job id says nothing (no id: a bare call; another form)."""
    if not job_id:
        return None
    article, revision = K.split_article_job(job_id)
    return revision if article == doc_id else None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


async def _acquire(presence: Any, redis: Any, job_id: str) -> None:
    try:
        await presence.acquire(redis, job_id)
    except REDIS_TRANSIENT:
        pass  # no lease without Redis; the run goes on and the heartbeat sets it once Redis answers


async def _process(ctx: dict[str, Any], doc_id: str) -> str:
    store = ctx["store"]
    settings = ctx["settings"]
    executor = ctx["executor"]
    attempt = int(ctx.get("job_try") or 1)
    deadline = job_deadline(ctx, settings.job_timeout_seconds)
    # the revision this run read (_superseded; "read": the status field to require, when the hash has one)
    # and this run's token (mark_processing): none until known
    ctx["revision"] = ctx["read"] = ctx["run"] = None
    try:
        # the article with its revision (read together: the revision analysed) and the status, at once
        (article, revision), status = await asyncio.gather(store.get_article_revision(doc_id),
                                                           store.get_status(doc_id))
        if article is None:
            log.warning("job for unknown article %s dropped (no such article)", doc_id)
            return "missing"
        ctx["revision"] = revision
        status = status or {}
        current = status.get("status")
        mine, latest = job_revision(ctx.get("job_id"), doc_id), max(revision, _int(status.get("revision")))
        if mine is not None and mine < latest:
            # a job of an older revision (a retry of it, or a copy the lease reaper freed) that starts after a
            # newer revision was queued: that revision has a job of its own; this one changes nothing
            log.info("job %s (revision %d) of article %s superseded by revision %d (its own job): ends",
                     ctx.get("job_id"), mine, doc_id, latest)
            return "superseded"
        if "revision" in status:
            ctx["read"] = {"revision": str(revision)}
        if current in ("done", "failed"):
            log.info("article %s is already %s: duplicate delivery ignored", doc_id, current)
            return current
        if attempt > settings.max_attempts:
            if current == "processing" and _may_be_running(status, settings):
                # another run holds the article and may be live (another copy of this job: it started less
                # than a job timeout ago): not failed under it. Due again once that run has ended (its own
                # outcome stands: its return ends the job, its Retry re-schedules it); if it never reports
                # back, the next run finds its start older than a job timeout and fails the article then
                log.info("article %s is processing by another run (started %s): not failed after %d attempts "
                         "under it; due again in %gs", doc_id, status.get("started_at"), attempt - 1,
                         _holder_defer(settings))
                raise Retry(defer=_holder_defer(settings))
            # Runs that never reported back (the worker was killed mid-job) count too.
            last = status.get("last_error") or {}
            message = last.get("message") if isinstance(last, dict) else str(last)
            error = error_info(last.get("code", "worker_lost") if isinstance(last, dict) else "worker_lost",
                               f"gave up after {attempt - 1} attempts; last error: "
                               f"{message or 'the worker stopped during processing'}", attempt - 1)
            # only the status read (queued; processing by the run that started then, lost), of the revision
            # read: a newer revision queued since (its own job), or a run that started since, is not failed
            require, fields = ACTIVE, ctx["read"]
            if current in ACTIVE:
                require = current
                if current == "processing" and status.get("started_at"):
                    fields = {**(fields or {}), "started_at": status["started_at"]}
            if not await store.mark_failed(doc_id, error, require=require, require_fields=fields):
                return await _superseded(ctx, doc_id, "fail it after its last attempt")
            log.error("article %s failed: %s", doc_id, error["message"])
            return "failed"
        if current == "processing":
            log.warning("article %s: previous attempt did not finish (worker lost); running attempt %d",
                        doc_id, attempt)
        job_start = asyncio.get_running_loop().time()  # started_at
        # only from the status read (not done or failed, the revision read): one with no status hash at all
        # starts as before. The run's token: its later changes require it (another run may take over)
        ctx["run"] = f"{ctx.get('job_id') or doc_id}#{attempt}#{secrets.token_hex(4)}"
        if not await store.mark_processing(doc_id, attempt, require=ACTIVE if current else "", run=ctx["run"],
                                           require_fields=ctx["read"]) and current:
            # finished (or failed) by another worker since the read above (a duplicate delivery), or a newer
            # revision was queued
            return await _superseded(ctx, doc_id, "start it")
    except REDIS_TRANSIENT as exc:
        return await _retry(ctx, doc_id, attempt, error_info(
            "redis_unavailable", f"{type(exc).__name__}: {exc}", attempt, transient=True), started=False)

    t0 = asyncio.get_running_loop().time()
    timing = Timing()
    try:
        # a retry runs alone: it failed before, maybe because of itself (never at its batch-mates' cost again)
        document = await executor.analyse(article, doc_id, deadline, alone=attempt > 1, hand_back=True,
                                          timing=timing)
    except asyncio.CancelledError:
        await _cancelled(ctx, doc_id, attempt, deadline)
        raise
    except Busy as exc:
        return await _hand_back(ctx, doc_id, attempt, exc)
    except PermanentError as exc:
        return await _fail(ctx, doc_id, error_info(exc.code, str(exc), attempt, exc.stage))
    except TransientError as exc:
        error = error_info(exc.code, str(exc), attempt, exc.stage, True)
        if exc.code == "resource_limit" and _last_code(status) == "resource_limit":
            # over the memory ceiling twice in a row: the document itself is too big, not the moment
            return await _fail(ctx, doc_id, {**error, "transient": False,
                                             "message": f"{error['message']} (second time; not retried)"})
        return await _retry(ctx, doc_id, attempt, error)
    started, processing_ms = timing.started, timing.pipeline_ms
    if started is None or processing_ms is None:  # an executor that does not say: all of it
        started, processing_ms = t0, (asyncio.get_running_loop().time() - t0) * 1000
    wait_ms = max(0.0, (started - job_start) * 1000)
    document["revision"] = revision

    try:
        await store.save_document(document, processing_ms, wait_ms)
    except REDIS_TRANSIENT as exc:
        return await _retry(ctx, doc_id, attempt, error_info(
            "redis_unavailable", f"while saving: {type(exc).__name__}: {exc}", attempt, transient=True))
    log.info("article %s done in %.0f ms after waiting %.0f ms (attempt %d)", doc_id, processing_ms, wait_ms, attempt)
    return "done"


async def _hand_back(ctx: dict[str, Any], doc_id: str, attempt: int, exc: Busy) -> str:
    """The article never reached a pipeline process (every one was taken by a long document, or the pool
    was restarting after another document's failure: ``PoolStarting``): the job goes back to the queue,
    due again ``exc.defer`` seconds later, for this worker or another, and this run does not count as an
    attempt (status queued again, arq's try counter taken back)."""
    try:
        due = datetime.now(timezone.utc) + timedelta(seconds=exc.defer)
        if not await ctx["store"].unmark_processing(doc_id, attempt - 1, require_fields=_mine(ctx), retry_at=due):
            return await _superseded(ctx, doc_id, "hand it back")
        await ctx["redis"].decr(K.arq_retry(ctx.get("job_id") or doc_id))
    except REDIS_TRANSIENT:
        log.warning("could not hand %s back uncounted (redis unavailable); the attempt counts", doc_id)
    log.info("article %s handed back to the queue: %s", doc_id, exc)
    raise Retry(defer=exc.defer)


SUPERSEDED_DEFER = 0.5  # seconds: a run that could not read the status (Redis) after it was superseded
HOLDER_MARGIN = 5.0  # seconds past a job timeout by which a run still processing is surely over (or lost)


def _holder_defer(settings: Any) -> float:
    """When a job whose article is ``processing`` by another live run (a copy of this job) is due again:
    after that run has surely ended (arq's job timeout, and a margin for its last status write)."""
    return float(settings.job_timeout_seconds) + HOLDER_MARGIN


def _may_be_running(status: dict[str, Any], settings: Any) -> bool:
    """The run that holds the ``processing`` status may still be live: it started less than a job timeout
    (and the margin) ago; one that started before is over (arq's job timeout ends any run), i.e. lost."""
    try:
        started = to_score(status.get("started_at"))  # µs since the epoch
    except (TypeError, ValueError):
        return False
    return started is not None and time.time() - started / 1e6 < _holder_defer(settings)


async def _superseded(ctx: dict[str, Any], doc_id: str, what: str) -> str:
    """The status was no longer this run's to change (see the module); nothing was written. The job ends
    (a return: arq deletes the job record and its queue entry) only when nothing is left for it to do: the
    article is ``done`` or ``failed``, or a newer revision was queued since this run read its own (that
    revision has a job of its own). Otherwise the status belongs to another run of the same revision, a
    copy of this very job maybe (a run the lease reaper freed while it was only slow: two runs, one job
    record): that copy may have handed the article back or scheduled its retry (queued, its ``Retry``
    re-queued the job), and a return here would delete the job under it, leaving the article queued with
    no job for ever. So the job stays: ``Retry``, and its next run reads the status and acts on it. It
    costs an attempt (arq's try counter is not taken back), so this never loops past ``max_attempts``."""
    try:
        status = await ctx["store"].get_status(doc_id)
    except REDIS_TRANSIENT:
        status = {"status": "unknown"}  # keep the job: its next run decides
    current = (status or {}).get("status")
    latest, mine = (status or {}).get("revision"), ctx.get("revision")
    if status is None or current in ("done", "failed") or (latest is not None and mine is not None
                                                           and latest != mine):
        log.info("article %s is no longer this run's (%s, revision %s; this run read revision %s): did not %s; "
                 "job ends", doc_id, current or "gone", latest, mine, what)
        return "duplicate"
    # queued: whoever queued it (another copy's hand-back or retry) has set when the job is due: no defer
    # added to that (arq adds a Retry's defer to the job's score). processing: another copy of this job runs
    # it now, and this Retry deletes the job's in-progress key (arq): due soon, a third copy would start and
    # take the article over from that live run (read as a lost worker). So due after that run has surely
    # ended; its own outcome stands then (its return ends the job, its Retry re-schedules it)
    defer = {"queued": 0.0, "processing": _holder_defer(ctx["settings"])}.get(current or "", SUPERSEDED_DEFER)
    log.info("article %s is %s by another run of revision %s: did not %s; the job stays queued (due again in "
             "%gs)", doc_id, current, latest, what, defer)
    raise Retry(defer=defer)


def _mine(ctx: dict[str, Any]) -> dict[str, str] | None:
    """What a change of this run's requires besides ``processing``: its token (``mark_processing``), so a run
    whose article another run took over (a newer revision's job, another copy of its own) changes nothing."""
    run = ctx.get("run")
    return {RUN: run} if run else None


def _last_code(status: dict[str, Any]) -> str | None:
    last = status.get("last_error")
    return last.get("code") if isinstance(last, dict) else None


async def _cancelled(ctx: dict[str, Any], doc_id: str, attempt: int, deadline: float) -> None:
    """The job was cancelled: the worker is stopping (arq puts the job back in the queue at once), or,
    should our own deadline ever be overrun, arq's job timeout ended it for good. Say so in the status."""
    store = ctx["store"]
    try:
        if asyncio.get_running_loop().time() >= deadline:
            await asyncio.shield(store.mark_failed(doc_id, error_info(
                "timeout", "the job exceeded the arq job timeout", attempt), require="processing",
                require_fields=_mine(ctx)))
        else:
            await asyncio.shield(store.mark_retry(doc_id, attempt, error_info(
                "worker_stopped", "the worker stopped during processing; the job went back to the queue",
                attempt, transient=True), require_fields=_mine(ctx)))
    except Exception as exc:  # noqa: BLE001 - best effort while shutting down
        log.warning("could not record the cancellation of %s: %s", doc_id, exc)


async def _fail(ctx: dict[str, Any], doc_id: str, error: dict[str, Any]) -> str:
    try:
        if not await ctx["store"].mark_failed(doc_id, error, require="processing", require_fields=_mine(ctx)):
            return await _superseded(ctx, doc_id, f"fail it ({error['message']})")
    except REDIS_TRANSIENT as exc:
        # Cannot record it now: arq runs the job again later; it fails the same way and is recorded then.
        log.error("article %s failed permanently (not recorded: redis unavailable): %s", doc_id, error["message"])
        raise Retry(defer=_delay(ctx, 1)) from exc
    log.error("article %s failed permanently: %s", doc_id, error["message"])
    return "failed"


def _delay(ctx: dict[str, Any], attempt: int) -> float:
    s = ctx["settings"]
    return backoff(attempt, s.backoff_base_seconds, s.backoff_cap_seconds)


async def _retry(ctx: dict[str, Any], doc_id: str, attempt: int, error: dict[str, Any],
                 started: bool = True) -> str:
    """Retry later, or fail after the last attempt. ``started``: this run marked the article processing
    (its status must still be that); False: it failed before (Redis), from a status not done or failed."""
    settings = ctx["settings"]
    store = ctx["store"]
    # started: still this run's (its token); else from a status not done or failed, of the revision it read
    require, fields = ("processing", _mine(ctx)) if started else (ACTIVE, ctx.get("read"))
    if attempt >= settings.max_attempts:
        error = {**error, "transient": False, "message": f"{error['message']} (gave up after {attempt} attempts)"}
        try:
            if not await store.mark_failed(doc_id, error, require=require, require_fields=fields):
                return await _superseded(ctx, doc_id, f"fail it ({error['message']})")
        except REDIS_TRANSIENT as exc:
            log.error("article %s failed (not recorded: redis unavailable): %s", doc_id, error["message"])
            raise Retry(defer=_delay(ctx, attempt)) from exc  # recorded on the next run (attempt > max)
        log.error("article %s failed: %s", doc_id, error["message"])
        return "failed"
    delay = _delay(ctx, attempt)
    retry_at = datetime.now(timezone.utc) + timedelta(seconds=delay)
    try:
        if not await store.mark_retry(doc_id, attempt, error, retry_at, require=require, require_fields=fields):
            return await _superseded(ctx, doc_id, f"retry it ({error['message']})")
    except REDIS_TRANSIENT:
        log.warning("could not record the retry of %s (redis unavailable)", doc_id)
    log.warning("article %s attempt %d failed (%s); retrying in %.1fs", doc_id, attempt, error["message"], delay)
    raise Retry(defer=delay)
