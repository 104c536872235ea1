"""Stopping a real ``newsflow api`` process (SIGINT as from a terminal's Ctrl-C, SIGTERM as from
docker or systemd) while an event-stream client is connected: the stream ends and the process exits
promptly (aiohttp alone waits 60 s for a running handler, then 60 s more), and a client that
reconnects with ``Last-Event-ID`` to the next API process misses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from newsflow_client import AsyncClient
from shared.redis_server import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
BOUND = 20.0  # generous: the old code needed over 60 s


async def start_api(redis_url: str, data_dir: Path) -> tuple[asyncio.subprocess.Process, str]:
    env = {**os.environ, "REDIS_URL": redis_url, "NEWSFLOW_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
           "NEWSFLOW_HOST": "127.0.0.1"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "cli", "api", "--port", str(free_port()),
                                                cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        assert line, "the API exited before serving"
        if line.startswith("API at "):
            return proc, line.split()[2]


async def finish(store, n: int) -> str:
    """Submit an article and save it as a worker would: one ``article.done`` event."""
    doc_id = (await store.submit({"text": f"Officials said on day {n} that talks resume.", "external_id": f"s{n}"})).id
    art = await store.get_article(doc_id)
    await store.save_document({**art, "id": doc_id, "entities": [], "claims": []}, 1.0)
    return doc_id


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
async def test_stopping_the_api_ends_open_event_streams_and_resuming_loses_nothing(store, redis_server, tmp_path,
                                                                                   sig) -> None:
    first = await finish(store, 1)
    proc, base = await start_api(redis_server.url, tmp_path / "var")
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as http:
            async with http.get(f"{base}/v1/events?last_event_id=0") as resp:
                assert resp.status == 200
                lines: list[bytes] = []
                while b"id: " not in b"".join(lines):  # the first event arrived: the stream is live
                    lines.append(await asyncio.wait_for(resp.content.readline(), 30))
                last_id = next(ln[4:].strip().decode() for ln in lines if ln.startswith(b"id: "))
                proc.send_signal(sig)

                async def rest() -> bytes:
                    return await resp.content.read()  # to the end of the stream

                tail = await asyncio.wait_for(rest(), BOUND)  # the old code kept sending keep-alives for 120 s
        assert b"shutting down" in tail
        assert await asyncio.wait_for(proc.wait(), BOUND) == 0
        output = (await proc.stdout.read()).decode()
        assert "Traceback" not in output and "redis unavailable" not in output, output
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()

    second = await finish(store, 2)  # written while no API runs
    proc, base = await start_api(redis_server.url, tmp_path / "var")
    try:
        async with AsyncClient(base) as api:
            async def one() -> list:
                async for ev in api.events(last_event_id=last_id, reconnect=False):
                    return [ev]
                return []
            [ev] = await asyncio.wait_for(one(), 30)
        assert (ev.article_id, ev.type) == (second, "article.done")
        assert ev.article_id != first
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), BOUND) == 0


async def xreading(redis) -> set[str]:
    return {c["id"] for c in await redis.client_list() if c.get("cmd") == "xread"}


async def test_a_stream_client_going_away_is_not_logged_as_redis_unavailable(store, redis_server, tmp_path) -> None:
    """The stranger's log: ``WARNING newsflow.api: redis unavailable: Cannot write to closing transport``
    each time an SSE client disconnected, Redis being fine. A write to a gone client ends the stream
    quietly (a 200 in /metrics, not a 503). A real process: aiohttp's test server cancels the handler
    of a closed connection instead, so the write never happens there."""
    proc, base = await start_api(redis_server.url, tmp_path / "var")
    try:
        before = await xreading(store.redis)
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /v1/events HTTP/1.1\r\nHost: newsflow\r\nAccept: text/event-stream\r\n\r\n")
        await asyncio.wait_for(reader.readuntil(b": connected\n\n"), 30)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not await xreading(store.redis) - before:  # the handler waits for events
            assert loop.time() < deadline
            await asyncio.sleep(0.01)
        writer.close()  # the client goes away
        await writer.wait_closed()
        await finish(store, 3)  # an event: the handler writes it to the closed connection
        async with aiohttp.ClientSession() as http:
            while True:  # until the stream's handler has ended and been counted
                async with http.get(f"{base}/metrics") as resp:
                    counted = [ln for ln in (await resp.text()).splitlines()
                               if ln.startswith("newsflow_http_requests_total") and 'route="/v1/events"' in ln]
                if counted:
                    break
                assert loop.time() < deadline + 30
                await asyncio.sleep(0.1)
            assert len(counted) == 1 and 'status="200"' in counted[0], counted
            async with http.get(f"{base}/v1/articles") as resp:
                assert resp.status == 200  # Redis was fine all along
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 60)
    output = (await proc.stdout.read()).decode()
    assert code == 0
    assert "redis unavailable" not in output and "WARNING" not in output, output
