"""Worker throughput: articles analysed per second by one ``newsflow worker`` (real arq, real Redis),
next to ``newsflow analyze`` on the same articles with as many processes.

    .venv/bin/python bench/worker.py [--articles 40] [--concurrency 1 2] [--no-analyze]

Articles are built from the paragraphs of ``seeds/`` (~2–4 KB each, distinct), submitted through
the store (as intake does), then one worker subprocess per ``--concurrency`` value drains the queue.
Start-up (model loading) and a warm-up of 2 articles per process are kept apart from the drains.
``newsflow analyze`` (``workers.analyze.run``, default chunk size, its own process pool started and
warmed the same way, both kept running) analyses the same articles in rounds alternating with the
service's (a shared machine's load shifts; the ratio per round and its median are printed).
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def articles(n: int, tag: str = "wbench") -> list[dict]:
    paras: list[str] = []
    for p in sorted((ROOT / "seeds").glob("*.json")):
        paras += [x for x in json.loads(p.read_text())["text"].split("\n") if len(x) > 200]
    out = []
    for i in range(n):
        body = "\n\n".join(paras[(i + k) % len(paras)] for k in range(6))
        out.append({"external_id": f"{tag}-{i}", "title": f"Bench {i}", "text": f"{tag} {i}. " + body[:4000]})
    return out


class Service:
    """One ``newsflow worker`` subprocess on a private Redis; :meth:`drain` submits a batch and waits for it."""

    def __init__(self, concurrency: int, redis_url: str) -> None:
        self.concurrency, self.redis_url = concurrency, redis_url

    async def start(self) -> float:
        import redis.asyncio as aioredis

        from shared import keys as K
        from shared.config import Settings
        from shared.store import DocumentStore
        from shared.supervise import start_worker_process

        self.client = aioredis.Redis.from_url(self.redis_url)
        await self.client.flushall()
        self.store = DocumentStore(self.client, Settings(redis_url=self.redis_url, queue_max_depth=0))
        t0 = time.perf_counter()
        self.proc = start_worker_process(self.redis_url, None, {"NEWSFLOW_WORKER_CONCURRENCY": str(self.concurrency),
                                                                "NEWSFLOW_HEALTH_CHECK_INTERVAL": "1"})
        while not await self.client.exists(K.ARQ_HEALTH_CHECK):
            await asyncio.sleep(0.05)
        return time.perf_counter() - t0

    async def drain(self, batch: list[dict]) -> dict:
        before = await self.store.counts_by_status()
        hist0 = await self.store.processing_histogram()
        ids = [r.id for r in await self.store.submit_many(batch)]
        t1 = time.perf_counter()
        while True:
            counts = await self.store.counts_by_status()
            if counts["done"] + counts["failed"] - before["done"] - before["failed"] >= len(ids):
                break
            await asyncio.sleep(0.01)
        drain = time.perf_counter() - t1
        hist = await self.store.processing_histogram()
        n = max(1, hist["count"] - hist0["count"])
        return {"n": len(ids), "failed": counts["failed"] - before["failed"], "drain_s": drain,
                "per_s": len(ids) / drain, "mean_ms": (hist["sum_ms"] - hist0["sum_ms"]) / n}

    async def stop(self) -> None:
        from shared.supervise import stop_process

        await asyncio.to_thread(stop_process, self.proc)
        await self.client.aclose()


class Analyze:
    """``newsflow analyze`` (``workers.analyze.run``, default chunk size) with its own pool of processes."""

    def __init__(self, processes: int) -> None:
        import functools

        from shared.config import Settings
        from workers.executor import PipelineExecutor, pipeline_timeouts
        from workers.pipeline.registry import build_pipeline

        self.settings = Settings.from_env()
        soft, hard = pipeline_timeouts(self.settings.job_timeout_seconds)
        self.executor = PipelineExecutor(processes, soft, hard, factory=functools.partial(build_pipeline, self.settings))

    def start(self) -> float:
        t0 = time.perf_counter()
        self.executor.start_sync()
        return time.perf_counter() - t0

    def drain(self, batch: list[dict]) -> dict:
        import io

        import orjson

        from workers import analyze

        out = io.BytesIO()
        t1 = time.perf_counter()
        analyze.run(io.BytesIO(b"".join(orjson.dumps(a) + b"\n" for a in batch)), out, settings=self.settings,
                    executor=self.executor)
        drain = time.perf_counter() - t1
        failed = sum(1 for line in out.getvalue().splitlines() if line.startswith(b'{"line"'))
        return {"n": len(batch), "failed": failed, "drain_s": drain, "per_s": len(batch) / drain,
                "mean_ms": float("nan")}


async def compare(concurrency: int, n: int, rounds: int, redis_url: str, with_analyze: bool) -> list[dict]:
    """Start the service and analyze (same process count), warm both (2 articles per process), then
    ``rounds`` rounds of the same ``n`` articles each (new ids per round), service then analyze."""
    service = Service(concurrency, redis_url)
    ana = Analyze(concurrency) if with_analyze else None
    rows: list[dict] = []
    try:
        startup = await service.start()
        a_startup = await asyncio.to_thread(ana.start) if ana else 0.0
        await service.drain(articles(2 * concurrency, "warm"))
        if ana:
            await asyncio.to_thread(ana.drain, articles(2 * concurrency, "warm"))
        for r in range(rounds):
            batch = articles(n, f"round{r}")
            rows.append({"kind": "service", "round": r, "concurrency": concurrency, "startup_s": startup,
                         **await service.drain(batch)})
            if ana:
                rows.append({"kind": "analyze", "round": r, "concurrency": concurrency, "startup_s": a_startup,
                             **await asyncio.to_thread(ana.drain, batch)})
    finally:
        await service.stop()
        if ana:
            ana.executor.close()
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    p.add_argument("--rounds", type=int, default=2, help="rounds per process count, service and analyze alternating")
    p.add_argument("--no-analyze", action="store_true", help="the service only")
    args = p.parse_args()
    from shared.redis_server import RedisServer

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as server:
        for c in args.concurrency:
            rows += asyncio.run(compare(c, args.articles, args.rounds, server.url, not args.no_analyze))
    print(f"\nworker benchmark: {args.articles} distinct ~4 KB articles from seeds/ per round; the service is one "
          "worker subprocess; both after start-up and a warm-up\n")
    print(f"{'':>8} {'processes':>9} {'round':>5} {'start-up s':>10} {'articles':>8} {'failed':>6} {'drain s':>8} "
          f"{'art/s':>7} {'mean pipeline ms':>16}")
    for x in rows:
        print(f"{x['kind']:>8} {x['concurrency']:>9} {x['round']:>5} {x['startup_s']:>10.1f} {x['n']:>8} {x['failed']:>6} "
              f"{x['drain_s']:>8.1f} {x['per_s']:>7.2f} {x['mean_ms']:>16.0f}")
    for c in args.concurrency:
        svc = {x["round"]: x["per_s"] for x in rows if x["concurrency"] == c and x["kind"] == "service"}
        ana = {x["round"]: x["per_s"] for x in rows if x["concurrency"] == c and x["kind"] == "analyze"}
        if ana:
            ratios = [svc[r] / ana[r] for r in sorted(ana)]
            print(f"service / analyze, {c} process(es): {statistics.median(ratios):.2f}x docs/s "
                  f"(median of {len(ratios)} rounds: {', '.join(f'{x:.2f}' for x in ratios)})")


if __name__ == "__main__":
    main()
