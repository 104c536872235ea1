"""The process pool the pipeline runs in, as the parent sees it (base of :class:`workers.executor.
PipelineExecutor`, which schedules the calls).

``start="shared"`` (``NEWSFLOW_POOL_START``; the default ``auto`` means shared from two processes
on): the pipeline is built once, in a fork server the pool processes are forked from, so they share
the models' memory (:mod:`workers.shared_pool`); ``start="spawn"``: in every pool process. Either
way a pool process runs :mod:`workers.pool_process`. This module starts the pool and loads the
pipeline in every process (:meth:`PipelinePool.start` / :meth:`PipelinePool.start_sync`), kills a
stuck or broken pool and starts a fresh one (:meth:`PipelinePool.reset`: at once on the worker's
event loop, so that while it starts the worker can leave fresh jobs to other workers,
:attr:`PipelinePool.starting`; without a running loop, ``newsflow analyze``, at the next call), and
keeps the folder where a process over the memory ceiling names its document (:mod:`workers.memory`).

A start is bounded by ``start_timeout`` (``NEWSFLOW_POOL_START_TIMEOUT_SECONDS``): past it the start
fails with :class:`PoolStartTimeout` and its processes are killed; a start that raised is killed the
same way. Both are logged as errors and counted in :attr:`PipelinePool.start_failures` (starts in a
row that failed, 0 again after one succeeds), which the executor reads to tell a pool that is merely
(re)starting (jobs handed back uncounted) from one that cannot start (waits count).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import enum
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
import weakref
from typing import Any, Callable

from . import shared_pool
from .pool_process import init_process, warm_up

log = logging.getLogger("newsflow.worker")


class KillReason(enum.Enum):
    """Why :meth:`PipelinePool.reset` killed a pool (its value: how the log says it)."""

    HARD_TIMEOUT = "hard timeout"                  # a call (one document or a batch) ran past its hard limit
    BROKEN = "broken pool"                         # a pool process died (crash, OOM killer, memory ceiling)
    UNREACHABLE = "fork server unreachable"
    START_TIMEOUT = "start-up timed out"
    START_FAILED = "start-up failed"


class PoolStartTimeout(Exception):
    """A start of the pool ran past :attr:`PipelinePool.start_timeout` (its processes were killed)."""


class PipelinePool:
    """``processes`` pool processes running the pipeline of ``factory`` (see the module).

    ``factory``: a picklable callable returning the pipeline (default
    :func:`workers.pipeline.build_pipeline`, e.g. ``functools.partial(build_pipeline, settings)``).
    ``start``: ``"shared"``, ``"spawn"`` or ``"auto"`` (shared from two processes on, spawn for one).
    ``max_rss_mb``: memory ceiling per pool process (0 = none).
    """

    def __init__(self, processes: int = 1, factory: Callable[[], Any] | None = None, max_rss_mb: int = 0,
                 start: str = "auto", start_timeout: float = 0.0) -> None:
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
        self.factory = factory
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._ready: asyncio.Task[None] | None = None
        # A start (pool processes up, pipeline loaded) that takes longer than this fails (0 = no limit):
        # its processes are killed, the jobs waiting for it get PoolStartTimeout, the next call starts anew.
        self.start_timeout = max(0.0, start_timeout)
        # Starts in a row that failed (raised, or ran past start_timeout); 0 again once one succeeds.
        # While it is 0, a pool that is (re)starting is the worker's state, not a waiting job's fault
        # (workers/executor.py hands such a job back uncounted); from the first failure on, waits count.
        self.start_failures = 0
        # why each pool this object killed was killed (reset's ``reason``): a call that finds its pool
        # broken can tell whether another call's hard timeout killed it (workers/executor.py)
        self.killed_for: weakref.WeakKeyDictionary[concurrent.futures.ProcessPoolExecutor, KillReason] = \
            weakref.WeakKeyDictionary()

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
            max_workers=self.processes, mp_context=context, initializer=init_process,
            initargs=(self.factory, self.max_rss, self._marks))

    @property
    def server_pid(self) -> int | None:
        """The fork server's pid (``start="shared"``, once started)."""
        return self._server.pid if self._server is not None else None

    async def start(self, timeout: float | None = None) -> None:
        """Create the pool and load the models in every process (once; later calls wait for it).
        ``asyncio.TimeoutError``: not ready within ``timeout`` (the start goes on for the others);
        :class:`PoolStartTimeout` or the start's own error: the start failed (its pool killed)."""
        if self._ready is None:
            self._begin()
        assert self._ready is not None
        # shield: a job that stops waiting (its own deadline) does not abort the warm-up for the others
        await asyncio.wait_for(asyncio.shield(self._ready), timeout)

    def _begin(self) -> None:
        """A new pool, and the task that loads the pipeline in its processes (``_ready``)."""
        self._pool = self._new_pool()
        self._ready = asyncio.get_running_loop().create_task(self._warm(self._pool))
        self._ready.add_done_callback(_retrieve)  # a start nobody waited for logs its failure (_warm), once

    async def _warm(self, pool: concurrent.futures.ProcessPoolExecutor) -> None:
        t0 = time.perf_counter()
        try:
            warming = self._submit_warm_ups(pool)
            pids = await (asyncio.wait_for(warming, self.start_timeout) if self.start_timeout else warming)
        except asyncio.TimeoutError:
            self.start_failures += 1
            log.error("the pipeline processes did not start within %gs (%d failed start(s) in a row); "
                      "killing them, the next job starts them again", self.start_timeout, self.start_failures)
            self.reset(pool, KillReason.START_TIMEOUT)
            self._stop_server()  # a stuck fork server too: the next start gets a new one
            raise PoolStartTimeout(f"the pipeline processes did not start within {self.start_timeout:g}s") from None
        except Exception as exc:
            if self._pool is not pool:  # killed by close() or a reset while it started: not a failed start
                raise
            self.start_failures += 1
            log.error("the pipeline processes failed to start (%d failed start(s) in a row): %s: %s",
                      self.start_failures, type(exc).__name__, exc)
            self.reset(pool, KillReason.START_FAILED)
            self._stop_server()
            raise
        self.start_failures = 0
        log.info("pipeline loaded in %d process(es) %s in %.1fs", self.processes, sorted(set(pids)),
                 time.perf_counter() - t0)

    def _stop_server(self) -> None:
        """After a failed start: stop the fork server (a stuck one is never waited on again, a thread
        blocked reading its ready pipe gets EOF); the next start starts a new one (``ensure_running``)."""
        if self._server is not None:
            try:
                self._server.stop()
            except OSError as exc:
                log.warning("could not stop the fork server: %s", exc)

    async def _submit_warm_ups(self, pool: concurrent.futures.ProcessPoolExecutor) -> list[int]:
        """One ``warm_up`` per process; the pids. A shared pool's fork server is first started here, on the
        event loop's thread (a spawn and a small pipe write; ``PR_SET_PDEATHSIG`` would kill it with a
        thread pool's thread that started it), then waited for in a thread
        (:meth:`workers.shared_pool.Server.wait_ready`): starting a pool process before it is warm blocks
        the caller for the whole warm-up, and here the caller is the worker's event loop."""
        server = self._server
        if server is not None:
            server.ensure_running()
        if server is not None and not await asyncio.to_thread(server.wait_ready):
            if self._pool is pool:
                raise RuntimeError("the fork server exited before its pipeline was ready")
        loop = asyncio.get_running_loop()
        return list(await asyncio.gather(*(loop.run_in_executor(pool, warm_up) for _ in range(self.processes))))

    @property
    def starting(self) -> bool:
        """A start of the pool is under way (its processes loading the pipeline): not ready yet, not failed."""
        ready = self._ready
        return ready is not None and not ready.done()

    @property
    def ready(self) -> bool:
        """The pool is up and its pipeline loaded (not starting, not restarting)."""
        ready = self._ready
        return ready is not None and ready.done() and not ready.cancelled() and ready.exception() is None

    def start_sync(self) -> None:
        """Create the pool and load the pipeline in every process, blocking (no event loop)."""
        if self._pool is None:
            self._pool = self._new_pool()
            t0 = time.perf_counter()
            pids = [f.result() for f in [self._pool.submit(warm_up) for _ in range(self.processes)]]
            log.info("pipeline loaded in %d process(es) %s in %.1fs", self.processes, sorted(set(pids)),
                     time.perf_counter() - t0)

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

    def reset(self, broken: concurrent.futures.ProcessPoolExecutor | None, reason: KillReason,
              detail: str = "") -> None:
        """Kill a stuck or broken pool (once, however many jobs saw it) and start a fresh one: at once on the
        event loop (:meth:`_begin`; :attr:`starting` until it is up), except after a failed start or for
        :meth:`start_sync`'s pool (no loop), where the next call starts it. A replacement that cannot even
        be created (an ``OSError`` from the fork server or the memory marks folder) is logged and left to
        the next call too: reset runs in the executor's error handlers, which must still answer their jobs.
        ``reason`` is kept in :attr:`killed_for`; ``detail`` only goes to the log after it."""
        if broken is None or self._pool is not broken:
            return
        log.warning("restarting the pipeline process pool (%s%s)", reason.value, detail)
        self.killed_for[broken] = reason
        started_async, self._pool, self._ready = self._ready is not None, None, None
        _kill_pool(broken)
        if not started_async or reason in (KillReason.START_TIMEOUT, KillReason.START_FAILED):
            # start_sync's pool (newsflow analyze's batches: no event loop), or a failed start: the next
            # call starts it (after a failed start, its wait counts: start_failures)
            return
        try:
            self._begin()  # the replacement starts now, not when the next job comes
        except Exception as exc:  # noqa: BLE001 - the next call (start) tries again and reports it to its job
            self._pool, self._ready = None, None
            log.error("could not start the replacement pipeline pool (%s: %s); the next job starts it",
                      type(exc).__name__, exc)

    def close(self) -> None:
        pool, self._pool, self._ready = self._pool, None, None
        if pool is not None:
            _kill_pool(pool)
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        if self._marks:
            shutil.rmtree(self._marks, ignore_errors=True)


def _retrieve(task: "asyncio.Task[None]") -> None:
    """Mark a start's outcome as seen (it was logged by ``_warm``; callers that waited got it too)."""
    if not task.cancelled():
        task.exception()


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
