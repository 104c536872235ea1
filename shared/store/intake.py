"""Intake: accept an article atomically (dedupe + store + enqueue in one script, ``lua/submit.lua``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import orjson
from redis.exceptions import NoScriptError

from .. import keys as K
from ..ids import article_id, dedupe_keys
from . import queue
from .base import StoreBase, iso
from .scripts import SUBMIT, as_str

META_FIELDS = ("title", "url", "source", "external_id", "published_at")  # kept in the status hash for listings


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


def submit_call(article: dict[str, Any], now: float, max_depth: int) -> tuple[list[str], dict[str, Any]]:
    """Keys and arguments of the submit script for ``article`` received at ``now`` (epoch seconds)."""
    identities = dedupe_keys(article)  # computed once: the id is the strongest of them (= article_id)
    doc_id = next((identities[k] for k in K.DEDUPE_KINDS if k in identities), None) or article_id(article)
    fields = ["status", "queued", "attempts", "0", "received_at", iso(now), "score", str(int(now * 1e6))]
    meta = {name: article[name] for name in META_FIELDS if article.get(name) not in (None, "")}
    if meta:  # one field instead of five: fewer to encode on the hot path
        fields += ["meta", orjson.dumps(meta, default=str).decode()]
    keys = [K.article(doc_id), K.status(doc_id), K.arq_job(doc_id), K.ARQ_QUEUE, K.IDX_TIME,
            K.idx_status("queued"), *(K.dedupe(kind, digest) for kind, digest in identities.items())]
    args = {"id": doc_id, "article": orjson.dumps(article, default=str).decode(), **queue.enqueue_args(doc_id, now),
            "score": str(int(now * 1e6)), "max_depth": max(0, max_depth), "status_prefix": K.status(""),
            "fields": fields}
    return keys, args


def submit_result(reply: Sequence[Any]) -> SubmitResult:
    code, doc_id, status = int(reply[0]), as_str(reply[1]), as_str(reply[2])
    return SubmitResult(doc_id, code == 1, status)


class IntakeMixin(StoreBase):
    async def submit(self, article: dict[str, Any]) -> SubmitResult:
        """Accept one article (validated dict): store it and queue its job, or find its duplicate.

        ``status == "rejected"`` (``.queue_full``) when the queue is deeper than the configured bound.
        """
        keys, args = submit_call(article, time.time(), self.settings.queue_max_depth)
        return submit_result(await SUBMIT(self.redis, keys, args))

    async def submit_many(self, articles: Sequence[dict[str, Any]]) -> list[SubmitResult]:
        """Submit several articles in one pipelined round trip; results in input order."""
        if not articles:
            return []
        now = time.time()
        calls = [submit_call(a, now + i * 1e-6, self.settings.queue_max_depth) for i, a in enumerate(articles)]
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
        return [submit_result(r) for r in replies]

    async def _run_submits(self, calls: list[tuple[list[str], dict[str, Any]]], which: Iterable[int],
                           replies: list[Any]) -> list[Any]:
        which = list(which)
        pipe = self.redis.pipeline(transaction=False)
        for i in which:
            SUBMIT.queue(pipe, *calls[i])
        for i, r in zip(which, await pipe.execute(raise_on_error=False)):
            replies[i] = r
        return replies
