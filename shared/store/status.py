"""Status transitions of an article (the worker's and the retry endpoint's): status hash, status
indexes and failed set in one script each (``lua/set_status.lua``, ``lua/requeue.lua``).

The worker's transitions are conditional on the status (``require``, checked in the script, so nothing
is written when it does not hold): a run starts only on an article that is not ``done`` or ``failed``
(:data:`ACTIVE`), and a run hands its article back, schedules a retry or fails it only while it is
``processing``. So a duplicate delivery that lost the race to another worker (the article finished
between its read and its start, or while it ran) never turns ``done`` back into ``processing``,
``queued`` or ``failed``. ``processing`` alone does not say whose run it is: ``mark_processing`` keeps the
run's token in the :data:`RUN` field, and the run's later changes require it (``require_fields``), so a
job of an older revision, or another copy of the same job, never hands back, retries or fails the run
that took the article over; a run starts only for the revision it read, and one past its last attempt
fails the article only from the status it read (``queued``, or ``processing`` by the same lost run: its
``started_at``) of that revision."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

import orjson

from .. import keys as K
from . import events, queue
from .base import StoreBase, now_iso
from .scripts import REQUEUE, SET_STATUS, as_str, redis_str

# what a run ends with: kept until the next run is queued (a new revision, POST /retry) or starts (a
# retry after a transient error or a lost worker). The one list: lua/submit.lua (shared/store/intake.py)
# and lua/requeue.lua get it as an argument
RUN_FIELDS = ("finished_at", "processing_ms", "wait_ms")


# the statuses a run may start from (not done, not failed): queued, or processing after a lost worker
ACTIVE = ("queued", "processing")


# the status hash field holding the token of the run that marked the article processing (mark_processing)
RUN = "run"


def status_args(doc_id: str, status: str, fields: dict[str, Any], delete: Iterable[str],
                require: str | Sequence[str], now: float,
                require_fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Arguments of the set-status script; field values that are not text or numbers are stored as JSON.
    ``require``: the current status required, one of several (a sequence), or "" for any;
    ``require_fields``: fields of the status hash that must hold these values too (none: not checked)."""
    flat: list[str] = []
    for k, v in fields.items():
        flat += [k, redis_str(v if isinstance(v, (str, bytes, int, float)) else orjson.dumps(v))]
    args = {"id": doc_id, "status": status, "status_prefix": K.STATUS_INDEX_PREFIX,
            "now_score": str(int(now * 1e6)), "require": require if isinstance(require, str) else list(require),
            "delete": list(delete), "fields": flat}
    if require_fields:
        args["require_fields"] = {k: str(v) for k, v in require_fields.items()}
    return args


def _iso(when: datetime | str) -> str:
    """A ``retry_at`` as stored: ISO 8601 (a string is taken as one)."""
    return when.isoformat() if isinstance(when, datetime) else str(when)


class StatusMixin(StoreBase):
    async def _set_status(self, doc_id: str, status: str, fields: dict[str, Any],
                          delete: Iterable[str] = (), require: str | Sequence[str] = "",
                          event: dict[str, Any] | None = None,
                          require_fields: Mapping[str, str] | None = None) -> tuple[int, str]:
        args = status_args(doc_id, status, fields, delete, require, time.time(), require_fields)
        if event is not None:
            args["event"] = event
        reply = await SET_STATUS(self.redis, [K.status(doc_id), K.FAILED], args)
        return int(reply[0]), as_str(reply[1])

    async def mark_processing(self, doc_id: str, attempt: int, require: str | Sequence[str] = ACTIVE,
                              run: str | None = None, require_fields: Mapping[str, str] | None = None) -> bool:
        """Status → processing (attempt number, started_at). False for an unknown id, or when the status is
        not one of ``require`` (by default not ``done`` or ``failed``: another worker finished the article
        since this one read its status, a duplicate delivery) or a field of ``require_fields`` differs (the
        worker's: the revision it read); then nothing changes. ``run``: this run's token, kept in the
        :data:`RUN` field (an earlier run's goes): the run's later changes require it (``{RUN: run}``), so
        a run whose article another run took over since changes nothing.

        A new run: the previous run's ``finished_at``, ``processing_ms`` and ``wait_ms`` go (RUN_FIELDS), so
        the status never shows an earlier run's figures next to this run's ``started_at``."""
        fields: dict[str, Any] = {"attempts": attempt, "started_at": now_iso()}
        delete: tuple[str, ...] = ("retry_at", *RUN_FIELDS)
        if run is not None:
            fields[RUN] = run
        else:
            delete += (RUN,)
        code, _ = await self._set_status(doc_id, "processing", fields, delete=delete, require=require,
                                         require_fields=require_fields)
        return code == 1

    async def unmark_processing(self, doc_id: str, attempts: int, require: str | Sequence[str] = "processing",
                                require_fields: Mapping[str, str] | None = None,
                                retry_at: datetime | str | None = None) -> bool:
        """Status back to queued, ``attempts`` as before the run (a run that never reached the pipeline),
        due again at ``retry_at`` (when given: like a retry's, so a queued status with the ``last_error`` of
        an earlier attempt always says when it runs again). False (nothing changed) when the status is no
        longer ``require`` (another run finished or failed the article meanwhile, or a new revision queued
        it again) or a field of ``require_fields`` differs (another run took it over: its token in
        :data:`RUN`), or for an unknown id."""
        fields: dict[str, Any] = {"attempts": attempts}
        if retry_at is not None:
            fields["retry_at"] = _iso(retry_at)
        code, _ = await self._set_status(doc_id, "queued", fields, delete=("started_at", RUN),
                                         require=require, require_fields=require_fields)
        return code == 1

    async def mark_retry(self, doc_id: str, attempt: int, error: dict[str, Any],
                         retry_at: datetime | str | None = None,
                         require: str | Sequence[str] = "processing",
                         require_fields: Mapping[str, str] | None = None) -> bool:
        """Status back to queued after a transient failure; the error is kept as ``last_error``. False
        (nothing changed) when the status is no longer ``require`` or a field of ``require_fields`` differs
        (as :meth:`unmark_processing`)."""
        fields: dict[str, Any] = {"attempts": attempt, "last_error": error}
        if retry_at is not None:
            fields["retry_at"] = _iso(retry_at)
        code, _ = await self._set_status(doc_id, "queued", fields, delete=("error", RUN), require=require,
                                         require_fields=require_fields)
        return code == 1

    async def mark_failed(self, doc_id: str, error: dict[str, Any], require: str | Sequence[str] = "",
                          require_fields: Mapping[str, str] | None = None) -> bool:
        """Status failed for good, with the error; the id joins the failed set. ``require``: only from that
        status (or one of those; "" = any), and ``require_fields`` (a run's token, the revision it read):
        only while those fields hold those values: False, nothing changed, event and failure count left
        out, if not."""
        meta = await self.redis.hget(K.status(doc_id), "meta")  # the article's source, url, title…
        event = events.event_arg("article.failed", events.failed_article(doc_id, meta, error),
                                 self.settings.events_max_len)
        code, _ = await self._set_status(doc_id, "failed", {"error": error, "last_error": error,
                                                           "finished_at": now_iso()},
                                         delete=("retry_at", RUN, *RUN_FIELDS),  # no earlier run's figures (finished_at: set anew)
                                         event=event, require=require, require_fields=require_fields)
        if code == 1:
            await self.redis.hincrby(K.METRICS_FAILED, str(error.get("code") or "unknown"), 1)
        return code == 1

    async def requeue(self, doc_id: str) -> tuple[int, str]:
        """Queue a failed article again. Returns (1, "queued"), (0, current status) if it is not
        failed, (-1, "") for an unknown id, or (-2, attempts used in all) when the lifetime cap
        (``Settings.lifetime_attempts``) is reached."""
        reply = await REQUEUE(
            self.redis,
            [K.status(doc_id), K.FAILED, K.ARQ_QUEUE, K.article(doc_id)],
            {"id": doc_id, "status_prefix": K.STATUS_INDEX_PREFIX, **queue.enqueue_args(doc_id, time.time()),
             "max_lifetime_attempts": str(self.settings.lifetime_attempts), "run_fields": list(RUN_FIELDS),
             # the job of the article's current revision (the script names it): its record, retries, result
             "job_prefix": K.ARQ_JOB_PREFIX, "result_prefix": K.ARQ_RESULT_PREFIX,
             "retry_prefix": K.ARQ_RETRY_PREFIX},
        )
        return int(reply[0]), as_str(reply[1])
