"""Intake throughput and latency: ``POST /v1/articles`` (the real app) next to a bare aiohttp handler.

    .venv/bin/python bench/intake.py [--requests 3000] [--concurrency 32] [--max-seconds 20]

Both servers run in the same run, one after the other, each in its own process pinned to one
core (``os.sched_setaffinity``); the load comes from another process on loopback (aiohttp client,
``--concurrency`` connections), pinned to the other core when there is one. Every request posts a
distinct ~4 KB article (so each one is a new submit: dedupe checks, storage, status, indexes and
the arq job, all in one Lua script, for the real app). The bare handler reads the same body,
parses it with orjson and does one pipelined Redis write (SET + ZADD), which is the floor for
"accept an article into Redis over HTTP" with this stack. A private redis-server is started for
the run (never the one on 6379). Bounded by count and by time; prints a table and the ratio.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing as mp
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("the agency said north korea shipped artillery shells to russia since august according to a lawmaker "
         "who attended a closed door briefing with intelligence officials on wednesday in seoul").split()


def make_article(i: int) -> bytes:
    import orjson

    words = []
    n = 0
    k = i
    while n < 4000:
        w = WORDS[(k * 7 + n) % len(WORDS)]
        words.append(w)
        n += len(w) + 1
        k += 1
    text = f"Bulletin {i}: " + " ".join(words)
    return orjson.dumps({"external_id": f"bench-{i}", "url": f"https://example.com/news/{i}",
                         "title": f"Bulletin {i}", "source": "bench", "text": text[:4000]})


def _pin(cpu: int) -> str:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        target = {cpus[cpu % len(cpus)]}
        os.sched_setaffinity(0, target)
        return str(next(iter(target)))
    except (AttributeError, OSError):
        return "unpinned"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- servers

def serve_newsflow(port: int, redis_url: str, cpu: int) -> None:
    _pin(cpu)
    from aiohttp import web

    from services.app import create_app
    from shared.config import Settings

    settings = Settings(redis_url=redis_url, port=port, queue_max_depth=10_000_000)
    web.run_app(create_app(settings), host="127.0.0.1", port=port, access_log=None, print=None)


def serve_bare(port: int, redis_url: str, cpu: int) -> None:
    _pin(cpu)
    import orjson
    import redis.asyncio as aioredis
    from aiohttp import web

    async def redis_ctx(app: web.Application):
        app["redis"] = aioredis.Redis.from_url(redis_url, max_connections=256)
        yield
        await app["redis"].aclose()

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        article = orjson.loads(body)
        if not isinstance(article, dict) or not (article.get("text") or article.get("html")):
            return web.Response(status=422)
        doc_id = hashlib.sha256(body).hexdigest()[:16]
        pipe = request.app["redis"].pipeline(transaction=False)
        pipe.set(f"bare:article:{doc_id}", body)
        pipe.zadd("bare:queue", {doc_id: time.time()})
        await pipe.execute()
        return web.Response(body=orjson.dumps({"id": doc_id, "status": "queued"}), status=202,
                            content_type="application/json")

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.cleanup_ctx.append(redis_ctx)
    app.router.add_post("/v1/articles", handle)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


# ----------------------------------------------------------------------------- load

def load(url: str, offset: int, requests: int, concurrency: int, max_seconds: float, cpu: int,
         out: Any) -> None:
    _pin(cpu)
    out.put(asyncio.run(_load(url, offset, requests, concurrency, max_seconds)))


async def _load(url: str, offset: int, requests: int, concurrency: int, max_seconds: float) -> dict[str, Any]:
    import aiohttp

    bodies = [make_article(offset + i) for i in range(requests)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    next_i = 0
    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn, headers={"Content-Type": "application/json"}) as session:
        # warm-up (connections, scripts) — not measured
        for i in range(min(50, len(bodies))):
            async with session.post(url, data=make_article(10_000_000 + offset + i)) as r:
                await r.read()
        stop_at = time.perf_counter() + max_seconds

        async def one_client() -> None:
            nonlocal next_i
            while next_i < len(bodies) and time.perf_counter() < stop_at:
                body = bodies[next_i]
                next_i += 1
                t0 = time.perf_counter()
                async with session.post(url, data=body) as r:
                    await r.read()
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                latencies.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [latencies[0]] * 99
    return {"n": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000, "statuses": statuses}


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def run_one(name: str, target: Any, redis_url: str, args: argparse.Namespace, offset: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    port = free_port()
    server = ctx.Process(target=target, args=(port, redis_url, 0), daemon=True)
    server.start()
    try:
        wait_port(port)
        out = ctx.Queue()
        loader = ctx.Process(target=load, args=(f"http://127.0.0.1:{port}/v1/articles", offset, args.requests,
                                                args.concurrency, args.max_seconds, 1, out))
        loader.start()
        result = out.get(timeout=args.max_seconds + 120)
        loader.join(10)
        result["name"] = name
        return result
    finally:
        server.terminate()
        server.join(10)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=3000, help="requests per server (default 3000)")
    p.add_argument("--concurrency", type=int, default=32, help="concurrent connections (default 32)")
    p.add_argument("--max-seconds", type=float, default=20, help="time bound per server (default 20)")
    args = p.parse_args()

    import redis

    from shared.redis_server import RedisServer

    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as server:
        client = redis.Redis.from_url(server.url)
        results = []
        for offset, (name, target) in enumerate((("newsflow POST /v1/articles", serve_newsflow),
                                                 ("bare aiohttp + 1 pipelined write", serve_bare))):
            client.flushall()
            results.append(run_one(name, target, server.url, args, offset * 1_000_000))
        client.close()

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nintake benchmark: ~4 KB distinct articles, {args.concurrency} connections, up to {args.requests} "
          f"requests / {args.max_seconds:g} s per server; server pinned to 1 core, load on another "
          f"({cpus} cores visible, shared machine)\n")
    print(f"{'server':<36} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for r in results:
        print(f"{r['name']:<36} {r['n']:>8} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}  {r['statuses']}")
    real, bare = results
    print(f"\nnewsflow / bare: throughput {real['rps'] / bare['rps']:.2f}x, "
          f"p50 {real['p50_ms'] / bare['p50_ms']:.2f}x, p99 {real['p99_ms'] / bare['p99_ms']:.2f}x")


if __name__ == "__main__":
    main()
