"""The document store: every read and write of articles, statuses, documents and indexes.

Shared by the API (submit, reads) and the worker (status transitions, ``save_document``). All
multi-key writes are Lua scripts, so indexes never disagree with the documents. No NLP here.
"""

from __future__ import annotations

import base64
import pickle
import time
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Iterable, Sequence

import orjson
from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from . import entity_links
from . import keys as K
from .config import Settings
from .ids import article_id, dedupe_keys

_LUA_DIR = Path(__file__).with_name("lua")
_GROUPS_PER_CALL = 500  # entity keys resolved per entity_groups.lua call
_META_FIELDS = ("title", "url", "source", "external_id", "published_at")  # kept in the status hash for listings


class Script:
    """A Lua script run by EVALSHA (falls back to EVAL once, which loads it)."""

    def __init__(self, name: str) -> None:
        self.source = (_LUA_DIR / f"{name}.lua").read_text()
        import hashlib

        self.sha = hashlib.sha1(self.source.encode()).hexdigest()

    async def __call__(self, redis: Any, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        try:
            return await redis.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await redis.eval(self.source, len(keys), *keys, *args)

    def queue(self, pipe: Any, keys: Sequence[Any], args: Sequence[Any]) -> None:
        pipe.evalsha(self.sha, len(keys), *keys, *args)


SUBMIT = Script("submit")
SET_STATUS = Script("set_status")
REQUEUE = Script("requeue")
SAVE_DOCUMENT = Script("save_document")
DELETE = Script("delete")
ENTITY_GROUPS = Script("entity_groups")
ALL_SCRIPTS = (SUBMIT, SET_STATUS, REQUEUE, SAVE_DOCUMENT, DELETE, ENTITY_GROUPS)


@dataclass(frozen=True)
class SubmitResult:
    id: str
    duplicate: bool
    status: str  # queued | processing | done | failed | rejected (queue full)

    @property
    def queue_full(self) -> bool:
        return self.status == "rejected"


class QueueFull(Exception):
    pass


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def arq_job_payload(doc_id: str, enqueue_ms: int) -> bytes:
    """arq 0.28's job serialisation (``arq.jobs.serialize_job`` with pickle)."""
    return pickle.dumps({"t": 1, "f": K.ARQ_TASK, "a": (doc_id,), "k": {}, "et": enqueue_ms})


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


def _language_codes(language: Any) -> list[str]:
    if not language:
        return []
    if isinstance(language, str):
        return [language]
    codes: list[str] = []
    if isinstance(language, dict):
        for k in ("code", "primary", "lang"):
            if isinstance(language.get(k), str):
                codes.append(language[k])
                break
        for item in language.get("languages") or []:
            if isinstance(item, dict) and isinstance(item.get("code"), str):
                codes.append(item["code"])
            elif isinstance(item, str):
                codes.append(item)
    return [c for c in dict.fromkeys(c.strip().lower() for c in codes) if c and c != "und"]


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _primary_language(language: Any) -> str | None:
    codes = _language_codes(language)
    return codes[0] if codes else None


def claim_summary(doc: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    speaker = claim.get("speaker") or None
    return {
        "document_id": doc["id"],
        "id": claim.get("id"),
        "text": claim.get("text"),
        "kind": claim.get("kind"),
        "speaker": speaker,
        "reported_by": claim.get("reported_by") or [],
        "entity_ids": claim.get("entity_ids") or [],
        "checkworthiness": claim.get("checkworthiness"),
        "spans": claim.get("spans") or [],
        "quantities": claim.get("quantities") or [],
        "cue": claim.get("cue"),
        "document_title": doc.get("title"),
        "document_url": doc.get("url"),
        "published_at": doc.get("published_at"),
    }


class DocumentStore:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self._max_depth = str(settings.queue_max_depth if settings.queue_max_depth > 0 else 0)

    # ------------------------------------------------------------------ scripts
    async def load_scripts(self) -> None:
        """Load the Lua scripts (so pipelined EVALSHA never meets NOSCRIPT)."""
        for script in ALL_SCRIPTS:
            await self.redis.script_load(script.source)

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    # ------------------------------------------------------------------ intake
    def _submit_call(self, article: dict[str, Any], now: float) -> tuple[list[str], list[Any]]:
        identities = dedupe_keys(article)  # computed once: the id is the strongest of them (= article_id)
        doc_id = next((identities[k] for k in K.DEDUPE_KINDS if k in identities), None) or article_id(article)
        dkeys = [K.dedupe(kind, digest) for kind, digest in identities.items()]
        received_at = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        queue_ms = int(now * 1000)
        fields: list[Any] = ["status", "queued", "attempts", "0", "received_at", received_at,
                             "score", str(int(now * 1e6))]
        meta = {name: article[name] for name in _META_FIELDS if article.get(name) not in (None, "")}
        if meta:  # one argument instead of ten: fewer to encode on the hot path
            fields += ["meta", orjson.dumps(meta, default=str)]
        keys = [K.article(doc_id), K.status(doc_id), K.arq_job(doc_id), K.ARQ_QUEUE, K.IDX_TIME,
                K.idx_status("queued"), *dkeys]
        args = [doc_id, orjson.dumps(article, default=str), arq_job_payload(doc_id, queue_ms), queue_ms,
                int(now * 1e6), self._max_depth, K.status(""), *fields]
        return keys, args

    @staticmethod
    def _submit_result(reply: Sequence[Any]) -> SubmitResult:
        code, doc_id, status = int(reply[0]), _s(reply[1]), _s(reply[2])
        return SubmitResult(doc_id, code == 1, status)

    async def submit(self, article: dict[str, Any]) -> SubmitResult:
        """Accept one article (validated dict): store it and queue its job, or find its duplicate.

        ``status == "rejected"`` (``.queue_full``) when the queue is deeper than the configured bound.
        """
        keys, args = self._submit_call(article, time.time())
        return self._submit_result(await SUBMIT(self.redis, keys, args))

    async def submit_many(self, articles: Sequence[dict[str, Any]]) -> list[SubmitResult]:
        """Submit several articles in one pipelined round trip; results in input order."""
        if not articles:
            return []
        now = time.time()
        calls = [self._submit_call(a, now + i * 1e-6) for i, a in enumerate(articles)]
        replies = await self._run_submits(calls, range(len(calls)), [None] * len(calls))
        if any(isinstance(r, NoScriptError) for r in replies):
            # Redis restarted or its script cache was flushed: a NOSCRIPT reply means that call did
            # nothing, so load the script and run just those again (in input order).
            await self.redis.script_load(SUBMIT.source)
            replies = await self._run_submits(calls, [i for i, r in enumerate(replies) if isinstance(r, NoScriptError)],
                                              replies)
        for r in replies:
            if isinstance(r, Exception):
                raise r
        return [self._submit_result(r) for r in replies]

    async def _run_submits(self, calls: list[tuple[list[str], list[Any]]], which: Iterable[int],
                           replies: list[Any]) -> list[Any]:
        which = list(which)
        pipe = self.redis.pipeline(transaction=False)
        for i in which:
            SUBMIT.queue(pipe, *calls[i])
        for i, r in zip(which, await pipe.execute(raise_on_error=False)):
            replies[i] = r
        return replies

    # ------------------------------------------------------------------ reads
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
        if h.get("processing_ms"):
            out["processing_ms"] = float(h["processing_ms"])
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
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(K.document(doc_id))
        pipe.hgetall(K.status(doc_id))
        raw, h = await pipe.execute()
        if not h and not raw:
            return None
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
        doc.update({k: v for k, v in st.items() if k != "id"})
        return doc

    async def exists(self, doc_id: str) -> bool:
        return bool(await self.redis.exists(K.status(doc_id)))

    # ------------------------------------------------------------------ worker transitions
    async def _set_status(self, doc_id: str, status: str, fields: dict[str, Any],
                          delete: Iterable[str] = (), require: str = "") -> tuple[int, str]:
        flat: list[Any] = []
        for k, v in fields.items():
            flat += [k, v if isinstance(v, (str, bytes, int, float)) else orjson.dumps(v)]
        reply = await SET_STATUS(
            self.redis, [K.status(doc_id), K.FAILED],
            [doc_id, status, K.STATUS_INDEX_PREFIX, int(time.time() * 1e6), require,
             orjson.dumps(list(delete)), *flat],
        )
        return int(reply[0]), _s(reply[1])

    async def mark_processing(self, doc_id: str, attempt: int) -> bool:
        """Status → processing (attempt number, started_at). False for an unknown id."""
        code, _ = await self._set_status(doc_id, "processing", {"attempts": attempt, "started_at": now_iso()},
                                         delete=("retry_at", "finished_at"))
        return code == 1

    async def mark_retry(self, doc_id: str, attempt: int, error: dict[str, Any],
                         retry_at: datetime | str | None = None) -> bool:
        """Status back to queued after a transient failure; the error is kept as ``last_error``."""
        fields: dict[str, Any] = {"attempts": attempt, "last_error": error}
        if retry_at is not None:
            fields["retry_at"] = retry_at.isoformat() if isinstance(retry_at, datetime) else str(retry_at)
        code, _ = await self._set_status(doc_id, "queued", fields, delete=("error",))
        return code == 1

    async def mark_failed(self, doc_id: str, error: dict[str, Any]) -> bool:
        """Status failed for good, with the error; the id joins the failed set."""
        code, _ = await self._set_status(doc_id, "failed", {"error": error, "last_error": error,
                                                           "finished_at": now_iso()}, delete=("retry_at",))
        return code == 1

    async def requeue(self, doc_id: str) -> tuple[int, str]:
        """Queue a failed article again. Returns (1, "queued"), (0, current status) if it is not
        failed, or (-1, "") for an unknown id."""
        queue_ms = int(time.time() * 1000)
        reply = await REQUEUE(
            self.redis,
            [K.status(doc_id), K.FAILED, K.arq_job(doc_id), K.ARQ_QUEUE, K.arq_result(doc_id),
             K.arq_retry(doc_id), K.article(doc_id)],
            [doc_id, K.STATUS_INDEX_PREFIX, arq_job_payload(doc_id, queue_ms), queue_ms],
        )
        return int(reply[0]), _s(reply[1])

    async def delete(self, doc_id: str) -> tuple[int, str]:
        """Delete a done or failed article: document, status, indexes and dedupe keys, in one script.

        Returns (1, previous status), (0, current status) while it is queued or processing (its job
        is still live), or (-1, "") for an unknown id. Afterwards the same article can be submitted anew.
        """
        article = await self.get_article(doc_id) or {}
        dkeys = [K.dedupe(kind, digest) for kind, digest in dedupe_keys(article).items()] if article else []
        reply = await DELETE(
            self.redis,
            [K.status(doc_id), K.article(doc_id), K.document(doc_id), K.doc_index_set(doc_id), K.claims(doc_id),
             K.FAILED, K.IDX_TIME, K.ENTITY_COUNTS, *dkeys],
            [doc_id, K.STATUS_INDEX_PREFIX, K.ENTITY_INDEX_PREFIX, K.ALIAS_PREFIX, K.ALIASES_OF_PREFIX],
        )
        return int(reply[0]), _s(reply[1])

    def _save_plan(self, doc: dict[str, Any], processing_ms: float) -> dict[str, Any]:
        doc_id = doc["id"]
        z: list[list[str]] = []
        for code in _language_codes(doc.get("language")):
            z.append([K.idx_language(code), doc_id])
        if doc.get("source"):
            z.append([K.idx_source(str(doc["source"])), doc_id])
        entities: list[list[str]] = []
        names: list[list[str]] = []
        links: list[list[str]] = []
        for ent in doc.get("entities") or []:
            key = ent.get("id")
            if not key:
                continue
            key = str(key)
            name = str(ent.get("text") or key)
            z.append([K.idx_entity(key), doc_id])
            entities.append([key, name, str(ent.get("label") or "")])
            aliases = {_fold(name)}
            for m in ent.get("mentions") or []:
                if isinstance(m, dict) and m.get("text"):
                    aliases.add(_fold(str(m["text"])))
            names += [[K.ENTITY_NAMES, f"{a}\x00{key}"] for a in sorted(aliases) if a]
            links += entity_links.registrations(ent)
        claims: list[list[Any]] = []
        for pos, claim in enumerate(doc.get("claims") or []):
            field = f"{pos:04d}"
            member = f"{doc_id}:{field}"
            claims.append([field, orjson.dumps(claim_summary(doc, claim)).decode()])
            z.append([K.IDX_CLAIMS, member])
            if claim.get("kind"):
                z.append([K.idx_claims_kind(str(claim["kind"])), member])
            speaker = claim.get("speaker") or {}
            if isinstance(speaker, dict):
                # a coordinated speaker ("Pyongyang and Moscow") is found under each of its entities
                for eid in dict.fromkeys(str(e) for e in [speaker.get("entity_id"), *(speaker.get("entity_ids") or [])] if e):
                    z.append([K.idx_claims_speaker(eid), member])
                if speaker.get("name"):
                    z.append([K.idx_claims_speaker_name(str(speaker["name"])), member])
            for eid in dict.fromkeys(str(e) for e in (claim.get("entity_ids") or [])):
                z.append([K.idx_claims_entity(eid), member])
        buckets = [f"le:{b}" for b in K.PROCESSING_BUCKETS_MS if processing_ms <= b] + ["le:+Inf"]
        summary: list[str] = []
        primary = _primary_language(doc.get("language"))
        if primary:
            summary += ["language", primary]
        summary += ["entity_count", str(len(doc.get("entities") or [])),
                    "claim_count", str(len(doc.get("claims") or []))]
        for name in ("title", "url", "source", "published_at"):
            if doc.get(name):
                summary += [name, str(doc[name])]
        return {"z": z, "entities": entities, "names": names, "aliases": links, "claims": claims,
                "buckets": buckets, "summary": summary}

    async def save_document(self, doc: dict[str, Any], processing_ms: float) -> str:
        """Store the analysed document, mark it done and (re)build its indexes in one script.

        Idempotent: saving the same id again replaces the document and its index entries.
        Returns the previous status ("" when the article was never submitted through intake).
        """
        doc_id = doc["id"]
        now = time.time()
        stored = {k: v for k, v in doc.items() if k not in ("status", "attempts", "received_at", "error",
                                                             "last_error", "started_at", "finished_at")}
        plan = self._save_plan(doc, processing_ms)
        prev = await SAVE_DOCUMENT(
            self.redis,
            [K.document(doc_id), K.status(doc_id), K.doc_index_set(doc_id), K.claims(doc_id), K.FAILED,
             K.METRICS_PROCESSING, K.IDX_TIME, K.ENTITY_COUNTS],
            [doc_id, orjson.dumps(stored, default=str), now_iso(), f"{processing_ms:.3f}", K.STATUS_INDEX_PREFIX,
             orjson.dumps(plan), K.entity(""), int(now * 1e6), now_iso(), K.ENTITY_INDEX_PREFIX,
             K.ALIAS_PREFIX, K.ALIASES_OF_PREFIX],
        )
        return _s(prev)

    # ------------------------------------------------------------------ counters
    async def queue_depth(self) -> int:
        return int(await self.redis.zcard(K.ARQ_QUEUE))

    async def counts_by_status(self) -> dict[str, int]:
        pipe = self.redis.pipeline(transaction=False)
        for s in K.STATUSES:
            pipe.zcard(K.idx_status(s))
        return dict(zip(K.STATUSES, map(int, await pipe.execute())))

    async def processing_histogram(self) -> dict[str, Any]:
        """``{"buckets": [(le_ms, cumulative count)...], "count": n, "sum_ms": s}``."""
        h = {_s(k): _s(v) for k, v in (await self.redis.hgetall(K.METRICS_PROCESSING)).items()}
        buckets = [(str(b), int(h.get(f"le:{b}", 0))) for b in K.PROCESSING_BUCKETS_MS]
        buckets.append(("+Inf", int(h.get("le:+Inf", 0))))
        return {"buckets": buckets, "count": int(h.get("count", 0)), "sum_ms": float(h.get("sum_ms", 0))}

    async def worker_heartbeat(self) -> str | None:
        raw = await self.redis.get(K.ARQ_HEALTH_CHECK)
        return _s(raw) if raw is not None else None

    # ------------------------------------------------------------------ listing
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

    def _limit(self, limit: int | None) -> int:
        if limit is None:
            return self.settings.list_default_limit
        return max(1, min(int(limit), self.settings.list_max_limit))

    async def list_documents(self, status: str | None = None, language: str | None = None,
                             source: str | None = None, entity: str | None = None,
                             since: datetime | str | None = None, until: datetime | str | None = None,
                             limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        """Documents newest first (by received time), filtered; ``{"items", "next_cursor"}``.

        ``entity`` matches the documents of its canonical key and of every short-form key linked to
        it (:mod:`shared.entity_links`), whichever of them is given.

        Each item is a summary: id, status, received_at, attempts, title, url, source, language,
        entity_count, claim_count (the last three once processed)."""
        keys: list[str | list[str]] = [K.IDX_TIME]
        if status:
            keys.append(K.idx_status(status))
        if language:
            keys.append(K.idx_language(language))
        if source:
            keys.append(K.idx_source(source))
        if entity:  # the entity's canonical key with the short-form keys linked to it
            (group,) = await self._entity_groups([entity], details=False)
            keys.append([K.idx_entity(m) for m in group.members])
        if len(keys) > 1:
            keys = keys[1:]
        page, next_cursor = await self._page(keys, self._limit(limit), cursor, to_score(since), to_score(until))
        pipe = self.redis.pipeline(transaction=False)
        for doc_id, _ in page:
            pipe.hgetall(K.status(doc_id))
        items = []
        for (doc_id, _), h in zip(page, await pipe.execute()):
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
            items.append(item)
        return {"items": items, "next_cursor": next_cursor}

    # ------------------------------------------------------------------ entities
    async def search_entities(self, q: str = "", label: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Entities whose canonical name or a mention form starts with ``q`` (case-insensitive), or
        all entities when ``q`` is empty; with the number of documents mentioning them, most first."""
        limit = self._limit(limit)
        label = label.upper() if label else None
        prefix = _fold(q).encode()
        if prefix:
            # byte-wise lexicographic range: every member starting with the UTF-8 bytes of the prefix
            found: dict[str, None] = {}
            offset, batch = 0, 500
            while offset < 20_000:  # bounded scan of matching names
                rows = await self.redis.zrangebylex(K.ENTITY_NAMES, b"[" + prefix, b"[" + prefix + b"\xff",
                                                    start=offset, num=batch)
                offset += len(rows)
                for r in rows:
                    found.setdefault(_s(r).rsplit("\x00", 1)[-1], None)
                if len(rows) < batch:
                    break
            candidates = list(found)
            out = [e for e in await self._entities(candidates) if not label or e["label"] == label]
            out.sort(key=lambda e: (-e["document_count"], e["name"] or ""))
            return out[:limit]
        # no prefix: the most mentioned entities, straight from the count index
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        offset, batch = 0, max(limit * 2, 100)
        while len(out) < limit:
            keys = [_s(k) for k in await self.redis.zrevrange(K.ENTITY_COUNTS, offset, offset + batch - 1)]
            if not keys:
                break
            offset += len(keys)
            found = [e for e in await self._entities(keys) if e["id"] not in seen]
            seen.update(e["id"] for e in found)
            out += [e for e in found if not label or e["label"] == label]
        out.sort(key=lambda e: (-e["document_count"], e["name"] or ""))
        return out[:limit]

    async def _entity_groups(self, keys: Sequence[str], details: bool = True) -> list[entity_links.EntityGroup]:
        """Resolve entity keys through the alias store (one read-only script call)."""
        merged: dict[str, entity_links.EntityGroup] = {}
        for i in range(0, len(keys), _GROUPS_PER_CALL):  # bounded script calls: Redis is not blocked long
            reply = await ENTITY_GROUPS(self.redis, [], [K.ALIAS_PREFIX, K.ALIASES_OF_PREFIX, K.ENTITY_INDEX_PREFIX,
                                                         K.entity(""), "1" if details else "0",
                                                         *keys[i:i + _GROUPS_PER_CALL]])
            for g in entity_links.parse_groups(reply):
                if g.key in merged:  # the same canonical key reached from keys in two calls
                    g = replace(g, asked=merged[g.key].asked + g.asked)
                merged[g.key] = g
        return list(merged.values())

    async def _entities(self, keys: list[str]) -> list[dict[str, Any]]:
        """Registry entries with document counts, in the given order; unknown or unmentioned ones skipped.

        Short-form keys linked to a canonical key are reported as that key (once), and its document
        count is the merged one (documents with the full or any linked short form, each once)."""
        out = []
        for g in await self._entity_groups(keys):
            if g.name is None or g.document_count <= 0:
                continue
            out.append({"id": g.key, "name": g.name, "label": (g.label or "").upper() or None,
                        "document_count": g.document_count, "linked": list(g.linked)})
        return out

    async def get_entity(self, key: str) -> dict[str, Any] | None:
        """The registry entry of ``key``'s canonical key (``key`` itself unless it is a short form linked
        to one; then ``resolved_from`` names it), with the merged document count and linked keys."""
        (g,) = await self._entity_groups([key])
        if g.name is None:
            return None
        out = {"id": g.key, "name": g.name, "label": g.label, "document_count": g.document_count,
               "linked": list(g.linked)}
        if g.key != key:
            out["resolved_from"] = key
        return out

    async def entity_documents(self, key: str, limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        """The documents mentioning entity ``key`` (or a short form linked to it), newest first:
        ``{"items", "next_cursor"}``."""
        return await self.list_documents(entity=key, limit=limit, cursor=cursor)

    # ------------------------------------------------------------------ claims
    async def search_claims(self, speaker: str | None = None, entity: str | None = None, kind: str | None = None,
                            min_checkworthiness: float | None = None, limit: int | None = None,
                            cursor: str | None = None) -> dict[str, Any]:
        """Claims newest first (by their document's received time, then document order reversed).

        ``speaker`` is a speaker entity key or, failing that, a speaker name (case-insensitive);
        ``entity`` any entity the claim mentions. Entity keys include the short forms linked to them
        (:mod:`shared.entity_links`). ``{"items": [claim summaries], "next_cursor"}``."""
        limit = self._limit(limit)
        keys: list[str | list[str]] = []
        # entity keys stand for their canonical key with the short forms linked to it
        asked = [k for k in (speaker, entity) if k]
        groups = {a: g.members for g in await self._entity_groups(asked, details=False) for a in g.asked}
        if speaker:
            by_key = [K.idx_claims_speaker(m) for m in groups[speaker]]
            keys.append(by_key if await self.redis.exists(*by_key) else K.idx_claims_speaker_name(speaker))
        if entity:
            keys.append([K.idx_claims_entity(m) for m in groups[entity]])
        if kind:
            keys.append(K.idx_claims_kind(kind))
        if not keys:
            keys = [K.IDX_CLAIMS]
        items: list[dict[str, Any]] = []
        next_cursor = cursor
        while True:
            # with a score filter most claims may be skipped: read bigger pages to save round trips
            size = limit - len(items) if min_checkworthiness is None else min(max(limit * 5, 100), 1000)
            page, next_cursor = await self._page(keys, size, next_cursor)
            if page:
                pipe = self.redis.pipeline(transaction=False)
                for member, _ in page:
                    doc_id, field = member.rsplit(":", 1)
                    pipe.hget(K.claims(doc_id), field)
                for (member, score), raw in zip(page, await pipe.execute()):
                    if raw is None:
                        continue
                    claim = orjson.loads(raw)
                    cw = claim.get("checkworthiness")
                    if min_checkworthiness is not None and (cw is None or float(cw) < min_checkworthiness):
                        continue
                    items.append(claim)
                    if len(items) == limit:
                        # the cursor resumes right after this claim
                        next_cursor = encode_cursor(score, member) if (next_cursor or member != page[-1][0]) else None
                        return {"items": items, "next_cursor": next_cursor}
            if not next_cursor:
                return {"items": items, "next_cursor": None}
