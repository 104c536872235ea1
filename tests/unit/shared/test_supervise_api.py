"""``shared.supervise``: serving an aiohttp app on a port (busy ports) and waiting for a signal."""

from __future__ import annotations

import asyncio
import os
import signal
import socket

import aiohttp
import pytest
from aiohttp import web

from shared.supervise import start_api, until_signal

pytestmark = pytest.mark.unit


def hello_app() -> web.Application:
    app = web.Application()

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"hello": True})

    app.router.add_get("/", hello)
    return app


async def fetch(url: str) -> dict:
    async with aiohttp.ClientSession() as session, session.get(url + "/") as resp:
        return await resp.json()


async def test_an_os_chosen_port_is_read_back() -> None:
    runner, base = await start_api(hello_app(), "0.0.0.0", 0)
    try:
        assert base.startswith("http://127.0.0.1:") and not base.endswith(":0")
        assert await fetch(base) == {"hello": True}
    finally:
        await runner.cleanup()


async def test_a_busy_port_moves_to_a_free_one_unless_it_was_asked_for(monkeypatch, capsys) -> None:
    monkeypatch.delenv("NEWSFLOW_PORT", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        runner, base = await start_api(hello_app(), "127.0.0.1", port, explicit_port=False)
        try:
            assert base != f"http://127.0.0.1:{port}" and await fetch(base) == {"hello": True}
            assert f"port {port} is busy" in capsys.readouterr().err
        finally:
            await runner.cleanup()
        with pytest.raises(SystemExit, match=f"cannot listen on 127.0.0.1:{port}"):
            await start_api(hello_app(), "127.0.0.1", port, explicit_port=True)
        # chosen through the environment: Settings says so, and the port is kept (an error when busy)
        from shared.config import Settings

        assert Settings.from_env({"NEWSFLOW_PORT": str(port)}).port_fixed
        assert not Settings.from_env({}).port_fixed


async def test_until_signal_returns_on_the_signal_and_removes_its_handler() -> None:
    waiter = asyncio.create_task(until_signal((signal.SIGUSR1,)))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    os.kill(os.getpid(), signal.SIGUSR1)
    await asyncio.wait_for(waiter, 10)
    assert not asyncio.get_running_loop().remove_signal_handler(signal.SIGUSR1)  # none left
