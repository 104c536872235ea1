"""Events (``nf:events`` written with the status change, ``GET /v1/events``) and webhooks
(``/v1/webhooks``, dispatch and signed delivery by the worker's functions) on real Redis and a real
receiving HTTP server."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from aiohttp import web
from jsonschema import Draft202012Validator
from arq import Retry

from newsflow_client import AsyncClient, verify_signature
from shared import keys as K
from shared.store import queue
from workers import webhooks

from hooks import arq_pool, hook_receiver

pytestmark = pytest.mark.integration


def base_url(test_client) -> str:
    return str(test_client.make_url("")).rstrip("/")


def article(n: int, source: str = "Wire", **extra) -> dict:
    return {"text": f"Officials said on day {n} that the talks would resume.", "external_id": f"e{n}",
            "source": source, **extra}


async def finish(store, doc_id: str) -> None:
    """What a worker does on success: save the analysed document (here: the article itself)."""
    art = await store.get_article(doc_id)
    await store.save_document({**art, "id": doc_id, "entities": [], "claims": []}, 12.0)


async def first_events(api: AsyncClient, n: int, **kwargs) -> list:
    out = []
    async for ev in api.events(reconnect=False, **kwargs):
        out.append(ev)
        if len(out) == n:
            break
    return out


async def test_done_and_failed_write_events_that_the_stream_serves_and_filters(client, store) -> None:
    a, b, c = [(await store.submit(article(n, source))).id for n, source in ((1, "Wire"), (2, "Daily"), (3, "Wire"))]
    await finish(store, a)
    await store.mark_failed(b, {"code": "boom", "message": "stage failed"})
    await store.mark_failed(b, {"code": "boom", "message": "again"})  # no second event: already failed
    await finish(store, c)
    assert await store.redis.xlen(K.EVENTS) == 3
    async with AsyncClient(base_url(client)) as api:
        every = await asyncio.wait_for(first_events(api, 3, last_event_id="0"), 10)
        assert [(e.type, e.article_id) for e in every] == [("article.done", a), ("article.failed", b),
                                                           ("article.done", c)]
        assert every[1].data["article"]["error"]["code"] == "boom"
        assert every[1].data["article"]["source"] == "Daily"
        done_wire = await asyncio.wait_for(first_events(api, 2, last_event_id="0", type="article.done",
                                                        source="wire"), 10)
        assert [e.article_id for e in done_wire] == [a, c]
        resumed = await asyncio.wait_for(first_events(api, 1, last_event_id=every[0].id), 10)
        assert [e.id for e in resumed] == [every[1].id]
        bad = await client.get("/v1/events", headers={"Last-Event-ID": "yesterday"})
        assert bad.status == 422
        assert (await client.get("/v1/events?type=article.lost")).status == 422


async def test_only_the_save_that_makes_the_article_done_writes_an_event(store) -> None:
    """Revisions (dedup's save script): an earlier revision saved while a newer one is queued switches
    the document but leaves the article queued, so no article.done; a stale save changes nothing."""
    doc_id = (await store.submit(article(7))).id
    art = await store.get_article(doc_id)

    async def save(rev: int) -> str:
        return await store.save_document({**art, "id": doc_id, "revision": rev, "text": f"{art['text']} r{rev}",
                                          "entities": [], "claims": []}, 5.0)

    await store.redis.hset(K.status(doc_id), "revision", "3")  # revision 3 arrived before 2 was analysed
    assert await save(2) != "stale"
    assert await store.redis.xlen(K.EVENTS) == 0
    assert (await store.redis.hget(K.status(doc_id), "status")) != b"done"
    await save(3)
    entries = await store.redis.xrange(K.EVENTS)
    assert len(entries) == 1 and entries[0][1][b"type"] == b"article.done"
    assert await save(2) == "stale"
    assert await store.redis.xlen(K.EVENTS) == 1


async def xreading(redis) -> set[str]:
    """The Redis clients whose last command is an XREAD (the API's event stream waiting for entries)."""
    return {c["id"] for c in await redis.client_list() if c.get("cmd") == "xread"}


async def reading_the_stream(redis, before: set[str], timeout: float = 30) -> None:
    """Wait until a client not in ``before`` reads ``nf:events`` (XREAD): the stream handler has taken its
    starting point ("from now on") and waits for entries."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await xreading(redis) - before:
        assert loop.time() < deadline, [(c["id"], c.get("cmd"), c.get("flags")) for c in await redis.client_list()]
        await asyncio.sleep(0.01)


async def test_a_live_stream_gets_events_written_after_it_connected(client, store) -> None:
    doc_id = (await store.submit(article(7))).id
    before = await xreading(store.redis)
    async with AsyncClient(base_url(client)) as api:
        reader = asyncio.create_task(first_events(api, 1))
        await reading_the_stream(store.redis, before)  # not a fixed sleep: an event before it is not "live"
        await finish(store, doc_id)
        [ev] = await asyncio.wait_for(reader, 10)
    assert (ev.type, ev.article_id) == ("article.done", doc_id)


async def test_webhook_crud_and_validation(client) -> None:
    async with AsyncClient(base_url(client)) as api:
        bad = await api.create_webhook("ftp://x", events=["article.done"])
        assert bad.http_status == 422
        bad_type = await api.create_webhook("http://127.0.0.1:9/hook", events=["article.lost"])
        assert bad_type.http_status == 422
        made = await api.create_webhook("http://127.0.0.1:9/hook")
        assert made.http_status == 201 and made.body["secret"].startswith("whsec_")
        assert made.body["events"] == ["article.done", "article.failed"]
        listed = await api.webhooks()
        assert [h["id"] for h in listed.body["items"]] == [made.body["id"]]
        assert "secret" not in listed.body["items"][0]
        assert (await api.deliveries(made.body["id"])).body == {"items": []}
        assert (await api.delete_webhook(made.body["id"])).http_status == 204
        assert (await api.delete_webhook(made.body["id"])).http_status == 404
        assert (await api.deliveries(made.body["id"])).http_status == 404


async def test_deliveries_are_signed_retried_after_errors_and_logged(client, store, settings, redis_server) -> None:
    received: list[tuple[bytes, dict]] = []
    peers: set[tuple] = set()  # the sending side of each connection
    answers = [500, 500, 200, 200]

    async def receive(request: web.Request) -> web.Response:
        received.append((await request.read(), dict(request.headers)))
        peers.add(request.transport.get_extra_info("peername"))
        return web.Response(status=answers[len(received) - 1])

    receiver = await hook_receiver(receive)
    # the pool a worker gets (workers/settings.py): JSON job records, never pickles
    arq_redis = await arq_pool(redis_server.url)
    try:
        async with AsyncClient(base_url(client)) as api:
            hook = (await api.create_webhook(str(receiver.make_url("/hook")), events=["article.done"],
                                             secret="s3cret-s3cret")).body
            doc_id = (await store.submit(article(9, callback_url=str(receiver.make_url("/hook"))))).id
            other = (await store.submit(article(10))).id
            await finish(store, doc_id)
            await store.mark_failed(other, {"code": "x", "message": "y"})  # not subscribed: no delivery
            await webhooks.ensure_group(arq_redis)
            ctx = {"redis": arq_redis, "settings": settings.with_(callback_secret="cb-secret")}
            webhooks.share_session(ctx)  # as the workers' start-up does; each job gets a copy of ctx, as in arq
            entries = (await arq_redis.xreadgroup(K.EVENTS_GROUP, "t", {K.EVENTS: ">"}))[0][1]
            assert await webhooks.dispatch(ctx, entries) == 2  # the hook and the article's callback_url
            assert await webhooks.dispatch(ctx, entries) == 0  # handled again: same job ids, nothing new
            event_id = entries[0][0].decode()
            record = queue.job_deserializer(await arq_redis.get(f"arq:job:wh:{hook['id']}:{event_id}"))
            assert record["f"] == webhooks.TASK and list(record["a"]) == [hook["id"], event_id, None]
            for attempt in (1, 2):
                with pytest.raises(Retry):
                    await webhooks.deliver_webhook({**ctx, "job_try": attempt}, hook["id"], event_id)
            assert await webhooks.deliver_webhook({**ctx, "job_try": 3}, hook["id"], event_id) == "delivered"
            assert await webhooks.deliver_webhook(ctx, webhooks.CALLBACKS, event_id,
                                                  str(receiver.make_url("/hook"))) == "delivered"
            log = (await api.deliveries(hook["id"])).body["items"]
        await webhooks.close(ctx)
    finally:
        await arq_redis.aclose()
        await receiver.close()
    assert [(d["attempt"], d["status_code"], d["ok"]) for d in log] == [(3, 200, True), (2, 500, False),
                                                                         (1, 500, False)]
    # one HTTP session for every job of the worker (kept-alive connection), not a new one per delivery
    assert len(peers) == 1, peers
    bodies = {body for body, _ in received[:3]}
    assert len(bodies) == 1  # the same event each time
    for body, headers in received[:3]:
        assert headers["Newsflow-Event-Id"] == event_id
        assert verify_signature("s3cret-s3cret", headers["Newsflow-Signature"], body)
        assert not verify_signature("wrong-secret", headers["Newsflow-Signature"], body)
    cb_body, cb_headers = received[3]
    assert verify_signature("cb-secret", cb_headers["Newsflow-Signature"], cb_body)
    assert b'"article.done"' in cb_body and doc_id.encode() in cb_body
    # the numbers in these answers are what /openapi.json documents, units said (ms vs s vs ISO elsewhere)
    spec = await (await client.get("/openapi.json")).json()
    listed = await (await client.get("/v1/webhooks")).json()
    for name, instance in (("Webhook", hook), ("WebhookList", listed), ("WebhookDeliveryList", {"items": log}),
                           ("Event", orjson.loads(received[0][0]))):
        conforms(spec, name, instance)
    props = spec["components"]["schemas"]
    assert "milliseconds since the Unix epoch" in props["Webhook"]["properties"]["created_at"]["description"]
    assert "seconds since the Unix epoch" in props["Event"]["properties"]["created"]["description"]
    assert "seconds since the Unix epoch" in props["WebhookDelivery"]["properties"]["at"]["description"]
    assert spec["paths"]["/v1/webhooks"]["post"]["responses"]["201"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/Webhook"}


def conforms(spec: dict, schema_name: str, instance) -> None:
    """A real response against the schema the spec documents for it (JSON Schema 2020-12)."""
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    errors = sorted(Draft202012Validator(root).iter_errors(instance), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


async def test_events_need_read_and_every_webhook_route_admin(make_client, redis) -> None:
    from shared.store.apikeys import ApiKeyStore

    client = await make_client(auth="required")
    keys = ApiKeyStore(redis)
    _, read = await keys.create("reader", "read")
    _, admin = await keys.create("ops", "admin")
    hook = {"url": "https://example.com/hook", "events": ["article.done"]}
    assert (await client.get("/v1/events?last_event_id=0")).status == 401
    assert (await client.post("/v1/webhooks", json=hook)).status == 401
    for key, allowed in ((read, False), (admin, True)):
        h = {"Authorization": f"Bearer {key}"}
        created = await client.post("/v1/webhooks", json=hook, headers=h)
        assert created.status == (201 if allowed else 403)
        assert (await client.get("/v1/webhooks", headers=h)).status == (200 if allowed else 403)
        if allowed:
            hook_id = (await created.json())["id"]
            assert (await client.get(f"/v1/webhooks/{hook_id}/deliveries", headers=h)).status == 200
            assert (await client.delete(f"/v1/webhooks/{hook_id}", headers=h)).status == 204
    resp = await client.get("/v1/events", headers={"Authorization": f"Bearer {read}", "Last-Event-ID": "yesterday"})
    assert resp.status == 422  # past the auth check: the read key may read events
    assert (await client.get("/")).status == 200  # GET / → /docs, open
