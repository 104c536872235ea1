"""A status's run fields (``started_at``, ``finished_at``, ``processing_ms``, ``wait_ms``) are always of one
run: a new run (a new revision, ``POST /retry``, a re-run after a transient error or a lost worker) drops
the previous run's figures when it is queued or starts, over HTTP (status and document) and in Redis.
They used to stay, so a re-run that was ``processing`` showed the earlier run's timings."""

from __future__ import annotations

import pytest

from factories import SPY_TEXT, spy_document
from shared import keys as K
from shared.schemas import Document, StatusOut

pytestmark = pytest.mark.integration

RUN_TIMES = ("finished_at", "processing_ms", "wait_ms")
JSON = {"Content-Type": "application/json"}


async def _views(client, doc_id: str) -> tuple[dict, dict]:
    status = await (await client.get(f"/v1/articles/{doc_id}/status")).json()
    doc = await (await client.get(f"/v1/articles/{doc_id}")).json()
    StatusOut.model_validate(status)
    Document.model_validate(doc)
    return status, doc


def _times(view: dict) -> dict:
    return {k: view[k] for k in RUN_TIMES if k in view}


async def _done_once(client, store, article: dict) -> str:
    resp = await client.post("/v1/articles", json=article)
    assert resp.status == 202
    doc_id = (await resp.json())["id"]
    await store.mark_processing(doc_id, 1)
    await store.save_document(spy_document(article), 42.0, 7.0)
    status, _ = await _views(client, doc_id)
    assert (status["processing_ms"], status["wait_ms"]) == (42.0, 7.0) and status["finished_at"]
    return doc_id


async def test_a_new_revision_shows_no_timings_of_the_previous_run(client, store):
    first = {"text": SPY_TEXT, "external_id": "run-fields", "title": "Spy agency"}
    doc_id = await _done_once(client, store, first)
    second = {**first, "text": SPY_TEXT + " The ministry declined to comment."}
    resp = await client.post("/v1/articles", json=second)
    assert resp.status == 202 and (await resp.json())["revision"] == 2
    status, doc = await _views(client, doc_id)
    assert status["status"] == "queued" and _times(status) == {} and "started_at" not in status
    # the document is still revision 1's analysis, but the status fields are the queued run's
    assert doc["revision"] == 1 and doc["pending_revision"] == 2 and doc["entities"]
    assert _times(doc) == {}
    await store.mark_processing(doc_id, 1)
    status, doc = await _views(client, doc_id)
    assert status["status"] == "processing" and status["started_at"] and _times(status) == {}
    assert doc["status"] == "processing" and _times(doc) == {}
    await store.save_document({**spy_document(second), "revision": 2}, 55.0, 3.0)
    status, doc = await _views(client, doc_id)
    assert status["status"] == "done" and (status["processing_ms"], status["wait_ms"]) == (55.0, 3.0)
    assert doc["revision"] == 2 and (doc["processing_ms"], doc["wait_ms"]) == (55.0, 3.0)


async def test_a_failed_rerun_and_its_retry_show_no_timings_of_the_done_run(client, store):
    first = {"text": SPY_TEXT, "external_id": "run-fields-fail"}
    doc_id = await _done_once(client, store, first)
    await client.post("/v1/articles", json={**first, "text": SPY_TEXT + " Officials said more was coming."})
    await store.mark_processing(doc_id, 1)
    await store.mark_failed(doc_id, {"code": "stage_error", "message": "boom", "attempt": 1})
    status, _ = await _views(client, doc_id)
    # finished_at is the failed run's end; no pipeline time of the earlier, done run next to it
    assert status["status"] == "failed" and status["finished_at"] and "processing_ms" not in status
    assert "wait_ms" not in status
    resp = await client.post(f"/v1/articles/{doc_id}/retry", headers=JSON)
    assert resp.status == 202
    status, _ = await _views(client, doc_id)
    assert status["status"] == "queued" and _times(status) == {}
    await store.mark_processing(doc_id, 1)
    status, _ = await _views(client, doc_id)
    assert status["status"] == "processing" and _times(status) == {}


async def test_a_rerun_drops_timings_an_older_version_left(client, store, redis):
    """Status hashes written before this change may hold a previous run's figures next to a later
    status: the retry endpoint and a re-run's start (after a lost worker) drop them."""
    doc_id = await _done_once(client, store, {"text": SPY_TEXT, "external_id": "run-fields-old"})
    # as an older version left it: failed, with the done run's figures still in the hash
    await redis.hset(K.status(doc_id), mapping={"status": "failed", "error": '{"code": "x", "message": "y"}'})
    await redis.zrem(K.idx_status("done"), doc_id)
    await redis.zadd(K.idx_status("failed"), {doc_id: 1})
    assert (await store.get_status(doc_id))["processing_ms"] == 42.0
    assert (await client.post(f"/v1/articles/{doc_id}/retry", headers=JSON)).status == 202
    assert _times(await store.get_status(doc_id)) == {}
    # processing, with the earlier run's figures: the worker was lost, arq runs the job again
    await redis.hset(K.status(doc_id), mapping={"status": "processing", "processing_ms": "42.000",
                                                "wait_ms": "7.000", "finished_at": "2024-01-01T00:00:00Z"})
    assert await store.mark_processing(doc_id, 2)
    status = await store.get_status(doc_id)
    assert status["status"] == "processing" and status["attempts"] == 2 and _times(status) == {}
    # a job past its attempts is failed without a new start (workers/tasks.py): its figures go too
    await redis.hset(K.status(doc_id), mapping={"processing_ms": "42.000", "wait_ms": "7.000"})
    assert await store.mark_failed(doc_id, {"code": "worker_lost", "message": "gave up"})
    status = await store.get_status(doc_id)
    assert status["status"] == "failed" and status["finished_at"] and _times(status).keys() == {"finished_at"}
