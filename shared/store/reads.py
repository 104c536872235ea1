"""Reads: articles, statuses and documents by id, and paging newest first through the indexes
(intersections of zsets scored by received time, with opaque cursors)."""

from __future__ import annotations

import base64
from collections import deque
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Sequence

import orjson

from .. import keys as K
from .base import StoreBase
from .scripts import as_str as _s


def to_score(value: datetime | str | float | int | None) -> float | None:
    """A datetime (or ISO string, or epoch seconds) as an index score (µs since the epoch)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value) * 1e6
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp() * 1e6


class InvalidCursor(ValueError):
    pass


def encode_cursor(score: float, member: str) -> str:
    raw = f"{int(score)}|{member}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        score, member = raw.split("|", 1)
        return float(int(score)), member
    except Exception as exc:  # noqa: BLE001 - any garbage is just an invalid cursor
        raise InvalidCursor("invalid cursor") from exc


class ReadsMixin(StoreBase):
    """Needs ``_entity_groups`` (:class:`shared.store.search.SearchMixin`) for the entity filter."""

    async def get_article(self, doc_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(K.article(doc_id))
        return orjson.loads(raw) if raw else None

    @staticmethod
    def _status_view(doc_id: str, h: dict[Any, Any]) -> dict[str, Any]:
        h = {_s(k): _s(v) for k, v in h.items()}
        out: dict[str, Any] = {
            "id": doc_id,
            "status": h.get("status"),
            "attempts": int(h.get("attempts") or 0),
            "received_at": h.get("received_at"),
        }
        for name in ("started_at", "finished_at", "retry_at"):
            if h.get(name):
                out[name] = h[name]
        if h.get("revision"):
            out["revision"] = int(h["revision"])
        for name in ("processing_ms", "wait_ms"):  # wait_ms: absent from documents saved before it existed
            if h.get(name):
                out[name] = float(h[name])
        for name in ("error", "last_error"):
            if h.get(name):
                out[name] = orjson.loads(h[name])
        return out

    async def get_status(self, doc_id: str) -> dict[str, Any] | None:
        h = await self.redis.hgetall(K.status(doc_id))
        return self._status_view(doc_id, h) if h else None

    async def get_document(self, doc_id: str) -> dict[str, Any] | None:
        """The stored document with its status fields; before ``done``, the status and the article's
        metadata without any analysis."""
        from .identity import extras, queue_extras

        pipe = self.redis.pipeline(transaction=True)  # one snapshot: never two revisions mixed
        pipe.get(K.document(doc_id))
        pipe.hgetall(K.status(doc_id))
        queue_extras(pipe, doc_id)
        raw, h, *rest = await pipe.execute()
        if not h and not raw:
            return None
        ext = extras(rest)
        st = self._status_view(doc_id, h) if h else {"id": doc_id, "status": "done", "attempts": 0, "received_at": None}
        if raw:
            doc = orjson.loads(raw)
        else:
            article = await self.get_article(doc_id) or {}
            doc = {"id": doc_id}
            for name in ("external_id", "url", "title", "source", "published_at"):
                doc[name] = article.get(name)
            doc["metadata"] = article.get("metadata") or {}
            doc["language_hint"] = article.get("language")
        doc.update({k: v for k, v in st.items() if k not in ("id", "revision")})
        latest, doc_rev = ext.pop("_latest"), ext.pop("_doc_revision")
        doc.update(ext)
        doc["revision"] = doc.get("revision") or doc_rev or latest or 1
        if raw and latest and latest > doc["revision"]:
            doc["pending_revision"] = latest  # being processed; this is the previous revision's analysis
        return doc

    async def exists(self, doc_id: str) -> bool:
        return bool(await self.redis.exists(K.status(doc_id)))

    async def _newest_first(self, keys: Sequence[str], hi: float | str, lo: float | str,
                            batch: int) -> AsyncIterator[tuple[str, float]]:
        """Members of the union of the zsets ``keys`` with scores in [lo, hi], newest first (score, then
        member, descending: the order ZREVRANGEBYSCORE gives one zset), each member once."""
        bufs: dict[str, deque[tuple[str, float]]] = {k: deque() for k in keys}
        offsets = dict.fromkeys(keys, 0)
        open_keys = set(keys)
        while True:
            empty = [k for k in keys if not bufs[k] and k in open_keys]
            if empty:
                pipe = self.redis.pipeline(transaction=False)
                for k in empty:
                    pipe.zrevrangebyscore(k, hi, lo, start=offsets[k], num=batch, withscores=True)
                for k, rows in zip(empty, await pipe.execute()):
                    offsets[k] += len(rows)
                    if len(rows) < batch:
                        open_keys.discard(k)
                    bufs[k].extend((_s(m), float(sc)) for m, sc in rows)
            heads = [bufs[k][0] for k in keys if bufs[k]]
            if not heads:
                return
            best = max(heads, key=lambda r: (r[1], r[0]))
            for k in keys:
                if bufs[k] and bufs[k][0] == best:
                    bufs[k].popleft()
            yield best

    async def _page(self, keys: Sequence[str | Sequence[str]], limit: int, cursor: str | None,
                    since: float | None = None, until: float | None = None) -> tuple[list[tuple[str, float]], str | None]:
        """Newest-first members in the intersection of the zsets ``keys`` (all scored by received
        time), ``limit`` of them, starting after ``cursor``. Returns (members with scores, next cursor).

        An element of ``keys`` may itself be a list of zsets, standing for their union (an entity
        with the short-form keys linked to it)."""
        limit = max(1, limit)
        groups = [[k] if isinstance(k, str) else list(k) for k in keys]
        pipe = self.redis.pipeline(transaction=False)
        for g in groups:
            for k in g:
                pipe.zcard(k)
        flat = iter(await pipe.execute())
        sizes = [sum(int(next(flat)) for _ in g) for g in groups]
        if not all(sizes):
            return [], None
        order = sorted(range(len(groups)), key=lambda i: sizes[i])
        primary, others = groups[order[0]], [groups[i] for i in order[1:]]
        hi: float | str = until if until is not None else "+inf"
        lo: float | str = since if since is not None else "-inf"
        after: tuple[float, str] | None = decode_cursor(cursor) if cursor else None
        if after is not None:
            hi = after[0] if until is None else min(after[0], until)
        batch = max(limit * 2, 50)

        async def in_others(cand: list[tuple[str, float]]) -> list[tuple[str, float]]:
            if not others or not cand:
                return cand
            pipe = self.redis.pipeline(transaction=False)
            for g in others:
                for k in g:
                    pipe.zmscore(k, [m for m, _ in cand])
            present = iter(await pipe.execute())
            keep = [True] * len(cand)
            for g in others:
                in_group = [False] * len(cand)
                for _ in g:
                    for j, p in enumerate(next(present)):
                        in_group[j] = in_group[j] or p is not None
                keep = [a and b for a, b in zip(keep, in_group)]
            return [c for c, ok in zip(cand, keep) if ok]

        out: list[tuple[str, float]] = []
        chunk: list[tuple[str, float]] = []
        rows = self._newest_first(primary, hi, lo, batch)
        async for m, sc in rows:
            if after is not None and not (sc < after[0] or (sc == after[0] and m < after[1])):
                continue
            chunk.append((m, sc))
            if len(chunk) >= batch:
                out += await in_others(chunk)
                chunk = []
                if len(out) > limit:
                    break
        await rows.aclose()
        out += await in_others(chunk)
        page, more = out[:limit], len(out) > limit
        next_cursor = encode_cursor(page[-1][1], page[-1][0]) if more and page else None
        return page, next_cursor

    async def list_documents(self, status: str | None = None, language: str | None = None,
                             source: str | None = None, entity: str | None = None,
                             since: datetime | str | None = None, until: datetime | str | None = None,
                             limit: int | None = None, cursor: str | None = None,
                             cluster: str | None = None) -> dict[str, Any]:
        """Documents newest first (by received time), filtered; ``{"items", "next_cursor"}``.

        ``entity`` matches the documents of its canonical key and of every short-form key linked to
        it (:mod:`shared.entity_links`), whichever of them is given.

        Each item is a summary: id, status, received_at, attempts, title, url, source, language,
        entity_count, claim_count (the last three once processed); ``error`` for a failed one."""
        keys: list[str | list[str]] = [K.IDX_TIME]
        if status:
            keys.append(K.idx_status(status))
        if language:
            keys.append(K.idx_language(language))
        if source:
            keys.append(K.idx_source(source))
        if cluster:  # a near-duplicate cluster's members (scored by received time like every index)
            keys.append(K.cluster(cluster))
        if entity:  # the entity's canonical key with the short-form keys linked to it
            (group,) = await self._entity_groups([entity], details=False)
            keys.append([K.idx_entity(m) for m in group.members])
        if len(keys) > 1:
            keys = keys[1:]
        page, next_cursor = await self._page(keys, self._limit(limit), cursor, to_score(since), to_score(until))
        return {"items": await self.summaries([doc_id for doc_id, _ in page]), "next_cursor": next_cursor}

    async def summaries(self, doc_ids: list[str]) -> list[dict[str, Any]]:
        """The list items of :meth:`list_documents` for these ids, in order (an unknown id is left out)."""
        pipe = self.redis.pipeline(transaction=False)
        for doc_id in doc_ids:
            pipe.hgetall(K.status(doc_id))
        items = []
        for doc_id, h in zip(doc_ids, await pipe.execute() if doc_ids else []):
            if not h:
                continue
            h = {_s(k): _s(v) for k, v in h.items()}
            if "meta" in h:
                h = {**{k: str(v) for k, v in orjson.loads(h["meta"]).items()}, **h}
            item: dict[str, Any] = {"id": doc_id, "status": h.get("status"), "received_at": h.get("received_at"),
                                    "attempts": int(h.get("attempts") or 0)}
            for name in ("title", "url", "source", "external_id", "published_at", "language", "finished_at"):
                if h.get(name):
                    item[name] = h[name]
            for name in ("entity_count", "claim_count"):
                if name in h:
                    item[name] = int(h[name])
            if h.get("status") == "failed" and h.get("error"):  # why it failed: code, message, stage
                item["error"] = orjson.loads(h["error"])
            items.append(item)
        return items
