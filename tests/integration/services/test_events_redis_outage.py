"""Redis going away under an open event stream (``GET /v1/events``): the 200 and its headers are sent, so
the stream ends with a comment (``: redis unavailable``) and a clean end of the chunked body; the error
middleware used to write a second ``HTTP/1.1 503`` head and its JSON inside the stream. Real app, real
redis-server (this test's own, stopped mid-stream), raw HTTP so that the bytes on the wire are checked."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.app import create_app
from shared.config import Settings
from shared.redis_server import RedisServer

pytestmark = pytest.mark.integration


async def test_a_redis_outage_ends_an_open_stream_with_a_comment_not_a_second_http_head(tmp_path: Path) -> None:
    from aiohttp.test_utils import TestServer

    redis = RedisServer(tmp_path / "redis").start()
    server = TestServer(create_app(Settings(redis_url=redis.url, data_dir=tmp_path / "var", port=0)))
    await server.start_server()
    try:
        r, w = await asyncio.open_connection(server.host, server.port)
        w.write(b"GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b": connected" not in data:
            chunk = await asyncio.wait_for(r.read(4096), 10)
            assert chunk, data
            data += chunk
        await asyncio.to_thread(redis.stop)
        while b"0\r\n\r\n" not in data:  # the chunked body's end
            chunk = await asyncio.wait_for(r.read(4096), 30)
            if not chunk:
                break
            data += chunk
        w.close()
    finally:
        await server.close()
        redis.stop()
    assert data.startswith(b"HTTP/1.1 200")
    assert data.count(b"HTTP/1.1") == 1, data
    assert b": redis unavailable" in data
    assert data.endswith(b"0\r\n\r\n"), data
