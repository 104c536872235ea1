"""The HTTP server around the app: limits aiohttp has no option for, and no version in ``Server``.

:func:`app_runner` is the ``AppRunner`` every way of serving the API uses (``newsflow api``/``up``
via :func:`shared.supervise.start_api`, ``python -m services.app``). What it adds:

- **Slow headers**: aiohttp 3.14 has no header-read timeout, but its keep-alive timer starts when a
  connection opens and closes it if no complete request has arrived when it fires
  (``RequestHandler._process_keepalive``). ``keepalive_timeout`` = ``NEWSFLOW_HTTP_HEADER_TIMEOUT_SECONDS``
  therefore bounds both idle keep-alive connections and a client trickling its headers (slowloris);
  partial data does not push the deadline back.
- **Slow bodies**: aiohttp has no body-read timeout either; the handlers that read a body do it within
  ``NEWSFLOW_HTTP_BODY_TIMEOUT_SECONDS`` (:func:`read_deadline`, 408). A body nobody reads (a GET with
  one) is drained for at most aiohttp's ``lingering_time`` (10 s) after the response, then the
  connection closes.
- **Connection cap**: aiohttp has no limit on open connections. Past ``NEWSFLOW_HTTP_MAX_CONNECTIONS``
  a new connection gets a fixed ``503`` JSON answer and is closed at once.
- **Protocol errors** (a malformed request line or header, a header over 8190 bytes, more than 128
  headers, bad chunking before the handler runs): aiohttp answers them itself, without the app's
  middlewares, as ``400 text/plain``. ``JsonErrorHandler.handle_error`` makes that the JSON error envelope.
- **``Server: newsflow``** on every response (aiohttp's default names itself and the Python version).

What stays outside our control (documented in the README): a connection closed by a timeout gets no
response at all (aiohttp just closes it); an error after the response has started can only close the
connection; bytes that are not HTTP at all (e.g. TLS to a plain port) get the JSON 400 and a close.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator

import orjson
from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_server import Server

from shared.config import Settings

SERVER_NAME = "newsflow"


def _envelope(code: str, message: str, details: Any = None) -> bytes:
    return orjson.dumps({"error": {"code": code, "message": message, "details": details}})


class JsonErrorHandler(RequestHandler):
    """aiohttp's connection handler, with its own error answers (parser errors, 500s outside the app)
    in the JSON error envelope."""

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        resp = super().handle_error(request, status, exc, message)  # logs, refuses when output started
        if status == 500:
            body = _envelope("internal_error", "internal error")
        else:
            reason = getattr(exc, "message", None) or message or ""
            body = _envelope("bad_request", "malformed HTTP request", {"reason": str(reason)[:300]})
        out = web.Response(status=status, body=body, content_type="application/json",
                           headers={"Server": SERVER_NAME})
        out.force_close()
        del resp
        return out


class _Refuse(asyncio.Protocol):
    """A connection over the cap: one 503 answer, then closed."""

    BODY = _envelope("unavailable", "too many open connections, retry later")
    RESPONSE = (b"HTTP/1.1 503 Service Unavailable\r\nServer: " + SERVER_NAME.encode() +
                b"\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
                str(len(BODY)).encode() + b"\r\n\r\n" + BODY)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.RESPONSE)  # type: ignore[attr-defined]
        transport.close()


class HardenedServer(Server):
    """``aiohttp.web_server.Server`` that makes :class:`JsonErrorHandler` connections, at most
    ``max_connections`` of them."""

    max_connections: int = 1000

    def __call__(self) -> Any:  # the protocol factory handed to loop.create_server
        if len(self._connections) >= self.max_connections:
            return _Refuse()
        return JsonErrorHandler(self, loop=self._loop, **self._kwargs)


class HardenedRunner(web.AppRunner):
    def __init__(self, app: web.Application, settings: Settings, **kwargs: Any) -> None:
        kwargs.setdefault("access_log", None)
        super().__init__(app, keepalive_timeout=settings.http_header_timeout_seconds, **kwargs)
        self._max_connections = settings.http_max_connections

    async def _make_server(self) -> Server:
        server = await super()._make_server()
        server.__class__ = HardenedServer  # same state, our protocol factory
        server.max_connections = max(1, self._max_connections)  # type: ignore[attr-defined]
        return server


def app_runner(app: web.Application, settings: Settings | None = None) -> web.AppRunner:
    """The runner for ``app`` (its settings, unless given)."""
    return HardenedRunner(app, settings or _app_settings(app))


def _app_settings(app: web.Application) -> Settings:
    from .state import SETTINGS  # noqa: PLC0415

    return app[SETTINGS] if SETTINGS in app else Settings()


@contextlib.asynccontextmanager
async def read_deadline(request: web.Request) -> AsyncIterator[None]:
    """Bound reading a request body by ``NEWSFLOW_HTTP_BODY_TIMEOUT_SECONDS``: 408 (JSON) when it runs out."""
    from .errors import ApiError  # noqa: PLC0415
    from .state import SETTINGS  # noqa: PLC0415

    seconds = request.app[SETTINGS].http_body_timeout_seconds
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise ApiError(408, "request_timeout", f"the request body did not arrive within {seconds:g} s",
                       {"timeout_seconds": seconds}, {"Connection": "close"}) from None


async def _server_header(request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = SERVER_NAME


def setup(app: web.Application) -> None:
    app.on_response_prepare.append(_server_header)
