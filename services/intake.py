"""Intake: ``POST /v1/articles`` and ``POST /v1/articles/batch``.

The hot path is: check the content type and size, read the body, ``orjson.loads``, validate
(pydantic-core, ~3 µs), then ONE ``EVALSHA`` that dedupes, stores and enqueues atomically.

``POST /v1/articles`` also takes a raw page: ``Content-Type: text/html`` (the body becomes the
article's ``html``) or ``text/plain`` (its ``text``), with ``url``, ``source``, ``title``,
``external_id``, ``published_at`` and ``language`` as query parameters. The bytes are decoded
by :mod:`shared.charset` (header charset, ``<meta charset>``, detection) before anything else;
the article is then validated exactly like a JSON one (same 413/415/422 rules).
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from shared.charset import codec_for, decode_html, decode_text
from shared.jsonscan import ArticleScan, parse_exact
from shared.schemas import PageQuery, validate_article
from shared.store import DocumentStore, SubmitResult

from .auth import API_KEY, unauthorized
from .errors import ApiError, json_response
from .http import read_deadline
from .idempotency import BODY, idempotent
from .state import SETTINGS, STORE

JSON_TYPES = frozenset({"application/json"})
NDJSON_TYPES = frozenset({"application/x-ndjson", "application/ndjson", "application/jsonl",
                          "application/x-jsonlines", "application/jsonlines"})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
QUERY_FIELDS = frozenset(PageQuery.model_fields)


def _check_content_type(request: web.Request, allowed: frozenset[str], also: frozenset[str] = frozenset()) -> str:
    ctype = request.content_type
    if ctype not in allowed:
        raise ApiError(415, "unsupported_media_type", f"content type {ctype!r} is not accepted",
                       {"accepted": sorted(allowed | also)})
    charset = request.charset
    if charset and charset.lower().replace("-", "").replace("_", "") != "utf8":
        raise ApiError(415, "unsupported_media_type", f"charset {charset!r} is not accepted; send UTF-8",
                       {"accepted": ["utf-8"]})
    return ctype


async def read_body(request: web.Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes (by Content-Length and by what arrives)."""
    if BODY in request:  # already read (Idempotency-Key)
        return request[BODY]
    length = request.content_length
    if length is not None and length > limit:
        raise ApiError(413, "payload_too_large", f"body of {length} bytes exceeds the limit of {limit} bytes",
                       {"limit_bytes": limit, "content_length": length})
    content = request.content
    if content.is_eof():  # the whole body has arrived (usual for an article): take it at once
        body = content.read_nowait(-1)
        if len(body) > limit:
            raise _over_limit(limit)
    else:
        async with read_deadline(request):  # a body trickled in slowly: 408 (services/http.py)
            chunks = await _read_chunks(content, limit)
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if not body:
        raise ApiError(400, "empty_body", "the request body is empty")
    return body[3:] if body[:3] == b"\xef\xbb\xbf" else body  # tolerate a UTF-8 byte-order mark


async def _read_chunks(content: Any, limit: int) -> list[bytes]:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await content.readany()
        if not chunk:
            return chunks
        size += len(chunk)
        if size > limit:
            raise _over_limit(limit)
        chunks.append(chunk)


def _over_limit(limit: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"body exceeds the limit of {limit} bytes", {"limit_bytes": limit})


# orjson's wording for the commonest slips, said the way a user would understand them
_JSON_HINTS = (
    ("invalid literal", "unexpected word; a JSON value is an object {…}, an array […], a \"string\" in double "
                        "quotes, a number, true, false or null"),
    ("zero-length", "it is empty"),
    ("unexpected end of data", "it ends too early: an unclosed {, [ or string?"),
    ("unexpected content after document", "more text follows the first JSON value; send several articles as a "
                                          "JSON array, or as NDJSON: one per line"),
    ("depth limit", "nested too deeply"),
)


def _parse_error(exc: Exception, where: str = "body", line: int | None = None, data: bytes = b"") -> ApiError:
    """A 400 for bytes that are not JSON (or not UTF-8). The message says where and what in plain words
    (``line 3: not valid JSON at column 1 (…)`` for an NDJSON line, ``the body is not valid JSON at
    line 1, column 5 (…)`` for a body); ``details`` keeps orjson's text as ``reason``, with ``line`` (the
    NDJSON line, or the line in the body) and ``column`` (1-based), or for UTF-8 ``byte_offset``."""
    msg = str(exc)
    text = getattr(exc, "msg", msg)  # orjson's text without its position (given as line and column)
    details: dict[str, Any] = {"reason": text}
    if line is not None:
        details["line"] = line
    head = f"line {line}:" if line is not None else f"the {where} is"
    if "utf-8" in msg.lower() or "surrogate" in msg.lower():
        at = ""
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            details["byte_offset"] = bad.start
            at = f" at byte {bad.start + 1}"
        return ApiError(400, "invalid_utf8", f"{head} not valid UTF-8{at}", details)
    hint = next((h for key, h in _JSON_HINTS if key in text.lower()), text)
    where_at = ""
    if isinstance(exc, orjson.JSONDecodeError) and exc.colno:
        details["column"] = exc.colno
        if line is None:
            details["line"] = exc.lineno
            where_at = f" at line {exc.lineno}, column {exc.colno}"
        else:
            where_at = f" at column {exc.colno}"
    if "zero-length" in text.lower():
        where_at = ""
    return ApiError(400, "malformed_json", f"{head} not valid JSON{where_at} ({hint})", details)


def links(doc_id: str) -> dict[str, str]:
    return {"status": f"/v1/articles/{doc_id}/status", "document": f"/v1/articles/{doc_id}"}


def _key_id(request: web.Request) -> str | None:
    """The id of the API key the request was authenticated with (None: keys not required)."""
    key = request.get(API_KEY)
    return key.id if key is not None else None


REVOKED = "the API key was revoked while the request was being received"
QUEUE_FULL = "the processing queue is full, retry later"


def _rejected(index: int, code: str, message: str, details: Any) -> dict[str, Any]:
    """A batch item's ``rejected`` result, with its error as a single request's error body has it."""
    return {"index": index, "result": "rejected", "error": {"code": code, "message": message, "details": details}}


def _queue_full(request: web.Request) -> ApiError:
    settings = request.app[SETTINGS]
    return ApiError(429, "queue_full", QUEUE_FULL,
                    {"max_depth": settings.queue_max_depth},
                    {"Retry-After": str(settings.retry_after_seconds)})


async def _page_article(request: web.Request, ctype: str, limit: int) -> dict[str, Any]:
    """The article of a raw ``text/html`` / ``text/plain`` post: the decoded body plus the query."""
    charset = request.charset
    if charset and codec_for(charset) is None:
        raise ApiError(415, "unsupported_media_type", f"charset {charset!r} is not known",
                       {"charset": charset})
    unknown = sorted(set(request.query) - QUERY_FIELDS)
    repeated = sorted(k for k in set(request.query) if len(request.query.getall(k)) > 1)
    if unknown or repeated:
        raise ApiError(422, "validation_error", "the query parameters do not match the schema",
                       [{"loc": ["query", k], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
                        for k in unknown] +
                       [{"loc": ["query", k], "msg": "given more than once", "type": "repeated"} for k in repeated])
    body = await read_body(request, limit)
    text = decode_text(body, charset)[0] if ctype == "text/plain" else decode_html(body, charset)[0]
    return {**{k: v for k, v in request.query.items()}, ("text" if ctype == "text/plain" else "html"): text}


async def _article_body(request: web.Request) -> bytes:
    return await read_body(request, request.app[SETTINGS].max_article_bytes)


async def _batch_body(request: web.Request) -> bytes:
    return await read_body(request, request.app[SETTINGS].max_batch_bytes)


@idempotent(_article_body)
async def post_article(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if request.content_type in PAGE_TYPES:
        obj: Any = await _page_article(request, request.content_type, settings.max_article_bytes)
        scan = None  # validate_article walks it (a few strings)
    else:
        _check_content_type(request, JSON_TYPES, PAGE_TYPES)
        body = await read_body(request, settings.max_article_bytes)
        try:
            obj, scan = parse_exact(body)
        except orjson.JSONDecodeError as exc:
            raise _parse_error(exc, data=body) from None
    article, errors = validate_article(obj, scan=scan)
    if errors:
        raise ApiError(422, "validation_error", "the article does not match the schema", errors)
    store: DocumentStore = request.app[STORE]
    result = await store.submit(article, _key_id(request))
    if result.key_revoked:
        raise unauthorized(REVOKED)
    if result.queue_full:
        raise _queue_full(request)
    return json_response({"id": result.id, "status": result.status, "duplicate": result.duplicate,
                          "revision": result.revision, "links": links(result.id)}, 200 if result.duplicate else 202)


def _too_large(size: int, limit: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"article of {size} bytes exceeds the limit of {limit} bytes",
                    {"limit_bytes": limit, "size_bytes": size})


Item = tuple[Any, ArticleScan | None, ApiError | None]  # (article object, its scan, or the error)


def _batch_items(body: bytes, ctype: str, item_limit: int) -> list[Item]:
    """Parse a batch into (article object, scan, error) items in input order. Each article is held to
    the same byte limit as a single POST (measured as its line, or its compact JSON in an array)."""
    if ctype in JSON_TYPES:
        try:
            data, scans = parse_exact(body, batch=True)
        except orjson.JSONDecodeError as exc:
            raise _parse_error(exc, data=body) from None
        if not isinstance(data, list):
            raise ApiError(422, "validation_error", "a JSON batch must be an array of articles",
                           [{"loc": [], "msg": "Input should be a valid array", "type": "list_type"}])
        if len(body) <= item_limit:  # no item can be over the limit
            return [(item, scan, None) for item, scan in zip(data, scans)]
        out: list[Item] = []
        for item, scan in zip(data, scans):
            try:
                size = len(orjson.dumps(item))
            except (TypeError, orjson.JSONEncodeError):  # too deep or a 64-bit overflow: validation says which
                size = 0
            out.append((None, None, _too_large(size, item_limit)) if size > item_limit else (item, scan, None))
        return out
    items: list[Item] = []
    for lineno, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        if len(line) > item_limit:
            items.append((None, None, _too_large(len(line), item_limit)))
            continue
        try:
            items.append((*parse_exact(line), None))
        except orjson.JSONDecodeError as exc:
            items.append((None, None, _parse_error(exc, "line", lineno, line)))
    return items


@idempotent(_batch_body)
async def post_batch(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    ctype = _check_content_type(request, JSON_TYPES | NDJSON_TYPES)
    body = await read_body(request, settings.max_batch_bytes)
    items = _batch_items(body, ctype, settings.max_article_bytes)
    if not items:
        raise ApiError(422, "validation_error", "the batch is empty",
                       [{"loc": [], "msg": "at least one article is required", "type": "too_short"}])
    if len(items) > settings.batch_max_items:
        raise ApiError(413, "too_many_items", f"a batch holds at most {settings.batch_max_items} articles",
                       {"limit_items": settings.batch_max_items, "items": len(items)})
    results: list[dict[str, Any] | None] = [None] * len(items)
    valid: list[tuple[int, dict[str, Any]]] = []
    for i, (obj, scan, perr) in enumerate(items):
        if perr is not None:
            results[i] = _rejected(i, perr.code, perr.message, perr.details)
            continue
        article, errors = validate_article(obj, (i,), scan)
        if errors:
            results[i] = _rejected(i, "validation_error", "the article does not match the schema", errors)
        else:
            valid.append((i, article))
    # a batch may carry the same article twice: submit_many handles it (the second is a duplicate)
    submitted: list[SubmitResult] = (await request.app[STORE].submit_many([a for _, a in valid], _key_id(request))
                                     if valid else [])
    if submitted and all(res.key_revoked for res in submitted):
        raise unauthorized(REVOKED)  # nothing stored
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
    queue_full = 0
    for (i, _), res in zip(valid, submitted):
        if res.key_revoked:  # revoked while the batch's scripts ran: the items before it are in
            results[i] = _rejected(i, "unauthorized", REVOKED, {})
        elif res.queue_full:
            queue_full += 1
            results[i] = _rejected(i, "queue_full", QUEUE_FULL, {"max_depth": settings.queue_max_depth})
        else:
            results[i] = {"index": i, "result": "duplicate" if res.duplicate else "accepted", "id": res.id,
                          "status": res.status, "revision": res.revision, "links": links(res.id)}
    for r in results:
        counts[r["result"]] += 1  # type: ignore[index]
    payload = {"items": results, "accepted": counts["accepted"], "duplicates": counts["duplicate"],
               "rejected": counts["rejected"]}
    if queue_full and queue_full == len(items):
        raise ApiError(429, "queue_full", QUEUE_FULL, payload,
                       {"Retry-After": str(settings.retry_after_seconds)})
    headers = {"Retry-After": str(settings.retry_after_seconds)} if queue_full else None
    return json_response(payload, 202 if counts["accepted"] else 200, headers)


def setup(app: web.Application) -> None:
    app.router.add_post("/v1/articles", post_article)
    app.router.add_post("/v1/articles/batch", post_batch)
