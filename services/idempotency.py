"""``Idempotency-Key`` on the intake endpoints, in the Stripe sense.

* The first request with a key runs and its response (2xx only: a refused request saves nothing,
  so it can be corrected and sent again under the same key) is kept for
  ``NEWSFLOW_IDEMPOTENCY_TTL_SECONDS`` (24 h) from that first request.
* The same key with the same request (method, path, query, content type, body) returns that
  response again, byte for byte, with ``Idempotent-Replayed: true``.
* The same key with a different request is a ``409 idempotency_key_reused``; while the first
  request is still running, the same key is a ``409 idempotency_key_in_use`` (retry later).

Keys are per API key: with API keys required, the record is ``nf:idem:<key id>:<sha256 of the key>``,
so two clients that happen to send the same ``Idempotency-Key`` never see each other's response (nor a
409 for the other's request). Without API keys (``NEWSFLOW_AUTH`` off or loopback) it is
``nf:idem:<sha256 of the key>``, as before. The record is claimed with ``SET NX EX`` before the handler
runs (so two concurrent requests never both run), completed with ``SET XX KEEPTTL``.
"""

from __future__ import annotations

import hashlib
from typing import Awaitable, Callable

import orjson
from aiohttp import web

from shared import keys as K

from .auth import API_KEY
from .errors import ApiError
from .state import REDIS, SETTINGS

HEADER = "Idempotency-Key"
BODY = web.RequestKey("newsflow_body", bytes)  # the body, once read (services.intake.read_body returns it)
MAX_KEY = 255

Handler = Callable[[web.Request], Awaitable[web.Response]]


def request_hash(request: web.Request, body: bytes) -> str:
    h = hashlib.sha256()
    for part in (request.method, request.path, request.query_string, request.content_type):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    h.update(body)
    return h.hexdigest()


def record_key(request: web.Request, key: str) -> str:
    """The Redis key of ``key``'s record: scoped by the authenticated API key's id, if there is one."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    api_key = request.get(API_KEY)
    return K.idempotency(digest, api_key.id if api_key is not None else None)


def idempotent(read: Callable[[web.Request], Awaitable[bytes]]) -> Callable[[Handler], Handler]:
    """Wrap an intake handler; ``read(request)`` reads the body with the handler's own limits."""

    def wrap(handler: Handler) -> Handler:
        async def run(request: web.Request) -> web.Response:
            key = request.headers.get(HEADER)
            if key is None:
                return await handler(request)
            if not 1 <= len(key) <= MAX_KEY:
                raise ApiError(400, "invalid_idempotency_key", f"{HEADER} must be 1..{MAX_KEY} characters")
            body = await read(request)
            request[BODY] = body
            digest = request_hash(request, body)
            redis = request.app[REDIS]
            rkey = record_key(request, key)
            ttl = request.app[SETTINGS].idempotency_ttl_seconds
            if not await redis.set(rkey, orjson.dumps({"request": digest}), nx=True, ex=ttl):
                raw = await redis.get(rkey)
                record = orjson.loads(raw) if raw else {}
                if record.get("request") != digest:
                    raise ApiError(409, "idempotency_key_reused",
                                   f"this {HEADER} was used with a different request", {"key": key})
                if "status" not in record:
                    raise ApiError(409, "idempotency_key_in_use",
                                   f"a request with this {HEADER} is still being processed; retry later",
                                   {"key": key})
                return web.Response(body=record["body"].encode(), status=record["status"],
                                    content_type="application/json", headers={"Idempotent-Replayed": "true"})
            try:
                response = await handler(request)
            except BaseException:
                await redis.delete(rkey)
                raise
            if 200 <= response.status < 300 and isinstance(response.body, bytes):
                await redis.set(rkey, orjson.dumps({"request": digest, "status": response.status,
                                                    "body": response.body.decode()}), xx=True, keepttl=True)
            else:
                await redis.delete(rkey)
            return response

        return run

    return wrap
