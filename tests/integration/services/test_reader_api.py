"""Read API over HTTP: status, documents, listing with filters and cursors, entity and claim search,
retry of failed articles. Documents are saved through ``store.save_document`` with realistic shapes."""

from __future__ import annotations

import orjson

from factories import BYRNE_TEXT, SPY_TEXT, byrne_document, spy_document
from shared import keys as K
from shared.ids import article_id
from shared.schemas import ClaimList, Document, DocumentList, EntityList, EntitySummary, StatusOut


async def _two_documents(client, store) -> tuple[str, str]:
    spy = {"text": SPY_TEXT, "external_id": "spy", "title": "Spy agency", "source": "Reuters",
           "url": "https://example.com/spy"}
    byrne = {"text": BYRNE_TEXT, "external_id": "byrne", "title": "Byrne", "source": "BBC"}
    for a, build in ((spy, spy_document), (byrne, byrne_document)):
        resp = await client.post("/v1/articles", json=a)
        assert resp.status == 202
        await store.mark_processing(article_id(a), 1)
        await store.save_document(build(a), 25.0)
    return article_id(spy), article_id(byrne)


async def test_status_and_document_404(client):
    for path in ("/v1/articles/0123456789abcdef", "/v1/articles/0123456789abcdef/status",
                 "/v1/articles/not-an-id", "/v1/articles/NOT0123456789AB/status"):
        resp = await client.get(path)
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "not_found"


async def test_document_before_and_after_processing(client, store):
    a = {"text": SPY_TEXT, "external_id": "spy", "title": "Spy agency"}
    doc_id = (await (await client.post("/v1/articles", json=a)).json())["id"]
    before = await (await client.get(f"/v1/articles/{doc_id}")).json()
    Document.model_validate(before)
    assert before["status"] == "queued" and before["title"] == "Spy agency"
    assert before.get("entities") is None and before.get("claims") is None
    await store.mark_processing(doc_id, 1)
    status = StatusOut.model_validate(await (await client.get(f"/v1/articles/{doc_id}/status")).json())
    assert status.status == "processing" and status.attempts == 1 and status.started_at
    await store.save_document(spy_document(a), 42.0)
    after = await (await client.get(f"/v1/articles/{doc_id}")).json()
    model = Document.model_validate(after)
    assert model.status == "done" and after["received_at"] == before["received_at"]
    assert after["finished_at"] and after["processing_ms"] == 42.0
    assert {e["id"] for e in after["entities"]} >= {"person:thae-yong-ho", "place:north-korea"}
    for ent in after["entities"]:
        for m in ent["mentions"]:
            assert after["text"][m["start"]:m["end"]] == m["text"]
    for c in after["claims"]:
        for span in c["spans"]:
            assert after["text"][span["start"]:span["end"]] == c["text"]
        if c["speaker"] and "start" in c["speaker"]:
            sp = c["speaker"]
            assert after["text"][sp["start"]:sp["end"]] == sp["text"]


async def test_listing_filters_and_cursor_over_http(client, store):
    spy_id, byrne_id = await _two_documents(client, store)
    ids = []
    for i in range(7):
        ids.append((await (await client.post("/v1/articles", json={"text": f"queued {i}", "source": "BBC"})).json())["id"])
    seen, cursor = [], None
    while True:
        url = "/v1/articles?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = DocumentList.model_validate(await (await client.get(url)).json())
        seen += [i.id for i in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == list(reversed(ids)) + [byrne_id, spy_id]
    bbc = await (await client.get("/v1/articles?source=bbc&status=done")).json()
    assert [i["id"] for i in bbc["items"]] == [byrne_id]
    assert bbc["items"][0]["language"] == "en" and bbc["items"][0]["claim_count"] == 2
    thae = await (await client.get("/v1/articles?entity=person:thae-yong-ho&language=en")).json()
    assert [i["id"] for i in thae["items"]] == [byrne_id, spy_id]
    queued = await (await client.get("/v1/articles?status=queued&limit=100")).json()
    assert len(queued["items"]) == 7 and queued["next_cursor"] is None
    far_future = await (await client.get("/v1/articles?since=2999-01-01T00:00:00Z")).json()
    assert far_future["items"] == []
    for bad in ("limit=0", "limit=1000", "limit=x", "status=lost", "since=last-week", "cursor=abc", "bogus=1"):
        resp = await client.get(f"/v1/articles?{bad}")
        assert resp.status == 422, bad
        err = (await resp.json())["error"]
        assert err["code"] == "validation_error" and err["details"][0]["loc"][0] == "query"


async def test_entity_search_and_entity_articles(client, store):
    spy_id, byrne_id = await _two_documents(client, store)
    found = EntityList.model_validate(await (await client.get("/v1/entities?q=Thae")).json())
    assert [(e.id, e.name, e.label, e.document_count) for e in found.items] == [
        ("person:thae-yong-ho", "Thae Yong Ho", "PERSON", 2)]
    gpe = await (await client.get("/v1/entities?label=GPE&limit=2")).json()
    assert len(gpe["items"]) == 2 and all(e["label"] == "GPE" for e in gpe["items"])
    assert gpe["items"][0]["id"] == "place:north-korea"  # most documents first
    one = EntitySummary.model_validate(await (await client.get("/v1/entities/org:royal-united-services-institute")).json())
    assert one.name == "Royal United Services Institute" and one.document_count == 1
    page1 = await (await client.get("/v1/entities/person:thae-yong-ho/articles?limit=1")).json()
    assert page1["entity"]["id"] == "person:thae-yong-ho" and [i["id"] for i in page1["items"]] == [byrne_id]
    page2 = await (await client.get(f"/v1/entities/person:thae-yong-ho/articles?limit=1&cursor={page1['next_cursor']}")).json()
    assert [i["id"] for i in page2["items"]] == [spy_id] and page2["next_cursor"] is None
    for path in ("/v1/entities/nobody", "/v1/entities/nobody/articles"):
        resp = await client.get(path)
        assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_found"
    assert (await client.get("/v1/entities?limit=-3")).status == 422


async def test_entity_keys_with_slashes_and_spaces(client, store):
    a = {"text": "Acme Corp/Holdings said profits rose.", "external_id": "slash"}
    doc = spy_document({"text": SPY_TEXT, "external_id": "spy"})
    doc.update(id=article_id(a), text=a["text"], claims=[], entities=[
        {"id": "ORG:acme corp/holdings", "text": "Acme Corp/Holdings", "label": "ORG",
         "mentions": [{"start": 0, "end": 18, "text": "Acme Corp/Holdings"}], "count": 1, "salience": 1.0}])
    await store.save_document(doc, 1.0)
    resp = await client.get("/v1/entities/ORG%3Aacme%20corp%2Fholdings/articles")
    assert resp.status == 200
    assert [i["id"] for i in (await resp.json())["items"]] == [doc["id"]]
    listed = await (await client.get("/v1/articles?entity=ORG%3Aacme%20corp%2Fholdings")).json()
    assert [i["id"] for i in listed["items"]] == [doc["id"]]


async def test_claim_search_over_http(client, store):
    spy_id, byrne_id = await _two_documents(client, store)
    body = ClaimList.model_validate(await (await client.get("/v1/claims?speaker=person:thae-yong-ho&limit=2")).json())
    assert [(c.document_id, c.id) for c in body.items] == [(byrne_id, "c2"), (spy_id, "c3")]
    assert all(c.speaker and c.speaker.name == "Thae Yong Ho" for c in body.items)
    rest = await (await client.get(f"/v1/claims?speaker=person:thae-yong-ho&cursor={body.next_cursor}")).json()
    assert [(c["document_id"], c["id"]) for c in rest["items"]] == [(spy_id, "c2")]
    worthy = await (await client.get("/v1/claims?entity=place:north-korea&min_checkworthiness=0.8")).json()
    assert [(c["document_id"], c["id"]) for c in worthy["items"]] == [(spy_id, "c1")]
    direct = await (await client.get("/v1/claims?kind=direct")).json()
    assert {c["kind"] for c in direct["items"]} == {"direct"} and len(direct["items"]) == 2
    for bad in ("kind=quoted", "min_checkworthiness=2", "min_checkworthiness=abc", "limit=0"):
        assert (await client.get(f"/v1/claims?{bad}")).status == 422, bad


JSON_CT = {"Content-Type": "application/json"}


async def test_retry_endpoint(client, store, redis):
    doc_id = (await (await client.post("/v1/articles", json={"text": "will fail"})).json())["id"]
    resp = await client.post(f"/v1/articles/{doc_id}/retry", headers=JSON_CT)
    assert resp.status == 409 and (await resp.json())["error"]["details"]["status"] == "queued"
    await redis.delete(K.ARQ_QUEUE, K.arq_job(doc_id))
    await store.mark_processing(doc_id, 5)
    await store.mark_failed(doc_id, {"type": "RuntimeError", "message": "stage crashed"})
    status = await (await client.get(f"/v1/articles/{doc_id}/status")).json()
    assert status["status"] == "failed" and status["error"]["message"] == "stage crashed"
    failed = await (await client.get("/v1/articles?status=failed")).json()
    assert [i["id"] for i in failed["items"]] == [doc_id]
    resp = await client.post(f"/v1/articles/{doc_id}/retry", headers=JSON_CT)
    assert resp.status == 202 and (await resp.json())["status"] == "queued"
    assert await redis.zscore(K.ARQ_QUEUE, doc_id) is not None and await redis.exists(K.arq_job(doc_id))
    status = await (await client.get(f"/v1/articles/{doc_id}/status")).json()
    assert status["status"] == "queued" and status["attempts"] == 0 and "error" not in status
    assert status["last_error"]["message"] == "stage crashed"
    assert (await client.post("/v1/articles/0123456789abcdef/retry", headers=JSON_CT)).status == 404


async def test_responses_are_orjson_compact_json(client):
    resp = await client.post("/v1/articles", json={"text": "ünïcödé 中文"})
    raw = await resp.read()
    assert resp.content_type == "application/json" and orjson.loads(raw)["status"] == "queued"
    doc = await (await client.get(f"/v1/articles/{orjson.loads(raw)['id']}")).json()
    assert doc["status"] == "queued"


async def test_delete_a_processed_article(client, store, redis):
    spy_id, byrne_id = await _two_documents(client, store)
    queued = (await (await client.post("/v1/articles", json={"text": "still queued"})).json())["id"]
    resp = await client.delete(f"/v1/articles/{queued}")
    assert resp.status == 409 and (await resp.json())["error"]["details"]["status"] == "queued"
    assert (await client.delete("/v1/articles/0123456789abcdef")).status == 404

    assert (await client.delete(f"/v1/articles/{spy_id}")).status == 204
    for path in (f"/v1/articles/{spy_id}", f"/v1/articles/{spy_id}/status"):
        assert (await client.get(path)).status == 404
    listed = await (await client.get("/v1/articles?limit=50")).json()
    assert spy_id not in [i["id"] for i in listed["items"]]
    assert [i["id"] for i in (await (await client.get("/v1/articles?entity=person:thae-yong-ho")).json())["items"]] == [byrne_id]
    thae = await (await client.get("/v1/entities/person:thae-yong-ho")).json()
    assert thae["document_count"] == 1
    assert (await client.get("/v1/entities/person:yoo-sang-bum/articles")).status == 200
    assert [e["id"] for e in (await (await client.get("/v1/entities?q=yoo")).json())["items"]] == []
    claims = await (await client.get("/v1/claims?limit=50")).json()
    assert {c["document_id"] for c in claims["items"]} == {byrne_id}
    assert not [k async for k in redis.scan_iter(match=f"nf:*{spy_id}*")]
    # the same article can come in again, as new
    again = await client.post("/v1/articles", json={"text": SPY_TEXT, "external_id": "spy", "title": "Spy agency",
                                                    "source": "Reuters", "url": "https://example.com/spy"})
    assert again.status == 202 and (await again.json())["id"] == spy_id
    assert (await client.delete(f"/v1/articles/{spy_id}")).status == 409
