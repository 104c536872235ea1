"""Events (``article.done`` / ``article.failed``) and webhook subscriptions.

Events live in a capped Redis Stream (``nf:events``). The entry is added by the same Lua script
that saves the document (``save_document.lua``) or marks the article failed (``set_status.lua``):
the status change and its event are one atomic step, so no event is lost or invented. The entry
id is the event id (unique, ordered: ``Last-Event-ID`` resumes after it). Entry fields: ``type``,
``source`` (case-folded, for filtering) and ``data`` (the JSON object sent to consumers without
its id: ``{"type", "created", "data": {"article": {...}}}``).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import orjson

from .. import keys as K

EVENT_TYPES = ("article.done", "article.failed")
ARTICLE_FIELDS = ("source", "url", "title", "external_id", "published_at")
LOG_LENGTH = 1000  # delivery attempts kept per webhook


def event_arg(event_type: str, article: dict[str, Any], max_len: int, now: float | None = None) -> dict[str, Any]:
    """The ``event`` argument of the save / set-status scripts (``XADD key MAXLEN ~ max_len * fields``)."""
    body = {"type": event_type, "created": round(time.time() if now is None else now, 3),
            "data": {"article": {k: v for k, v in article.items() if v not in (None, "")}}}
    source = str(article.get("source") or "").casefold()
    return {"key": K.EVENTS, "max_len": str(max_len),
            "fields": ["type", event_type, "source", source, "data", orjson.dumps(body, default=str).decode()]}


def done_article(doc: dict[str, Any], language: str | None) -> dict[str, Any]:
    art = {"id": doc["id"], "status": "done", **{k: doc.get(k) for k in ARTICLE_FIELDS}}
    art.update(language=language, entity_count=len(doc.get("entities") or []),
               claim_count=len(doc.get("claims") or []))
    return art


def failed_article(doc_id: str, meta: Any, error: dict[str, Any]) -> dict[str, Any]:
    meta = orjson.loads(meta) if meta else {}
    return {"id": doc_id, "status": "failed", **{k: meta.get(k) for k in ARTICLE_FIELDS}, "error": error}


def entry_to_event(entry_id: Any, fields: dict[Any, Any]) -> dict[str, Any]:
    """A stream entry as the JSON object consumers get (``id`` first)."""
    raw = fields.get(b"data") or fields.get("data") or b"{}"
    eid = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
    return {"id": eid, **orjson.loads(raw)}


def field(fields: dict[Any, Any], name: str) -> str:
    v = fields.get(name.encode(), fields.get(name, b""))
    return v.decode() if isinstance(v, bytes) else str(v)


async def read_events(redis: Any, after: str, count: int = 100, block_ms: int | None = None) -> list[tuple[str, dict]]:
    """Entries after ``after`` (``0`` = from the oldest kept), up to ``count``; waits up to ``block_ms``."""
    reply = await redis.xread({K.EVENTS: after}, count=count, block=block_ms)
    out: list[tuple[str, dict]] = []
    for _stream, entries in reply or []:
        for eid, fields in entries:
            out.append((eid.decode() if isinstance(eid, bytes) else eid, fields))
    return out


async def last_event_id(redis: Any) -> str:
    """The newest entry's id (``0-0`` when the stream is empty)."""
    entries = await redis.xrevrange(K.EVENTS, count=1)
    if not entries:
        return "0-0"
    eid = entries[0][0]
    return eid.decode() if isinstance(eid, bytes) else eid


async def first_event_id(redis: Any) -> str | None:
    entries = await redis.xrange(K.EVENTS, count=1)
    if not entries:
        return None
    eid = entries[0][0]
    return eid.decode() if isinstance(eid, bytes) else eid


# ---------------------------------------------------------------------------------- webhooks

async def create_webhook(redis: Any, url: str, events: list[str], secret: str | None) -> dict[str, Any]:
    now_ms = int(time.time() * 1000)
    hook = {"id": "wh_" + secrets.token_hex(8), "url": url, "events": events,
            "secret": secret or "whsec_" + secrets.token_hex(24), "created_at": now_ms}
    await redis.hset(K.WEBHOOKS, hook["id"], orjson.dumps(hook))
    return hook


async def list_webhooks(redis: Any) -> list[dict[str, Any]]:
    raw = await redis.hgetall(K.WEBHOOKS)
    hooks = [orjson.loads(v) for v in raw.values()]
    return sorted(hooks, key=lambda h: (h["created_at"], h["id"]))


async def get_webhook(redis: Any, hook_id: str) -> dict[str, Any] | None:
    raw = await redis.hget(K.WEBHOOKS, hook_id)
    return orjson.loads(raw) if raw else None


async def delete_webhook(redis: Any, hook_id: str) -> bool:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hdel(K.WEBHOOKS, hook_id)
        pipe.delete(K.webhook_log(hook_id))
        removed, _ = await pipe.execute()
    return bool(removed)


def public(hook: dict[str, Any]) -> dict[str, Any]:
    """A subscription as listed (the secret is shown only when created)."""
    return {k: v for k, v in hook.items() if k != "secret"}


async def log_delivery(redis: Any, hook_id: str, attempt: dict[str, Any]) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.lpush(K.webhook_log(hook_id), orjson.dumps(attempt))
        pipe.ltrim(K.webhook_log(hook_id), 0, LOG_LENGTH - 1)
        await pipe.execute()


async def deliveries(redis: Any, hook_id: str, limit: int = 100) -> list[dict[str, Any]]:
    return [orjson.loads(v) for v in await redis.lrange(K.webhook_log(hook_id), 0, limit - 1)]
