"""Identity, revisions, provenance, near-duplicates and Idempotency-Key over the real API and Redis.

The worker's save is played by :func:`analyse` (the same store calls the worker makes, with a tiny
stand-in analysis) so these tests need no models; tests/e2e runs the real worker."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from shared import keys as K
from workers.pipeline.fingerprint import METHOD, signature, to_hex

pytestmark = pytest.mark.integration

STORY = ("The city council voted on Tuesday to expand the tram network by twelve kilometres, "
         "adding stops in three northern districts. The mayor said construction would start next "
         "spring and take about four years. Opposition members questioned the cost estimate of "
         "four hundred million euros and asked for an independent review. Residents near the "
         "planned depot have collected signatures against the noise. A transport expert said the "
         "extension would cut car traffic in the centre by a tenth if fares stay low.")
OTHER = ("Heavy rain flooded several villages in the valley overnight and the regional government "
         "declared an emergency. Rescue teams evacuated two hundred people from their homes, and "
         "the river is expected to peak on Thursday. Schools stay closed for the rest of the week "
         "while engineers inspect the bridges. Farmers fear the harvest is lost in the lowlands.")


async def analyse(store, doc_id: str) -> str:
    """What the worker does for one job: read the article and its revision, analyse, save."""
    article, revision = await store.get_article_revision(doc_id)
    text = article.get("text") or article.get("html")
    doc = {"id": doc_id, "title": article.get("title"), "text": text, "revision": revision,
           "entities": [{"id": f"misc:rev{revision}", "text": f"rev{revision}", "label": "MISC"}], "claims": [],
           "fingerprint": {"method": METHOD, "signature": to_hex(signature(text))}}
    await store.mark_processing(doc_id, 1)
    return await store.save_document(doc, 1.0)


async def post(client, body, **headers):
    resp = await client.post("/v1/articles", json=body, headers=headers or None)
    return resp.status, await resp.json()


async def test_fake_first_then_real_is_a_new_revision(client, store):
    status, fake = await post(client, {"url": "https://news.example.com/story", "text": "FAKE: the mayor resigned."})
    assert status == 202 and fake["revision"] == 1
    await analyse(store, fake["id"])
    status, real = await post(client, {"url": "http://www.news.example.com/story?utm_source=tw&fbclid=x",
                                       "text": STORY})
    assert status == 202 and real["id"] == fake["id"] and real["revision"] == 2 and not real["duplicate"]
    doc = await (await client.get(f"/v1/articles/{fake['id']}")).json()
    # while revision 2 is processed, revision 1's analysis stays readable
    assert doc["status"] == "queued" and doc["revision"] == 1 and doc["pending_revision"] == 2
    assert doc["text"].startswith("FAKE")
    await analyse(store, fake["id"])
    doc = await (await client.get(f"/v1/articles/{fake['id']}")).json()
    assert doc["status"] == "done" and doc["revision"] == 2 and doc["text"] == STORY and "pending_revision" not in doc
    assert [r["revision"] for r in doc["revisions"]] == [1, 2]
    old = await (await client.get(f"/v1/articles/{fake['id']}?revision=1")).json()
    assert old["revision"] == 1 and old["text"].startswith("FAKE")
    # the index switched: revision 1's entity entry is gone, revision 2's is there
    listed = await (await client.get("/v1/articles?entity=misc:rev1")).json()
    assert listed["items"] == []
    listed = await (await client.get("/v1/articles?entity=misc:rev2")).json()
    assert [i["id"] for i in listed["items"]] == [fake["id"]]


async def test_two_urls_for_one_article(client, store):
    s1, a = await post(client, {"url": "https://a.example/story", "text": STORY, "source": "A"})
    s2, b = await post(client, {"url": "https://b.example/wire/123", "text": STORY, "source": "B"})
    assert (s1, s2) == (202, 200) and b["duplicate"] and b["id"] == a["id"]
    doc = await (await client.get(f"/v1/articles/{a['id']}")).json()
    assert [u["url"] for u in doc["urls"]] == ["https://a.example/story", "https://b.example/wire/123"]
    assert all(u["first_seen"] for u in doc["urls"])
    for url in ("https://b.example/wire/123", "http://www.b.example/wire/123/?utm_campaign=z"):
        found = await (await client.get("/v1/articles", params={"url": url})).json()
        assert [i["id"] for i in found["items"]] == [a["id"]]
    found = await (await client.get("/v1/articles", params={"url": "https://c.example/x"})).json()
    assert found["items"] == []


async def test_correction_keeps_revisions_and_previous_analysis(client, store):
    s1, a = await post(client, {"external_id": "story-9", "text": STORY})
    await analyse(store, a["id"])
    corrected = STORY.replace("twelve kilometres", "fourteen kilometres")
    s2, b = await post(client, {"external_id": "story-9", "text": corrected})
    assert (s1, s2) == (202, 202) and b["id"] == a["id"] and b["revision"] == 2
    status = await (await client.get(f"/v1/articles/{a['id']}/status")).json()
    assert status["status"] == "queued" and status["revision"] == 2
    await analyse(store, a["id"])
    doc = await (await client.get(f"/v1/articles/{a['id']}")).json()
    assert "fourteen" in doc["text"] and doc["revision"] == 2
    shas = [r["content_sha256"] for r in doc["revisions"]]
    assert len(shas) == 2 and shas[0] != shas[1] and all(len(s) == 64 for s in shas)


async def test_only_the_last_revisions_are_kept(make_client, redis, settings):
    from shared.store import DocumentStore

    client = await make_client(keep_revisions=2)
    store = DocumentStore(redis, settings.with_(keep_revisions=2))  # the worker's store, same setting
    for n in range(1, 5):
        _, r = await post(client, {"external_id": "k", "text": f"{STORY} Update {n}."})
        assert r["revision"] == n
        await analyse(store, r["id"])
    doc = await (await client.get(f"/v1/articles/{r['id']}")).json()
    assert doc["revision"] == 4 and [e["revision"] for e in doc["revisions"]] == [3, 4]
    assert (await client.get(f"/v1/articles/{r['id']}?revision=3")).status == 200
    assert (await client.get(f"/v1/articles/{r['id']}?revision=2")).status == 404


async def test_unchanged_recrawl(client, store, redis):
    _, a = await post(client, {"url": "https://n.example/p", "text": STORY})
    await analyse(store, a["id"])
    status, again = await post(client, {"url": "https://n.example/p?utm_medium=rss", "text": STORY + "  \n"})
    assert status == 200 and again["duplicate"] and again["revision"] == 1  # known at intake
    # content whose bytes changed but whose extracted text did not (an html comment): only known after extraction
    status, b = await post(client, {"url": "https://n.example/p", "text": STORY + "<!-- ad 42 -->"})
    assert status == 202 and b["revision"] == 2
    article, rev = await store.get_article_revision(a["id"])
    doc = {"id": a["id"], "title": None, "text": STORY, "revision": rev, "entities": [], "claims": []}
    assert await store.save_document(doc, 1.0) == "unchanged"
    got = await (await client.get(f"/v1/articles/{a['id']}")).json()
    assert got["status"] == "done" and got["revision"] == 1 and got["entities"][0]["id"] == "misc:rev1"
    assert got["revisions"][-1]["unchanged"] is True and got["revisions"][-1]["same_as"] == 1


async def test_stale_save_never_overwrites_a_newer_revision(client, store):
    _, a = await post(client, {"external_id": "s", "text": STORY})
    await post(client, {"external_id": "s", "text": OTHER})
    await analyse(store, a["id"])  # reads revision 2
    old = {"id": a["id"], "title": None, "text": STORY, "revision": 1, "entities": [], "claims": []}
    assert await store.save_document(old, 1.0) == "stale"
    doc = await (await client.get(f"/v1/articles/{a['id']}")).json()
    assert doc["revision"] == 2 and doc["text"] == OTHER


async def test_near_duplicates_and_clusters(client, store):
    edited = STORY.replace("Residents near the planned depot have collected signatures against the noise. ", "")
    ids = []
    for url, text in (("https://a.example/1", STORY), ("https://b.example/2", "Wire: " + edited),
                      ("https://c.example/3", OTHER)):
        _, r = await post(client, {"url": url, "text": text})
        await analyse(store, r["id"])
        ids.append(r["id"])
    a, b, c = [await (await client.get(f"/v1/articles/{i}")).json() for i in ids]
    assert [n["id"] for n in b["near_duplicates"]] == [ids[0]] and b["near_duplicates"][0]["similarity"] >= 0.8
    assert [n["id"] for n in a["near_duplicates"]] == [ids[1]]  # links are symmetric
    assert c["near_duplicates"] == [] and c["cluster_id"] == ids[2]
    assert a["cluster_id"] == b["cluster_id"] == ids[0]
    cluster = await (await client.get(f"/v1/clusters/{ids[0]}")).json()
    assert cluster == {"id": ids[0], "size": 2, "members": ids[:2]}
    listed = await (await client.get("/v1/articles", params={"cluster": ids[0]})).json()
    assert sorted(i["id"] for i in listed["items"]) == sorted(ids[:2])
    assert (await client.get("/v1/clusters/0123456789abcdef")).status == 404
    # a re-run of a save (a worker killed after saving) adds no member and keeps the id
    await analyse(store, ids[1])
    assert (await (await client.get(f"/v1/clusters/{ids[0]}")).json())["size"] == 2


async def test_cjk_near_duplicates(client, store):
    zh = ("市议会周二投票决定将有轨电车网络延长十二公里，在北部三个区增加站点。市长说工程将于明年春天开工，"
          "大约需要四年。反对派议员质疑四亿欧元的成本估算，并要求进行独立审查。车辆段附近的居民已经收集签名反对噪音。")
    ids = []
    for text in (zh, zh.replace("大约需要四年。", "大约需要四年多。"), "今天天气很好，我们去公园散步，看到很多孩子在放风筝。"):
        _, r = await post(client, {"text": text})
        await analyse(store, r["id"])
        ids.append(r["id"])
    b = await (await client.get(f"/v1/articles/{ids[1]}")).json()
    c = await (await client.get(f"/v1/articles/{ids[2]}")).json()
    assert [n["id"] for n in b["near_duplicates"]] == [ids[0]] and c["near_duplicates"] == []


async def test_idempotency_key_rules(client, redis):
    body = {"text": STORY, "external_id": "idem-1"}
    r1 = await client.post("/v1/articles", json=body, headers={"Idempotency-Key": "k-1"})
    r2 = await client.post("/v1/articles", json=body, headers={"Idempotency-Key": "k-1"})
    assert (r1.status, r2.status) == (202, 202)  # the same response, not a 200 duplicate
    assert await r1.read() == await r2.read() and r2.headers["Idempotent-Replayed"] == "true"
    r3 = await client.post("/v1/articles", json={**body, "text": OTHER}, headers={"Idempotency-Key": "k-1"})
    assert r3.status == 409 and (await r3.json())["error"]["code"] == "idempotency_key_reused"
    assert await redis.zcard(K.ARQ_QUEUE) == 1  # nothing ran again
    keys = [k async for k in redis.scan_iter(match="nf:idem:*")]
    assert len(keys) == 1 and 86000 < await redis.ttl(keys[0]) <= 86400  # 24 h
    assert keys[0].decode() == "nf:idem:" + hashlib.sha256(b"k-1").hexdigest()  # no API keys: the old name
    # a refused request saves nothing: the corrected one may reuse the key
    bad = await client.post("/v1/articles", json={"text": ""}, headers={"Idempotency-Key": "k-2"})
    good = await client.post("/v1/articles", json={"text": OTHER}, headers={"Idempotency-Key": "k-2"})
    assert (bad.status, good.status) == (422, 202)
    # batches too
    items = [{"text": "one"}, {"text": "two"}]
    b1 = await client.post("/v1/articles/batch", json=items, headers={"Idempotency-Key": "b-1"})
    b2 = await client.post("/v1/articles/batch", json=items, headers={"Idempotency-Key": "b-1"})
    assert (b1.status, b2.status) == (202, 202) and await b1.read() == await b2.read()


async def test_idempotency_key_expires(make_client, redis):
    client = await make_client(idempotency_ttl_seconds=1)
    r1 = await client.post("/v1/articles", json={"text": STORY}, headers={"Idempotency-Key": "short"})
    await asyncio.sleep(1.2)
    r2 = await client.post("/v1/articles", json={"text": OTHER}, headers={"Idempotency-Key": "short"})
    assert (r1.status, r2.status) == (202, 202)  # expired: a new request, not a 409


async def test_concurrent_same_key_runs_once(client, redis):
    body = {"text": STORY}
    resps = await asyncio.gather(*[client.post("/v1/articles", json=body, headers={"Idempotency-Key": "c"})
                                   for _ in range(10)])
    assert {r.status for r in resps} <= {202, 409} and await redis.zcard(K.ARQ_QUEUE) == 1


async def test_delete_takes_back_urls_revisions_and_near_duplicate_entries(client, store, redis):
    edited = "Wire: " + STORY
    _, a = await post(client, {"url": "https://a.example/d", "text": STORY})
    await analyse(store, a["id"])
    _, b = await post(client, {"url": "https://b.example/d", "text": edited})
    await analyse(store, b["id"])
    await post(client, {"url": "https://b2.example/d", "text": edited})  # provenance: one more url of b
    assert (await client.delete(f"/v1/articles/{b['id']}")).status == 204
    a_doc = await (await client.get(f"/v1/articles/{a['id']}")).json()
    assert a_doc["near_duplicates"] == []
    assert (await (await client.get(f"/v1/clusters/{a['id']}")).json())["members"] == [a["id"]]
    leftovers = [k async for k in redis.scan_iter(match=f"nf:*{b['id']}*")]
    assert leftovers == []
    members = [m for k in [k async for k in redis.scan_iter(match=K.ND_BAND_PREFIX + "*")]
               for m in await redis.smembers(k)]
    assert b["id"].encode() not in members
    found = await (await client.get("/v1/articles", params={"url": "https://b2.example/d"})).json()
    assert found["items"] == []
    # the same article may be submitted anew afterwards
    status, again = await post(client, {"url": "https://b.example/d", "text": edited})
    assert status == 202 and again["revision"] == 1


async def test_the_url_lookup_item_is_the_list_item_plus_revision_and_cluster(client, store):
    """``?url=`` answered its own item shape (no language, entity_count, claim_count): it is now the
    other lists' item for the same article with ``revision`` and ``cluster_id`` added."""
    from shared.schemas import DocumentList

    _, a = await post(client, {"url": "https://d.example/tram", "text": STORY, "source": "D", "title": "Trams",
                               "external_id": "tram-1", "published_at": "2024-05-28"})
    article, revision = await store.get_article_revision(a["id"])
    await store.mark_processing(a["id"], 1)
    await store.save_document({"id": a["id"], "title": "Trams", "text": STORY, "revision": revision,
                               "language": "en", "claims": [],
                               "entities": [{"id": "misc:tram", "text": "tram", "label": "MISC"}]}, 1.0)
    listed = [i for i in (await (await client.get("/v1/articles")).json())["items"] if i["id"] == a["id"]]
    found = (await (await client.get("/v1/articles", params={"url": "https://d.example/tram"})).json())["items"]
    assert len(listed) == 1 and len(found) == 1
    assert {k: found[0][k] for k in listed[0]} == listed[0]  # a superset, the same values
    assert (found[0]["language"], found[0]["entity_count"], found[0]["claim_count"]) == ("en", 1, 0)
    assert found[0]["revision"] == 1
    DocumentList.model_validate({"items": found, "next_cursor": None})
