"""Push: ``GET /v1/events`` (server-sent events from the capped ``nf:events`` stream) and webhook
subscriptions (``/v1/webhooks``). The API only reads the stream and stores subscriptions; the
workers deliver (``workers/webhooks.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any, Literal, Optional

import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.schemas import MAX_URL, URL_PATTERN
from shared.store import events as E

from .errors import REDIS_UNAVAILABLE, ApiError, client_gone, json_response
from .http import read_deadline
from .state import REDIS

log = logging.getLogger("newsflow.api")

EVENT_ID = re.compile(r"^\d{1,20}(-\d{1,20})?$")
BLOCK_MS = 5000  # one XREAD waits at most this long; a keep-alive comment follows an idle wait
# set when the app shuts down (aiohttp's on_shutdown, before it waits for running handlers): every open
# event stream ends at once instead of holding the shutdown for aiohttp's 60 s grace period and more
STOPPING = web.AppKey("events_stopping", asyncio.Event)


class WebhookIn(BaseModel):
    """A webhook subscription."""

    model_config = ConfigDict(extra="forbid", title="WebhookIn")

    url: str = Field(max_length=MAX_URL, pattern=URL_PATTERN, description="Receiver (http/https); gets a POST per event")
    events: list[Literal["article.done", "article.failed"]] = Field(
        default_factory=lambda: list(E.EVENT_TYPES), min_length=1, description="Event types to deliver")
    secret: Optional[str] = Field(None, min_length=8, max_length=256,
                                  description="Signing secret (default: generated, returned once on creation)")


# Response shapes, for /openapi.json only. Timestamps here are numbers, not ISO 8601 strings like the
# rest of the API (received_at, finished_at, an API key's created_at): each field says its unit.
EPOCH_MS = "integer milliseconds since the Unix epoch (UTC), e.g. 1796680286509; not an ISO 8601 string"
EPOCH_S = "seconds since the Unix epoch (UTC) as a number with millisecond decimals, e.g. 1796680286.509"


class Webhook(BaseModel):
    """A webhook subscription as answered (the secret only in the 201 of its creation)."""

    model_config = ConfigDict(extra="allow")

    id: str
    url: str
    events: list[str]
    created_at: int = Field(description=f"when it was created: {EPOCH_MS}")
    secret: Optional[str] = Field(None, description="only in the creation's response")


class WebhookList(BaseModel):
    items: list[Webhook]


class WebhookDelivery(BaseModel):
    """One delivery attempt of an event to a webhook."""

    model_config = ConfigDict(extra="allow")

    event_id: str = Field(description="the event's id (a Redis stream id `<ms since the epoch>-<sequence>`)")
    attempt: int
    url: str
    at: float = Field(description=f"when the attempt started: {EPOCH_S}")
    status_code: Optional[int] = Field(None, description="the receiver's HTTP status, if it answered")
    error: Optional[str] = Field(None, description="why no answer came (connection error, timeout)")
    duration_ms: float = Field(description="milliseconds the attempt took")
    ok: bool
    retry_in: Optional[float] = Field(None, description="seconds until the next attempt")
    gave_up: Optional[bool] = Field(None, description="no further attempt (the event is too old)")


class WebhookDeliveryList(BaseModel):
    items: list[WebhookDelivery]


class Event(BaseModel):
    """An event as ``GET /v1/events`` streams it (its ``data:`` line) and a webhook receives it (the body)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="unique, ordered; a Redis stream id `<ms since the epoch>-<sequence>` "
                                "(resume after it with `Last-Event-ID`)")
    type: Literal["article.done", "article.failed"]
    created: float = Field(description=f"when the status change happened: {EPOCH_S}")
    data: dict[str, Any] = Field(description="`{article: {id, status, source, url, title, external_id, "
                                             "published_at, language, entity_count, claim_count | error}}`")


def _hook_id(request: web.Request) -> str:
    return request.match_info["id"]


async def create_webhook(request: web.Request) -> web.Response:
    try:
        async with read_deadline(request):  # services/http.py: a slow body → 408
            raw = await request.read()
        body = WebhookIn.model_validate(orjson.loads(raw))
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "bad_json", f"malformed JSON: {exc}") from None
    except ValidationError as exc:
        details = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise ApiError(422, "validation_error", "invalid webhook", details) from None
    hook = await E.create_webhook(request.app[REDIS], body.url, list(dict.fromkeys(body.events)), body.secret)
    return json_response(hook, status=201, headers={"Location": f"/v1/webhooks/{hook['id']}"})


async def list_webhooks(request: web.Request) -> web.Response:
    return json_response({"items": [E.public(h) for h in await E.list_webhooks(request.app[REDIS])]})


async def get_webhook(request: web.Request) -> web.Response:
    hook = await E.get_webhook(request.app[REDIS], _hook_id(request))
    if hook is None:
        raise ApiError(404, "not_found", f"no webhook {_hook_id(request)}")
    return json_response(E.public(hook))


async def delete_webhook(request: web.Request) -> web.Response:
    if not await E.delete_webhook(request.app[REDIS], _hook_id(request)):
        raise ApiError(404, "not_found", f"no webhook {_hook_id(request)}")
    return web.Response(status=204)


async def webhook_deliveries(request: web.Request) -> web.Response:
    redis = request.app[REDIS]
    if await E.get_webhook(redis, _hook_id(request)) is None:
        raise ApiError(404, "not_found", f"no webhook {_hook_id(request)}")
    return json_response({"items": await E.deliveries(redis, _hook_id(request))})


def _filters(request: web.Request) -> tuple[set[str] | None, str | None, str | None]:
    q = request.query
    types = {t for t in q.get("type", "").split(",") if t} or None
    if types and not types <= set(E.EVENT_TYPES):
        raise ApiError(422, "validation_error", "unknown event type",
                       [{"field": "type", "message": f"one of {', '.join(E.EVENT_TYPES)}"}])
    after = request.headers.get("Last-Event-ID") or q.get("last_event_id") or None
    if after is not None and not EVENT_ID.match(after):
        raise ApiError(422, "validation_error", "bad event id",
                       [{"field": "Last-Event-ID", "message": "an event id (1700000000000-0)"}])
    source = q.get("source")
    return types, (source.casefold() if source else None), after


async def stream_events(request: web.Request) -> web.StreamResponse:
    """``text/event-stream``: every event after ``Last-Event-ID`` (header or ``?last_event_id=``;
    ``0`` = from the oldest kept; none = from now on), filtered by ``?type=`` and ``?source=``."""
    types, source, after = _filters(request)
    redis = request.app[REDIS]
    cursor = after or await E.last_event_id(redis)
    # before the 200: Redis away now is a plain 503 (Retry-After), not a stream that ends at once
    first = await E.first_event_id(redis) if after else None
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                       "X-Accel-Buffering": "no"})
    await resp.prepare(request)
    stopping = request.app[STOPPING]
    try:
        if first is not None and after not in ("0", "0-0") and _older(after, first):
            await resp.write(f": events before {first} are no longer kept\n\n".encode())
        await resp.write(b": connected\n\n")
        while True:
            entries = await _unless_stopping(E.read_events(redis, cursor, 200, BLOCK_MS), stopping)
            if entries is None:  # shutting down: end the stream; the client resumes after its last id
                # an id-only block first: the cursor (the last entry read, matched or not), so a client
                # whose filters matched nothing here still resumes from it, not from "now" (no data:
                # no event is dispatched, but EventSource and newsflow_client keep the id)
                return await _end(resp, cursor, "server shutting down")
            if not entries:
                await resp.write(b": keep-alive\n\n")
                continue
            chunks: list[bytes] = []
            for eid, fields in entries:
                cursor = eid
                etype = E.field(fields, "type")
                if (types and etype not in types) or (source is not None and E.field(fields, "source") != source):
                    continue
                data = orjson.dumps(E.entry_to_event(eid, fields)).decode()
                chunks.append(f"id: {eid}\nevent: {etype}\ndata: {data}\n\n".encode())
            if chunks:
                await resp.write(b"".join(chunks))
    except ConnectionResetError:  # aiohttp's ClientConnectionResetError on a write: the client went away
        if not client_gone(request):
            raise
        return resp  # a stream's usual end, not a failure (and nothing to do with Redis)
    except REDIS_UNAVAILABLE as exc:
        # Redis went away under an open stream: the 200 and its headers are sent, so no 503 now (the
        # error middleware's answer would be a second HTTP head inside the stream); end the stream,
        # the client reconnects with its Last-Event-ID (and gets the 503 while Redis is still down)
        log.warning("redis unavailable during an event stream: %s", exc)
        with contextlib.suppress(ConnectionResetError):
            await _end(resp, cursor, "redis unavailable")
        return resp


async def _end(resp: web.StreamResponse, cursor: str, why: str) -> web.StreamResponse:
    """End an open stream: an id-only block with the cursor (the last entry read, matched or not: a client
    whose filters matched nothing resumes from it, not from "now"), then why, as a comment."""
    await resp.write(f"id: {cursor}\n\n: {why}; reconnect with Last-Event-ID\n\n".encode())
    await resp.write_eof()
    return resp


async def _unless_stopping(read: Any, stopping: asyncio.Event) -> Any:
    """``await read``, or None (``read`` cancelled) as soon as ``stopping`` is set."""
    if stopping.is_set():
        read.close()
        return None
    task = asyncio.ensure_future(read)
    waiter = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait((task, waiter), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in (task, waiter):
            if not t.done():
                t.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
    if not task.done() or task.cancelled():
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None
    return task.result()


async def _on_shutdown(app: web.Application) -> None:
    app[STOPPING].set()


def _older(a: str, b: str) -> bool:
    def parts(x: str) -> tuple[int, int]:
        ms, _, seq = x.partition("-")
        return int(ms), int(seq or 0)
    return parts(a) < parts(b)


def openapi_paths() -> dict[str, Any]:
    """The routes above for ``/openapi.json``."""
    err = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    hook_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    def ok(name: str, description: str = "OK") -> dict[str, Any]:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    return {
        "/v1/events": {"get": {
            "summary": "Server-sent events: `article.done` and `article.failed`, resumable with `Last-Event-ID`",
            "description": "Each event has an `id` (resume after it with the `Last-Event-ID` header), an `event` "
                           "line (its type) and a JSON `data` line: the `Event` schema, `{id, type, created, data: {article}}` "
                           f"(`created`: {EPOCH_S}).",
            "operationId": "streamEvents",
            "parameters": [
                {"name": "type", "in": "query", "schema": {"type": "string"},
                 "description": "comma-separated event types (`article.done`, `article.failed`)"},
                {"name": "source", "in": "query", "schema": {"type": "string"}, "description": "article source"},
                {"name": "Last-Event-ID", "in": "header", "schema": {"type": "string"},
                 "description": "resume after this event (`0`: from the oldest kept)"}],
            "responses": {"200": {"description": "event stream",
                                  "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                          "422": err}}},
        "/v1/webhooks": {
            "post": {"summary": "Subscribe a URL to events (signed with `Newsflow-Signature`)",
                     "operationId": "createWebhook",
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": {"$ref": "#/components/schemas/WebhookIn"}}}},
                     "responses": {"201": ok("Webhook", "Created (with its secret)"), "400": err, "422": err}},
            "get": {"summary": "List webhooks (without secrets)", "operationId": "listWebhooks",
                    "responses": {"200": ok("WebhookList")}}},
        "/v1/webhooks/{id}": {
            "get": {"summary": "One webhook", "operationId": "getWebhook", "parameters": [hook_id],
                    "responses": {"200": ok("Webhook"), "404": err}},
            "delete": {"summary": "Unsubscribe", "operationId": "deleteWebhook", "parameters": [hook_id],
                       "responses": {"204": {"description": "Deleted"}, "404": err}}},
        "/v1/webhooks/{id}/deliveries": {
            "get": {"summary": "Delivery attempts, newest first", "operationId": "webhookDeliveries",
                    "parameters": [hook_id], "responses": {"200": ok("WebhookDeliveryList"), "404": err}}},
    }


def setup(app: web.Application) -> None:
    app[STOPPING] = asyncio.Event()
    app.on_shutdown.append(_on_shutdown)
    r = app.router
    r.add_get("/v1/events", stream_events)
    r.add_post("/v1/webhooks", create_webhook)
    r.add_get("/v1/webhooks", list_webhooks)
    r.add_get("/v1/webhooks/{id}", get_webhook)
    r.add_delete("/v1/webhooks/{id}", delete_webhook)
    r.add_get("/v1/webhooks/{id}/deliveries", webhook_deliveries)
