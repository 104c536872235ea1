"""Runs the analysis pipeline in a pool of processes: the worker's and ``newsflow analyze``'s.

:class:`PipelineExecutor` schedules the calls on the pool of :class:`workers.pool.PipelinePool`
(start-up, fork server or spawn, restarts, memory ceiling), whose processes run
:mod:`workers.pool_process`. The worker analyses one article per call
(:meth:`~PipelineExecutor.analyse`, awaited: arq's heartbeats, polling and timeouts keep running;
articles waiting at the same time share a pool call, :mod:`workers.batching`); ``newsflow analyze``
sends batches (:meth:`~PipelineExecutor.submit_many` / :meth:`~PipelineExecutor.results`) that go
through ``Pipeline.run_many``; a batch that fails is redone one document at a time, so only the
culprit gets an error.

Failures are sorted into the two kinds the task needs:

* :class:`PermanentError` — a stage raised on this document (bad input, a bug hit by this text).
  Retrying would fail the same way; the document fails on its own.
* :class:`TransientError` — the pipeline ran out of time (soft timeout inside the process via
  ``SIGALRM``, hard timeout in the parent: the pool is killed and rebuilt), a pool process died
  (OOM killer, segfault: ``BrokenProcessPool``), or memory ran out. Worth another try later.
* :class:`Busy` (a ``TransientError`` the task does not count): with ``hand_back``, the document never
  reached the pipeline, because every process was taken by a long document or (:class:`PoolStarting`)
  the pool was restarting after another document's hard timeout or crash; or it was running in
  another process of the pool when another call's hard timeout killed the whole pool. A pool slow to
  (re)start is the worker's state, not the document's. A pool that cannot start is bounded all the
  same: a start past ``start_timeout`` or one that raised is a failed start
  (:attr:`~workers.pool.PipelinePool.start_failures`), and until a start succeeds again the waits for
  the pool count as attempts (``pool_start_timeout``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable

from . import pool_process
from .batching import Batcher
from .memory import rss_bytes  # noqa: F401 - part of this module's interface (tests, bench)
from .pool import KillReason, PipelinePool, PoolStartTimeout


class PipelineError(Exception):
    """A failed pipeline run: ``code`` says what happened, ``stage`` where (when known)."""

    def __init__(self, message: str, code: str, stage: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.stage = stage


class TransientError(PipelineError):
    """Worth retrying later (timeouts, a dead pool process, Redis unavailable)."""


class PermanentError(PipelineError):
    """This document cannot be processed; retrying would fail the same way."""


class Busy(TransientError):
    """No pipeline process was free for this document in time (micro-batching, ``hand_back=True``):
    it never reached the pipeline; the job goes back to the queue without using an attempt, due again
    ``defer`` seconds later."""

    defer = 0.05


class PoolStarting(Busy):
    """The pool was (re)starting (after another document's hard timeout or crash) and not ready within
    this job's patience (``hand_back=True``): the worker's state, not this document's; handed back like
    :class:`Busy`, uncounted. Only while no start has failed (:attr:`PipelinePool.start_failures`): once
    one has, a job waits its whole time for the pool and that wait counts, so a pipeline that cannot
    start fails its articles after ``max_attempts``."""

    defer = 0.5


@dataclass
class Timing:
    """How :meth:`PipelineExecutor.analyse` spent its time on one document (filled in when it returns one):

    ``started``: ``loop.time()`` at which the pipeline call that analysed it began (the article handed to
    a pool process); what came before (waiting for a process, for its batch, a failed batch redone
    alone, the pool's start-up) is waiting, not analysis.
    ``pipeline_ms``: the document's share of that call's time (hand-off to the process and back
    included): the whole call alone; in a micro-batch, the batch call's time split among its documents
    in proportion to their stage times (``timings_ms``; in equal parts when those are all zero)."""

    started: float | None = None
    pipeline_ms: float | None = None


BATCH_CHARS = 100_000  # characters per micro-batch of the worker (a longer article runs alone)


def pipeline_timeouts(job_timeout: float) -> tuple[float, float]:
    """(soft, hard) pipeline timeouts per document inside a job of ``job_timeout`` seconds."""
    soft = max(0.2, job_timeout * 0.6)
    hard = max(soft + 0.2, job_timeout * 0.8)
    return soft, hard


class PipelineExecutor(PipelinePool):
    """A process pool running the pipeline, with soft and hard per-document timeouts.

    ``processes``, ``factory``, ``max_rss_mb``, ``start``: the pool (:class:`~workers.pool.PipelinePool`:
    ``start`` is ``"shared"``, ``"spawn"`` or ``"auto"``).
    ``batch``: :meth:`analyse` calls waiting for a process at the same time share one pool call, up
    to ``batch`` documents and ``batch_chars`` characters (:mod:`workers.batching`; 1 = off).
    """

    def __init__(self, processes: int = 1, soft_timeout: float = 60.0, hard_timeout: float | None = None,
                 factory: Callable[[], Any] | None = None, max_rss_mb: int = 0, start: str = "auto",
                 batch: int = 1, batch_chars: int = BATCH_CHARS, start_timeout: float = 0.0) -> None:
        super().__init__(processes, factory, max_rss_mb, start, start_timeout)
        self.soft_timeout = soft_timeout
        self.hard_timeout = hard_timeout if hard_timeout is not None else soft_timeout + 5.0
        self.batch_soft = soft_timeout / 4  # a batch's soft budget: it runs out well before any one job's time
        self._batcher = Batcher(self, batch, batch_chars) if batch > 1 else None

    async def analyse(self, article: dict[str, Any], doc_id: str, deadline: float | None = None,
                      alone: bool = False, hand_back: bool = False, timing: Timing | None = None) -> dict[str, Any]:
        """The document for ``article``; raises :class:`PermanentError` or :class:`TransientError`.

        ``deadline`` (``loop.time()``) bounds the whole call, waiting for the pool included, so the
        caller always gets an answer before arq's own job timeout would cancel it. With ``batch`` > 1
        the article may share a pool call with others waiting at the same time (:mod:`workers.batching`);
        ``alone``: never (a retry). ``hand_back``: raise :class:`Busy` rather than wait long for a
        process (see :mod:`workers.batching`), :class:`PoolStarting` rather than wait long for a pool
        that is restarting. ``timing``: filled in with when the pipeline started on
        the document and its share of the pipeline's time (:class:`Timing`).
        """
        if self._batcher is None:
            return await self._run_one(article, doc_id, deadline, timing, hand_back)
        loop = asyncio.get_running_loop()
        await self._started(None if deadline is None else max(0.0, deadline - loop.time()), hand_back)
        return await self._batcher.analyse(article, doc_id, deadline, alone, hand_back, timing)

    def jobs_wanted(self) -> int | None:
        """How many jobs the worker should hold now (micro-batching, :meth:`Batcher.jobs_wanted`); None: no advice."""
        return None if self._batcher is None else self._batcher.jobs_wanted()

    def jobs_startable(self, held: int) -> int | None:
        """How many more jobs a worker holding ``held`` could start in a process now (micro-batching,
        :meth:`Batcher.jobs_startable`); None: no advice. 0 while the pool is (re)starting
        (:attr:`~workers.pool.PipelinePool.starting`): no process can start a job until it is up, so a
        fresh job is left to the other workers of the queue (workers/wake.py; one that has waited there,
        or a worker alone on the queue, still takes it and waits for the pool)."""
        if self.starting:
            return 0
        return None if self._batcher is None else self._batcher.jobs_startable(held)

    @property
    def hand_back_after(self) -> float:
        """Seconds a ``hand_back`` job waits for a process, or for a (re)starting pool, before it is handed back."""
        return self.batch_soft

    async def _started(self, timeout: float | None, hand_back: bool = False) -> None:
        """:meth:`start` within ``timeout``, with its failures as :class:`TransientError`. ``hand_back``:
        a pool that is (re)starting, with no failed start so far, is waited for :attr:`hand_back_after`
        at most, then :class:`PoolStarting` (the job goes back to the queue uncounted)."""
        patient = hand_back and not self.start_failures and not self.ready
        if patient:
            timeout = self.hand_back_after if timeout is None else min(timeout, self.hand_back_after)
        try:
            await self.start(timeout)
        except asyncio.TimeoutError:
            if patient and not self.start_failures:  # still the first try of this start
                raise PoolStarting(f"the pipeline processes are (re)starting, not ready within "
                                   f"{timeout:.3g}s; job handed back", "busy") from None
            failed = f" ({self.start_failures} failed start(s) in a row)" if self.start_failures else ""
            raise TransientError(f"the pipeline processes were not ready in time{failed}",
                                 "pool_start_timeout" if self.start_failures else "timeout") from None
        except PoolStartTimeout as exc:  # the start ran past start_timeout (killed; the next call starts anew)
            raise TransientError(str(exc), "pool_start_timeout") from None
        except (BrokenProcessPool, OSError) as exc:  # OSError: the fork server could not be reached
            # (the failed start has killed its pool already: PipelinePool._warm)
            raise TransientError(f"pipeline process died while loading: {exc}", "worker_process_died") from None
        except Exception as exc:  # noqa: BLE001 - a stage's warm-up raised: the start failed like a dying process
            raise TransientError(f"pipeline failed to start: {type(exc).__name__}: {exc}",
                                 "worker_process_died") from None

    async def _run_one(self, article: dict[str, Any], doc_id: str, deadline: float | None,
                       timing: Timing | None = None, hand_back: bool = False) -> dict[str, Any]:
        """One document in one pool call (soft timeout in the process, hard timeout here)."""
        loop = asyncio.get_running_loop()

        def remaining(cap: float | None = None) -> float | None:
            if deadline is None:
                return cap
            left = max(0.0, deadline - loop.time())
            return left if cap is None else min(cap, left)

        await self._started(remaining(), hand_back)
        pool = self._pool
        assert pool is not None
        started = loop.time()
        try:
            fut = loop.run_in_executor(pool, pool_process.analyse, article, doc_id, self.soft_timeout)
            limit = remaining(self.hard_timeout)
            outcome = await asyncio.wait_for(fut, limit)
        except asyncio.TimeoutError:
            self.reset(pool, KillReason.HARD_TIMEOUT)
            raise TransientError(f"pipeline did not finish within {limit:.3g}s",
                                 "timeout") from None
        except BrokenProcessPool as exc:
            if hand_back and self.killed_for.get(pool) is KillReason.HARD_TIMEOUT:
                # another call's hard timeout killed the whole pool under this document: not its failure
                raise Busy("the pipeline pool was restarted (another document's hard timeout) while this "
                           "document ran; job handed back", "busy") from None
            self.reset(pool, KillReason.BROKEN)
            over = self._over_limit(doc_id)
            if over is not None:
                raise TransientError(f"pipeline process went over the memory ceiling of {self.max_rss >> 20} MB "
                                     f"({over >> 20} MB private) on this document; process replaced",
                                     "resource_limit") from None
            raise TransientError(f"pipeline process died: {exc}", "worker_process_died") from None
        except OSError as exc:  # the fork server is gone: the pool, not this article, is at fault
            self.reset(pool, KillReason.UNREACHABLE)
            raise TransientError(f"pipeline processes unreachable: {exc}", "worker_process_died") from None
        except Exception as exc:  # pickling of an odd article or result
            raise PermanentError(f"cannot run the pipeline on this article: {type(exc).__name__}: {exc}",
                                 "unprocessable") from exc
        if outcome["ok"]:
            if timing is not None:
                timing.started, timing.pipeline_ms = started, (loop.time() - started) * 1000
            return outcome["document"]
        cls = TransientError if outcome["transient"] else PermanentError
        raise cls(outcome["error"], outcome["code"], outcome.get("stage"))

    # ------------------------------------------------------------------ batches (newsflow analyze)

    def submit_many(self, articles: list[dict[str, Any]], ids: list[str] | None = None,
                    as_json: bool = True) -> "Batch":
        """Start analysing ``articles`` as one batch; :meth:`results` waits for it."""
        for _ in range(3):
            self.start_sync()
            pool = self._pool
            assert pool is not None
            try:
                fut = pool.submit(pool_process.analyse_many, articles, ids, self.soft_timeout, as_json)
                return Batch(articles, ids, as_json, pool, fut)
            except BrokenProcessPool:  # a process died on an earlier batch, not yet collected
                self.reset(pool, KillReason.BROKEN)
        raise BrokenProcessPool("the pipeline pool keeps breaking at submission")

    def resubmit(self, batch: "Batch") -> None:
        """Send a batch again if the pool it was sent to was replaced before it finished."""
        fut = batch.future
        finished = fut.done() and not fut.cancelled() and fut.exception() is None
        if batch.pool is not self._pool and not finished:
            fresh = self.submit_many(batch.articles, batch.ids, batch.as_json)
            batch.pool, batch.future = fresh.pool, fresh.future

    def results(self, batch: "Batch") -> list[dict[str, Any]]:
        """One outcome per article of ``batch`` (``{"ok": True, "document": …}`` or a failure with
        ``code``/``error``). The hard timeout (per document of the batch) and a dead pool process
        restart the pool; the batch is then redone one document at a time to find the culprit."""
        self.resubmit(batch)
        failure = self._wait(batch.pool, batch.future, self.hard_timeout * len(batch.articles))
        if failure is None:
            return batch.future.result()
        if len(batch.articles) == 1:
            return [failure]
        out = []
        for i, article in enumerate(batch.articles):
            single = self.submit_many([article], [batch.ids[i]] if batch.ids else None, batch.as_json)
            failure = self._wait(single.pool, single.future, self.hard_timeout)
            out.append(failure if failure is not None else single.future.result()[0])
        return out

    def _wait(self, pool: concurrent.futures.ProcessPoolExecutor, fut: concurrent.futures.Future[Any],
              limit: float) -> dict[str, Any] | None:
        """None once ``fut`` is done; the failure outcome if the pool hung or died (pool replaced)."""
        try:
            fut.result(timeout=limit)
            return None
        except concurrent.futures.TimeoutError:
            self.reset(pool, KillReason.HARD_TIMEOUT)
            return {"ok": False, "transient": True, "code": "timeout",
                    "error": f"pipeline did not finish within {limit:.3g}s"}
        except BrokenProcessPool as exc:
            self.reset(pool, KillReason.BROKEN)
            return {"ok": False, "transient": True, "code": "worker_process_died",
                    "error": f"pipeline process died: {exc}"}

    def close(self) -> None:
        if self._batcher is not None:
            self._batcher.close()
        super().close()


class Batch:
    """Articles sent to the pool as one batch, and where they were sent."""

    def __init__(self, articles: list[dict[str, Any]], ids: list[str] | None, as_json: bool,
                 pool: concurrent.futures.ProcessPoolExecutor, future: concurrent.futures.Future[Any]) -> None:
        self.articles, self.ids, self.as_json = articles, ids, as_json
        self.pool, self.future = pool, future
