"""API keys on the HTTP API: the middleware that checks them, and the key-management routes.

A request carries its key as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Each route needs
one scope (:func:`required_scope`): ``submit`` to POST articles, ``read`` for GETs (``/v1/events``
included), ``admin`` for DELETE, retry, ``/v1/keys`` and every ``/v1/webhooks`` route. ``/`` (→ ``/docs``),
``/healthz``, ``/readyz``, ``/metrics``, ``/docs`` and ``/openapi.json`` stay open; so do unknown routes (they get their 404/405).

Missing or unknown/revoked key → 401, a key without the scope → 403, a key over its rate limit → 429
with ``Retry-After``. The check runs before the handler reads the body, so a refused write stores
nothing. A key revoked after that check (while the body was still arriving) is caught by the submit
script itself (``lua/submit.lua`` refuses a write whose key is revoked, in the same atomic step): 401 too.
Other admin writes (retry, DELETE, webhooks) are authorised at the check only. Whether keys are needed
at all is ``Settings.auth_required`` (``NEWSFLOW_AUTH``).
"""

from __future__ import annotations

import math
from typing import Any, Awaitable, Callable

import orjson
from aiohttp import web

from shared.store.apikeys import SCOPES, ApiKey, ApiKeyStore, InvalidScope

from .errors import ApiError, json_response
from .http import read_deadline
from .state import REDIS, SETTINGS

OPEN_ROUTES = frozenset({"/", "/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"})
SUBMIT_ROUTES = frozenset({"/v1/articles", "/v1/articles/batch"})
API_KEY = web.RequestKey("api_key", ApiKey)  # request[API_KEY]: the key of an authenticated request


def required_scope(method: str, route: str) -> str | None:
    """The scope a request needs (``route``: the canonical path of the matched resource), None if open."""
    if route in OPEN_ROUTES:
        return None
    if route.startswith(("/v1/keys", "/v1/webhooks")):  # webhooks (even listing them): their URLs, deliveries
        return "admin"
    if method == "POST" and route in SUBMIT_ROUTES:
        return "submit"
    if method in ("GET", "HEAD"):
        return "read"
    return "admin"


def presented_key(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = request.headers.get("X-API-Key", "").strip()
    return key or None


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, {"schemes": ["Bearer", "X-API-Key"]},
                    {"WWW-Authenticate": 'Bearer realm="newsflow"'})


@web.middleware
async def auth_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                          ) -> web.StreamResponse:
    info = request.match_info
    resource = getattr(getattr(info, "route", None), "resource", None)
    if resource is None or getattr(info, "http_exception", None) is not None:
        return await handler(request)  # 404 / 405
    scope = required_scope(request.method, resource.canonical)
    if scope is None:
        return await handler(request)
    key = presented_key(request)
    if key is None:
        raise unauthorized("an API key is required (Authorization: Bearer <key> or X-API-Key)")
    settings = request.app[SETTINGS]
    result = await ApiKeyStore(request.app[REDIS]).authenticate(key, settings.rate_limit_per_second,
                                                                settings.rate_limit_burst)
    if result.key is None:
        raise unauthorized("the API key is not valid (unknown or revoked)")
    if scope not in result.key.scopes:
        raise ApiError(403, "forbidden", f"the API key lacks the {scope!r} scope",
                       {"required_scope": scope, "key_scopes": list(result.key.scopes), "key_id": result.key.id})
    if not result.allowed:
        wait = max(1, math.ceil(result.retry_after))
        raise ApiError(429, "rate_limited", "too many requests for this API key, retry later",
                       {"key_id": result.key.id, "retry_after_seconds": wait}, {"Retry-After": str(wait)})
    request[API_KEY] = result.key
    return await handler(request)


# ------------------------------------------------------------------------------ /v1/keys (admin)

def _keys(request: web.Request) -> ApiKeyStore:
    return ApiKeyStore(request.app[REDIS])


async def list_keys(request: web.Request) -> web.Response:
    return json_response({"items": [k.to_dict() for k in await _keys(request).list()]})


async def create_key(request: web.Request) -> web.Response:
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the key as application/json",
                       {"accepted": ["application/json"]})
    try:
        async with read_deadline(request):
            raw = await request.read()
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "malformed_json", "the body is not valid JSON", {"reason": str(exc)}) from None
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"].strip() \
            or len(body["name"]) > 200 or not isinstance(body.get("scopes"), list):
        raise ApiError(422, "validation_error", 'expected {"name": "<text>", "scopes": ["submit", "read", …]}',
                       {"scopes": list(SCOPES)})
    try:
        record, key = await _keys(request).create(body["name"].strip(), [str(s) for s in body["scopes"]])
    except InvalidScope as exc:
        raise ApiError(422, "validation_error", str(exc), {"scopes": list(SCOPES)}) from None
    return json_response({**record.to_dict(), "key": key}, 201)


async def revoke_key(request: web.Request) -> web.Response:
    key_id = request.match_info["key_id"]
    if len(key_id) > 64 or not await _keys(request).revoke(key_id):
        raise ApiError(404, "not_found", f"no API key {key_id[:64]!r}")
    return web.Response(status=204)


def setup(app: web.Application) -> None:
    app.router.add_get("/v1/keys", list_keys)
    app.router.add_post("/v1/keys", create_key)
    app.router.add_delete("/v1/keys/{key_id}", revoke_key)


# ------------------------------------------------------------------------------ OpenAPI

def document(spec: dict[str, Any], keys: bool = True) -> dict[str, Any]:
    """Add the security schemes, each operation's scope, and the key routes to the OpenAPI ``spec``;
    ``keys=False`` (NEWSFLOW_AUTH=off) declares no security requirement: none is enforced."""
    err = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    spec.setdefault("components", {})["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <API key>"},
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    }
    key_obj = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                                "scopes": {"type": "array", "items": {"enum": list(SCOPES)}},
                                                "created_at": {"type": "string"}, "revoked": {"type": "boolean"}}}
    paths = spec.setdefault("paths", {})
    paths["/v1/keys"] = {
        "get": {"summary": "List API keys (never the keys themselves)", "operationId": "listKeys",
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"items": {"type": "array", "items": key_obj}}}}}}}},
        "post": {"summary": "Create an API key; the key is in this response only", "operationId": "createKey",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["name", "scopes"],
                     "properties": {"name": {"type": "string", "maxLength": 200, "pattern": "\\S"},
                                    "scopes": {"type": "array", "minItems": 1,
                                               "items": {"enum": list(SCOPES)}}}}}}},
                 "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {
                     **key_obj, "properties": {**key_obj["properties"], "key": {"type": "string"}}}}}},
                               "400": {**err, "description": "Malformed JSON"},
                               "415": {**err, "description": "Not application/json"},
                               "422": {**err, "description": "Bad name or scope"}}}}
    paths["/v1/keys/{key_id}"] = {"delete": {
        "summary": "Revoke an API key", "operationId": "revokeKey",
        "parameters": [{"name": "key_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "Revoked"}, "404": {**err, "description": "Unknown key id"}}}}
    for path, ops in paths.items():
        for method, op in ops.items():
            scope = required_scope(method.upper(), path)
            if scope is None or not keys:
                op["security"] = []
                continue
            op["security"] = [{"bearer": []}, {"apiKey": []}]
            op["description"] = (op.get("description", "") + f" Needs an API key with the `{scope}` scope "
                                 "(when NEWSFLOW_AUTH requires keys).").strip()
            op.setdefault("responses", {}).update({
                "401": {**err, "description": "Missing, unknown or revoked API key"},
                "403": {**err, "description": f"The key lacks the {scope} scope"},
            })
            op["responses"].setdefault("429", {**err, "description": "Rate limit of the key (see Retry-After)"})
    return spec
