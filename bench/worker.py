"""Worker throughput: articles analysed per second by one ``newsflow worker`` (real arq, real Redis).

    .venv/bin/python bench/worker.py [--articles 40] [--concurrency 1 2]

Articles are built from the paragraphs of ``seeds/`` (~2–4 KB each, distinct), submitted through
the store (as intake does), then one worker subprocess per ``--concurrency`` value drains the queue.
Start-up (model loading) is measured apart from the drain. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def articles(n: int) -> list[dict]:
    paras: list[str] = []
    for p in sorted((ROOT / "seeds").glob("*.json")):
        paras += [x for x in json.loads(p.read_text())["text"].split("\n") if len(x) > 200]
    out = []
    for i in range(n):
        body = "\n\n".join(paras[(i + k) % len(paras)] for k in range(6))
        out.append({"external_id": f"wbench-{i}", "title": f"Bench {i}", "text": body[:4000]})
    return out


async def run(concurrency: int, n: int, redis_url: str) -> dict:
    import redis.asyncio as aioredis

    from shared.supervise import start_worker_process, stop_process
    from shared import keys as K
    from shared.config import Settings
    from shared.store import DocumentStore

    client = aioredis.Redis.from_url(redis_url)
    await client.flushall()
    store = DocumentStore(client, Settings(redis_url=redis_url, queue_max_depth=0))
    t0 = time.perf_counter()
    proc = start_worker_process(redis_url, None, {"NEWSFLOW_WORKER_CONCURRENCY": str(concurrency),
                                                  "NEWSFLOW_HEALTH_CHECK_INTERVAL": "1"})
    try:
        while not await client.exists(K.ARQ_HEALTH_CHECK):
            await asyncio.sleep(0.05)
        startup = time.perf_counter() - t0
        ids = [r.id for r in await store.submit_many(articles(n))]
        t1 = time.perf_counter()
        while True:
            counts = await store.counts_by_status()
            if counts["done"] + counts["failed"] >= len(ids):
                break
            await asyncio.sleep(0.05)
        drain = time.perf_counter() - t1
        hist = await store.processing_histogram()
    finally:
        await asyncio.to_thread(stop_process, proc)
        await client.aclose()
    return {"concurrency": concurrency, "startup_s": startup, "n": len(ids), "failed": counts["failed"],
            "drain_s": drain, "per_s": len(ids) / drain, "mean_ms": hist["sum_ms"] / max(1, hist["count"])}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()
    from shared.redis_server import RedisServer

    rows = []
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as server:
        for c in args.concurrency:
            rows.append(asyncio.run(run(c, args.articles, server.url)))
    print(f"\nworker benchmark: {args.articles} distinct ~4 KB articles from seeds/, one worker subprocess\n")
    print(f"{'processes':>9} {'start-up s':>10} {'articles':>8} {'failed':>6} {'drain s':>8} {'art/s':>7} "
          f"{'mean pipeline ms':>16}")
    for r in rows:
        print(f"{r['concurrency']:>9} {r['startup_s']:>10.1f} {r['n']:>8} {r['failed']:>6} {r['drain_s']:>8.1f} "
              f"{r['per_s']:>7.2f} {r['mean_ms']:>16.0f}")


if __name__ == "__main__":
    main()
