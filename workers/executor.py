"""Runs the analysis pipeline in a pool of processes: the worker's and ``newsflow analyze``'s.

The pipeline is built once with the executor's ``factory`` (default
:func:`workers.pipeline.build_pipeline`), at start-up via :meth:`PipelineExecutor.start` /
:meth:`PipelineExecutor.start_sync`. ``start="shared"`` (``NEWSFLOW_POOL_START``; the default
``auto`` means shared from two processes on): once, in a fork server the pool processes are forked
from, so they share the models' memory (:mod:`workers.shared_pool`); ``start="spawn"``: in every pool process. The worker
analyses one article per call (:meth:`~PipelineExecutor.analyse`, awaited: arq's heartbeats,
polling and timeouts keep running; articles waiting at the same time share a pool call,
:mod:`workers.batching`); ``newsflow analyze`` sends batches
(:meth:`~PipelineExecutor.submit_many` / :meth:`~PipelineExecutor.results`) that go through
``Pipeline.run_many``; a batch that fails is redone one document at a time, so only the culprit
gets an error.

Failures are sorted into the two kinds the task needs:

* :class:`PermanentError` — a stage raised on this document (bad input, a bug hit by this text).
  Retrying would fail the same way; the document fails on its own.
* :class:`TransientError` — the pipeline ran out of time (soft timeout inside the process via
  ``SIGALRM``, hard timeout in the parent: the pool is killed and rebuilt), a pool process died
  (OOM killer, segfault: ``BrokenProcessPool``), or memory ran out. Worth another try later.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
import traceback
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Sequence

import orjson

from . import memory, shared_pool
from .batching import Batcher
from .memory import rss_bytes  # noqa: F401 - part of this module's interface (tests, bench)

log = logging.getLogger("newsflow.worker")


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
    it never reached the pipeline; the job goes back to the queue without using an attempt."""


class _SoftTimeout(BaseException):
    """Raised by SIGALRM inside a pool process. A BaseException (like KeyboardInterrupt), so a
    stage's own ``except Exception`` fallback cannot swallow it and carry on past the deadline."""


# ----------------------------------------------------------------------------- in the pool process

_pipeline: Any = None
_limit: tuple[int, str] = (0, "")  # (max RSS in bytes, folder of the memory watchdog's marks)


BATCH_CHARS = 100_000  # characters per micro-batch of the worker (a longer article runs alone)


def pipeline_timeouts(job_timeout: float) -> tuple[float, float]:
    """(soft, hard) pipeline timeouts per document inside a job of ``job_timeout`` seconds."""
    soft = max(0.2, job_timeout * 0.6)
    hard = max(soft + 0.2, job_timeout * 0.8)
    return soft, hard


def _init_process(factory: Callable[[], Any] | None = None, max_rss: int = 0, marks: str = "") -> None:
    global _pipeline, _limit
    _limit = (max_rss, marks)
    shared_pool.die_with_parent()  # the worker (spawn) or the fork server, which dies with the worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    if max_rss > 0 and marks:
        memory.start_watchdog(max_rss, marks)
    if shared_pool.PIPELINE is not None:  # forked from the preloaded fork server: its pipeline, shared
        _pipeline = shared_pool.PIPELINE
        return
    if factory is None:
        from workers.pipeline import build_pipeline

        factory = build_pipeline
    _pipeline = factory()


def _on_alarm(signum: int, frame: Any) -> None:
    raise _SoftTimeout()


def _failing_stage(exc: BaseException) -> str:
    return getattr(_pipeline, "failed_stage", None) or "pipeline"


def _analyse(article: dict[str, Any], doc_id: str | None, soft_timeout: float, as_json: bool = False) -> dict[str, Any]:
    """Run the pipeline on one article; never raises (the outcome is a small dict)."""
    memory.current_doc = doc_id
    try:
        outcome = _guarded(lambda: [_pipeline.run(article, doc_id)], soft_timeout, as_json)[0]
        _exit_if_over_limit(doc_id)  # this document pushed the process past it
        return outcome
    finally:
        memory.current_doc = None


def _analyse_many(articles: list[dict[str, Any]], ids: list[str] | None, soft_timeout: float,
                  as_json: bool) -> list[dict[str, Any]]:
    """One outcome per article: the batch through ``run_many`` (soft timeout: ``soft_timeout`` per
    document); if it fails, one document at a time, so only the culprit gets the error."""
    outcomes = _guarded(lambda: _pipeline.run_many(articles, ids), soft_timeout * len(articles), as_json)
    if len(articles) > 1 and not outcomes[0]["ok"]:
        return [_analyse(a, ids[i] if ids else None, soft_timeout, as_json) for i, a in enumerate(articles)]
    return outcomes


def _analyse_batch(articles: list[dict[str, Any]], ids: list[str], soft_timeout: float) -> list[dict[str, Any]]:
    """The worker's micro-batch (:mod:`workers.batching`): one outcome per article through ``run_many``
    under one soft budget, or ``[failure]`` (the worker then redoes each document alone). The memory
    ceiling names no document here (the batch's are redone alone, and the culprit is named then)."""
    memory.current_doc = None
    outcomes = _guarded(lambda: _pipeline.run_many(articles, ids), soft_timeout, False)
    _exit_if_over_limit(None)
    return outcomes


def _exit_if_over_limit(doc_id: str | None) -> None:
    """End this pool process when it is over the memory ceiling (naming ``doc_id`` as the culprit)."""
    max_rss, marks = _limit
    if max_rss and marks and memory.over(max_rss):
        memory.exit_over_limit(doc_id, marks)


def _dumps(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS, default=str)


def _guarded(run: Callable[[], list[dict[str, Any]]], soft_timeout: float, as_json: bool) -> list[dict[str, Any]]:
    """``run()`` under the soft timeout: ``[{"ok": True, "document": …}, …]`` or ``[failure]``."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    if soft_timeout > 0:
        signal.setitimer(signal.ITIMER_REAL, soft_timeout)
    try:
        docs = run()
        signal.setitimer(signal.ITIMER_REAL, 0)
        return [{"ok": True, "document": _dumps(d) if as_json else d} for d in docs]
    except _SoftTimeout:
        return [{"ok": False, "transient": True, "code": "timeout",
                 "error": f"pipeline timed out after {soft_timeout:g}s"}]
    except MemoryError:
        return [{"ok": False, "transient": True, "code": "out_of_memory", "error": "pipeline ran out of memory"}]
    except Exception as exc:  # noqa: BLE001 - every stage error becomes this document's failure
        stage = _failing_stage(exc)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [{"ok": False, "transient": False, "stage": stage, "code": "stage_error",
                 "error": f"stage {stage!r} failed: {type(exc).__name__}: {exc}"[:2000],
                 "where": f"{os.path.basename(where.filename)}:{where.lineno}"}]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _warm_up() -> int:
    _pipeline.run({"text": "Warm-up: Ada Lovelace said the engine works in London."}, "warmup")
    return os.getpid()


# ----------------------------------------------------------------------------- in the worker

class PipelineExecutor:
    """A process pool running the pipeline, with soft and hard per-document timeouts.

    ``factory``: a picklable callable returning the pipeline (default
    :func:`workers.pipeline.build_pipeline`, e.g. ``functools.partial(build_pipeline, settings)``).
    ``start``: ``"shared"`` (built once in a fork server, pool processes forked from it share its
    memory), ``"spawn"`` (built in each spawned pool process) or ``"auto"`` (shared from two
    processes on, spawn for one).
    ``batch``: :meth:`analyse` calls waiting for a process at the same time share one pool call, up
    to ``batch`` documents and ``batch_chars`` characters (:mod:`workers.batching`; 1 = off).
    """

    def __init__(self, processes: int = 1, soft_timeout: float = 60.0, hard_timeout: float | None = None,
                 factory: Callable[[], Any] | None = None, max_rss_mb: int = 0, start: str = "auto",
                 batch: int = 1, batch_chars: int = BATCH_CHARS) -> None:
        if start not in ("auto", "shared", "spawn"):
            raise ValueError(f"pool start must be auto, shared or spawn, not {start!r}")
        self.processes = max(1, processes)
        # auto: shared from two processes on; one process has nothing to share (and spawned, it loads
        # lazily only the models its documents need, sooner and smaller than the server's full preload)
        self.start_method = start if start != "auto" else "shared" if self.processes > 1 else "spawn"
        self._server: shared_pool.Server | None = None
        # Memory ceiling per pool process (0 = none; private memory, see workers/memory.py): past it the
        # process exits, the document it was analysing fails with ``resource_limit`` and the pool is replaced.
        self.max_rss = max(0, max_rss_mb) * 1024 * 1024
        self._marks = tempfile.mkdtemp(prefix="newsflow-pool-") if self.max_rss else ""
        self.soft_timeout = soft_timeout
        self.hard_timeout = hard_timeout if hard_timeout is not None else soft_timeout + 5.0
        self.batch_soft = soft_timeout / 4  # a batch's soft budget: it runs out well before any one job's time
        self._batcher = Batcher(self, batch, batch_chars) if batch > 1 else None
        self.factory = factory
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._ready: asyncio.Task[None] | None = None

    def _new_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        # Pool processes never inherit the worker's event loop, sockets or threads: spawned, or forked
        # from a fork server that is a fresh interpreter too (kept across pool restarts).
        if self._marks:
            os.makedirs(self._marks, exist_ok=True)
        context: Any = multiprocessing.get_context("spawn")
        if self.start_method == "shared":
            if self._server is None:
                self._server = shared_pool.Server(self.factory)
            context = shared_pool.SharedContext(self._server)
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=_init_process,
            initargs=(self.factory, self.max_rss, self._marks))

    @property
    def server_pid(self) -> int | None:
        """The fork server's pid (``start="shared"``, once started)."""
        return self._server.pid if self._server is not None else None

    async def start(self, timeout: float | None = None) -> None:
        """Create the pool and load the models in every process (once; later calls wait for it)."""
        if self._ready is None:
            self._pool = self._new_pool()
            self._ready = asyncio.get_running_loop().create_task(self._warm(self._pool))
        # shield: a job that stops waiting (its own deadline) does not abort the warm-up for the others
        await asyncio.wait_for(asyncio.shield(self._ready), timeout)

    async def _warm(self, pool: concurrent.futures.ProcessPoolExecutor) -> None:
        loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        pids = await asyncio.gather(*(loop.run_in_executor(pool, _warm_up) for _ in range(self.processes)))
        log.info("pipeline loaded in %d process(es) %s in %.1fs", self.processes, sorted(set(pids)),
                 time.perf_counter() - t0)

    async def analyse(self, article: dict[str, Any], doc_id: str, deadline: float | None = None,
                      alone: bool = False, hand_back: bool = False) -> dict[str, Any]:
        """The document for ``article``; raises :class:`PermanentError` or :class:`TransientError`.

        ``deadline`` (``loop.time()``) bounds the whole call, waiting for the pool included, so the
        caller always gets an answer before arq's own job timeout would cancel it. With ``batch`` > 1
        the article may share a pool call with others waiting at the same time (:mod:`workers.batching`);
        ``alone``: never (a retry). ``hand_back``: raise :class:`Busy` rather than wait long for a
        process (see :mod:`workers.batching`).
        """
        if self._batcher is None:
            return await self._run_one(article, doc_id, deadline)
        loop = asyncio.get_running_loop()
        await self._started(None if deadline is None else max(0.0, deadline - loop.time()))
        return await self._batcher.analyse(article, doc_id, deadline, alone, hand_back)

    def jobs_wanted(self) -> int | None:
        """How many jobs the worker should hold now (micro-batching, :meth:`Batcher.jobs_wanted`); None: no advice."""
        return None if self._batcher is None else self._batcher.jobs_wanted()

    async def _started(self, timeout: float | None) -> None:
        """:meth:`start`, with its failures as :class:`TransientError`."""
        try:
            await self.start(timeout)
        except asyncio.TimeoutError:
            raise TransientError("the pipeline processes were not ready in time", "timeout") from None
        except (BrokenProcessPool, OSError) as exc:  # OSError: the fork server could not be reached
            self.reset(self._pool, "broken pool at start-up")
            raise TransientError(f"pipeline process died while loading: {exc}", "worker_process_died") from None

    async def _run_one(self, article: dict[str, Any], doc_id: str, deadline: float | None) -> dict[str, Any]:
        """One document in one pool call (soft timeout in the process, hard timeout here)."""
        loop = asyncio.get_running_loop()

        def remaining(cap: float | None = None) -> float | None:
            if deadline is None:
                return cap
            left = max(0.0, deadline - loop.time())
            return left if cap is None else min(cap, left)

        await self._started(remaining())
        pool = self._pool
        assert pool is not None
        try:
            fut = loop.run_in_executor(pool, _analyse, article, doc_id, self.soft_timeout)
            limit = remaining(self.hard_timeout)
            outcome = await asyncio.wait_for(fut, limit)
        except asyncio.TimeoutError:
            self.reset(pool, "hard timeout")
            raise TransientError(f"pipeline did not finish within {limit:.3g}s",
                                 "timeout") from None
        except BrokenProcessPool as exc:
            self.reset(pool, "broken pool")
            over = self._over_limit(doc_id)
            if over is not None:
                raise TransientError(f"pipeline process went over the memory ceiling of {self.max_rss >> 20} MB "
                                     f"({over >> 20} MB private) on this document; process replaced",
                                     "resource_limit") from None
            raise TransientError(f"pipeline process died: {exc}", "worker_process_died") from None
        except OSError as exc:  # the fork server is gone: the pool, not this article, is at fault
            self.reset(pool, "fork server unreachable")
            raise TransientError(f"pipeline processes unreachable: {exc}", "worker_process_died") from None
        except Exception as exc:  # pickling of an odd article or result
            raise PermanentError(f"cannot run the pipeline on this article: {type(exc).__name__}: {exc}",
                                 "unprocessable") from exc
        if outcome["ok"]:
            return outcome["document"]
        cls = TransientError if outcome["transient"] else PermanentError
        raise cls(outcome["error"], outcome["code"], outcome.get("stage"))

    def _over_limit(self, doc_id: str | None) -> int | None:
        """The private memory the memory watchdog recorded when ``doc_id`` pushed its process over the ceiling."""
        if not self._marks or not doc_id:
            return None
        path = os.path.join(self._marks, doc_id)
        try:
            with open(path) as f:
                rss = int(f.read() or 0)
        except (OSError, ValueError):
            return None
        with contextlib.suppress(OSError):
            os.remove(path)
        return rss

    # ------------------------------------------------------------------ batches (newsflow analyze)

    def start_sync(self) -> None:
        """Create the pool and load the pipeline in every process, blocking (no event loop)."""
        if self._pool is None:
            self._pool = self._new_pool()
            t0 = time.perf_counter()
            pids = [f.result() for f in [self._pool.submit(_warm_up) for _ in range(self.processes)]]
            log.info("pipeline loaded in %d process(es) %s in %.1fs", self.processes, sorted(set(pids)),
                     time.perf_counter() - t0)

    def submit_many(self, articles: list[dict[str, Any]], ids: list[str] | None = None,
                    as_json: bool = True) -> "Batch":
        """Start analysing ``articles`` as one batch; :meth:`results` waits for it."""
        for _ in range(3):
            self.start_sync()
            pool = self._pool
            assert pool is not None
            try:
                fut = pool.submit(_analyse_many, articles, ids, self.soft_timeout, as_json)
                return Batch(articles, ids, as_json, pool, fut)
            except BrokenProcessPool:  # a process died on an earlier batch, not yet collected
                self.reset(pool, "broken pool")
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
            self.reset(pool, "hard timeout")
            return {"ok": False, "transient": True, "code": "timeout",
                    "error": f"pipeline did not finish within {limit:.3g}s"}
        except BrokenProcessPool as exc:
            self.reset(pool, "broken pool")
            return {"ok": False, "transient": True, "code": "worker_process_died",
                    "error": f"pipeline process died: {exc}"}

    def reset(self, broken: concurrent.futures.ProcessPoolExecutor | None, why: str) -> None:
        """Kill a stuck or broken pool; the next call starts a fresh one (once, however many jobs saw it)."""
        if broken is None or self._pool is not broken:
            return
        log.warning("restarting the pipeline process pool (%s)", why)
        self._pool, self._ready = None, None
        _kill_pool(broken)

    def close(self) -> None:
        if self._batcher is not None:
            self._batcher.close()
        pool, self._pool, self._ready = self._pool, None, None
        if pool is not None:
            _kill_pool(pool)
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        if self._marks:
            shutil.rmtree(self._marks, ignore_errors=True)


class Batch:
    """Articles sent to the pool as one batch, and where they were sent."""

    def __init__(self, articles: list[dict[str, Any]], ids: list[str] | None, as_json: bool,
                 pool: concurrent.futures.ProcessPoolExecutor, future: concurrent.futures.Future[Any]) -> None:
        self.articles, self.ids, self.as_json = articles, ids, as_json
        self.pool, self.future = pool, future


def _kill_pool(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        try:
            p.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.join(timeout=5)
        except Exception:  # noqa: BLE001
            pass
