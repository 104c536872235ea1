"""``AsyncClient.events()`` reconnecting, against a small local aiohttp server that answers each connection
as the test scripts it. The waits between connections are recorded instead of slept (``client._sleep``),
so nothing depends on timing. Old behaviour: a stream that ended at once was reconnected every 0.2 s
forever (5 connections a second); ``Retry-After: inf`` slept forever and 3600 an hour; a 502 or 504 (a
proxy while the API restarts) raised instead of being retried."""

from __future__ import annotations

import json
import math

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from newsflow_client import AsyncClient
from newsflow_client import client as client_module
from newsflow_client.client import ApiError, _retry_after

pytestmark = pytest.mark.unit

EVENT = {"id": "7-0", "type": "article.done", "created": 1.0, "data": {"article": {"id": "a1", "status": "done"}}}


class Stop(Exception):
    """Raised by the recording sleep to end the endless events() loop."""


async def events_with_script(monkeypatch, script: list, waits: int) -> tuple[list, list, list]:
    """Run events() against a server answering connection i with ``script[min(i, len-1)]``: an int status
    (optionally ``(status, retry_after)``), ``"end"`` (a 200 that sends only the cursor and ends) or
    ``"event"`` (a 200 with one event, then the end). Returns (waits asked, Last-Event-IDs sent, events)."""
    seen: list = []

    async def handler(request: web.Request) -> web.StreamResponse:
        step = script[min(len(seen), len(script) - 1)]
        seen.append(request.headers.get("Last-Event-ID"))
        if isinstance(step, (int, tuple)):
            status, after = step if isinstance(step, tuple) else (step, None)
            return web.Response(status=status, headers={"Retry-After": after} if after else {})
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b": connected\n\n")
        if step == "event":
            await resp.write(f"id: 7-0\nevent: article.done\ndata: {json.dumps(EVENT)}\n\n".encode())
        await resp.write(b"id: 9-0\n\n: server shutting down\n\n")
        await resp.write_eof()
        return resp

    delays: list[float] = []

    async def record(delay: float) -> None:
        delays.append(delay)
        if len(delays) >= waits:
            raise Stop

    monkeypatch.setattr(client_module, "_sleep", record)
    app = web.Application()
    app.router.add_get("/v1/events", handler)
    server = TestServer(app)
    await server.start_server()
    got = []
    try:
        async with AsyncClient(f"http://{server.host}:{server.port}") as api:
            with pytest.raises(Stop):
                async for event in api.events():
                    got.append(event)
    finally:
        await server.close()
    return delays, seen, got


async def test_a_stream_that_ends_at_once_is_reconnected_with_a_growing_backoff(monkeypatch) -> None:
    delays, seen, _ = await events_with_script(monkeypatch, ["end"], waits=5)
    assert len(seen) == 5 and seen[1:] == ["9-0"] * 4  # still resumes from the cursor
    assert delays[0] >= 0.5  # not 0.2 s (5 connections a second)
    assert all(b > a for a, b in zip(delays, delays[1:]))  # 0.5, 1, 2, 4 … jittered by at most 25 %


async def test_a_stream_that_gave_an_event_is_reconnected_at_once(monkeypatch) -> None:
    delays, seen, got = await events_with_script(monkeypatch, [503, 503, "event"], waits=3)
    assert [e.id for e in got] == ["7-0"]
    assert delays[1] > delays[0] >= 0.5  # the 503s back off …
    assert delays[2] < 0.5  # … and a stream that worked resets it


@pytest.mark.parametrize("asked", ["inf", "3600", "1e400"])
async def test_retry_after_is_capped_at_30_seconds(monkeypatch, asked: str) -> None:
    delays, _, _ = await events_with_script(monkeypatch, [(503, asked)], waits=2)
    assert all(math.isfinite(d) and 0.5 <= d <= 30.0 * 1.25 for d in delays), delays


@pytest.mark.parametrize("asked", ["nan", "-5", "soon"])
async def test_a_retry_after_that_is_no_number_of_seconds_is_ignored(monkeypatch, asked: str) -> None:
    assert _retry_after(asked) is None
    delays, _, _ = await events_with_script(monkeypatch, [(503, asked)], waits=1)
    assert 0.5 <= delays[0] <= 0.5 * 1.25  # the plain backoff


@pytest.mark.parametrize("status", [502, 504])
async def test_a_proxy_error_is_retried_like_a_503(monkeypatch, status: int) -> None:
    delays, seen, got = await events_with_script(monkeypatch, [status, status, "event"], waits=3)
    assert [e.id for e in got] == ["7-0"] and len(seen) == 3
    assert delays[1] > delays[0] >= 0.5


async def test_other_refusals_still_raise(monkeypatch) -> None:
    with pytest.raises(ApiError) as err:
        await events_with_script(monkeypatch, [401], waits=1)
    assert err.value.response.http_status == 401
