"""``queue.reencode_foreign_jobs``: non-JSON job records of our queued articles become JSON jobs,
without being read; records for ids that are not our articles are left alone. ``queue.move_deliveries``:
webhook deliveries an older version queued with the articles move to their own queue."""

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


async def test_a_pickled_job_of_a_later_revision_is_rewritten_for_its_article(redis, settings):
    """A later revision's job id is ``<id>:r<N>``: its record is recognised (the article's status) and
    rewritten as ``process_article(<id>)``, not left for the worker to refuse (the article stranded)."""
    store = DocumentStore(redis, settings)
    doc_id = (await store.submit({"text": "The port reopened, the ministry said.", "external_id": "e"})).id
    r2 = await store.submit({"text": "The port reopened again, the ministry said.", "external_id": "e"})
    assert r2.revision == 2
    job2 = K.article_job(doc_id, 2)
    await redis.delete(K.arq_job(doc_id))
    await redis.zrem(K.ARQ_QUEUE, doc_id)
    score = await redis.zscore(K.ARQ_QUEUE, job2)
    await redis.set(K.arq_job(job2), serialize_job(K.ARQ_TASK, (doc_id,), {}, 1, int(score)))
    assert queue.job_article(job2) == doc_id and queue.job_article(doc_id) == doc_id
    assert await queue.reencode_foreign_jobs(redis) == [job2]
    assert queue.decode_job(await redis.get(K.arq_job(job2))) == queue.Job(K.ARQ_TASK, (doc_id,), {}, 1, int(score))


async def test_deliveries_queued_with_the_articles_move_to_their_own_queue(redis, settings):
    store = DocumentStore(redis, settings)
    doc = await store.submit({"text": "The port reopened, the ministry said.", "source": "t"})
    deliveries = {f"{K.WEBHOOK_JOB_PREFIX}hook{i}:17-{i}": 1000 + i for i in range(5)}
    await redis.zadd(K.ARQ_QUEUE, deliveries)
    running = f"{K.WEBHOOK_JOB_PREFIX}hook9:17-9"  # an older worker is delivering it now: it stays
    await redis.zadd(K.ARQ_QUEUE, {running: 999})
    await redis.set(K.arq_in_progress(running), b"1")
    assert await queue.move_deliveries(redis, batch=2) == 5
    assert dict(await redis.zrange(K.ARQ_WEBHOOK_QUEUE, 0, -1, withscores=True)) == {
        k.encode(): float(v) for k, v in deliveries.items()}  # their place in time kept
    assert {m.decode() for m in await redis.zrange(K.ARQ_QUEUE, 0, -1)} == {doc.id, running}
    assert await queue.move_deliveries(redis) == 0
