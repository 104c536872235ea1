"""The error middleware tells a client that went away from a Redis outage: a streaming handler's write
to a closed connection raises aiohttp's ``ClientConnectionResetError`` (a ``ConnectionResetError``, so an
``OSError``), which the middleware used to log as ``redis unavailable`` and answer with a 503 nobody
could read. Served by the production runner (aiohttp's test server cancels such a handler instead)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import web

from services.errors import error_middleware
from services.http import app_runner
from shared.config import Settings

pytestmark = pytest.mark.integration


async def test_a_write_to_a_gone_client_is_not_a_redis_outage(caplog) -> None:
    gone = asyncio.Event()
    outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def stream(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        await resp.write(b"first\n")
        await gone.wait()
        try:
            for _ in range(100):  # a write after the peer closed fails within a few attempts
                await resp.write(b"more\n")
                await asyncio.sleep(0.02)
        except BaseException as exc:
            outcome.set_result(type(exc).__name__)
            raise
        outcome.set_result("no error")
        return resp

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/stream", stream)
    runner = app_runner(app, Settings())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    caplog.set_level(logging.DEBUG, logger="newsflow.api")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(reader.readuntil(b"first\n"), 10)
        writer.close()
        await writer.wait_closed()
        gone.set()
        assert await asyncio.wait_for(outcome, 10) == "ClientConnectionResetError"
        await asyncio.sleep(0.1)  # the middleware has run
    finally:
        await runner.cleanup()
    assert not [r for r in caplog.records if "redis unavailable" in r.getMessage()]
    assert [r for r in caplog.records if r.levelno == logging.DEBUG and "client went away" in r.getMessage()]
