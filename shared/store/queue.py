"""The queue's wire format: the one place that knows how a job is encoded.

The API enqueues jobs itself, inside the intake and requeue scripts (dedupe + store + enqueue in one
atomic step), so it writes arq's job record by hand: today arq 0.28's default, a pickled dict
(``arq.jobs.serialize_job``). The worker reads it with arq, whose ``job_serializer`` /
``job_deserializer`` default to the same pickle functions as :data:`job_serializer` /
:data:`job_deserializer` here. To change the format, change this module and hand these two to the
arq ``Worker`` (``workers/settings.py``: ``worker_options``).
"""

from __future__ import annotations

import pickle
from typing import Any, Callable, NamedTuple

from .. import keys as K
from .scripts import hex_arg

job_serializer: Callable[[dict[str, Any]], bytes] = pickle.dumps
job_deserializer: Callable[[bytes], dict[str, Any]] = pickle.loads


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


def enqueue_args(doc_id: str, now: float) -> dict[str, str]:
    """Script arguments that enqueue ``doc_id`` at ``now`` (epoch seconds): the job record
    (``job_hex``) and its score in the queue zset (``queue_score``, ms)."""
    enqueue_ms = int(now * 1000)
    return {"job_hex": hex_arg(encode_job(doc_id, enqueue_ms)), "queue_score": str(enqueue_ms)}

