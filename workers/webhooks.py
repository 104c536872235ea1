"""Webhook delivery, by the workers (never by the API).

Deliveries have their own arq queue, ``arq:webhooks`` (:data:`shared.keys.ARQ_WEBHOOK_QUEUE`), served in
every ``newsflow worker`` by a second, light arq worker beside the analysis one (``workers/run.py``;
options: ``workers/settings.py`` ``delivery_options``): arq reads a queue oldest first, and on the
articles' queue a completed article's delivery waited until every older queued article had started.

* ``dispatch_loop``: runs beside the delivery worker's arq loop in every worker. It reads ``nf:events``
  through the consumer group ``webhooks`` (each event goes to one worker), enqueues one ``deliver_webhook``
  job on ``arq:webhooks`` per matching subscription and per article ``callback_url``, then acknowledges
  the entry. Every failure (making the group included: Redis not answering yet, a connection that timed
  out while the worker's event loop was busy starting its pipeline pool, a wrong type) is logged and the
  round tried again after a backoff (0.5 s doubling to 30 s); ``run_dispatcher`` starts the loop again
  (logged at ERROR) should it ever end otherwise than by the worker's shutdown. Its state
  (:class:`DispatcherHealth`) goes into the worker's heartbeat key (``workers/lease.py``), which
  ``/readyz`` and ``/metrics`` read.
  Job ids are derived from (target, event id), so an entry handled twice (a worker died before its
  XACK; entries idle for ``CLAIM_IDLE_MS`` are claimed by another worker) enqueues nothing new.
* ``deliver_webhook``: one POST, signed ``Newsflow-Signature: t=…,v1=…`` (HMAC-SHA256 of
  ``"<t>.<body>"``), with the event id in ``Newsflow-Event-Id``. Anything but a 2xx answer is
  retried with exponential backoff (capped at an hour, jittered) until the event is
  ``webhook_max_age_seconds`` old (24 h). A worker killed mid-delivery: arq runs the job again once its
  in-progress key expires (``webhook_timeout_seconds`` + 15 s; the lease reaper of ``workers/lease.py``
  frees article jobs only).
  Every attempt is logged (``GET /v1/webhooks/{id}/deliveries``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
from typing import Any

import aiohttp
import orjson
from arq import Retry

from newsflow_client.signature import EVENT_ID_HEADER, HEADER, sign
from shared import keys as K
from shared.store import events as E

log = logging.getLogger("newsflow.webhooks")

CLAIM_IDLE_MS = 30_000
HEALTHY_SECONDS = 300.0  # a dispatch loop that ran this long before it ended starts its backoff afresh
_HOLDER, _SESSION = "webhook_sessions", "webhook_http"
_HEALTH = "webhook_dispatch_health"
CALLBACKS = "callbacks"  # the delivery log of per-article callback_url deliveries
TASK = "deliver_webhook"


def retry_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before attempt ``attempt + 1``: 1, 2, 4 … capped at 3600, times 1–1.25 (jitter)."""
    return min(3600.0, 2.0 ** max(0, attempt - 1)) * (rng or random).uniform(1.0, 1.25)


async def ensure_group(redis: Any) -> None:
    try:
        await redis.xgroup_create(K.EVENTS, K.EVENTS_GROUP, id="0", mkstream=True)
    except Exception as exc:  # noqa: BLE001 - BUSYGROUP: it exists
        if "BUSYGROUP" not in str(exc):
            raise


async def dispatch(ctx: dict[str, Any], entries: list[tuple[Any, dict]]) -> int:
    """Enqueue the deliveries of ``entries``, then acknowledge them; the number of jobs enqueued."""
    redis = ctx["redis"]
    hooks = await E.list_webhooks(redis)
    enqueued = 0
    for eid, fields in entries:
        eid = eid.decode() if isinstance(eid, bytes) else eid
        event = E.entry_to_event(eid, fields)
        etype = event.get("type")
        created_ms = int(eid.split("-")[0])
        for hook in hooks:
            if etype in hook["events"] and hook["created_at"] <= created_ms:
                enqueued += await _enqueue(redis, hook["id"], eid)
        doc_id = ((event.get("data") or {}).get("article") or {}).get("id")
        if doc_id:
            raw = await redis.get(K.article(doc_id))
            callback = orjson.loads(raw).get("callback_url") if raw else None
            if callback:
                enqueued += await _enqueue(redis, CALLBACKS, eid, callback)
        await redis.xack(K.EVENTS, K.EVENTS_GROUP, eid)
    return enqueued


async def _enqueue(redis: Any, target: str, eid: str, url: str | None = None) -> int:
    job = await redis.enqueue_job(TASK, target, eid, url, _job_id=f"{K.WEBHOOK_JOB_PREFIX}{target}:{eid}",
                                  _queue_name=K.ARQ_WEBHOOK_QUEUE)
    return 1 if job is not None else 0


class DispatcherHealth:
    """What the worker's heartbeat (``workers/lease.py``) says of its event dispatcher: ``state`` is
    ``starting`` (the group not made yet), ``running`` (the last round with Redis succeeded),
    ``retrying`` (a round failed; the next one comes after a backoff), ``restarting`` (the loop ended
    by an error of its own and is started again) or ``stopped`` (cancelled: the delivery worker's arq
    loop stopped, or is restarting after Redis went away); ``alive`` = running, with a round in the last
    ``STALE_SECONDS``. The counters say how many rounds failed and how often the loop was restarted."""

    STALE_SECONDS = 60.0

    def __init__(self) -> None:
        self.state = "starting"
        self.last_ok: float | None = None      # time.time() of the last round that succeeded
        self.failures = 0
        self.restarts = 0
        self.last_error = ""

    def ok(self) -> None:
        self.state, self.last_ok = "running", time.time()

    def failed(self, state: str, exc: BaseException) -> None:
        self.state, self.last_error = state, f"{type(exc).__name__}: {exc}"[:300]
        self.failures += 1

    @property
    def alive(self) -> bool:
        return self.state == "running" and self.last_ok is not None and \
            time.time() - self.last_ok < self.STALE_SECONDS

    def as_dict(self) -> dict[str, Any]:
        return {"alive": self.alive, "state": self.state,
                "last_ok": round(self.last_ok, 3) if self.last_ok is not None else None,
                "failures": self.failures, "restarts": self.restarts, "last_error": self.last_error}


def health(ctx: dict[str, Any]) -> DispatcherHealth:
    """The dispatcher's health record of a delivery worker's context (made on first use, kept in the
    context across restarts of the arq loop)."""
    record = ctx.get(_HEALTH)
    if record is None:
        record = ctx[_HEALTH] = DispatcherHealth()
    return record


def backoff(failures: int) -> float:
    """Seconds before the next try after ``failures`` failures in a row: 0.5, 1, 2 … capped at 30."""
    return min(30.0, 0.5 * 2.0 ** max(0, failures - 1))


async def run_dispatcher(ctx: dict[str, Any]) -> None:
    """The dispatcher as the delivery worker runs it (``workers/settings.py``): :func:`dispatch_loop`,
    started again (after a backoff, logged at ERROR with its traceback) whenever it ends by anything but
    a cancellation (the worker's shutdown). It used to end for good, silently, on the first error of
    its start-up (``ensure_group``), and no webhook was delivered by that worker again."""
    record = health(ctx)
    ended = 0  # quick ends in a row (the backoff grows with them); a loop that ran HEALTHY_SECONDS resets it
    while True:
        began = time.monotonic()
        try:
            await dispatch_loop(ctx)
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop any more: the coroutine is being closed
            raise RuntimeError("the dispatch loop returned")
        except asyncio.CancelledError:
            record.state = "stopped"
            raise
        except Exception as exc:  # noqa: BLE001 - whatever it was: say so, start it again
            ended = 1 if time.monotonic() - began >= HEALTHY_SECONDS else ended + 1
            record.failed("restarting", exc)
            record.restarts += 1
            delay = backoff(ended)
            log.error("webhook dispatcher ended (%s: %s); restarting it in %.1fs", type(exc).__name__, exc, delay,
                      exc_info=exc)
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:  # the worker's shutdown during the backoff
            record.state = "stopped"
            raise


async def dispatch_loop(ctx: dict[str, Any]) -> None:
    """Forever: make the consumer group (until it is made), claim entries other workers left
    unacknowledged, read new ones, dispatch them. Every failed round (Redis away or slow, the group or
    the stream lost, a wrong type…) is logged and retried after a backoff that grows while they last."""
    redis = ctx["redis"]
    record = health(ctx)
    consumer = f"{socket.gethostname()}-{os.getpid()}"
    next_claim = 0.0
    group = False
    failures = 0
    while True:
        try:
            if not group:
                await ensure_group(redis)
                group = True
            if time.monotonic() >= next_claim:
                next_claim = time.monotonic() + CLAIM_IDLE_MS / 3000
                _, claimed, *_ = await redis.xautoclaim(K.EVENTS, K.EVENTS_GROUP, consumer, CLAIM_IDLE_MS,
                                                        "0-0", count=100)
                if claimed:
                    await dispatch(ctx, [(e, f) for e, f in claimed if f])
            record.ok()
            failures = 0
            reply = await redis.xreadgroup(K.EVENTS_GROUP, consumer, {K.EVENTS: ">"}, count=100, block=1000)
            for _stream, entries in reply or []:
                await dispatch(ctx, entries)
            record.ok()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - Redis away, group lost…: try again after a backoff
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop any more: this coroutine is being closed
            making = not group  # what failed: making the group, or a round after it was made
            if "NOGROUP" in str(exc):  # the stream was deleted (FLUSHALL): make the group again
                group = False
            failures += 1
            record.failed("retrying", exc)
            delay = backoff(failures)
            log.warning("webhook dispatch: %s%s: %s; retrying in %.1fs", "making the group: " if making else "",
                        type(exc).__name__, exc, delay)
            await asyncio.sleep(delay)


async def deliver_webhook(ctx: dict[str, Any], target: str, event_id: str, url: str | None = None) -> str:
    """One delivery attempt of event ``event_id`` to webhook ``target`` (or, for ``callbacks``, to ``url``)."""
    redis = ctx["redis"]
    settings = ctx["settings"]
    attempt = int(ctx.get("job_try") or 1)
    if target == CALLBACKS:
        secret = settings.callback_secret
    else:
        hook = await E.get_webhook(redis, target)
        if hook is None:
            return "unsubscribed"
        url, secret = hook["url"], hook["secret"]
    entries = await redis.xrange(K.EVENTS, event_id, event_id)
    if not entries or not url:
        log.warning("webhook %s: event %s is no longer kept; not delivered", target, event_id)
        return "expired"
    body = orjson.dumps(E.entry_to_event(event_id, entries[0][1]))
    headers = {"Content-Type": "application/json", EVENT_ID_HEADER: event_id, "User-Agent": "newsflow-webhooks"}
    if secret:
        headers[HEADER] = sign(secret, body)
    record: dict[str, Any] = {"event_id": event_id, "attempt": attempt, "url": url,
                              "at": round(time.time(), 3)}
    t0 = time.perf_counter()
    try:
        http = _session(ctx, settings.webhook_timeout_seconds)
        async with http.post(url, data=body, headers=headers) as resp:
            await resp.read()
            record["status_code"] = resp.status
            ok = 200 <= resp.status < 300
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
        ok = False
    record["duration_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    record["ok"] = ok
    age = time.time() - int(event_id.split("-")[0]) / 1000
    if not ok:
        delay = retry_delay(attempt)
        if age + delay > settings.webhook_max_age_seconds:
            record["gave_up"] = True
        else:
            record["retry_in"] = round(delay, 2)
    await E.log_delivery(redis, target, record)
    if ok:
        return "delivered"
    if record.get("gave_up"):
        log.error("webhook %s: event %s not delivered after %d attempts", target, event_id, attempt)
        return "gave_up"
    raise Retry(defer=record["retry_in"])


def share_session(ctx: dict[str, Any]) -> None:
    """At a worker's start-up: a holder for the worker's one HTTP session. arq hands each job a shallow
    copy of the worker's context, so a session kept in the job's copy was made anew for every delivery
    and never closed; the holder (the same dict in every copy) keeps one for all of them."""
    ctx.setdefault(_HOLDER, {})


def _session(ctx: dict[str, Any], timeout: float) -> aiohttp.ClientSession:
    holder = ctx.get(_HOLDER, ctx)  # no holder (a direct call): the context itself
    http = holder.get(_SESSION)
    if http is None or http.closed:
        http = holder[_SESSION] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))
    return http


async def close(ctx: dict[str, Any]) -> None:
    """Close the worker's HTTP session (on shutdown)."""
    http = ctx.get(_HOLDER, ctx).pop(_SESSION, None)
    if http is not None:
        await http.close()
