"""``newsflow_client.AsyncClient`` (and the blocking ``Client``) against the real app on a real port
with real Redis (no worker: articles stay queued unless a test marks them failed through the store)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from newsflow_client import AsyncClient, Client, WaitProgress
from services.state import REDIS
from shared.ids import article_id

pytestmark = pytest.mark.integration


def base_url(test_client) -> str:
    return str(test_client.make_url("")).rstrip("/")


def article(n: int) -> dict:
    return {"text": f"Officials said on day {n} that the talks would resume.", "external_id": f"c{n}"}


async def test_submit_one_then_the_same_again_is_a_duplicate(client) -> None:
    async with AsyncClient(base_url(client)) as api:
        first = await api.submit(article(1))
        again = await api.submit(article(1))
    assert (first.result, first.id, first.status, first.http_status) == ("accepted", article_id(article(1)),
                                                                         "queued", 202)
    assert (again.result, again.id, again.http_status) == ("duplicate", first.id, 200)


async def test_submit_many_batches_within_the_limit_and_keeps_input_order(make_client) -> None:
    server = await make_client(batch_max_items=2)
    articles = [article(1), {"title": "no body"}, article(2), article(1), article(3)]
    async with AsyncClient(base_url(server)) as api:
        too_big = await api.submit_batch(articles)  # one request over the server's limit: all rejected
        assert [r.result for r in too_big] == ["rejected"] * 5
        assert {r.error["code"] for r in too_big} == {"too_many_items"}
    async with AsyncClient(base_url(server), max_batch_items=2) as api:
        results = await api.submit_many(articles)
    assert [r.index for r in results] == [0, 1, 2, 3, 4]
    assert [r.result for r in results] == ["accepted", "rejected", "accepted", "duplicate", "accepted"]
    assert results[1].error["code"] == "validation_error"
    assert [r.id for r in results if r.id] == [article_id(a) for a in (article(1), article(2), article(1),
                                                                      article(3))]


async def test_submit_many_splits_by_bytes(make_client) -> None:
    server = await make_client(max_batch_bytes=300)
    articles = [article(n) for n in range(6)]  # ~90 bytes each: three batches of two
    async with AsyncClient(base_url(server), max_batch_bytes=300) as api:
        results = await api.submit_many(articles)
    assert [r.result for r in results] == ["accepted"] * 6


async def test_a_full_queue_rejects_with_queue_full(make_client) -> None:
    server = await make_client(queue_max_depth=1)
    async with AsyncClient(base_url(server)) as api:
        results = await api.submit_many([article(1), article(2), article(3)], retry=False)
        later = await api.submit_many([article(4), article(5)], retry=False)  # every item refused: a 429
        single = await api.submit(article(6))
    assert [r.result for r in results] == ["accepted", "rejected", "rejected"]
    assert [(r.result, r.error["code"], r.http_status) for r in later] == [("rejected", "queue_full", 429)] * 2
    assert [r.index for r in later] == [0, 1]
    assert single.rejected and single.error["code"] == "queue_full" and single.http_status == 429


async def test_submit_many_retries_a_full_queue_after_retry_after(make_client) -> None:
    server = await make_client(queue_max_depth=1, retry_after_seconds=1)
    redis = server.app[REDIS]

    async def drain() -> None:  # a worker taking the jobs: the queue empties after a while
        await asyncio.sleep(0.5)
        await redis.delete("arq:queue")

    async with AsyncClient(base_url(server), max_retry_seconds=30) as api:
        task = asyncio.create_task(drain())
        results = await api.submit_many([article(1), article(2)])
        await task
    assert [r.result for r in results] == ["accepted", "accepted"]
    assert [r.index for r in results] == [0, 1]


async def test_status_get_and_wait(client, store) -> None:
    async with AsyncClient(base_url(client)) as api:
        a, b = await api.submit_many([article(1), article(2)])
        st = await api.status(a.id)
        assert (st.id, st.status, st.http_status, st.finished) == (a.id, "queued", 200, False)
        doc = await api.get(a.id)
        assert doc.ok and doc.body["id"] == a.id and doc.body["status"] == "queued"
        missing = await api.status("0000000000000000")
        assert (missing.status, missing.http_status, missing.error["code"]) == ("unknown", 404, "not_found")
        assert (await api.get("0000000000000000")).error["code"] == "not_found"

        seen: list[WaitProgress] = []
        final = await api.wait([a.id, b.id, a.id], timeout=0.5, interval=0.05, on_progress=seen.append)
        assert {k: v.status for k, v in final.items()} == {a.id: "queued", b.id: "queued"}
        assert seen == [WaitProgress(0, 2, {"queued": 2})]  # called again only when the counts change

        await store.mark_failed(a.id, {"code": "stage_error", "message": "broken"})
        await store.mark_failed(b.id, {"code": "stage_error", "message": "broken too"})
        seen.clear()
        final = await api.wait([a.id, b.id], timeout=30, interval=0.05, on_progress=seen.append)
    assert all(st.finished and st.status == "failed" for st in final.values())
    assert final[a.id].error["message"] == "broken"
    assert seen[-1] == WaitProgress(2, 2, {"failed": 2})


async def test_an_unparseable_answer_is_a_bad_response(client) -> None:
    async with AsyncClient(base_url(client)) as api:
        resp = await api.request("GET", "/metrics")  # Prometheus text, not JSON
    assert resp.ok and resp.body["error"]["code"] == "bad_response"


async def test_an_unreachable_api_raises_a_client_error() -> None:
    async with AsyncClient("http://127.0.0.1:9", timeout=5) as api:
        with pytest.raises(aiohttp.ClientError):
            await api.submit(article(1))


async def test_the_blocking_client_does_the_same(client) -> None:
    url = base_url(client)

    def use() -> tuple:
        with Client(url) as api:
            res = api.submit_many([article(7), article(8)])
            return res, api.status(res[0].id), api.get(res[1].id)

    results, st, doc = await asyncio.to_thread(use)
    assert [r.result for r in results] == ["accepted", "accepted"]
    assert st.status == "queued" and doc.body["id"] == results[1].id
