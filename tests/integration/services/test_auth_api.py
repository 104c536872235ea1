"""API keys on the real app with a real Redis: 401 / 403 / 429, open routes, key management, the
loopback default."""

from __future__ import annotations

import asyncio
import json

import pytest

from shared import keys as K
from shared.config import Settings
from shared.store.apikeys import ApiKeyStore

pytestmark = pytest.mark.integration

ARTICLE = {"text": "Officials said the talks would resume in Geneva next week.", "source": "t"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def newsflow_keys(redis) -> list[bytes]:
    return [k for k in await redis.keys("nf:*") if not k.startswith((b"nf:apikey", b"nf:ratelimit"))]


async def test_a_write_without_a_key_is_401_and_stores_nothing(make_client, redis):
    client = await make_client(auth="required")
    for headers in ({}, bearer("nfk_000000000000_nope"), {"X-API-Key": "garbage"}, {"Authorization": "Basic eDp5"}):
        resp = await client.post("/v1/articles", json=ARTICLE, headers=headers)
        assert resp.status == 401, headers
        body = await resp.json()
        assert body["error"]["code"] == "unauthorized" and set(body["error"]) == {"code", "message", "details"}
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        resp = await client.post("/v1/articles/batch", json=[ARTICLE], headers=headers)
        assert resp.status == 401
    assert await newsflow_keys(redis) == []
    assert await redis.zcard("arq:queue") == 0


async def test_scopes_decide_what_a_key_may_do(make_client, redis):
    client = await make_client(auth="required")
    keys = ApiKeyStore(redis)
    _, submit = await keys.create("crawler", "submit")
    _, read = await keys.create("reader", ["read"])
    _, admin = await keys.create("ops", "admin,read")
    resp = await client.post("/v1/articles", json=ARTICLE, headers=bearer(submit))
    assert resp.status == 202
    doc_id = (await resp.json())["id"]
    resp = await client.post("/v1/articles", json={**ARTICLE, "text": "Another one, the agency said."},
                             headers=bearer(read))
    assert resp.status == 403
    err = (await resp.json())["error"]
    assert err["code"] == "forbidden" and err["details"]["required_scope"] == "submit"
    assert (await client.get(f"/v1/articles/{doc_id}/status", headers=bearer(submit))).status == 403
    assert (await client.get(f"/v1/articles/{doc_id}/status", headers={"X-API-Key": read})).status == 200
    assert (await client.get("/v1/articles", headers=bearer(read))).status == 200
    json_ct = {"Content-Type": "application/json"}
    for key in (submit, read):  # retry and DELETE need admin
        assert (await client.post(f"/v1/articles/{doc_id}/retry", headers={**bearer(key), **json_ct})).status == 403
        assert (await client.delete(f"/v1/articles/{doc_id}", headers=bearer(key))).status == 403
        assert (await client.get("/v1/keys", headers=bearer(key))).status == 403
    assert await redis.exists(f"nf:status:{doc_id}")
    resp = await client.post(f"/v1/articles/{doc_id}/retry", headers={**bearer(admin), **json_ct})
    assert resp.status == 409  # allowed; the article is queued, not failed
    assert (await client.delete(f"/v1/articles/{doc_id}", headers=bearer(admin))).status == 409


async def test_open_routes_stay_open(make_client):
    client = await make_client(auth="required")
    for path in ("/healthz", "/metrics", "/openapi.json", "/docs"):
        assert (await client.get(path)).status == 200, path
    assert (await client.get("/readyz")).status in (200, 503)  # no worker here; never 401
    assert (await client.get("/no/such/route")).status == 404


async def test_rate_limit_answers_429_with_retry_after(make_client, redis):
    client = await make_client(auth="required", rate_limit_per_second=0.2, rate_limit_burst=3)
    _, key = await ApiKeyStore(redis).create("busy", "read")
    _, other = await ApiKeyStore(redis).create("calm", "read")
    statuses = [(await client.get("/v1/articles", headers=bearer(key))).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    resp = await client.get("/v1/articles", headers=bearer(key))
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert (await resp.json())["error"]["code"] == "rate_limited"
    assert (await client.get("/v1/articles", headers=bearer(other))).status == 200  # per key


async def test_keys_over_http_create_list_revoke(make_client, redis):
    client = await make_client(auth="required")
    _, admin = await ApiKeyStore(redis).create("root", "admin")
    resp = await client.post("/v1/keys", json={"name": "crawler-1", "scopes": ["submit", "read"]},
                             headers=bearer(admin))
    assert resp.status == 201
    created = await resp.json()
    assert created["key"].startswith("nfk_") and created["scopes"] == ["submit", "read"]
    listed = (await (await client.get("/v1/keys", headers=bearer(admin))).json())["items"]
    assert {k["name"] for k in listed} == {"root", "crawler-1"}
    assert all("key" not in k and "hash" not in k for k in listed)
    stored = b""
    for k in await redis.keys("nf:*"):
        stored += k + (b"".join((await redis.hgetall(k)).values()) if await redis.type(k) == b"hash"
                       else (await redis.get(k) or b"") if await redis.type(k) == b"string" else b"")
    assert created["key"].encode() not in stored  # only its hash is stored
    assert (await client.get("/v1/articles", headers=bearer(created["key"]))).status == 200
    assert (await client.delete(f"/v1/keys/{created['id']}", headers=bearer(admin))).status == 204
    resp = await client.get("/v1/articles", headers=bearer(created["key"]))
    assert resp.status == 401  # revoked
    assert (await client.post("/v1/keys", json={"name": "x", "scopes": ["root"]}, headers=bearer(admin))).status == 422
    assert (await client.delete("/v1/keys/unknown", headers=bearer(admin))).status == 404


async def test_loopback_default_is_open_and_a_public_address_needs_keys(make_client, redis):
    assert Settings().auth == "loopback"
    open_client = await make_client()  # host 127.0.0.1, as `make run`
    assert (await open_client.post("/v1/articles", json=ARTICLE)).status == 202
    public = await make_client(host="0.0.0.0")
    assert (await public.get("/v1/articles")).status == 401
    off = await make_client(host="0.0.0.0", auth="off")
    assert (await off.get("/v1/articles")).status == 200


async def test_openapi_documents_the_security_schemes(make_client):
    client = await make_client(auth="required")
    spec = await (await client.get("/openapi.json")).json()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    assert spec["paths"]["/healthz"]["get"]["security"] == []
    assert "submit" in spec["paths"]["/v1/articles"]["post"]["description"]
    assert "admin" in spec["paths"]["/v1/articles/{id}"]["delete"]["description"]
    assert "401" in spec["paths"]["/v1/articles/{id}/retry"]["post"]["responses"]


# ------------------------------------------------------------------ Idempotency-Key per API key

OTHER = {"text": "Heavy rain flooded several villages in the valley overnight, officials said.", "source": "t"}


async def test_idempotency_keys_are_scoped_per_api_key(make_client, redis):
    client = await make_client(auth="required")
    keys = ApiKeyStore(redis)
    a_rec, a = await keys.create("client-a", "submit")
    b_rec, b = await keys.create("client-b", "submit")
    c_rec, c = await keys.create("client-c", "submit")
    idem = {"Idempotency-Key": "order-42"}
    ra = await client.post("/v1/articles", json=ARTICLE, headers={**bearer(a), **idem})
    assert ra.status == 202
    body_a = await ra.read()
    # B, same Idempotency-Key, another request: its own result, not A's 409
    rb = await client.post("/v1/articles", json=OTHER, headers={**bearer(b), **idem})
    assert rb.status == 202 and "Idempotent-Replayed" not in rb.headers
    body_b = await rb.read()
    assert (await rb.json())["id"] != (await ra.json())["id"]
    # C, same Idempotency-Key and A's very request: it runs (a 200 duplicate), A's response is not replayed
    rc = await client.post("/v1/articles", json=ARTICLE, headers={**bearer(c), **idem})
    assert rc.status == 200 and "Idempotent-Replayed" not in rc.headers
    assert (await rc.json())["duplicate"] is True and await rc.read() != body_a
    assert await redis.zcard("arq:queue") == 2  # A's and B's articles
    # the same API key still replays its own response, byte for byte
    for key, body, first in ((a, ARTICLE, body_a), (b, OTHER, body_b)):
        again = await client.post("/v1/articles", json=body, headers={**bearer(key), **idem})
        assert again.status == 202 and again.headers["Idempotent-Replayed"] == "true"
        assert await again.read() == first
    # and the 409 rules hold inside one key's space: A with B's request is a reuse
    reused = await client.post("/v1/articles", json=OTHER, headers={**bearer(a), **idem})
    assert reused.status == 409 and (await reused.json())["error"]["code"] == "idempotency_key_reused"
    records = sorted([k.decode() async for k in redis.scan_iter(match="nf:idem:*")])
    assert [r.split(":")[2] for r in records] == sorted([a_rec.id, b_rec.id, c_rec.id])
    assert len({r.split(":")[3] for r in records}) == 1  # the same Idempotency-Key digest in three spaces


async def test_concurrent_same_idempotency_key_runs_once_per_api_key(make_client, redis):
    client = await make_client(auth="required")
    keys = ApiKeyStore(redis)
    _, a = await keys.create("client-a", "submit")
    _, b = await keys.create("client-b", "submit")
    idem = {"Idempotency-Key": "burst"}
    sent = [(a, ARTICLE), (b, OTHER)] * 6
    resps = await asyncio.gather(*[client.post("/v1/articles", json=body, headers={**bearer(key), **idem})
                                   for key, body in sent])
    ids: dict[str, set[str]] = {a: set(), b: set()}
    for (key, _), resp in zip(sent, resps):
        body = await resp.json()
        if resp.status == 409:
            assert body["error"]["code"] == "idempotency_key_in_use"  # never "reused": the other key is apart
        else:
            assert resp.status == 202
            ids[key].add(body["id"])
    assert len(ids[a]) == 1 and len(ids[b]) == 1 and ids[a] != ids[b]  # each key ran its request once
    assert await redis.zcard("arq:queue") == 2


async def test_refused_idempotent_request_is_retried_under_the_same_key(make_client, redis):
    client = await make_client(auth="required")
    _, a = await ApiKeyStore(redis).create("client-a", "submit")
    idem = {**bearer(a), "Idempotency-Key": "fix-me"}
    bad = await client.post("/v1/articles", json={"text": ""}, headers=idem)
    good = await client.post("/v1/articles", json=ARTICLE, headers=idem)
    assert (bad.status, good.status) == (422, 202)


# ------------------------------------------------------------------ a key revoked mid-request

async def _authenticated(redis, key_id: str) -> None:
    """Until the middleware has checked the key (its check charges the key's rate-limit bucket)."""
    for _ in range(1000):
        if await redis.exists(f"nf:ratelimit:{key_id}"):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the request was never authenticated")


@pytest.mark.parametrize("path, body", [
    ("/v1/articles", json.dumps(ARTICLE).encode()),
    ("/v1/articles/batch", json.dumps([ARTICLE, OTHER]).encode()),
])
async def test_a_key_revoked_while_its_body_arrives_stores_nothing(make_client, redis, path, body):
    """The key is checked before the body is read; revoked after that check, its submit is still refused
    (by the submit script, atomically with the write), not stored."""
    client = await make_client(auth="required", rate_limit_per_second=100.0, rate_limit_burst=100)
    keys = ApiKeyStore(redis)
    record, key = await keys.create("crawler", "submit")
    revoked = asyncio.Event()

    async def slow_body():
        yield body[:10]
        await revoked.wait()  # the rest arrives after the revocation
        yield body[10:]

    request = asyncio.ensure_future(client.post(path, data=slow_body(), headers={
        **bearer(key), "Content-Type": "application/json"}))
    await _authenticated(redis, record.id)
    assert await keys.revoke(record.id)
    revoked.set()
    resp = await request
    assert resp.status == 401, await resp.text()
    err = (await resp.json())["error"]
    assert err["code"] == "unauthorized" and "revoked" in err["message"]
    assert await newsflow_keys(redis) == [] and await redis.zcard("arq:queue") == 0


async def test_the_submit_script_refuses_a_revoked_key_and_takes_a_live_one(store, redis):
    keys = ApiKeyStore(redis)
    live, _ = await keys.create("live", "submit")
    gone, _ = await keys.create("gone", "submit")
    await keys.revoke(gone.id)
    refused = await store.submit(ARTICLE, gone.id)
    assert refused.key_revoked and not refused.duplicate
    assert [r.key_revoked for r in await store.submit_many([ARTICLE, OTHER], gone.id)] == [True, True]
    assert await store.submit(ARTICLE, "000000000000") == refused  # an unknown (deleted) key: refused too
    assert await newsflow_keys(redis) == [] and await redis.zcard("arq:queue") == 0
    accepted = await store.submit(ARTICLE, live.id)
    assert not accepted.key_revoked and accepted.status == "queued"
    # the same rule as authentication (authenticate.lua): a record without a 'revoked' field (made by hand,
    # restored, an older layout) is a live key, not a revoked one
    await redis.hdel(K.apikey(live.id), "revoked")
    assert not (await store.submit({"text": "a third article for the same live key"}, live.id)).key_revoked
    assert [r.status for r in await store.submit_many([ARTICLE, OTHER], live.id)] == ["queued", "queued"]
    assert [r.duplicate for r in await store.submit_many([ARTICLE, OTHER], live.id)] == [True, True]
    assert (await store.submit(OTHER)).duplicate  # no key (API keys not required): no check
