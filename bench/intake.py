"""Intake throughput and latency: ``POST /v1/articles`` (the real app) next to a bare aiohttp handler.

    .venv/bin/python bench/intake.py [--requests 3000] [--concurrency 32] [--max-seconds 20] [--rounds 3] [--auth]
                                     [--baseline DIR]

The servers run in the same run, one after the other (``--rounds``: that many times, interleaved),
each in its own process pinned to one core (``os.sched_setaffinity``); the load comes from another
process on loopback (aiohttp client, ``--concurrency`` connections), pinned to the other core when
there is one. Every request posts a distinct ~4 KB article (so each one is a new submit: dedupe
checks, storage, status, indexes and the arq job, all in one Lua script, for the real app). The bare
handler reads the same body, parses it with orjson and does one pipelined Redis write (SET + ZADD),
which is the floor for "accept an article into Redis over HTTP" with this stack. ``--auth`` adds the
app with API keys required (one key, the rate limit out of the way): the key check is one more
script call per request. A private redis-server is started for the run (never the one on 6379).
Bounded by count and by time. Besides req/s and latency, the table has the server's CPU time and
Redis's per request, which a shared machine's other load disturbs much less than throughput; the
ratios to the bare handler are medians over the rounds. ``--baseline DIR`` adds the app of another
checkout (e.g. the main branch) to every round, for a before/after measured in the same time window.
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

def serve_newsflow(port: int, redis_url: str, cpu: int, auth: bool = False, root: str | None = None) -> None:
    _pin(cpu)
    if root:  # another checkout's app (--baseline)
        sys.path.insert(0, root)
    from aiohttp import web

    from services.app import create_app
    from shared.config import Settings

    settings = Settings(redis_url=redis_url, port=port, queue_max_depth=10_000_000,
                        auth="required" if auth else "loopback", rate_limit_per_second=1e9, rate_limit_burst=10**9)
    web.run_app(create_app(settings), host="127.0.0.1", port=port, access_log=None, print=None)


def serve_bare(port: int, redis_url: str, cpu: int, auth: bool = False) -> None:
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
         out: Any, key: str | None = None) -> None:
    _pin(cpu)
    out.put(asyncio.run(_load(url, offset, requests, concurrency, max_seconds, key)))


async def _load(url: str, offset: int, requests: int, concurrency: int, max_seconds: float,
                key: str | None = None) -> dict[str, Any]:
    import aiohttp

    bodies = [make_article(offset + i) for i in range(requests)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    next_i = 0
    conn = aiohttp.TCPConnector(limit=concurrency)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    async with aiohttp.ClientSession(connector=conn, headers=headers) as session:
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


def _cpu_seconds(pid: int) -> float:
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def run_one(name: str, target: Any, redis_url: str, args: argparse.Namespace, offset: int,
            auth_key: str | None = None, root: str | None = None) -> dict[str, Any]:
    import redis

    ctx = mp.get_context("spawn")
    port = free_port()
    extra = (root,) if root else ()
    server = ctx.Process(target=target, args=(port, redis_url, 0, auth_key is not None, *extra), daemon=True)
    server.start()
    client = redis.Redis.from_url(redis_url)
    try:
        wait_port(port)
        out = ctx.Queue()
        loader = ctx.Process(target=load, args=(f"http://127.0.0.1:{port}/v1/articles", offset, args.requests,
                                                args.concurrency, args.max_seconds, 1, out, auth_key))
        cpu0, rcpu0 = _cpu_seconds(server.pid), _redis_cpu(client)
        loader.start()
        result = out.get(timeout=args.max_seconds + 120)
        loader.join(10)
        result["name"] = name
        # includes the 50 warm-up requests; CPU per request is robust to other load on a shared machine
        result["cpu_us"] = (_cpu_seconds(server.pid) - cpu0) / (result["n"] + 50) * 1e6
        result["redis_cpu_us"] = (_redis_cpu(client) - rcpu0) / (result["n"] + 50) * 1e6
        return result
    finally:
        client.close()
        server.terminate()
        server.join(10)


def _redis_cpu(client: Any) -> float:
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=3000, help="requests per server and round (default 3000)")
    p.add_argument("--concurrency", type=int, default=32, help="concurrent connections (default 32)")
    p.add_argument("--max-seconds", type=float, default=20, help="time bound per server and round (default 20)")
    p.add_argument("--rounds", type=int, default=1, help="rounds, the servers interleaved (default 1)")
    p.add_argument("--auth", action="store_true", help="also the app with API keys required (one key)")
    p.add_argument("--baseline", metavar="DIR", help="also the app of another checkout (before/after, same rounds)")
    args = p.parse_args()

    import redis

    from shared.redis_server import RedisServer

    servers: list[tuple[str, Any, bool, str | None]] = [("newsflow POST /v1/articles", serve_newsflow, False, None),
                                                        ("bare aiohttp + 1 pipelined write", serve_bare, False, None)]
    if args.auth:
        servers.insert(1, ("newsflow, API key required", serve_newsflow, True, None))
    if args.baseline:
        root = str(Path(args.baseline).resolve())
        servers.insert(1, (f"baseline {Path(root).name}", serve_newsflow, False, root))
    rounds: list[list[dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as server:
        client = redis.Redis.from_url(server.url)
        for rnd in range(args.rounds):
            results = []
            for offset, (name, target, auth, root) in enumerate(servers):
                client.flushall()
                key = _make_key(server.url) if auth else None
                results.append(run_one(name, target, server.url, args, (rnd * 10 + offset) * 1_000_000, key, root))
            rounds.append(results)
        client.close()

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nintake benchmark: ~4 KB distinct articles, {args.concurrency} connections, up to {args.requests} "
          f"requests / {args.max_seconds:g} s per server and round, {args.rounds} round(s) interleaved; server "
          f"pinned to 1 core, load on another ({cpus} cores visible, shared machine)\n")
    print(f"{'server':<36} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU µs/req':>10} "
          f"{'Redis µs/req':>12}  statuses")
    for results in rounds:
        for r in results:
            print(f"{r['name']:<36} {r['n']:>8} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
                  f"{r['cpu_us']:>10.0f} {r['redis_cpu_us']:>12.0f}  {r['statuses']}")
    for i, (name, _, _, _) in enumerate(servers[:-1]):
        ratios = [rs[i]["rps"] / rs[-1]["rps"] for rs in rounds]
        cpu = [rs[-1]["cpu_us"] / rs[i]["cpu_us"] for rs in rounds]
        both = [(rs[-1]["cpu_us"] + rs[-1]["redis_cpu_us"]) / (rs[i]["cpu_us"] + rs[i]["redis_cpu_us"]) for rs in rounds]
        print(f"\n{name} / bare: throughput {statistics.median(ratios):.2f}x (median of {len(ratios)}: "
              f"{', '.join(f'{x:.2f}' for x in ratios)}); by CPU per request: server {statistics.median(cpu):.2f}x, "
              f"server + Redis {statistics.median(both):.2f}x")
    if args.baseline:  # this checkout against the baseline, round by round (medians of the rounds' ratios)
        def med(key: str) -> str:
            return f"{statistics.median(rs[0][key] / rs[1][key] for rs in rounds):.2f}"
        print(f"\nthis checkout / baseline, per request: server CPU {med('cpu_us')}x, Redis CPU {med('redis_cpu_us')}x "
              f"(medians of {len(rounds)} rounds; < 1 = cheaper); medians: server {_med(rounds, 0, 'cpu_us')} vs "
              f"{_med(rounds, 1, 'cpu_us')} µs, Redis {_med(rounds, 0, 'redis_cpu_us')} vs {_med(rounds, 1, 'redis_cpu_us')} µs")


def _med(rounds: list[list[dict[str, Any]]], i: int, key: str) -> str:
    return f"{statistics.median(rs[i][key] for rs in rounds):.0f}"


def _make_key(redis_url: str) -> str:
    import redis.asyncio as aioredis

    from shared.store.apikeys import ApiKeyStore

    async def make() -> str:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return (await ApiKeyStore(client).create("bench", "submit"))[1]
        finally:
            await client.aclose()

    return asyncio.run(make())


if __name__ == "__main__":
    main()
