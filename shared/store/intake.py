"""Intake: accept an article atomically (identity + revision + dedupe + store + enqueue in one script,
``lua/submit.lua``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import orjson
from redis.exceptions import NoScriptError

from .. import keys as K
from ..ids import article_id, content_sha256, dedupe_keys
from . import queue
from .base import StoreBase, iso
from .status import RUN_FIELDS
from .scripts import SUBMIT, as_str

META_FIELDS = ("title", "url", "source", "external_id", "published_at")  # kept in the status hash for listings


@dataclass(frozen=True)
class SubmitResult:
    id: str
    duplicate: bool
    status: str  # queued | processing | done | failed | rejected (queue full) | unauthorized (key revoked)
    revision: int = 1  # the article's latest revision (the new one when accepted)

    @property
    def queue_full(self) -> bool:
        return self.status == "rejected"

    @property
    def key_revoked(self) -> bool:
        """The submitting API key was revoked (or deleted) before the submit script ran: nothing stored."""
        return self.status == "unauthorized"


class QueueFull(Exception):
    pass


def identity_key(article: dict[str, Any]) -> str:
    """The dedupe key that names the article: external_id, else url, else content."""
    identities = dedupe_keys(article)
    kind = next((k for k in K.DEDUPE_KINDS if k in identities), "content")
    return K.dedupe(kind, identities.get(kind) or article_id(article))


_NO_URL = {"url_key": "", "url_digest": "", "url_entry": ""}


def submit_call(article: dict[str, Any], now: float, max_depth: int, keep: int = 3,
                doc_id: str | None = None, key_id: str | None = None,
                us: int | None = None) -> tuple[list[str], dict[str, Any]]:
    """Keys and arguments of the submit script for ``article`` received at ``now`` (epoch seconds).
    ``doc_id``: the id its identity key names when that is not the computed one (a url that joined
    another article's urls). ``key_id``: the API key the request was authenticated with; the script
    checks, in the same atomic step as the write, that it is not revoked (None: no key, no check).
    ``us``: the time in microseconds that orders it (time index, queue), by default ``now``'s;
    :meth:`IntakeMixin.submit_many` gives each article of a batch its own, in order."""
    sha = content_sha256(article.get("text") or article.get("html") or "")  # hashed once: it is the content key too
    identities = dedupe_keys(article, sha)  # the id is the strongest of them (= article_id)
    kind = next((k for k in K.DEDUPE_KINDS if k in identities), "content")
    doc_id = doc_id or identities.get(kind) or article_id(article)
    received = iso(now)
    us = int(now * 1e6) if us is None else us
    score = str(us)
    meta = {name: article[name] for name in META_FIELDS if article.get(name) not in (None, "")}
    # the status hash's one field for them (fewer to encode on the hot path); '' = none
    meta_json = orjson.dumps(meta, default=str).decode() if meta else ""
    keys = [K.article(doc_id), K.status(doc_id), K.ARQ_QUEUE, K.IDX_TIME,
            K.dedupe(kind, identities.get(kind) or doc_id), K.dedupe("content", sha[:16]),
            K.revisions(doc_id), K.urls(doc_id)]
    if key_id is not None:
        keys.append(K.apikey(key_id))
    url_args = _NO_URL
    if "url" in identities:
        url_args = {"url_key": K.dedupe("url", identities["url"]), "url_digest": identities["url"],
                    "url_entry": orjson.dumps({"url": article["url"], "first_seen": received}).decode()}
    args = {"id": doc_id, "article": orjson.dumps(article, default=str), **queue.enqueue_args(doc_id, now, us),
            "score": score, "max_depth": max(0, max_depth), "received_at": received,
            "content": sha[:16], "content_sha256": sha, "keep": max(1, keep), **url_args, "meta": meta_json,
            "run_fields": RUN_FIELDS}
    return keys, args


def submit_result(reply: Sequence[Any]) -> SubmitResult:
    code, doc_id, status = int(reply[0]), as_str(reply[1]), as_str(reply[2])
    return SubmitResult(doc_id, code == 1, status, int(reply[3]) if len(reply) > 3 else 1)


def url_digest(url: str) -> str:
    """The dedupe digest of a url (as :func:`shared.ids.dedupe_keys` makes it)."""
    return dedupe_keys({"url": url})["url"]


class IntakeMixin(StoreBase):
    async def submit(self, article: dict[str, Any], key_id: str | None = None) -> SubmitResult:
        """Accept one article (validated dict): store it and queue its job, or find its duplicate.

        ``status == "rejected"`` (``.queue_full``) when the queue is deeper than the configured bound;
        ``"unauthorized"`` (``.key_revoked``) when the API key ``key_id`` is revoked by then.
        """
        now, doc_id = time.time(), None
        for _ in range(4):
            keys, args = submit_call(article, now, self.settings.queue_max_depth, self.settings.keep_revisions, doc_id,
                                     key_id)
            reply = await SUBMIT(self.redis, keys, args)
            if int(reply[0]) != 3:
                return submit_result(reply)
            doc_id = as_str(reply[1])  # the identity key names another article (one of its urls)
        raise RuntimeError("identity key kept moving")

    async def submit_many(self, articles: Sequence[dict[str, Any]], key_id: str | None = None) -> list[SubmitResult]:
        """Submit several articles in one pipelined round trip; results in input order (``key_id``: as
        :meth:`submit`, checked by each article's script: a revocation during the batch refuses the rest)."""
        if not articles:
            return []
        now = time.time()
        keep = self.settings.keep_revisions
        # a microsecond apart, in input order, the last at ``now`` (never later: a job is due when queued).
        # Counted in whole µs: ``now + i * 1e-6`` in floats gave neighbours the same µs one time in 30.
        last, n = int(now * 1e6), len(articles)
        calls = [submit_call(a, now, self.settings.queue_max_depth, keep, key_id=key_id, us=last - (n - 1 - i))
                 for i, a in enumerate(articles)]
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
        out = [submit_result(r) for r in replies]
        for i, r in enumerate(replies):
            if int(r[0]) == 3:  # the identity key names another article: submit that one alone (rare)
                out[i] = await self.submit(articles[i], key_id)
        return out

    async def _run_submits(self, calls: list[tuple[list[str], dict[str, Any]]], which: Iterable[int],
                           replies: list[Any]) -> list[Any]:
        which = list(which)
        pipe = self.redis.pipeline(transaction=False)
        for i in which:
            SUBMIT.queue(pipe, *calls[i])
        for i, r in zip(which, await pipe.execute(raise_on_error=False)):
            replies[i] = r
        return replies
