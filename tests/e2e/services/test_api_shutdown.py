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

