"""An arq ``Worker`` that does not wait out its poll delay when there is work.

arq polls its queue every ``poll_delay`` (50 ms here): an idle worker starts a new job 25 ms late on
average, and a busy one leaves a pipeline process idle for the same time after each job. This worker
sleeps between polls on an event instead, set

* when the intake and requeue scripts queue a job: they ``PUBLISH`` on :data:`shared.keys.WAKE`
  (a channel, nothing stored; cheap with no subscriber), which this worker subscribes to;
* when one of its own jobs ends (a slot is free for the next queued job).

``poll_delay`` still bounds the wait, so jobs nobody announced (a deferred retry coming due, a job
the lease reaper put back, a worker that missed a message while reconnecting) are found as before.
The arq loop itself is unchanged: its own sleep is set to zero and the wait happens at the end of
``_poll_iteration``. ``newsflow worker`` (``workers/run.py``) uses this class; a bare
``arq workers.settings.WorkerSettings`` runs arq's own ``Worker``, which only polls.

With micro-batching the executor says how many jobs to hold (``executor.jobs_wanted()``): before
each poll, ``max_jobs`` is lowered to it (never raised above the configured value), so a worker whose
processes are all taken by long documents takes no more jobs, and leaves them to other workers.
Within that, a job queued less than :attr:`WakeableWorker.fresh_s` ago (four poll delays, at least
0.2 s: an idle worker takes a job at once on the wake-up, or at its next poll if it missed that) is
taken only as far as the executor can start it in a process now (``executor.jobs_startable``): a
worker whose processes are busy leaves it to an idle worker of the queue, and takes it only once it
has waited that long (no worker was free), to wait for a process with the others in one batch. A
worker alone on the wake-up channel (``PUBSUB NUMSUB``: nobody to leave them to) takes fresh jobs as
it takes the others. Without this, every woken worker competed for each new job and whichever polled
first took up to two batches per process (one waiting behind each busy process), while other
workers of the queue, or one that joined, stayed idle. A worker whose pool is (re)starting can start
none (``jobs_startable`` is 0 then, with or without micro-batching): it leaves fresh jobs to the
others the same way, instead of holding them until the hand-back patience.
A job stays in arq's queue while it runs, so each poll reads this worker's own running jobs again;
arq would check each of them in Redis (a WATCHed pipeline, about four round trips) before skipping
it: :meth:`ArqWorker.start_jobs` skips them here, which matters once a worker holds dozens of jobs.
:class:`ArqWorker` (that skip and a safe ``close``) is also the class of ``newsflow worker``'s second
worker, the webhook deliveries' (``workers/webhooks.py``), which polls and never subscribes to the
wake-up channel: its subscribers are counted as analysis workers that may be idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from arq.utils import timestamp_ms
from arq.worker import Worker

from shared import keys as K

log = logging.getLogger("newsflow.worker")


class ArqWorker(Worker):
    """arq's ``Worker`` with two fixes both workers of ``newsflow worker`` need (the delivery worker is
    one of these; :class:`WakeableWorker` adds the wake-ups): :meth:`start_jobs` skips the worker's own
    running jobs, and :meth:`close` survives a job task that ends cancelled."""

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's job start, without the worker's own running jobs (arq would check each again in Redis)."""
        mine = {job_id for job_id, task in self.tasks.items() if not task.done()}
        await super().start_jobs([j for j in job_ids if j.decode() not in mine] if mine else job_ids)

    async def close(self) -> None:
        """arq's ``close()``, except that the job tasks it cancels are awaited with ``return_exceptions``.
        arq gathers them without it, so a job task that ends cancelled (one cancelled before its own
        ``try``, e.g. in ``run_job``'s first pipeline while Redis is down) re-raised its
        ``CancelledError`` in the caller as if the caller were cancelled: ``newsflow worker`` closing
        after a lost Redis then exited, and its jobs stayed ``processing`` with no worker left."""
        if not self._pool:
            return
        if not self._handle_signals:
            self.handle_sig(signal.SIGUSR1)  # cancels the job tasks and the main task
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        await self.pool.delete(self.health_check_key)
        if self.on_shutdown:
            await self.on_shutdown(self.ctx)
        await self.pool.aclose(close_connection_pool=True)
        self._pool = None


class WakeableWorker(ArqWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wait_s, self.poll_delay_s = self.poll_delay_s, 0.0  # arq's loop: sleep(0); we wait below
        self._max_jobs = self.max_jobs  # as configured; lowered per poll on the executor's advice
        self._wake = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None
        self._watched: set[str] = set()
        # a queued job is fresh while an idle worker may not have taken it yet: at once on the wake-up,
        # at its next poll if it missed that; a busy worker leaves fresh jobs alone (see the module)
        self.fresh_s = max(0.2, 4 * self.wait_s)

    @property
    def _executor(self) -> Any:
        """The pipeline executor of the worker's context (None under a bare arq worker or a test's)."""
        return self.ctx.get("executor") if isinstance(self.ctx, dict) else None

    async def _poll_iteration(self) -> None:
        if self._listener is None and self._pool is not None:
            self._listener = asyncio.get_running_loop().create_task(self._listen())
        self._wake.clear()  # before the poll: a job queued while it runs wakes the next wait
        executor = self._executor
        wanted = executor.jobs_wanted() if executor is not None else None
        self.max_jobs = self._max_jobs if wanted is None else max(1, min(self._max_jobs, wanted))
        await super()._poll_iteration()
        for job_id, task in self.tasks.items():
            if job_id not in self._watched:
                self._watched.add(job_id)
                task.add_done_callback(lambda _t, j=job_id: (self._watched.discard(j), self._wake.set()))
        if self.burst:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.wait_s):
                await self._wake.wait()

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's job start, without the worker's own running jobs, and with micro-batching in two steps:
        the jobs that have waited :attr:`fresh_s` in the queue (up to ``max_jobs``: batches form from
        them), then fresh ones only as many as the executor can start in a process now."""
        executor = self._executor
        startable = getattr(executor, "jobs_startable", None)
        if startable is None or startable(self.job_counter) is None or not job_ids:
            await super().start_jobs(job_ids)  # without this worker's own running jobs (ArqWorker)
            return
        mine = {job_id for job_id, task in self.tasks.items() if not task.done()}
        # ids come oldest first (arq reads the queue by score: the time the job was queued or became due)
        async with self.pool.pipeline(transaction=False) as pipe:
            pipe.zcount(self.queue_name, float("-inf"), timestamp_ms() - int(self.fresh_s * 1000))
            pipe.pubsub_numsub(K.WAKE)
            waited, listening = await pipe.execute()
        if int(dict(listening).get(K.WAKE.encode(), 0)) <= 1:  # no other worker listens: none is idle
            waited = len(job_ids)
        else:
            waited = max(0, waited - self._queue_read_offset)
        aged = [j for j in job_ids[:waited] if j.decode() not in mine]
        fresh = [j for j in job_ids[waited:] if j.decode() not in mine]
        if aged:
            await super().start_jobs(aged)
        cap = self.max_jobs
        # asked again after the round trips above (the start of aged jobs too): the pool may have become
        # ready meanwhile. Without micro-batching that turns 0 (starting) into None (no advice: up to the cap)
        more = startable(self.job_counter)
        limit = cap if more is None else min(cap, self.job_counter + more)
        if fresh and self.job_counter < limit:  # (arq's loop would wait on its semaphore at its cap)
            self.max_jobs = limit
            try:
                await super().start_jobs(fresh)
            finally:
                self.max_jobs = cap

    async def _listen(self) -> None:
        """Set the wake event on every message of the wake channel; on any error, fall back to polling."""
        pubsub = self.pool.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(K.WAKE)
            self._wake.set()  # one more poll now: a job queued while subscribing sent its message to nobody
            async for _ in pubsub.listen():
                self._wake.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - Redis gone: run.py restarts the worker; polling goes on
            log.debug("wake-up channel closed (%s); polling every %.3fs", exc, self.wait_s)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def close(self) -> None:
        """:meth:`ArqWorker.close`, after the wake-up listener."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(BaseException):
                await self._listener
            self._listener = None
        await super().close()
