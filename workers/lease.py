"""Worker presence and job leases: fast recovery when a worker dies.

Every worker keeps a heartbeat key ``nf:worker:<name>`` (name, pid, host, started, last beat, jobs
running, its webhook dispatcher's health) with a TTL of ``lease_seconds``, refreshed every ``lease_seconds / 3``: ``/readyz`` and
``/metrics`` count the live workers from these keys.

A running job holds a lease, ``nf:lease:<job id>`` (TTL ``lease_seconds``), set when the task starts
and renewed with the heartbeat. arq marks a running job with ``arq:in-progress:<id>`` for
``job_timeout + 10 s`` and keeps the job in ``arq:queue`` until it finishes; no worker starts a job
whose in-progress key exists. The reaper in every worker (same period) deletes the in-progress key
of a job whose lease has expired, atomically (``lua`` below): the job, still in the queue, is then
picked up by the next poll of any worker, and arq's try counter (``arq:retry:<id>``) counts the lost
run as an attempt. A worker SIGKILLed mid-job therefore has its job running again after at most
``lease_seconds`` (lease expiry) + ``lease_seconds / 3`` (reaper period): 20 s by default.
An in-progress key younger than the lease is left alone (its task may not have set the lease yet).
Webhook deliveries (``wh:`` ids) are never reaped: they take no lease, and their in-progress key
lives only the delivery's timeout + 15 s on the delivery queue, after which arq runs a dead worker's
delivery again (one an older version queued on the articles' queue: ``job_timeout`` + 10 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

import orjson

from shared import keys as K

log = logging.getLogger("newsflow.worker")

# KEYS: in-progress key, lease key. ARGV: the largest PTTL (ms) an in-progress key may have to be
# reaped (a younger one's task may not have set its lease yet). 1 = reaped.
REAP = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 or ttl > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
return 1
"""


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Presence:
    """One worker's heartbeat key, the leases of its running jobs, and the reaper."""

    def __init__(self, lease_seconds: float, in_progress_seconds: float, name: str | None = None) -> None:
        self.lease_ms = max(1000, int(lease_seconds * 1000))
        self.in_progress_ms = int(in_progress_seconds * 1000)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.name = name or f"{self.host}:{self.pid}:{uuid.uuid4().hex[:6]}"
        self.started = _now_iso()
        self.running: set[str] = set()
        self.reaped = 0
        # more fields for the heartbeat key, each from its callable at every beat (workers/run.py: the
        # webhook dispatcher's health, workers/webhooks.py)
        self.report: dict[str, Callable[[], Any]] = {}

    @property
    def period(self) -> float:
        return self.lease_ms / 3000

    async def acquire(self, redis: Any, job_id: str) -> None:
        """The task starts: its job's lease is set (and renewed by :meth:`beat` until :meth:`release`)."""
        self.running.add(job_id)
        await redis.set(K.lease(job_id), self.name, px=self.lease_ms)

    async def release(self, redis: Any, job_id: str) -> None:
        """The task is over: the lease is no longer renewed but stays for one more lease, not deleted.
        arq removes the job's in-progress key a moment after the task returns (its finish step); a
        deleted lease let a reaper free a finished job in that gap, which another worker then ran again
        (a no-op on a ``done`` article, but a false "re-queued" warning and one more arq try). A worker
        that dies in the gap has its job freed when this lease expires, as if it died mid-run."""
        self.running.discard(job_id)
        with contextlib.suppress(Exception):  # expires by itself if Redis is gone
            await redis.set(K.lease(job_id), self.name, px=self.lease_ms)

    async def beat(self, redis: Any) -> None:
        """Heartbeat key and leases of the running jobs, in one round trip."""
        info = {"name": self.name, "pid": self.pid, "host": self.host, "started": self.started,
                "last_beat": _now_iso(), "jobs_running": len(self.running)}
        for field, value in self.report.items():
            info[field] = value()
        pipe = redis.pipeline(transaction=False)
        pipe.set(K.worker(self.name), orjson.dumps(info), px=self.lease_ms)
        for job_id in list(self.running):
            pipe.set(K.lease(job_id), self.name, px=self.lease_ms)
        await pipe.execute()

    async def reap(self, redis: Any) -> list[str]:
        """Free the jobs of dead workers (in-progress key, no lease, older than a lease)."""
        reaped = []
        limit = max(0, self.in_progress_ms - self.lease_ms)
        async for key in redis.scan_iter(match=K.ARQ_IN_PROGRESS_PREFIX + "*", count=500):
            key = key.decode() if isinstance(key, bytes) else key
            job_id = key[len(K.ARQ_IN_PROGRESS_PREFIX):]
            if job_id in self.running or job_id.startswith(K.WEBHOOK_JOB_PREFIX):
                # deliveries take no lease: their in-progress key is short (the delivery timeout + 15 s)
                continue
            if await redis.eval(REAP, 2, key, K.lease(job_id), limit):
                reaped.append(job_id)
        if reaped:
            self.reaped += len(reaped)
            log.warning("re-queued %d job(s) whose worker stopped renewing its lease: %s", len(reaped),
                        ", ".join(reaped[:10]))
        return reaped

    async def run(self, get_redis: Any) -> None:
        """Beat and reap every ``lease / 3`` seconds while the worker runs (``get_redis()`` → the
        current arq connection or None); Redis errors are logged and the loop goes on."""
        while True:
            redis = get_redis()
            if redis is not None:
                try:
                    await self.beat(redis)
                    await self.reap(redis)
                except Exception as exc:  # noqa: BLE001 - no Redis now; the next round tries again
                    log.debug("heartbeat/reaper round skipped: %s", exc)
            await asyncio.sleep(self.period)

    async def leave(self, redis: Any) -> None:
        """Graceful stop: the heartbeat key goes at once (the worker count drops now, not after the TTL)."""
        with contextlib.suppress(Exception):
            await redis.delete(K.worker(self.name))
