"""Scrapers feeding newsflow: the Scrapy pipeline, webhooks and the event stream, measured.

    PYTHONPATH=. nice .venv/bin/python bench/scrape.py [--pages 400] [--hooks 30] [--events 1000]

Starts a private redis-server, ``newsflow api`` and ``newsflow worker`` (subprocesses), a local
``http.server`` with ``--pages`` generated pages and a webhook receiver (in this process). Then:

1. a real Scrapy ``CrawlerProcess`` crawl (``tests/e2e/newsflow_client/crawl_proc.py``) of the
   pages through ``NewsflowPipeline``: pages accepted and processed (lost = pages - done), and the
   pipeline's submit rate (items / crawl time) against ``submit_many`` of the same pages (fetched
   first, then submitted in one call, the queue emptied before the worker takes them);
2. webhook deliveries for ``--hooks`` articles while the worker is SIGKILLed mid-run (a new one
   started) and the receiver answers 500 to its first three requests: lost, duplicates (at least
   once), every signature verified;
3. delivery latency on the idle service: the event's time (stream id) to the receiver, p50/p95;
4. the event stream: ``--events`` events written while a reader consumes ``GET /v1/events``,
   disconnects halfway and resumes with ``Last-Event-ID``: missing and repeated events.

Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import http.server
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsflow_client import AsyncClient, verify_signature  # noqa: E402
from newsflow_client.scrapy import NewsflowPipeline  # noqa: E402
from shared import keys as K  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.redis_server import RedisServer, free_port  # noqa: E402
from shared.store import DocumentStore  # noqa: E402
from shared.supervise import start_worker_process  # noqa: E402

CRAWL = ROOT / "tests" / "e2e" / "newsflow_client" / "crawl_proc.py"
SECRET = "bench-secret-0123456789"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def write_site(root: Path, n: int) -> None:
    links = []
    for i in range(n):
        body = (f"Page {i}: the minister said on Tuesday that exports rose by {i % 17 + 2} percent in the "
                f"quarter, officials in Lisbon told reporters. ") * 3
        (root / f"p{i}.html").write_text(
            f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1><p>{body}</p>"
            f"<p>Analysts expected trend {i} to continue into next year.</p></article></body></html>")
        links.append(f'<a href="p{i}.html">{i}</a>')
    (root / "index.html").write_text("<html><body>" + "".join(links) + "</body></html>")


def serve_dir(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class Receiver:
    """The webhook receiver: answers 500 to the first ``fail_first`` requests, then 200."""

    def __init__(self) -> None:
        self.fail_first = 0
        self.requests = 0
        self.got: list[tuple[float, str, bool, dict]] = []  # (time, event id, signature ok, event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests += 1
        if self.requests <= self.fail_first:
            return web.Response(status=500)
        ok = verify_signature(SECRET, request.headers.get("Newsflow-Signature"), body)
        self.got.append((time.time(), request.headers.get("Newsflow-Event-Id", ""), ok, json.loads(body)))
        return web.Response(status=200)


async def wait_done(api: AsyncClient, ids: list[str], timeout: float) -> dict[str, str]:
    final = await api.wait(ids, timeout=timeout, interval=0.5)
    return {i: st.status for i, st in final.items()}


async def wait_api(url: str, proc: subprocess.Popen) -> None:
    async with aiohttp.ClientSession() as s:
        for _ in range(600):
            if proc.poll() is not None:
                raise SystemExit(f"the API exited ({proc.returncode})")
            try:
                async with s.get(url + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the API did not start")


async def start_worker(redis: Any, redis_url: str, log: Path, env: dict[str, str]) -> subprocess.Popen:
    await redis.delete(K.ARQ_HEALTH_CHECK)
    proc = start_worker_process(redis_url, log, env)
    for _ in range(1800):
        if await redis.exists(K.ARQ_HEALTH_CHECK):
            return proc
        if proc.poll() is not None:
            raise SystemExit(f"worker exited: see {log}")
        await asyncio.sleep(0.1)
    raise SystemExit("worker not ready")


async def crawl(site: str, base: str, tmp: Path, *extra: str) -> dict[str, Any]:
    stats_file = tmp / "crawl.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(CRAWL), f"{site}/index.html", base, str(stats_file), *extra,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=str(tmp),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = await proc.communicate()
    if proc.returncode != 0:
        print(err.decode()[-2000:])
        raise SystemExit("crawl failed")
    return json.loads(stats_file.read_text())


async def bench_crawl(api: AsyncClient, redis: Any, base: str, site: str, pages: int, tmp: Path,
                      worker: subprocess.Popen) -> None:
    # the worker is paused while rates are measured (it would take the CPU from the crawl), then resumed
    os.kill(worker.pid, signal.SIGSTOP)
    try:
        bare = await crawl(site, base, tmp, "ITEM_PIPELINES={}")
        stats = await crawl(site, base, tmp)
        # submit_many of the same pages, fetched first; the queue is emptied before the worker takes them
        async with aiohttp.ClientSession() as s:
            async def fetch(i: int) -> dict:
                async with s.get(f"{site}/p{i}.html") as r:
                    html = (await r.text()).replace("<h1>", "<h1>Again: ")  # not a content duplicate
                    return {"url": f"{site}/again/p{i}.html", "html": html, "source": "bench"}
            t_f = time.perf_counter()
            articles = await asyncio.gather(*(fetch(i) for i in range(pages)))
            fetch_s = time.perf_counter() - t_f
        t_s = time.perf_counter()
        results = await api.submit_many(articles)
        submit_s = time.perf_counter() - t_s
        # the pipeline alone on the same pages (no Scrapy around it): every item at once, as a fast crawl would
        pipe = NewsflowPipeline(base, batch_size=100, result_field="nf")
        await pipe.open_spider(SimpleNamespace(name="bench"))
        t_p = time.perf_counter()
        items = await asyncio.gather(*(pipe.process_item({**a, "url": a["url"].replace("/again/", "/pipe/"),
                                                          "html": a["html"].replace("Again: ", "Pipe: ")})
                                       for a in articles))
        await pipe.close_spider()
        pipe_alone_s = time.perf_counter() - t_p
        extra = [r.id for r in results if r.id] + [it["nf"]["id"] for it in items if it.get("nf", {}).get("id")]
        await redis.zrem(K.ARQ_QUEUE, *extra)  # only the crawl's pages are for the worker
    finally:
        os.kill(worker.pid, signal.SIGCONT)
    accepted = stats.get("newsflow/accepted", 0)
    ids = [d["id"] async for d in api.articles(limit=200) if d["id"] not in set(extra)]
    t0 = time.perf_counter()
    final = await wait_done(api, ids, 900)
    done = sum(1 for s in final.values() if s == "done")
    print(f"1. Scrapy crawl of {pages} pages: {stats.get('item_scraped_count', 0)} items, {accepted} accepted, "
          f"{stats.get('newsflow/rejected', 0)} rejected, {stats.get('newsflow/error', 0)} errors; "
          f"{done} done (the worker took {time.perf_counter() - t0:.1f}s) -> lost {pages - done}")
    ok = sum(1 for r in results if r.result == "accepted")
    bare_s = bare.get("elapsed_time_seconds") or bare["wall_seconds"]
    crawl_s = stats.get("elapsed_time_seconds") or stats["wall_seconds"]
    pipe_rate, bare_rate = accepted / crawl_s, bare.get("item_scraped_count", 0) / bare_s
    many_rate = ok / (fetch_s + submit_s)
    print(f"   crawl without the pipeline: {bare_rate:.0f} pages/s ({bare_s:.2f}s); with it: {pipe_rate:.0f} "
          f"pages/s ({crawl_s:.2f}s, crawl + submit) = {pipe_rate / bare_rate:.2f}x of the bare crawl")
    print(f"   submit_many: {ok} pages fetched by aiohttp in {fetch_s:.2f}s + submitted in {submit_s:.2f}s = "
          f"{many_rate:.0f} pages/s (submit alone {ok / submit_s:.0f}/s); pipeline/submit_many = "
          f"{pipe_rate / many_rate:.2f}x")
    print(f"   the pipeline alone (process_item of the same {pages} pages at once, batches of 100): "
          f"{pages / pipe_alone_s:.0f} pages/s = {(pages / pipe_alone_s) / (ok / submit_s):.2f}x of submit_many alone")


async def bench_webhooks(api: AsyncClient, redis: Any, receiver: Receiver, hook_url: str, n: int,
                         worker: subprocess.Popen, start: Any) -> subprocess.Popen:
    hook = (await api.create_webhook(hook_url, events=["article.done"], secret=SECRET)).body
    receiver.fail_first, receiver.requests, receiver.got = 3, 0, []
    arts = [{"text": f"Webhook article {i}: the council said on Friday that the bridge would reopen in "
                     f"{i + 2} weeks, officials told reporters in Porto.", "source": "hooks",
             "external_id": f"hook-{i}"} for i in range(n)]
    ids = [r.id for r in await api.submit_many(arts)]
    t0 = time.perf_counter()
    while sum(1 for s in (await wait_done(api, ids, 0.01)).values() if s == "done") < n // 3:
        await asyncio.sleep(0.1)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    killed_at = time.perf_counter() - t0
    worker = await start()
    final = await wait_done(api, ids, 900)
    done = [i for i, s in final.items() if s == "done"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        delivered = {e["data"]["article"]["id"] for _, _, _, e in receiver.got}
        if set(done) <= delivered:
            break
        await asyncio.sleep(0.2)
    delivered_ids = [e["data"]["article"]["id"] for _, _, _, e in receiver.got]
    event_ids = [eid for _, eid, _, _ in receiver.got]
    lost = len(set(done) - set(delivered_ids))
    bad_sig = sum(1 for _, _, ok, _ in receiver.got if not ok)
    log = (await api.deliveries(hook["id"])).body["items"]
    print(f"2. webhooks: {n} articles, worker SIGKILLed after {killed_at:.1f}s, receiver answered 500 x3: "
          f"{len(done)} done, {len(set(delivered_ids))} delivered, lost {lost}, "
          f"{len(event_ids) - len(set(event_ids))} duplicate deliveries (at least once), "
          f"{bad_sig} bad signatures of {len(receiver.got)}; log: {len(log)} attempts, "
          f"{sum(1 for d in log if not d['ok'])} failed; {time.perf_counter() - t0:.1f}s")
    await api.delete_webhook(hook["id"])
    return worker


async def bench_latency(api: AsyncClient, receiver: Receiver, hook_url: str, n: int) -> None:
    hook = (await api.create_webhook(hook_url, events=["article.done"], secret=SECRET)).body
    receiver.fail_first, receiver.requests, receiver.got = 0, 0, []
    lat: list[float] = []
    for i in range(n):
        r = await api.submit({"text": f"Latency article {i}: the mayor said on Monday that {i} new buses "
                                      f"would run from June.", "external_id": f"lat-{i}"})
        await wait_done(api, [r.id], 120)
        for _ in range(200):
            hit = [g for g in receiver.got if g[3]["data"]["article"]["id"] == r.id]
            if hit:
                t_recv, eid = hit[0][0], hit[0][1]
                lat.append((t_recv - int(eid.split("-")[0]) / 1000) * 1000)
                break
            await asyncio.sleep(0.02)
    lat.sort()
    print(f"3. delivery latency after done, idle service, {len(lat)} events: p50 {statistics.median(lat):.0f} ms, "
          f"p95 {lat[int(len(lat) * 0.95) - 1]:.0f} ms, max {lat[-1]:.0f} ms")
    await api.delete_webhook(hook["id"])


async def bench_events(api: AsyncClient, store: DocumentStore, n: int) -> None:
    ids = [f"{0xE0000000 + i:016x}" for i in range(n)]  # saved only, never queued: no worker touches them
    start = (await store.redis.xrevrange(K.EVENTS, count=1) or [[b"0-0"]])[0][0].decode()

    async def write() -> list[str]:
        for i, doc_id in enumerate(ids):
            await store.save_document({"id": doc_id, "text": "x", "source": "ev", "entities": [], "claims": []}, 1.0)
            if i % 50 == 0:
                await asyncio.sleep(0.01)
        return [e[0].decode() for e in await store.redis.xrange(K.EVENTS, f"({start}", "+")
                if e[1].get(b"source") == b"ev"]

    got: list[str] = []

    async def read() -> None:
        last = start
        for part in (0, 1):
            async for ev in api.events(last_event_id=last, source="ev", reconnect=False):
                got.append(ev.id)
                last = ev.id
                if part == 0 and len(got) == n // 2:
                    break  # disconnect mid-stream
                if len(got) >= n:
                    return
            await asyncio.sleep(0.3)  # events keep coming while disconnected

    t0 = time.perf_counter()
    reader = asyncio.create_task(read())
    written = await write()
    await asyncio.wait_for(reader, 120)
    missing = len(set(written) - set(got))
    print(f"4. event stream: {len(written)} events written, {len(got)} received across a disconnect at "
          f"{n // 2}: missing {missing}, repeated {len(got) - len(set(got))}, in order "
          f"{got == written}; {time.perf_counter() - t0:.1f}s")


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--hooks", type=int, default=30)
    ap.add_argument("--latency", type=int, default=20)
    ap.add_argument("--events", type=int, default=1000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nf-bench-scrape-"))
    rs = RedisServer(tmp / "redis")
    rs.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "REDIS_URL": rs.url, "NEWSFLOW_PORT": str(port), "PYTHONPATH": str(ROOT)}
    api_proc = subprocess.Popen([sys.executable, "-m", "cli", "api"], env=env, cwd=str(ROOT),
                                stdout=open(tmp / "api.log", "wb"), stderr=subprocess.STDOUT)
    wenv = {"NEWSFLOW_JOB_TIMEOUT_SECONDS": "20", "NEWSFLOW_WORKER_CONCURRENCY": "1"}
    redis = aioredis.Redis.from_url(rs.url)
    (tmp / "site").mkdir()
    write_site(tmp / "site", args.pages)
    site_server, site = serve_dir(tmp / "site")
    receiver = Receiver()
    rapp = web.Application()
    rapp.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(rapp, access_log=None)
    await runner.setup()
    rport = free_port()
    await web.TCPSite(runner, "127.0.0.1", rport).start()
    hook_url = f"http://127.0.0.1:{rport}/hook"
    workers: list[subprocess.Popen] = []

    async def start() -> subprocess.Popen:
        w = await start_worker(redis, rs.url, tmp / f"worker{len(workers)}.log", wenv)
        workers.append(w)
        return w

    try:
        await wait_api(base, api_proc)
        worker = await start()
        print(f"newsflow at {base}, pages at {site}, receiver at {hook_url}; logs in {tmp}")
        async with AsyncClient(base, timeout=300) as api:
            await bench_crawl(api, redis, base, site, args.pages, tmp, worker)
            worker = await bench_webhooks(api, redis, receiver, hook_url, args.hooks, worker, start)
            await bench_latency(api, receiver, hook_url, args.latency)
            await bench_events(api, DocumentStore(redis, Settings.from_env()), args.events)
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait(30)
        api_proc.terminate()
        api_proc.wait(30)
        await runner.cleanup()
        site_server.shutdown()
        await redis.aclose()
        rs.stop()


if __name__ == "__main__":
    asyncio.run(main())
