"""Operational figures: queue depth, articles per status, the processing-time and wait-time
histograms, the worker's heartbeat (``/metrics``, ``/readyz``)."""

from __future__ import annotations

from typing import Any

import orjson

from .. import keys as K
from .base import StoreBase
from .scripts import as_str as _s


class MetricsMixin(StoreBase):
    async def queue_depth(self) -> int:
        """Article jobs in arq's queue (``arq:queue``; webhook deliveries have their own)."""
        return int(await self.redis.zcard(K.ARQ_QUEUE))

    async def webhook_queue_depth(self) -> int:
        """Webhook deliveries in their queue (``arq:webhooks``), retries waiting for their time included."""
        return int(await self.redis.zcard(K.ARQ_WEBHOOK_QUEUE))

    async def counts_by_status(self) -> dict[str, int]:
        pipe = self.redis.pipeline(transaction=False)
        for s in K.STATUSES:
            pipe.zcard(K.idx_status(s))
        return dict(zip(K.STATUSES, map(int, await pipe.execute())))

    async def processing_histogram(self) -> dict[str, Any]:
        """``{"buckets": [(le_ms, cumulative count)...], "count": n, "sum_ms": s}`` of ``processing_ms``."""
        return await self._histogram(K.METRICS_PROCESSING)

    async def wait_histogram(self) -> dict[str, Any]:
        """The same of ``wait_ms`` (the time from a job's start to its pipeline call), counted with
        ``processing_ms`` (a document's first save) when that save knew it."""
        return await self._histogram(K.METRICS_WAIT)

    async def _histogram(self, key: str) -> dict[str, Any]:
        h = {_s(k): _s(v) for k, v in (await self.redis.hgetall(key)).items()}
        buckets = [(str(b), int(h.get(f"le:{b}", 0))) for b in K.PROCESSING_BUCKETS_MS]
        buckets.append(("+Inf", int(h.get("le:+Inf", 0))))
        return {"buckets": buckets, "count": int(h.get("count", 0)), "sum_ms": float(h.get("sum_ms", 0))}

    async def live_workers(self) -> list[dict[str, Any]]:
        """The workers whose heartbeat key is alive (``workers/lease.py``), sorted by name."""
        names = [k async for k in self.redis.scan_iter(match=K.WORKER_PREFIX + "*", count=500)]
        if not names:
            return []
        out = []
        for raw in await self.redis.mget(names):
            if raw is not None:
                try:
                    out.append(orjson.loads(raw))
                except orjson.JSONDecodeError:
                    continue
        return sorted(out, key=lambda w: str(w.get("name")))

    async def failures_by_code(self) -> dict[str, int]:
        """Documents failed for good, by error code (a counter: retried or deleted ones stay counted)."""
        return {_s(k): int(v) for k, v in (await self.redis.hgetall(K.METRICS_FAILED)).items()}

    async def worker_heartbeat(self) -> str | None:
        raw = await self.redis.get(K.ARQ_HEALTH_CHECK)
        return _s(raw) if raw is not None else None
