"""The HTTP server's limits and answers (services/http.py), on a real port with a real Redis: JSON for
protocol errors, ``Server: newsflow``, slow headers and bodies cut off, the connection cap; the retry
rules (JSON content type, lifetime cap) and the per-item nesting-depth limit."""

from __future__ import annotations

import asyncio
import contextlib
import json

import orjson
import pytest

from services.app import create_app
from shared import keys as K
from shared.schemas import MAX_DEPTH
from shared.supervise import start_api

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def served(settings, **overrides):
    runner, base = await start_api(create_app(settings.with_(**overrides)), "127.0.0.1", 0)
    try:
        yield int(base.rsplit(":", 1)[1])
    finally:
        await runner.cleanup()


async def exchange(port: int, raw: bytes, read_timeout: float = 30) -> bytes:
    """Send ``raw``; everything the server answers until it closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), read_timeout)
    finally:
        writer.close()


def split(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n",
    b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
])
async def test_protocol_errors_get_the_json_envelope_and_no_version(settings, redis, raw):
    async with served(settings) as port:
        status, headers, body = split(await exchange(port, raw))
    assert status == 400
    assert headers["content-type"].startswith("application/json")
    assert headers["server"] == "newsflow"
    err = orjson.loads(body)["error"]
    assert err["code"] == "bad_request" and set(err) == {"code", "message", "details"}


async def test_server_header_names_no_version(client):
    for resp in (await client.get("/healthz"), await client.get("/nope"), await client.post("/v1/articles", data=b"x")):
        assert resp.headers["Server"] == "newsflow"


async def test_slow_headers_are_cut_off(settings, redis):
    async with served(settings, http_header_timeout_seconds=0.5) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
            await writer.drain()
            assert await asyncio.wait_for(reader.read(), 30) == b""  # closed by the server
        finally:
            writer.close()
        # an idle connection that sends nothing is closed too
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            assert await asyncio.wait_for(reader.read(), 30) == b""
        finally:
            writer.close()


async def test_slow_body_gets_408(settings, redis):
    async with served(settings, http_body_timeout_seconds=0.5) as port:
        status, headers, body = split(await exchange(
            port, b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n{\"text\": \"slo"))
    assert status == 408 and orjson.loads(body)["error"]["code"] == "request_timeout"
    assert await redis.zcard(K.ARQ_QUEUE) == 0


async def test_connections_past_the_cap_get_503(settings, redis):
    async with served(settings, http_max_connections=2) as port:
        held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
        try:
            await asyncio.sleep(0.2)  # let the server register them
            status, headers, body = split(await exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
            assert status == 503 and orjson.loads(body)["error"]["code"] == "unavailable"
            assert headers["server"] == "newsflow"
        finally:
            for _, w in held:
                w.close()
        await asyncio.sleep(0.2)
        status, _, _ = split(await exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        assert status == 200  # below the cap again


async def _failed_article(client, store, redis, attempts: int, prior: int = 0) -> str:
    doc_id = (await (await client.post("/v1/articles", json={"text": "will fail, it said."})).json())["id"]
    await redis.delete(K.ARQ_QUEUE, K.arq_job(doc_id))
    await store.mark_processing(doc_id, attempts)
    await store.mark_failed(doc_id, {"code": "stage_error", "message": "boom"})
    if prior:
        await redis.hset(K.status(doc_id), "prior_attempts", prior)
    return doc_id


async def test_retry_needs_a_json_content_type(client, store, redis):
    doc_id = await _failed_article(client, store, redis, 1)
    for headers in ({}, {"Content-Type": "application/x-www-form-urlencoded"}, {"Content-Type": "text/plain"}):
        resp = await client.post(f"/v1/articles/{doc_id}/retry", headers=headers, data=b"a=1" if headers else None)
        assert resp.status == 415, headers
        assert (await resp.json())["error"]["code"] == "unsupported_media_type"
    assert (await store.get_status(doc_id))["status"] == "failed"
    resp = await client.post(f"/v1/articles/{doc_id}/retry", headers={"Content-Type": "application/json"})
    assert resp.status == 202


async def test_retry_keeps_a_lifetime_cap_on_attempts(make_client, store, redis):
    client = await make_client(max_attempts=2, max_lifetime_attempts=5)
    json_ct = {"Content-Type": "application/json"}
    doc_id = await _failed_article(client, store, redis, 2, prior=2)  # 4 used: one more round allowed
    assert (await client.post(f"/v1/articles/{doc_id}/retry", headers=json_ct)).status == 202
    st = await store.get_status(doc_id)
    assert st["status"] == "queued" and st["attempts"] == 0
    await redis.delete(K.ARQ_QUEUE, K.arq_job(doc_id))
    await store.mark_processing(doc_id, 1)
    await store.mark_failed(doc_id, {"code": "stage_error", "message": "boom again"})  # 5 used in all
    resp = await client.post(f"/v1/articles/{doc_id}/retry", headers=json_ct)
    assert resp.status == 409
    err = (await resp.json())["error"]
    assert err["code"] == "retry_budget_exhausted"
    assert err["details"] == {"attempts": 5, "max_lifetime_attempts": 5}
    assert (await store.get_status(doc_id))["status"] == "failed"
    assert await redis.zscore(K.ARQ_QUEUE, doc_id) is None


def nested(depth: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


async def test_nesting_depth_is_refused_per_item(client, redis):
    ok = {"text": "The minister said the port would reopen.", "metadata": nested(MAX_DEPTH - 1)}
    batch = [ok, {"text": "Too deep, he said.", "metadata": nested(MAX_DEPTH)},
             {"text": "Far too deep, she said.", "metadata": nested(253)},
             {"text": "And this one is fine, they said.", "metadata": {"k": [1, 2]}}]
    resp = await client.post("/v1/articles/batch", json=batch)
    assert resp.status == 202
    items = (await resp.json())["items"]
    assert [i["result"] for i in items] == ["accepted", "rejected", "rejected", "accepted"]
    assert items[1]["error"]["code"] == "validation_error"
    assert items[1]["error"]["details"][0]["type"] == "too_deep"
    ndjson = b"\n".join(json.dumps(a).encode() for a in ({"text": "x y z, said one.", "metadata": nested(300)},
                                                   {"text": "Plain text, said two."}))
    resp = await client.post("/v1/articles/batch", data=ndjson, headers={"Content-Type": "application/x-ndjson"})
    assert [i["result"] for i in (await resp.json())["items"]] == ["rejected", "accepted"]
    resp = await client.post("/v1/articles", json={"text": "Single, said three.", "metadata": nested(254)})
    assert resp.status == 422 and (await resp.json())["error"]["details"][0]["type"] == "too_deep"
