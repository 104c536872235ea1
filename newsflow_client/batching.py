"""The pure part of submitting: encoding articles, splitting them into batches the API accepts,
and turning the API's answers into one :class:`SubmitResult` per article, in input order."""

from __future__ import annotations

import json
from typing import Any, Sequence

from .models import Response, SubmitResult

MAX_ITEMS = 1000  # the API's default NEWSFLOW_BATCH_MAX_ITEMS
MAX_BYTES = 32 * 1024 * 1024  # the API's default NEWSFLOW_MAX_BATCH_BYTES


def encode(article: Any) -> bytes:
    """Compact UTF-8 JSON (``\\u`` escapes only where a string is not valid Unicode)."""
    try:
        return json.dumps(article, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:  # lone surrogates: escaped, the API decides
        return json.dumps(article, separators=(",", ":")).encode()


def batch_body(encoded: Sequence[bytes]) -> bytes:
    """A JSON array of already-encoded articles."""
    return b"[" + b",".join(encoded) + b"]"


def plan_batches(sizes: Sequence[int], max_items: int = MAX_ITEMS, max_bytes: int = MAX_BYTES) -> list[range]:
    """Consecutive index ranges covering ``len(sizes)`` articles (``sizes``: their encoded lengths),
    each of at most ``max_items`` articles whose JSON array is at most ``max_bytes`` long. An
    article too large for any batch goes alone (the API then rejects it; nothing else with it)."""
    if max_items < 1:
        raise ValueError("max_items must be at least 1")
    out: list[range] = []
    start, used = 0, 2  # "[" + "]"
    for i, size in enumerate(sizes):
        extra = size + (1 if i > start else 0)  # the comma
        if i > start and (i - start >= max_items or used + extra > max_bytes):
            out.append(range(start, i))
            start, used, extra = i, 2, size
        used += extra
    if len(sizes) > start:
        out.append(range(start, len(sizes)))
    return out


def single_result(resp: Response) -> SubmitResult:
    """``POST /v1/articles``: 202 accepted, 200 duplicate, anything else rejected."""
    body = resp.body if isinstance(resp.body, dict) else {}
    if resp.http_status in (200, 202) and body.get("id"):
        return SubmitResult(0, "duplicate" if body.get("duplicate") else "accepted", id=body["id"],
                            status=body.get("status"), http_status=resp.http_status)
    return SubmitResult(0, "rejected", error=body.get("error"), http_status=resp.http_status,
                        retry_after=resp.retry_after)


def batch_results(resp: Response, start: int, count: int) -> list[SubmitResult]:
    """``POST /v1/articles/batch`` of ``count`` articles that start at ``start`` in the input: the
    API's per-item results (a 429 carries them in ``error.details``); when the whole request failed,
    every article is rejected with the request's error."""
    body = resp.body
    if resp.http_status == 429 and isinstance(body, dict):  # every item refused: the queue is full
        body = (body.get("error") or {}).get("details") or body
    if resp.http_status not in (200, 202, 429) or not isinstance(body, dict) or "items" not in body:
        err = resp.body.get("error") if isinstance(resp.body, dict) else None
        return [SubmitResult(start + i, "rejected", error=err, http_status=resp.http_status,
                             retry_after=resp.retry_after) for i in range(count)]
    return [SubmitResult(start + int(item.get("index", 0)), item["result"], id=item.get("id"),
                         status=item.get("status"), error=item.get("error"), http_status=resp.http_status,
                         retry_after=resp.retry_after)
            for item in body["items"]]
