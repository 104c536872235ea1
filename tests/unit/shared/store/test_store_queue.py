"""The queue's wire format: the job record the intake and requeue scripts write is exactly arq's."""

from __future__ import annotations

import random

import pytest
from arq.jobs import deserialize_job_raw, serialize_job

from shared import keys as K
from shared.store import queue

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("doc_id, enqueue_ms", [("abc123", 0), ("0123456789abcdef", 1764650000123),
                                                ("ü-id", 4102444800999)])
def test_encoded_job_is_byte_identical_to_arqs_own(doc_id, enqueue_ms):
    assert queue.encode_job(doc_id, enqueue_ms) == serialize_job(K.ARQ_TASK, (doc_id,), {}, 1, enqueue_ms,
                                                                   serializer=queue.job_serializer)


def test_arq_reads_the_job_back_with_the_deserializer_given_to_the_worker():
    raw = queue.encode_job("doc1", 1764650000123)
    assert deserialize_job_raw(raw, deserializer=queue.job_deserializer) == (
        K.ARQ_TASK, ("doc1",), {}, 1, 1764650000123)


def test_decode_is_the_inverse_of_encode():
    job = queue.decode_job(queue.encode_job("doc2", 42))
    assert job == queue.Job(K.ARQ_TASK, ("doc2",), {}, 1, 42)


@pytest.mark.parametrize("now", [1764650000.1234567, 4102444800.999, 1.0])
def test_enqueue_args_carry_the_job_and_a_microsecond_score_one_millisecond_early(now):
    args = queue.enqueue_args("doc3", now)
    assert set(args) == {"job", "queue_score", "wake"} and args["wake"] == K.WAKE
    assert all(isinstance(v, str) for v in args.values())  # text: Lua never formats a number
    job = queue.decode_job(args["job"].encode())
    assert job.args == ("doc3",)
    assert job.enqueue_ms == int(now * 1000)
    us = int(now * 1e6)
    assert args["queue_score"] == queue.queue_score(us) == f"{us // 1000 - 1}.{us % 1000:03d}"
    assert queue.enqueue_args("doc3", now, us=us - 7)["queue_score"] == queue.queue_score(us - 7)


def test_queue_scores_keep_microsecond_order_and_are_due_at_the_millisecond_of_queueing():
    """Scores go to Redis as doubles: each microsecond must stay a distinct, ordered score (same-score jobs
    are taken in id order), and a job must be due for a worker whose clock reads the millisecond it was
    queued in (arq: due when score <= its rounded integer ``timestamp_ms()``)."""
    rng = random.Random(7)
    starts = [1764650000123000, 4102444800999000] + [rng.randrange(10**15, 5 * 10**15) for _ in range(100)]
    for start in starts:
        scores = [float(queue.queue_score(us)) for us in range(start, start + 1500)]
        assert all(a < b for a, b in zip(scores, scores[1:])), start
        for us, score in zip(range(start, start + 1500), scores):
            assert score < us // 1000, (us, score)  # <= round(now) of any worker whose now >= the queueing


def test_a_pickle_is_refused_not_loaded(tmp_path):
    import pickle

    class Boom:
        def __reduce__(self):
            return (open, (str(tmp_path / "pwned"), "w"))

    with pytest.raises(ValueError):
        queue.job_deserializer(pickle.dumps({"f": K.ARQ_TASK, "a": (Boom(),), "k": {}, "t": 1, "et": 0}))
    assert not (tmp_path / "pwned").exists()
    assert queue.encode_job("x", 1).startswith(b"{")  # JSON on the wire
