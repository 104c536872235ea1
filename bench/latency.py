"""Idle latency: one ~800-word article ``POST /v1/articles`` → ``done``, on an idle service, and where
the time goes. Also the worker's CPU while idle (what a shorter poll delay costs).

    PYTHONPATH=. python bench/latency.py [--articles 15] [--gap 0.7] [--idle-seconds 10]

A private redis-server, the API (``newsflow api``) and one worker (``newsflow worker``) run as
subprocesses. Each article is posted after ``--gap`` seconds of quiet and followed until its
``article.done`` event (``XREAD BLOCK`` on the event stream, written in the same script as the status,
so "seen done" is when a client could know). The breakdown per article, from the status hash and the
document:

  http        POST sent → 202 received (intake)
  pickup      received_at → started_at: arq's poll delay, the job's start (in-progress key, job record),
              the task's reads and ``mark_processing``
  wait        wait_ms: started_at → the pipeline call's start (the executor, a busy process, a batch)
  hand-off    processing_ms − Σ timings_ms: the article to the pool process and the document back
  pipeline    Σ timings_ms (the stages, in the pool process)
  save        started_at + wait_ms + processing_ms → finished_at: ``save_document`` (and the clock steps)
  seen        finished_at → the event read by the client
  outside     total − pipeline: what the service adds to the analysis itself

Times are milliseconds (received/started/finished are stored with millisecond resolution).
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTS = ("http", "pickup", "wait", "hand-off", "pipeline", "save", "seen")


def article(i: int, words: int = 800) -> dict[str, Any]:
    """~``words`` words of the seed articles' paragraphs, rotated by ``i`` (distinct content)."""
    paras: list[str] = []
    for p in sorted((ROOT / "seeds").glob("*.json")):
        paras += [x for x in json.loads(p.read_text())["text"].split("\n") if len(x.split()) > 20]
    out, n, k = [f"Bulletin {i} from the desk."], 5, i
    while n < words:
        para = paras[k % len(paras)]
        out.append(para)
        n += len(para.split())
        k += 1
    return {"external_id": f"lat-{i}", "title": f"Latency {i}", "source": "bench", "text": "\n\n".join(out)}


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _cpu(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    total = sum(sum(p.cpu_times()[:2]) for p in proc.children(recursive=True))
    return total + sum(proc.cpu_times()[:2])


async def measure(base: str, redis_url: str, n: int, gap: float, worker_pid: int, idle_s: float,
                  redis_pid: int | None) -> tuple[list[dict[str, float]], dict[str, Any]]:
    import aiohttp
    import redis.asyncio as aioredis

    from shared import keys as K

    r = aioredis.Redis.from_url(redis_url)
    rows: list[dict[str, float]] = []
    stages: dict[str, list[float]] = {}
    async with aiohttp.ClientSession() as http:
        for i in range(-2, n):  # two warm-up articles
            await asyncio.sleep(gap)
            last = await r.xrevrange(K.EVENTS, count=1)
            last_id = last[0][0] if last else b"0-0"
            t0 = time.time()
            async with http.post(f"{base}/v1/articles", json=article(i + 2)) as resp:
                body = await resp.json()
            t1 = time.time()
            doc_id = body["id"]
            seen = None
            while seen is None:
                for _, entries in await r.xread({K.EVENTS: last_id}, block=5000, count=100) or []:
                    for entry_id, fields in entries:
                        last_id = entry_id
                        if fields.get(b"article_id", b"").decode() == doc_id or doc_id.encode() in b"".join(
                                v for v in fields.values() if isinstance(v, bytes)):
                            seen = time.time()
            st = {k.decode(): v.decode() for k, v in (await r.hgetall(K.status(doc_id))).items()}
            async with http.get(f"{base}/v1/articles/{doc_id}") as resp:
                doc = await resp.json()
            if i < 0:
                continue
            received, started, finished = _ts(st["received_at"]), _ts(st["started_at"]), _ts(st["finished_at"])
            processing, wait = float(st["processing_ms"]), float(st.get("wait_ms") or 0.0)
            pipeline = sum(doc.get("timings_ms", {}).values())
            for stage, ms in doc.get("timings_ms", {}).items():
                stages.setdefault(stage, []).append(ms)
            rows.append({"http": (t1 - t0) * 1000, "pickup": (started - received) * 1000, "wait": wait,
                         "hand-off": processing - pipeline, "pipeline": pipeline,
                         "save": (finished - started) * 1000 - wait - processing, "seen": (seen - finished) * 1000,
                         "total": (seen - t0) * 1000, "outside": (seen - t0) * 1000 - pipeline})
    # idle CPU: the worker (and its pool processes) and Redis while nothing is queued
    await asyncio.sleep(1.0)
    w0 = _cpu(worker_pid)
    r0 = await r.info("cpu")
    t0 = time.monotonic()
    await asyncio.sleep(idle_s)
    wall = time.monotonic() - t0
    r1 = await r.info("cpu")
    idle = {"worker_pct": (_cpu(worker_pid) - w0) / wall * 100,
            "redis_pct": ((r1["used_cpu_user"] + r1["used_cpu_sys"]) - (r0["used_cpu_user"] + r0["used_cpu_sys"]))
            / wall * 100}
    await r.aclose()
    idle["stages"] = {k: statistics.median(v) for k, v in stages.items()}  # type: ignore[assignment]
    return rows, idle


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=15)
    ap.add_argument("--gap", type=float, default=0.7, help="seconds of quiet before each article")
    ap.add_argument("--idle-seconds", type=float, default=10.0, help="how long idle CPU is measured")
    ap.add_argument("--processes", type=int, default=1, help="pipeline processes of the worker")
    args = ap.parse_args()

    from shared.redis_server import RedisServer
    from shared.supervise import start_worker_process, stop_process
    from shared.redis_server import free_port

    words = len(" ".join(article(0)["text"].split()).split())
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as server:
        port = free_port()
        env = {**os.environ, "REDIS_URL": server.url, "PYTHONPATH": str(ROOT)}
        api = subprocess.Popen([sys.executable, "-m", "cli", "api", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        worker = start_worker_process(server.url, None, {"NEWSFLOW_WORKER_CONCURRENCY": str(args.processes)})
        try:
            import redis

            from shared import keys as K

            client = redis.Redis.from_url(server.url)
            deadline = time.monotonic() + 300
            while not client.exists(K.ARQ_HEALTH_CHECK):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise SystemExit("the worker did not start")
                time.sleep(0.1)
            client.close()
            rows, idle = asyncio.run(measure(f"http://127.0.0.1:{port}", server.url, args.articles, args.gap,
                                             worker.pid, args.idle_seconds, None))
        finally:
            stop_process(worker)
            api.terminate()
            api.wait(15)

    print(f"\nidle latency: {len(rows)} articles of ~{words} words, each after {args.gap:g} s of quiet; "
          f"one worker, {args.processes} pipeline process(es); ms\n")
    print(f"{'part':<10} {'median':>8} {'mean':>8} {'min':>8} {'max':>8}")
    for part in (*PARTS, "total", "outside"):
        xs = [r[part] for r in rows]
        print(f"{part:<10} {statistics.median(xs):>8.1f} {statistics.fmean(xs):>8.1f} {min(xs):>8.1f} {max(xs):>8.1f}")
    print("pipeline stages, median ms: " + ", ".join(f"{k} {v:.1f}" for k, v in idle["stages"].items()))
    print(f"\nidle CPU over {args.idle_seconds:g} s: worker (with its pool) {idle['worker_pct']:.2f}% of a core, "
          f"Redis {idle['redis_pct']:.2f}%")


if __name__ == "__main__":
    main()
