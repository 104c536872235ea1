"""The one error middleware: every failure becomes ``{"error": {"code", "message", "details"}}``.

Handlers raise :class:`ApiError` (or let aiohttp raise its HTTP exceptions: 404/405 from the
router). Redis connection failures become 503; anything unexpected becomes a JSON 500 without a
traceback (logged server-side). The middleware also records per-route request counts and latency
for ``/metrics`` (one middleware keeps the hot path short).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable

import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError
from redis.exceptions import BusyLoadingError, ConnectionError as RedisConnectionError, ResponseError
from redis.exceptions import OutOfMemoryError, ReadOnlyError, TimeoutError as RedisTimeoutError

from .state import HTTP_METRICS

# Redis away (connection refused or lost, timed out, still loading its data): a 503, or an event stream's end
REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, BusyLoadingError)

log = logging.getLogger("newsflow.api")

JSON = "application/json"

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "queue_full",
    431: "headers_too_large",
    500: "internal_error",
    503: "unavailable",
}


# Redis error replies that mean "not now" rather than "bug" (redis-py strips the leading "-")
_UNAVAILABLE_REPLIES = ("OOM", "READONLY", "MISCONF", "LOADING", "MASTERDOWN", "NOREPLICAS", "BUSY", "TRYAGAIN",
                        "CLUSTERDOWN")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details, self.headers = status, code, message, details, headers


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type=JSON, headers=headers)


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> web.Response:
    return json_response({"error": {"code": code, "message": message, "details": details}}, status, headers)


def client_gone(request: web.Request) -> bool:
    """The client's connection is closed or closing (a write to it raises ``ClientConnectionResetError``)."""
    transport = request.transport
    return transport is None or transport.is_closing()


def _route_name(request: web.Request) -> str:
    info = request.match_info
    route = getattr(info, "route", None)
    resource = getattr(route, "resource", None) if route is not None else None
    if resource is None or getattr(info, "http_exception", None) is not None:
        return "unmatched"
    return resource.canonical


@web.middleware
async def error_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    start = time.perf_counter()
    try:
        response = await handler(request)
    except ApiError as exc:
        response = error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}
        details = None
        if exc.status == 405:
            details = {"allowed": sorted(exc.headers.get("Allow", "").split(",")) if exc.headers.get("Allow") else []}
        message = exc.reason if exc.status != 404 else f"no route for {request.method} {request.path}"
        response = error_response(exc.status, _STATUS_CODES.get(exc.status, "http_error"), message, details, headers)
    except (HttpProcessingError, RequestPayloadError) as exc:  # broken body: bad chunking, corrupt gzip, …
        reason = getattr(exc, "message", None) or str(exc).strip()
        response = error_response(400, "bad_request", "malformed HTTP request body", {"reason": reason})
    except (*REDIS_UNAVAILABLE, ConnectionError, OSError) as exc:
        if isinstance(exc, ConnectionResetError) and client_gone(request):
            # a write to a client that went away (aiohttp's ClientConnectionResetError), not Redis:
            # aiohttp drops the connection quietly; there is nobody to answer
            log.debug("client went away during %s %s: %s", request.method, request.path, exc)
            raise
        log.warning("redis unavailable: %s", exc)
        response = error_response(503, "unavailable", "storage is unavailable, try again later",
                                  None, {"Retry-After": "5"})
    except ResponseError as exc:
        if not isinstance(exc, (OutOfMemoryError, ReadOnlyError)) and not str(exc).startswith(_UNAVAILABLE_REPLIES):
            log.exception("redis error on %s %s", request.method, request.path)
            response = error_response(500, "internal_error", "internal error")
        else:  # out of memory (noeviction), read-only replica, persistence failing: retry later
            log.warning("redis refused a write: %s", exc)
            response = error_response(503, "unavailable", "storage cannot accept writes now, try again later",
                                      {"reason": type(exc).__name__}, {"Retry-After": "30"})
    except Exception:  # noqa: BLE001 - never a traceback to the client
        log.exception("unhandled error on %s %s", request.method, request.path)
        response = error_response(500, "internal_error", "internal error")
    metrics = request.app.get(HTTP_METRICS)
    if metrics is not None:
        metrics.observe(request.method, _route_name(request), response.status, time.perf_counter() - start)
    return response
