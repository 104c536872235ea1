"""``newsflow worker``: two arq workers, each restarted (not crashed) when Redis goes away.

The analysis worker (``arq:queue``: articles, the pipeline process pool, ``workers/wake.py``) and the
delivery worker (``arq:webhooks``: webhook deliveries and the event dispatcher, ``workers/webhooks.py``)
run side by side in one process and stop together. arq's ``Worker`` ends its main loop on the first
Redis connection error. Here each loop is run again with backoff until Redis answers, keeping the
pipeline process pool (models stay loaded); a configuration error (refused credentials) in either
stops both.
Jobs that were running when the connection dropped are re-run once their lease expires
(``workers/lease.py``: heartbeat key per worker, lease per running job, reaper). SIGTERM/SIGINT stop the worker: running jobs are cancelled and
handed back to the queue at once (arq deletes their in-progress key), so another worker picks
them up.

Liveness for orchestrators: with ``NEWSFLOW_WORKER_HEARTBEAT_FILE`` set, the file is touched every
``health_check_interval`` seconds while the worker loop runs and Redis answers (the Docker health
check tests its age; arq's own health key is shared by all workers of a queue).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from arq.worker import Worker

from shared.config import Settings
from shared.extractor import require_extractor
from shared.redis_client import RedisAuthError, close_client

from . import webhooks
from .lease import Presence
from .settings import delivery_options, pool_factory, worker_options
from .tasks import REDIS_TRANSIENT
from .wake import ArqWorker, WakeableWorker

log = logging.getLogger("newsflow.worker")


async def serve_worker(settings: Settings, redis_url: str, stop: asyncio.Event | None = None) -> None:
    """Run the worker until ``stop`` is set (or SIGTERM/SIGINT when ``stop`` is None)."""
    extractor = require_extractor(settings.html_fallback)  # refuse to start without it (unless allowed)
    if not extractor.available:
        log.warning("HTML extractor unavailable (%s); NEWSFLOW_HTML_FALLBACK=allow: web pages get the plain "
                    "tag stripper and extraction.method='fallback'", extractor.error)
    loop = asyncio.get_running_loop()
    if stop is None:
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
    options = worker_options(settings, redis_url)
    deliveries = delivery_options(settings, redis_url)
    make_pool = pool_factory(settings, redis_url, **options)  # credentials checked, not arq's create_pool
    make_delivery_pool = pool_factory(settings, redis_url, **deliveries)
    presence = Presence(settings.lease_seconds, settings.job_timeout_seconds + 10)
    ctx: dict[str, Any] = {"keep_executor": True, "presence": presence}
    # kept across restarts (non-empty: arq replaces an empty one), so a restart after a close that failed
    # before its on_shutdown still ends the last loop's event dispatcher (workers/settings.py)
    delivery_ctx: dict[str, Any] = {"settings": settings}
    presence.report["webhook_dispatcher"] = webhooks.health(delivery_ctx).as_dict  # in the heartbeat key
    current: list[Worker] = []
    halt = asyncio.Event()  # stop, or one of the two workers ended for good: both stop
    beat = loop.create_task(_heartbeat(current, settings.health_check_interval, settings.worker_heartbeat_file))
    leases = loop.create_task(presence.run(lambda: current[0]._pool if current else None))
    relay = loop.create_task(_relay(stop, halt))
    loops = [
        loop.create_task(_keep_running(
            "analysis", lambda: WakeableWorker(**options, ctx=ctx, handle_signals=False), make_pool, halt, current,
            presence.leave)),
        loop.create_task(_keep_running(
            "delivery", lambda: ArqWorker(**deliveries, ctx=delivery_ctx, handle_signals=False), make_delivery_pool,
            halt, [])),
    ]
    try:
        done, _ = await asyncio.wait(loops, return_when=asyncio.FIRST_COMPLETED)
        halt.set()
        await asyncio.wait(loops)
        for task in [*done, *loops]:  # the error of the worker that ended first, if any
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()
    finally:
        dispatcher = delivery_ctx.pop("webhook_dispatch", None)
        for task in (relay, beat, leases, *loops, *([dispatcher] if dispatcher else [])):
            task.cancel()
        await asyncio.gather(*loops, *([dispatcher] if dispatcher else []), return_exceptions=True)
        with contextlib.suppress(Exception):
            await webhooks.close(delivery_ctx)  # its HTTP session, if the last close failed before on_shutdown
        executor = ctx.pop("executor", None)
        if executor is not None:
            executor.close()
        log.info("worker stopped")


async def _relay(stop: asyncio.Event, halt: asyncio.Event) -> None:
    await stop.wait()
    halt.set()


async def _keep_running(name: str, make_worker: Callable[[], Worker], make_pool: Callable[[], Awaitable[Any]],
                        halt: asyncio.Event, current: list[Worker],
                        leave: Callable[[Any], Awaitable[None]] | None = None) -> None:
    """Run arq workers from ``make_worker`` one after the other until ``halt`` is set: a new one, after a
    backoff, whenever the last one lost Redis; any other error is raised (the worker ending by itself,
    burst mode, ends this too). ``current`` holds the worker running now; ``leave(pool)`` runs on halt."""
    delay = 1.0
    while not halt.is_set():
        worker = make_worker()
        current[:] = [worker]
        run = asyncio.get_running_loop().create_task(_run(worker, make_pool))
        stopper = asyncio.get_running_loop().create_task(halt.wait())
        try:
            await asyncio.wait({run, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
        if halt.is_set():
            if leave is not None and worker._pool is not None:
                await leave(worker._pool)
            await _close(worker, run)
            return
        exc = run.exception()
        await _close(worker, run)
        if _lost_redis(exc):
            log.warning("lost Redis (%s: %s); restarting the %s worker in %.0fs", type(exc).__name__, exc, name,
                        delay)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(halt.wait(), delay)
            delay = min(delay * 2, 30.0)
            continue
        if exc is not None:
            raise exc
        return  # the worker ended by itself (burst mode)


async def _run(worker: Worker, make_pool: Callable[[], Awaitable[Any]]) -> None:
    """The arq worker's loop, on a pool from ``make_pool`` (``Worker.main`` only creates a pool of its
    own when it has none)."""
    worker._pool = await make_pool()
    await worker.async_run()


def _lost_redis(exc: BaseException | None) -> bool:
    """A connection error, or an error raised while handling one (redis-py turns a connection lost in a
    WATCHed pipeline, as arq's job start uses, into a ``WatchError``); never refused credentials
    (:class:`RedisAuthError`, raised while handling redis-py's ``AuthenticationError``)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, RedisAuthError):  # refused credentials: a configuration error, the worker stops
            return False
        if isinstance(exc, REDIS_TRANSIENT):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


async def _heartbeat(current: list[Worker], interval: float, path: str) -> None:
    if not path:
        return
    target = Path(path)
    while True:
        await asyncio.sleep(max(1.0, interval))
        worker = current[0] if current else None
        try:
            if worker is not None and worker._pool is not None and await worker.pool.ping():
                target.touch()
                os.utime(target, (time.time(), time.time()))
        except Exception as exc:  # noqa: BLE001 - no Redis, no heartbeat
            log.debug("heartbeat skipped: %s", exc)


async def _close(worker: Worker, run: asyncio.Task[None]) -> None:
    """Stop an arq worker: cancel its jobs (they go back to the queue) and close its connections (the
    sentinels' own too: arq closes only the pool of the master)."""
    pool = worker._pool
    try:
        await worker.close()
    except Exception as exc:  # noqa: BLE001 - Redis may be gone; nothing more to clean up then
        log.debug("closing the worker: %s", exc)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # this worker is being cancelled itself
        # a second guard (ArqWorker.close() gathers its job tasks with return_exceptions, so a job task's
        # cancellation should no longer reach here): the worker goes on (restarts or stops as asked)
        log.warning("closing the worker: a job's cancellation reached close(); going on")
    if pool is not None:
        with contextlib.suppress(Exception):
            await close_client(pool)
    if not run.done():
        run.cancel()
    with contextlib.suppress(BaseException):
        await run
