"""What a document's status says of its time (``workers/tasks.py``, ``workers.executor.Timing``), with a
real micro-batching arq worker in this process, real pool processes with stub stages, real Redis:
``processing_ms`` is the pipeline's own time for the document (its share of a batch call, by stage
times), ``wait_ms`` the time from ``started_at`` to the start of that call, and
``started_at + wait_ms + processing_ms <= finished_at`` (checked as relations between the figures,
not wall-clock thresholds). It used to count the wait for the batch (and
for the busy process) as processing time."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from shared.schemas import Document, StatusOut

from test_job_sharing import Running, _processing, _waiting, finished, listening, until  # noqa: E402 - same folder

pytestmark = pytest.mark.integration


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


async def test_the_wait_for_a_batch_shows_in_wait_ms_not_in_processing_ms(redis_server, store, redis,
                                                                         tmp_path) -> None:
    worker = Running(redis_server.url)  # alone on the queue: it takes every job at once, to batch them
    gate = tmp_path / "open"  # the busy article runs until the three wait behind it (not a guessed "slow N")
    try:
        await listening(redis, 1)
        [busy] = [r.id for r in await store.submit_many([{"text": f"gate {gate} holds the one process"}])]
        await until(lambda: _processing(store, busy), what="the slow article in the process")
        # behind it, in one batch: one that takes 0.6 s itself, two that take nothing
        ids = [(await store.submit({"text": t})).id
               for t in ("slow 0.6 in the batch", "a short article", "another short article")]
        await until(lambda: _waiting(worker, 3), what="the three articles waiting in the worker's executor")
        await asyncio.sleep(0.8)  # they wait at least this long (longer than the slow one's own 0.6 s)
        gate.touch()
        docs = await finished(store, ids + [busy])
    finally:
        gate.touch()
        await worker.stop()
    assert [d["status"] for d in docs] == ["done"] * 4
    assert [d["batch"]["size"] for d in docs] == [3, 3, 3, 1]  # the three waited for the process together
    slow_in_batch, short, other, alone = docs
    # relations between the figures, never wall-clock thresholds (a loaded 2-core machine)
    for d in (short, other):  # waited behind the busy process (0.8 s or more), analysed in a few ms
        assert d["processing_ms"] < d["wait_ms"], d
        assert d["processing_ms"] * 10 < slow_in_batch["processing_ms"], (d, slow_in_batch)
        assert d["wait_ms"] > alone["wait_ms"], (d, alone)
    # the batch's 0.6 s is the slow document's share, not shared out equally; 1.5 s alone is more
    assert slow_in_batch["processing_ms"] > 10 * (short["processing_ms"] + other["processing_ms"]), docs
    assert slow_in_batch["processing_ms"] < slow_in_batch["wait_ms"] < alone["processing_ms"], docs
    batch_call_ms = sum(d["processing_ms"] for d in docs[:3])  # the shares add up to the batch call's time
    for d in docs:
        st = await store.get_status(d["id"])
        assert (st["processing_ms"], st["wait_ms"]) == (d["processing_ms"], d["wait_ms"])
        # the timestamps hold the figures: started_at, the wait, the pipeline call (of which processing_ms
        # is the document's share), the save (ms resolution, another clock: a proportional slack)
        spent = (_ts(d["finished_at"]) - _ts(d["started_at"])) * 1000
        call_ms = d["processing_ms"] if d is alone else batch_call_ms
        assert d["wait_ms"] + call_ms <= spent * 1.05 + 5, d
        assert spent - (d["wait_ms"] + call_ms) < d["wait_ms"] + call_ms, d  # the save, not a hidden wait
        assert StatusOut.model_validate(st).wait_ms == d["wait_ms"]


async def test_a_document_saved_before_wait_ms_existed_still_reads(store, redis) -> None:
    doc_id = (await store.submit({"text": "an article analysed by an older version"})).id
    await store.mark_processing(doc_id, 1)
    await store.save_document({"id": doc_id, "text": "an article analysed by an older version",
                               "timings_ms": {"echo": 1.0}}, 12.5)  # no wait_ms: as an older worker saved
    st = await store.get_status(doc_id)
    assert st["status"] == "done" and st["processing_ms"] == 12.5 and "wait_ms" not in st
    assert StatusOut.model_validate(st).wait_ms is None
    doc = await store.get_document(doc_id)
    assert Document.model_validate(doc).wait_ms is None and doc["processing_ms"] == 12.5
    await store.save_document({"id": doc_id, "text": "an article analysed by an older version"}, 3.0, 40.0)
    assert (await store.get_status(doc_id))["wait_ms"] == 40.0
