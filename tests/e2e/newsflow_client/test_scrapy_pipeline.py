"""``newsflow_client.scrapy.NewsflowPipeline`` in a real ``CrawlerProcess`` crawl (a subprocess) of a
local ``http.server`` serving pages written here, into the real API and a real worker: every page
arrives, is processed, and the per-item results are in the crawl's stats."""

from __future__ import annotations

import asyncio
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from aiohttp import web
from aiohttp.test_utils import TestServer

from newsflow_client import AsyncClient, verify_signature
from worker_proc import Workers

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
CRAWL = Path(__file__).with_name("crawl_proc.py")
N_PAGES = 12


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def write_site(root: Path, n: int) -> None:
    links = []
    for i in range(n):
        body = " ".join(f"Page {i}: the minister said on Tuesday that exports rose by {i + 3} percent "
                        f"in the quarter, according to officials in Lisbon." for _ in range(4))
        (root / f"p{i}.html").write_text(
            f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
            f"<p>{body}</p><p>Analysts quoted by local media expected the trend {i} to continue.</p>"
            f"</article></body></html>")
        links.append(f'<a href="p{i}.html">story {i}</a>')
    (root / "index.html").write_text("<html><body>" + "".join(links) + "</body></html>")


@pytest.fixture()
def site(tmp_path: Path):
    root = tmp_path / "site"
    root.mkdir()
    write_site(root, N_PAGES)
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_a_real_crawl_sends_every_page_and_each_is_processed(client, redis, redis_server, site, tmp_path) -> None:
    api = str(client.make_url("")).rstrip("/")
    received: list[tuple[bytes, str]] = []

    async def receive(request: web.Request) -> web.Response:  # a webhook receiver: the worker delivers
        received.append((await request.read(), request.headers.get("Newsflow-Signature", "")))
        return web.Response(status=204)

    rapp = web.Application()
    rapp.router.add_post("/hook", receive)
    receiver = TestServer(rapp)
    await receiver.start_server()
    workers = Workers(redis_server.url, tmp_path)
    try:
        async with AsyncClient(api) as c:
            await c.create_webhook(str(receiver.make_url("/hook")), events=["article.done"], secret="hook-secret-1")
        await workers.start(redis, NEWSFLOW_HTML_FALLBACK="allow")
        stats_file = tmp_path / "stats.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(CRAWL), f"{site}/index.html", api, str(stats_file),
            "NEWSFLOW_BATCH_SIZE=5", "NEWSFLOW_RESULT_FIELD=newsflow", env=env, cwd=str(tmp_path),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()[-3000:]
        stats = json.loads(stats_file.read_text())
        assert stats.get("newsflow/accepted") == N_PAGES, stats
        assert "newsflow/rejected" not in stats and "newsflow/error" not in stats
        assert stats.get("item_scraped_count") == N_PAGES
        async with AsyncClient(api) as c:
            docs = [d async for d in c.articles(limit=5)]
            assert len(docs) == N_PAGES
            final = await c.wait([d["id"] for d in docs], timeout=240)
            assert sorted(st.status for st in final.values()) == ["done"] * N_PAGES
            titles = sorted([(await c.get(d["id"])).body.get("title") or "" for d in docs])
        assert titles == sorted(f"Story {i}" for i in range(N_PAGES))
        assert all(d.get("source") == "pages" for d in docs)  # the spider's name
        def delivered() -> set[str]:
            return {json.loads(body)["data"]["article"]["id"] for body, _ in received}

        for _ in range(600):  # the worker's webhook deliveries, one per page (each page's, not any N)
            if delivered() >= {d["id"] for d in docs}:
                break
            await asyncio.sleep(0.1)
        assert delivered() == {d["id"] for d in docs}
        assert all(verify_signature("hook-secret-1", sig, body) for body, sig in received)
    finally:
        workers.close()
        await receiver.close()
