"""Articles are taken from arq's queue in the order they came, also when they came in the same millisecond
(``shared.store.queue.queue_score``): arq takes jobs of the same score in id order, and the score used to be
the whole millisecond, so the articles of a batch (and quick single submits) were analysed in the order of
their ids. Real Redis, a real arq worker in this process (``test_wake.make_worker``)."""

from __future__ import annotations

import pytest
from arq.utils import timestamp_ms

from shared import keys as K

from test_wake import _run, make_worker  # noqa: E402 - same folder

pytestmark = pytest.mark.integration


def articles(n: int, what: str) -> list[dict]:
    return [{"text": f"{what} number {i}: the council met on Monday, officials said."} for i in range(n)]


async def queued(redis) -> list[str]:
    return [m.decode() for m in await redis.zrange(K.ARQ_QUEUE, 0, -1)]


async def test_a_batch_is_queued_in_input_order_and_due_at_once(store, redis) -> None:
    ids = [r.id for r in await store.submit_many(articles(40, "Batch article"))]
    assert sorted(ids) != ids  # ids are content hashes: id order is not input order
    assert await queued(redis) == ids
    # every job is due for a worker polling now (arq: score <= its rounded integer timestamp_ms())
    assert len(await redis.zrangebyscore(K.ARQ_QUEUE, "-inf", timestamp_ms())) == 40


async def test_quick_single_submits_are_queued_in_the_order_they_came(store, redis) -> None:
    ids = [(await store.submit(a)).id for a in articles(30, "Single article")]
    assert await queued(redis) == ids, [(m.decode(), s) for m, s in
                                        await redis.zrange(K.ARQ_QUEUE, 0, -1, withscores=True)]


async def test_a_worker_with_one_slot_takes_a_batch_in_input_order(redis_server, store, redis) -> None:
    ids = [r.id for r in await store.submit_many(articles(12, "Ordered article"))]
    started: list[tuple[str, float]] = []
    worker = make_worker(redis_server.url, started, max_jobs=1)  # one job at a time
    await _run(worker, lambda: len(started) == len(ids), timeout=60)
    assert [d for d, _ in started] == ids
