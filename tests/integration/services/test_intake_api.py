"""POST /v1/articles and /v1/articles/batch over real HTTP and a real Redis: status codes, error
bodies, idempotency under concurrency, batch semantics, limits, queue back-pressure."""

from __future__ import annotations

import asyncio
import random

import orjson
import pytest

from shared import keys as K
from shared.ids import article_id

JSON = {"Content-Type": "application/json"}
NDJSON = {"Content-Type": "application/x-ndjson"}


def assert_error(body: dict, code: str | None = None) -> dict:
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "details"} and isinstance(err["message"], str) and err["message"]
    if code:
        assert err["code"] == code, err
    return err


async def post_raw(client, path: str, data: bytes, headers: dict | None = None):
    resp = await client.post(path, data=data, headers=headers if headers is not None else JSON)
    return resp.status, await resp.json(), resp


async def test_accept_then_status_link(client, redis):
    article = {"url": "https://example.com/news/1", "title": "T", "text": "Body text here.", "source": "BBC",
               "published_at": "2024-05-28T10:00:00+09:00", "language": "en", "external_id": "n-1",
               "metadata": {"section": "world", "tags": ["a", "b"]}}
    resp = await client.post("/v1/articles", json=article)
    assert resp.status == 202
    body = await resp.json()
    assert body["id"] == article_id(article) and body["status"] == "queued" and body["duplicate"] is False
    status = await (await client.get(body["links"]["status"])).json()
    assert status["status"] == "queued" and status["attempts"] == 0
    doc = await (await client.get(body["links"]["document"])).json()
    assert doc["metadata"] == article["metadata"] and doc["published_at"].startswith("2024-05-28T10:00:00")
    assert await redis.zscore(K.ARQ_QUEUE, body["id"]) is not None


@pytest.mark.parametrize("first,second", [
    ({"external_id": "17", "text": "a"}, {"external_id": "17", "text": "a", "title": "t"}),
    ({"url": "https://Example.com/a/?utm_medium=x", "text": "a"}, {"url": "http://example.com/a", "text": "a"}),
    ({"text": "Hello\u00a0 World"}, {"text": "hello world", "title": "other"}),
    ({"html": "<p>Same page</p>"}, {"html": "<p>same   page</p>", "source": "x"}),
])
async def test_duplicates_answer_200_and_queue_nothing(client, redis, first, second):
    a = await client.post("/v1/articles", json=first)
    b = await client.post("/v1/articles", json=second)
    assert (a.status, b.status) == (202, 200)
    ja, jb = await a.json(), await b.json()
    assert jb["duplicate"] is True and jb["id"] == ja["id"]
    assert await redis.zcard(K.ARQ_QUEUE) == 1


async def test_concurrent_identical_posts(client, redis):
    article = {"url": "https://example.com/race", "text": "Race condition body."}
    resps = await asyncio.gather(*[client.post("/v1/articles", json=article) for _ in range(30)])
    statuses = sorted(r.status for r in resps)
    assert statuses == [200] * 29 + [202]
    ids = {(await r.json())["id"] for r in resps}
    assert len(ids) == 1
    assert await redis.zcard(K.ARQ_QUEUE) == 1
    assert len([k async for k in redis.scan_iter(match="arq:job:*")]) == 1


@pytest.mark.parametrize("data,code", [
    (b"{not json", "malformed_json"),
    (b'{"text": "abc"', "malformed_json"),
    (b'{"text": "caf\xe9"}', "invalid_utf8"),           # latin-1 byte
    (b'{"text": "\xed\xa0\x80"}', "invalid_utf8"),       # encoded surrogate
    (b'{"text": "\\ud800"}', "invalid_utf8"),            # lone surrogate escape
    (b'{"text": NaN}', "malformed_json"),
    (b"[" * 5000, "malformed_json"),                     # nesting bomb
    (b"", "empty_body"),
])
async def test_400_bad_bodies(client, data, code):
    status, body, _ = await post_raw(client, "/v1/articles", data)
    assert status == 400
    assert_error(body, code)


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/csv"},
    {"Content-Type": "application/x-www-form-urlencoded"},
    {"Content-Type": "application/json; charset=latin-1"},
    {},  # aiohttp's client sends application/octet-stream
])
async def test_415_wrong_content_type(client, headers):
    status, body, _ = await post_raw(client, "/v1/articles", b'{"text": "x"}', headers)
    assert status == 415
    assert_error(body, "unsupported_media_type")


async def test_json_with_utf8_charset_is_fine(client):
    status, _, _ = await post_raw(client, "/v1/articles", b'{"text": "x"}', {"Content-Type": "application/json; charset=UTF-8"})
    assert status == 202


@pytest.mark.parametrize("article,loc", [
    ({"title": "no body"}, []),
    ({"text": "   \n\t"}, []),
    ({"text": "x", "colour": "red"}, ["colour"]),
    ({"text": 42}, ["text"]),
    ({"text": "x", "url": "javascript:alert(1)"}, ["url"]),
    ({"text": "x", "url": "not a url"}, ["url"]),
    ({"text": "x", "published_at": "yesterday"}, ["published_at"]),
    ({"text": "x", "metadata": [1, 2]}, ["metadata"]),
    ({"text": "x", "language": "english!"}, ["language"]),
    ({"text": "x", "external_id": ""}, ["external_id"]),
    ({"text": "x", "title": "t" * 3000}, ["title"]),
])
async def test_422_schema_violations_name_the_field(client, article, loc):
    resp = await client.post("/v1/articles", json=article)
    assert resp.status == 422
    err = assert_error(await resp.json(), "validation_error")
    assert loc in [d["loc"] for d in err["details"]]


@pytest.mark.parametrize("payload", [[{"text": "x"}], "text", 5, None])
async def test_422_not_an_object(client, payload):
    status, body, _ = await post_raw(client, "/v1/articles", orjson.dumps(payload))
    assert status == 422
    assert_error(body, "validation_error")


async def test_413_by_content_length_and_by_bytes_read(make_client, redis):
    client = await make_client(max_article_bytes=1000, max_batch_bytes=3000)
    big = orjson.dumps({"text": "x" * 2000})
    status, body, _ = await post_raw(client, "/v1/articles", big)
    assert status == 413
    assert assert_error(body, "payload_too_large")["details"]["limit_bytes"] == 1000

    async def chunked():  # no Content-Length: the limit applies to what actually arrives
        for i in range(0, len(big), 256):
            yield big[i:i + 256]

    resp = await client.post("/v1/articles", data=chunked(), headers=JSON)
    assert resp.status == 413 and resp.headers.get("Content-Length") != str(len(big))
    assert_error(await resp.json(), "payload_too_large")
    # the same body sent whole in one write: it has fully arrived when the handler reads it
    for body, expected in ((big, 413), (orjson.dumps({"text": "whole"}), 202)):
        reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
        writer.write(b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                     + b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 300]), body[i:i + 300]) for i in range(0, len(body), 300))
                     + b"0\r\n\r\n")
        answer = await reader.read()
        writer.close()
        assert answer.startswith(b"HTTP/1.1 %d" % expected), answer[:200]
        if expected == 413:
            assert_error(orjson.loads(answer.split(b"\r\n\r\n", 1)[1]), "payload_too_large")
    assert_error(await resp.json(), "payload_too_large")
    # a small chunked body is accepted
    small = orjson.dumps({"text": "fine"})

    async def small_chunks():
        yield small[:5]
        yield small[5:]

    assert (await client.post("/v1/articles", data=small_chunks(), headers=JSON)).status == 202
    status, body, _ = await post_raw(client, "/v1/articles/batch", orjson.dumps([{"text": "y" * 900}] * 5))
    assert status == 413
    assert await redis.zcard(K.ARQ_QUEUE) == 2  # "whole" and "fine"


async def test_429_with_retry_after_when_queue_is_deep(make_client, redis):
    client = await make_client(queue_max_depth=3, retry_after_seconds=7)
    for i in range(3):
        assert (await client.post("/v1/articles", json={"text": f"article {i}"})).status == 202
    resp = await client.post("/v1/articles", json={"text": "one too many"})
    assert resp.status == 429 and resp.headers["Retry-After"] == "7"
    assert_error(await resp.json(), "queue_full")
    # a duplicate still gets its answer
    assert (await client.post("/v1/articles", json={"text": "article 0"})).status == 200
    resp = await client.post("/v1/articles/batch", json=[{"text": "b1"}, {"text": "b2"}])
    assert resp.status == 429 and resp.headers["Retry-After"] == "7"
    assert await redis.zcard(K.ARQ_QUEUE) == 3


async def test_batch_json_per_item_results_in_order(client, redis):
    items = [
        {"text": "first article"},
        {"title": "missing body"},
        "not an object",
        {"text": "first article"},          # duplicate inside the batch
        {"text": "third", "extra": True},
        {"html": "<p>fourth</p>", "url": "https://example.com/4"},
    ]
    resp = await client.post("/v1/articles/batch", json=items)
    assert resp.status == 202
    body = await resp.json()
    results = body["items"]
    assert [r["index"] for r in results] == list(range(len(items)))
    assert [r["result"] for r in results] == ["accepted", "rejected", "rejected", "duplicate", "rejected", "accepted"]
    assert results[3]["id"] == results[0]["id"] == article_id(items[0])
    assert results[4]["error"]["details"][0]["loc"] == [4, "extra"]
    assert results[1]["error"]["code"] == "validation_error"
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (2, 1, 3)
    assert await redis.zcard(K.ARQ_QUEUE) == 2
    # re-sending the whole batch: nothing new, answer 200
    again = await client.post("/v1/articles/batch", json=items)
    assert again.status == 200 and (await again.json())["accepted"] == 0


async def test_batch_ndjson_with_a_bad_line(client, redis):
    lines = [orjson.dumps({"text": f"nd {i}", "external_id": f"nd-{i}"}) for i in range(5)]
    lines.insert(2, b"{broken")
    lines.insert(4, b"")  # blank lines are skipped
    lines.insert(5, b'{"text": "caf\xe9"}')
    resp = await client.post("/v1/articles/batch", data=b"\n".join(lines) + b"\n", headers=NDJSON)
    assert resp.status == 202
    results = (await resp.json())["items"]
    assert [r["result"] for r in results] == ["accepted", "accepted", "rejected", "accepted", "rejected",
                                              "accepted", "accepted"]
    assert results[2]["error"]["code"] == "malformed_json" and results[2]["error"]["details"]["line"] == 3
    assert results[4]["error"]["code"] == "invalid_utf8"
    assert await redis.zcard(K.ARQ_QUEUE) == 5


async def test_unparsable_json_is_explained_in_words(client):
    """A bad NDJSON line, a bad array body, a bad single body: the message names the line (and column)
    and says what is wrong instead of orjson's "invalid literal, expected 'null'"; details keep it."""
    data = b'{"text": "fine"}\n\nnot json\n{"text": "cut\n{"text": "caf\xe9"}\n'
    status, body, _ = await post_raw(client, "/v1/articles/batch", data, NDJSON)
    assert status == 202
    bad = [r["error"] for r in body["items"] if r["result"] == "rejected"]
    assert [e["code"] for e in bad] == ["malformed_json", "malformed_json", "invalid_utf8"]
    assert bad[0]["message"].startswith("line 3: not valid JSON at column 1 (unexpected word")
    assert "expected 'null'" not in bad[0]["message"]
    assert bad[0]["details"] == {"reason": "invalid literal, expected 'null'", "line": 3, "column": 1}
    assert bad[1]["message"].startswith("line 4: not valid JSON at column 14 (it ends too early")
    assert bad[2]["message"] == "line 5: not valid UTF-8 at byte 14" and bad[2]["details"]["byte_offset"] == 13
    status, body, _ = await post_raw(client, "/v1/articles/batch", b'[{"text": "a"},\n {"text": "b"},]', JSON)
    assert status == 400 and body["error"]["code"] == "malformed_json"
    assert body["error"]["message"] == "the body is not valid JSON at line 2, column 15 (trailing comma is not allowed)"
    assert (body["error"]["details"]["line"], body["error"]["details"]["column"]) == (2, 15)
    status, body, _ = await post_raw(client, "/v1/articles", b"not json", JSON)
    assert status == 400 and body["error"]["message"].startswith(
        "the body is not valid JSON at line 1, column 1 (unexpected word; a JSON value is an object")


async def test_batch_limits_and_shapes(make_client):
    client = await make_client(batch_max_items=10)
    resp = await client.post("/v1/articles/batch", json=[{"text": f"t{i}"} for i in range(11)])
    assert resp.status == 413 and assert_error(await resp.json(), "too_many_items")
    for payload, status in (([], 422), ({"text": "x"}, 422)):
        resp = await client.post("/v1/articles/batch", json=payload)
        assert resp.status == status
        assert_error(await resp.json())
    status, body, _ = await post_raw(client, "/v1/articles/batch", b"\n\n", NDJSON)
    assert status == 422
    status, body, _ = await post_raw(client, "/v1/articles/batch", b"[{", JSON)
    assert status == 400
    status, body, _ = await post_raw(client, "/v1/articles/batch", b"[]", {"Content-Type": "text/csv"})
    assert status == 415


async def test_full_size_batch_of_1000(client, redis):
    items = [{"text": f"Batch article {i} " + "lorem ipsum " * 30, "external_id": f"big-{i}"} for i in range(1000)]
    resp = await client.post("/v1/articles/batch", json=items)
    assert resp.status == 202
    body = await resp.json()
    assert body["accepted"] == 1000 and [r["id"] for r in body["items"]] == [article_id(a) for a in items]
    assert await redis.zcard(K.ARQ_QUEUE) == 1000


async def test_odd_inputs_never_500(client):
    rng = random.Random(1234)
    bodies = [
        b"\x00\x01\x02", bytes(rng.randrange(256) for _ in range(300)), b"null", b"true", b"[]", b"{}",
        b'{"text": "\\u0000\\u200b\\ufeff x"}', b'{"text": "x", "metadata": {"a": {"b": [1, {"c": null}]}}}',
        b'{"text": "x", "published_at": 1e300}', b'{"text": "x", "published_at": -99999999999999}',
        b'{"text": "x", "external_id": 123456789012345678901234567890}', b'{"text": "x", "": 1}',
        b'{"text": "x", "url": "http://[::1"}', b'{"text": "x", "url": "https://exa mple.com"}',
        b'{"text": "x", "language": "zh-Hant-TW"}', b'{"text": "x", "published_at": "2024-13-45T99:00:00"}',
        b'{"text": "\xf0\x9f\x98\x80 emoji \xe4\xb8\xad\xe6\x96\x87"}', b'{"text": "x", "url": "https://example.com/\xe4\xb8\xad"}',
        orjson.dumps({"text": "\u202e" * 1000 + "!" * 5000}),
    ]
    for data in bodies:
        for path, headers in (("/v1/articles", JSON), ("/v1/articles/batch", JSON), ("/v1/articles/batch", NDJSON)):
            resp = await client.post(path, data=data, headers=headers)
            assert resp.status < 500, (path, data[:60], resp.status, await resp.text())
            assert resp.content_type == "application/json"
    for path in ("/v1/articles/%00", "/v1/articles/..%2F..%2Fetc", "/v1/articles/" + "a" * 5000,
                 "/v1/articles?limit=-1", "/v1/articles?since=zz", "/v1/articles?cursor=%FF%FE",
                 "/v1/claims?min_checkworthiness=nan", "/v1/entities?q=%00%FF", "/v1/entities/%00/articles",
                 "/v1/articles?status=done&status=queued", "/v1/claims?limit=99999999999999999999"):
        resp = await client.get(path)
        assert resp.status < 500, (path, resp.status, await resp.text())
        assert resp.content_type == "application/json"


async def test_batch_items_are_held_to_the_article_limit(make_client, redis):
    client = await make_client(max_article_bytes=500)
    small, big = {"text": "small one"}, {"text": "b" * 800}
    for payload, headers in ((orjson.dumps([small, big]), JSON),
                             (orjson.dumps(small) + b"\n" + orjson.dumps(big) + b"\n", NDJSON)):
        await redis.flushall()
        resp = await client.post("/v1/articles/batch", data=payload, headers=headers)
        assert resp.status == 202
        results = (await resp.json())["items"]
        assert [r["result"] for r in results] == ["accepted", "rejected"]
        assert results[1]["error"]["code"] == "payload_too_large"
        assert results[1]["error"]["details"]["limit_bytes"] == 500


async def test_byte_order_mark_is_tolerated(client):
    status, body, _ = await post_raw(client, "/v1/articles", b"\xef\xbb\xbf" + orjson.dumps({"text": "with a BOM"}))
    assert status == 202
    upper = body["id"].upper()
    assert (await client.get(f"/v1/articles/{upper}/status")).status == 200  # ids are case-insensitive


async def test_byte_order_mark_is_tolerated_in_batches_and_plain_text(client, store):
    """One leading UTF-8 BOM (RFC 8259 lets a parser ignore it) is not "not valid UTF-8": a JSON batch,
    an NDJSON batch (its first line) and a text/plain article are accepted with it, the BOM not kept."""
    bom = b"\xef\xbb\xbf"
    status, body, _ = await post_raw(client, "/v1/articles/batch", bom + orjson.dumps([{"text": "batch with a BOM"}]))
    assert (status, body["accepted"]) == (202, 1), body
    lines = bom + b'{"text": "first ndjson line"}\n{"text": "second ndjson line"}\n'
    status, body, _ = await post_raw(client, "/v1/articles/batch", lines, NDJSON)
    assert (status, body["accepted"]) == (202, 2), body
    stored = await store.get_article(body["items"][0]["id"])
    assert stored["text"] == "first ndjson line"
    resp = await client.post("/v1/articles", data=bom + "plain text with a BOM, café".encode(),
                             headers={"Content-Type": "text/plain; charset=utf-8"})
    assert resp.status == 202, await resp.text()
    stored = await store.get_article((await resp.json())["id"])
    assert stored["text"] == "plain text with a BOM, café"


async def test_gzip_bodies_limits_apply_after_decompression(make_client):
    import gzip

    client = await make_client(max_batch_bytes=100_000)
    gz = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    body = orjson.dumps([{"text": f"compressed {i}"} for i in range(10)])
    resp = await client.post("/v1/articles/batch", data=gzip.compress(body), headers=gz)
    assert resp.status == 202 and (await resp.json())["accepted"] == 10
    bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")  # 5 KB on the wire, 5 MB inflated
    resp = await client.post("/v1/articles/batch", data=bomb, headers=gz)
    assert resp.status == 413
    assert_error(await resp.json(), "payload_too_large")
    resp = await client.post("/v1/articles", data=b"\x1f\x8b not really gzip", headers=gz)
    assert resp.status == 400
    assert_error(await resp.json(), "bad_request")


async def test_batch_rejects_only_the_bad_items(client):
    deep = b'{"a":' * 253 + b"{}" + b"}" * 253  # 254 levels: more than orjson can even write back
    body = (b'[{"text": "ok one"}, {"text": "deep", "metadata": ' + deep + b'}, {"text": "int", "external_id": 7, '
            b'"metadata": {"x": 123456789012345678901234567890}}, {"text": "ok two"}]')
    resp = await client.post("/v1/articles/batch", data=body, headers=JSON)
    assert resp.status == 202
    items = (await resp.json())["items"]
    assert [i["result"] for i in items] == ["accepted", "rejected", "rejected", "accepted"]
    assert items[1]["error"]["details"][0]["loc"] == [1, "metadata"]
    assert {tuple(d["loc"]) for d in items[2]["error"]["details"]} == {(2, "external_id"), (2, "metadata")}
