"""Where one ``POST /v1/articles`` spends its time: the Python steps of the hot path, measured one by
one on distinct ~4 KB articles (best of several rounds, µs per article), and the submit script's time
inside Redis (``INFO commandstats``). ``--profile`` also runs the real app in this process under
cProfile while another process loads it, and prints the functions with the most own time.

    PYTHONPATH=. python bench/intake_breakdown.py [--articles 1000] [--profile] [--root DIR]

``--root`` measures another checkout (e.g. /work/main) on the same articles, for a before/after.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent


def best_us(fn: Callable[[Any], Any], items: list[Any], rounds: int = 7,
            setup: Callable[[], Any] = lambda: None) -> float:
    """Best round's mean CPU µs per item of ``fn`` over ``items`` (thread CPU time: other processes
    on a shared machine do not count; the best round is the least disturbed). ``setup`` runs before
    each round, untimed. Each result is dropped at once, as a server drops a request's (keeping a
    thousand 4 KB results alive measured the allocator's page faults, ~7 µs per item)."""
    def run() -> None:
        for x in items:
            fn(x)

    return min(timeit.repeat(run, setup=setup, number=1, repeat=rounds, timer=time.thread_time)) / len(items) * 1e6


async def redis_side(server_url: str, articles: list[dict[str, Any]]) -> dict[str, float]:
    import redis.asyncio as aioredis

    from shared.config import Settings
    from shared.redis_client import connection_kwargs
    from shared.store import DocumentStore
    from shared.store.apikeys import ApiKeyStore

    client = aioredis.Redis.from_url(server_url, **connection_kwargs(server_url))
    await client.flushall()
    store = DocumentStore(client, Settings(redis_url=server_url, queue_max_depth=10_000_000))
    await store.load_scripts()
    await client.config_resetstat()
    cpu0 = await _redis_cpu(client)
    t0 = time.perf_counter()
    for a in articles:
        await store.submit(a)
    submit_rt = (time.perf_counter() - t0) / len(articles) * 1e6
    redis_cpu = (await _redis_cpu(client) - cpu0) / len(articles) * 1e6
    stats = await client.info("commandstats")
    script_us = stats["cmdstat_evalsha"]["usec_per_call"]
    inner_us = sum(v["usec"] for k, v in stats.items() if k != "cmdstat_evalsha") / len(articles)
    keys = ApiKeyStore(client)
    _, key = await keys.create("bench", "submit")
    await keys.authenticate(key, 1e9, 10 ** 9)
    await client.config_resetstat()
    t0 = time.perf_counter()
    for _ in articles:
        await keys.authenticate(key, 1e9, 10 ** 9)
    auth_rt = (time.perf_counter() - t0) / len(articles) * 1e6
    auth_us = (await client.info("commandstats"))["cmdstat_evalsha"]["usec_per_call"]
    t0 = time.perf_counter()
    for _ in articles:
        await client.ping()
    ping_rt = (time.perf_counter() - t0) / len(articles) * 1e6
    await client.aclose()
    return {"submit_rt": submit_rt, "script_us": script_us, "redis_cpu": redis_cpu, "inner_us": inner_us, "auth_rt": auth_rt,
            "auth_us": auth_us, "ping_rt": ping_rt}


async def _redis_cpu(client: Any) -> float:
    info = await client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def profile(server_url: str, seconds: float) -> None:
    import cProfile
    import io
    import multiprocessing as mp
    import pstats

    sys.path.insert(0, str(HERE))
    import intake as bench_intake  # noqa: PLC0415 - bench/intake.py: the same load process
    from aiohttp import web

    from services.app import create_app
    from shared.config import Settings

    async def run() -> None:
        port = bench_intake.free_port()
        runner = web.AppRunner(create_app(Settings(redis_url=server_url, port=port, queue_max_depth=10_000_000)),
                               access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        loader = ctx.Process(target=bench_intake.load, args=(f"http://127.0.0.1:{port}/v1/articles", 5_000_000,
                                                             100_000, 32, seconds, 1, out))
        loader.start()
        prof = cProfile.Profile()
        prof.enable()
        while loader.is_alive():
            await asyncio.sleep(0.1)
        prof.disable()
        result = out.get(timeout=10)
        await runner.cleanup()
        print(f"\nprofiled run: {result['n']} requests, {result['rps']:.0f} req/s under cProfile\n")
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
        print(buf.getvalue()[buf.getvalue().find("ncalls"):])

    asyncio.run(run())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--profile", action="store_true", help="also cProfile the app under load (bench/intake.py's)")
    ap.add_argument("--profile-seconds", type=float, default=10)
    ap.add_argument("--root", default=str(HERE.parent), help="the checkout to measure")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from intake import make_article  # bench/intake.py: the same articles (it puts its own checkout first…)

    sys.path.insert(0, args.root)  # …so the measured checkout goes before it
    import orjson

    from services import intake as svc
    from services.errors import json_response
    from shared.redis_server import RedisServer
    from shared.ids import normalize_url
    from shared.schemas import validate_article
    from shared.store.intake import submit_call
    from shared.store import scripts

    bodies = [make_article(7_000_000 + i) for i in range(args.articles)]
    if hasattr(svc, "parse_exact"):  # one walk of the body, in the parse; validation reuses it
        parse, parse_name = svc.parse_exact, "parse JSON + walk it (parse_exact)"
        parsed = [parse(b) for b in bodies]
        validate, validate_name = (lambda p: validate_article(p[0], scan=p[1])), "validate (validate_article, scan)"
    else:  # an older checkout (--root): loads_exact, and validate_article walks again
        parse, parse_name = svc.loads_exact, "parse JSON (loads_exact)"
        parsed = [parse(b) for b in bodies]
        validate, validate_name = validate_article, "validate (validate_article)"
    arts = [validate(p)[0] for p in parsed]
    now = time.time()
    calls = [submit_call(a, now, 10_000, 3) for a in arts]
    # positional (SUBMIT.arguments) or, in older checkouts, one JSON argument (encode_args)
    encode = getattr(scripts.SUBMIT, "arguments", None) or scripts.encode_args
    rows = [
        (parse_name, best_us(parse, bodies)),
        # every article has a new url: normalize_url's cache is emptied before each round (validation
        # computes the url key once; submit_call then finds it in the cache, as in a real request)
        (validate_name + ", new urls", best_us(validate, parsed, setup=normalize_url.cache_clear)),
        ("identity, dedupe keys, script args (submit_call)", best_us(lambda a: submit_call(a, now, 10_000, 3), arts)),
        ("encode the script arguments", best_us(lambda c: encode(c[1]), calls)),
        ("response body", best_us(lambda a: json_response({"id": "0123456789abcdef", "status": "queued",
                                                           "duplicate": False, "revision": 1, "links": {
                                                               "status": "/v1/articles/x/status",
                                                               "document": "/v1/articles/x"}}, 202), arts)),
    ]
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as server:
        red = asyncio.run(redis_side(server.url, [orjson.loads(orjson.dumps(a)) for a in arts]))
        if args.profile:
            profile(server.url, args.profile_seconds)
    print(f"\nintake breakdown ({args.root}): {args.articles} distinct ~4 KB articles, best of 7 rounds, CPU µs per article\n")
    for name, us in rows:
        print(f"  {name:<52} {us:8.1f}")
    print(f"  {'Python steps in all':<52} {sum(us for _, us in rows):8.1f}")
    print(f"  {'submit script inside Redis (EVALSHA)':<52} {red['script_us']:8.1f}   "
          f"(of which its {red['inner_us']:.1f} µs of Redis commands)")
    print(f"  {'Redis CPU per submit (all of it: reading, script, AOF)':<52} {red['redis_cpu']:8.1f}")
    print(f"  {'store.submit round trip (sequential)':<52} {red['submit_rt']:8.1f}   "
          f"(PING round trip {red['ping_rt']:.1f})")
    print(f"  {'API-key check: script / round trip':<52} {red['auth_us']:8.1f} / {red['auth_rt']:.1f}   "
          "(only when keys are required)")


if __name__ == "__main__":
    main()
