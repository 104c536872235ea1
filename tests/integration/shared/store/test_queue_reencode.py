"""``queue.reencode_foreign_jobs``: non-JSON job records of our queued articles become JSON jobs,
without being read; records for ids that are not our articles are left alone."""

from __future__ import annotations

import pickle

import pytest
from arq.jobs import serialize_job

from shared import keys as K
from shared.store import DocumentStore, queue

pytestmark = pytest.mark.integration


async def test_pickled_jobs_of_our_articles_are_rewritten_unread(redis, settings):
    store = DocumentStore(redis, settings)
    ours = await store.submit({"text": "The port reopened, the ministry said.", "source": "t"})
    fine = await store.submit({"text": "A second article, officials said.", "source": "t"})
    score = await redis.zscore(K.ARQ_QUEUE, ours.id)
    await redis.set(K.arq_job(ours.id), serialize_job(K.ARQ_TASK, (ours.id,), {}, 1, int(score)))  # arq's pickle
    await redis.set(K.arq_job("stranger"), pickle.dumps({"f": "x"}))
    await redis.zadd(K.ARQ_QUEUE, {"stranger": 1})
    fine_before = await redis.get(K.arq_job(fine.id))
    assert await queue.reencode_foreign_jobs(redis) == [ours.id]
    assert queue.decode_job(await redis.get(K.arq_job(ours.id))) == queue.Job(K.ARQ_TASK, (ours.id,), {}, 1, int(score))
    assert await redis.get(K.arq_job(fine.id)) == fine_before
    assert (await redis.get(K.arq_job("stranger"))).startswith(b"\x80")  # untouched: the worker refuses it
    assert await queue.reencode_foreign_jobs(redis) == []
