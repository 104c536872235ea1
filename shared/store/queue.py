"""The queue's wire format: the one place that knows how a job is encoded.

The API enqueues jobs itself, inside the intake and requeue scripts (dedupe + store + enqueue in one
atomic step), so it writes arq's job record by hand. The record is JSON (orjson), never a pickle: anyone
who could write to Redis could otherwise run code in the workers (``SET arq:job:x <pickle>`` +
``ZADD arq:queue``). The worker hands :data:`job_serializer` / :data:`job_deserializer` to the arq
``Worker`` (``workers/settings.py``: ``worker_options``), and so must anything that enqueues with arq
(``arq.connections.create_pool(..., job_serializer=..., job_deserializer=...)``).

A record that is not JSON (a pickle, garbage) fails in :func:`job_deserializer`; arq logs
"deserializing job … failed" and drops the job, nothing in it is ever evaluated.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import orjson

from .. import keys as K


def _default(obj: Any) -> Any:
    """What orjson cannot encode natively (arq puts the exception of a failed job in its result):
    its text. Never an object that would need code to rebuild."""
    if isinstance(obj, (tuple, set, frozenset)):
        return list(obj)
    return repr(obj)


def job_serializer(data: dict[str, Any]) -> bytes:
    """arq's job / result dict as JSON (tuples become lists)."""
    return orjson.dumps(data, default=_default)


def job_deserializer(raw: bytes) -> dict[str, Any]:
    """A job / result record written by :func:`job_serializer`; anything else raises ``ValueError``
    (arq turns that into a DeserializationError and drops the job)."""
    data = orjson.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("a job record is a JSON object")
    if isinstance(data.get("a"), list):
        data["a"] = tuple(data["a"])
    return data


class Job(NamedTuple):
    function: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    job_try: int | None
    enqueue_ms: int


def encode_job(doc_id: str, enqueue_ms: int) -> bytes:
    """The job record (``arq:job:<id>``) that has the worker process article ``doc_id``."""
    return job_serializer({"t": 1, "f": K.ARQ_TASK, "a": (doc_id,), "k": {}, "et": enqueue_ms})


def decode_job(raw: bytes) -> Job:
    d = job_deserializer(raw)
    return Job(d["f"], tuple(d["a"]), d["k"], d["t"], d["et"])


def queue_score(us: int) -> str:
    """The score in arq's queue zset of a job queued at ``us`` (epoch microseconds): milliseconds, arq's
    unit, with the microseconds as a fraction, one millisecond early (text: Lua never formats a number).

    arq takes the due jobs (score <= its ``timestamp_ms()``) in score order, and jobs of the same score in
    id order: with whole milliseconds, articles queued in the same millisecond (two quick submits, every
    article of a batch) were taken in the order of their ids, not in the order they came. The fraction keeps
    them in order. One millisecond early, because arq's ``timestamp_ms()`` is a rounded integer: a worker
    woken at once polls within the same millisecond, and a score with a fraction above that integer would
    not be due yet (the job would wait for the worker's next poll). A double holds such a score to about
    0.0002 ms, so the microseconds stay distinct. The order is the order of arrival within one request and
    across requests more than a batch's length in µs apart: a batch's n articles take the n µs that end at
    its arrival, so a single article that came a few µs before a concurrent batch may be queued among it."""
    return f"{us // 1000 - 1}.{us % 1000:03d}"


def enqueue_args(doc_id: str, now: float, us: int | None = None) -> dict[str, str]:
    """Script arguments that enqueue ``doc_id`` at ``now`` (epoch seconds): the job record (``job``,
    JSON text, stored as it is), its score in the queue zset (``queue_score``: :func:`queue_score` of
    ``us``, the time in microseconds, by default ``now``'s) and the channel that wakes idle workers
    (``wake``: the script publishes on it, see ``workers/wake.py``)."""
    enqueue_ms = int(now * 1000)
    return {"job": encode_job(doc_id, enqueue_ms).decode(),
            "queue_score": queue_score(int(now * 1e6) if us is None else us), "wake": K.WAKE}


async def reencode_foreign_jobs(redis: Any) -> list[str]:
    """Rewrite, as JSON, queued job records that are not JSON (pickles an older newsflow wrote, or
    planted ones) for ids that are articles' jobs of ours, without ever reading what they hold: the job
    of article ``<id>`` (``<id>`` or ``<id>:r<N>``, a later revision's) is always
    ``process_article(<id>)``. Records for other ids are left for the worker to refuse. Returns the ids rewritten (``workers/settings.py`` runs this at start-up, so an
    upgrade does not strand articles whose jobs were queued as pickles)."""
    ids = [m.decode() if isinstance(m, bytes) else str(m)
           for m in await redis.zrange(K.ARQ_QUEUE, 0, -1)]
    if not ids:
        return []
    pipe = redis.pipeline(transaction=False)
    for job_id in ids:
        pipe.getrange(K.arq_job(job_id), 0, 0)
        pipe.hget(K.status(job_article(job_id)), "status")
    replies = await pipe.execute()
    fixed = []
    for i, job_id in enumerate(ids):
        first, status = replies[2 * i], replies[2 * i + 1]
        if first and first != b"{" and status in (b"queued", b"processing"):
            fixed.append(job_id)
    for job_id in fixed:
        score = await redis.zscore(K.ARQ_QUEUE, job_id)
        await redis.set(K.arq_job(job_id), encode_job(job_article(job_id), int(score or 0)))
    return fixed


def job_article(job_id: str) -> str:
    """The article a job id is for: ``<id>`` or ``<id>:r<N>`` (a later revision's job,
    :func:`shared.keys.article_job`) → ``<id>``."""
    return K.split_article_job(job_id)[0]


# KEYS: the articles' queue, the deliveries' queue, then the in-progress key of each id of ARGV.
# A delivery moves with its score (its place in time) unless a worker is running it now.
_MOVE_DELIVERIES = """
local moved = 0
for i, id in ipairs(ARGV) do
  local score = redis.call('ZSCORE', KEYS[1], id)
  if score and redis.call('EXISTS', KEYS[2 + i]) == 0 then
    redis.call('SET', KEYS[2 + i], '1', 'PX', 1)  -- an arq start WATCHing it right now aborts its EXEC
    redis.call('ZADD', KEYS[2], score, id)
    redis.call('ZREM', KEYS[1], id)
    moved = moved + 1
  end
end
return moved
"""


async def move_deliveries(redis: Any, batch: int = 200) -> int:
    """Move the webhook deliveries (``wh:`` job ids) that an older newsflow queued on the articles'
    queue (``arq:queue``) to their own queue (``arq:webhooks``), keeping their scores, so they are not
    delivered behind the analysis backlog; the job records (``arq:job:<id>``) stay as they are.
    Deliveries a worker is running now stay (an older analysis worker finishes them; newsflow's
    analysis worker still knows ``deliver_webhook``, so deliveries an older worker queues there during
    a rolling upgrade are still made). The delivery worker runs this at start-up
    (``workers/settings.py``); ``ZSCAN … MATCH wh:*`` filters on the server. Returns how many moved."""
    moved = 0
    ids: list[Any] = []
    async for member, _score in redis.zscan_iter(K.ARQ_QUEUE, match=K.WEBHOOK_JOB_PREFIX + "*", count=1000):
        ids.append(member.decode() if isinstance(member, bytes) else str(member))
        if len(ids) >= batch:
            moved += await _move(redis, ids)
            ids = []
    if ids:
        moved += await _move(redis, ids)
    return moved


async def _move(redis: Any, ids: list[str]) -> int:
    keys = [K.ARQ_QUEUE, K.ARQ_WEBHOOK_QUEUE, *(K.arq_in_progress(i) for i in ids)]
    return int(await redis.eval(_MOVE_DELIVERIES, len(keys), *keys, *ids))
