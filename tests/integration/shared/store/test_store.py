"""DocumentStore against a real redis-server: atomic submit + enqueue, dedupe, status transitions,
idempotent saves with consistent indexes, listing, entity and claim search, AOF survival."""

from __future__ import annotations

import asyncio
import functools
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import redis.asyncio as aioredis

from arq.jobs import deserialize_job_raw

from shared import keys as K
from shared.ids import article_id
from shared.store import DocumentStore, InvalidCursor, queue

deserialize_job = functools.partial(deserialize_job_raw, deserializer=queue.job_deserializer)

from factories import BYRNE_TEXT, SPY_TEXT, byrne_document, claim, document, entity, spy_document


def art(i: int, **extra) -> dict:
    return {"text": f"Article number {i}. Something happened in place {i}.", "title": f"Title {i}", **extra}


async def _members(redis, key: str) -> set[str]:
    return {m.decode() for m in await redis.zrange(key, 0, -1)}


async def assert_indexes_consistent(redis) -> None:
    """Every document index entry is recorded in its document's docidx set and vice versa, and every
    id in an index has a status hash."""
    recorded: set[tuple[str, str]] = set()
    alias_docs: Counter[tuple[str, str]] = Counter()  # (alias key, canonical key) → documents registering it
    async for key in redis.scan_iter(match="nf:docidx:*"):
        for entry in await redis.smembers(key):
            member, zkey = entry.decode().split("\t", 1)
            if zkey.startswith(K.ALIAS_PREFIX):
                alias_docs[(zkey, member)] += 1
                continue
            recorded.add((zkey, member))
            assert await redis.zscore(zkey, member) is not None, (zkey, member)
    # the alias store holds exactly the registrations the documents recorded, with their counts, both ways
    store_counts: Counter[tuple[str, str]] = Counter()
    async for key in redis.scan_iter(match=K.ALIAS_PREFIX + "*"):
        for m, sc in await redis.zrange(key, 0, -1, withscores=True):
            store_counts[(key.decode(), m.decode())] = int(sc)
    assert store_counts == alias_docs
    reverse: Counter[tuple[str, str]] = Counter()
    async for key in redis.scan_iter(match=K.ALIASES_OF_PREFIX + "*"):
        for m, sc in await redis.zrange(key, 0, -1, withscores=True):
            reverse[(K.alias(m.decode()), key.decode()[len(K.ALIASES_OF_PREFIX):])] = int(sc)
    assert reverse == alias_docs
    actual: set[tuple[str, str]] = set()
    for pattern in ("nf:idx:lang:*", "nf:idx:source:*", "nf:idx:entity:*", "nf:idx:claims*"):
        async for key in redis.scan_iter(match=pattern):
            for m in await _members(redis, key.decode()):
                actual.add((key.decode(), m))
    assert actual == recorded
    # the entity document counts agree with the entity indexes
    counts = {m.decode(): int(sc) for m, sc in await redis.zrange(K.ENTITY_COUNTS, 0, -1, withscores=True)}
    cards = {}
    async for key in redis.scan_iter(match=K.ENTITY_INDEX_PREFIX + "*"):
        cards[key.decode()[len(K.ENTITY_INDEX_PREFIX):]] = await redis.zcard(key)
    assert counts == {k: n for k, n in cards.items() if n}
    for zkey in [K.IDX_TIME] + [K.idx_status(s) for s in K.STATUSES]:
        for doc_id in await _members(redis, zkey):
            assert await redis.exists(K.status(doc_id)), doc_id
    # each id is in exactly one status index, the one its hash says
    async for key in redis.scan_iter(match="nf:status:*"):
        doc_id = key.decode().split(":", 2)[2]
        st = (await redis.hget(key, "status")).decode()
        for s in K.STATUSES:
            assert (await redis.zscore(K.idx_status(s), doc_id) is not None) == (s == st), (doc_id, s, st)


async def test_submit_stores_article_status_and_arq_job(store, redis):
    a = art(1, url="https://example.com/a", external_id="x-1")
    res = await store.submit(a)
    assert not res.duplicate and res.status == "queued" and res.id == article_id(a)
    assert await store.get_article(res.id) == a
    st = await store.get_status(res.id)
    assert st["status"] == "queued" and st["attempts"] == 0 and st["received_at"]
    fn, args, kwargs, job_try, enqueue_ms = deserialize_job(await redis.get(K.arq_job(res.id)))
    assert (fn, args, kwargs, job_try) == ("process_article", (res.id,), {}, 1)
    # ms with the µs as a fraction, one ms early (queue.queue_score): due at once, in submission order
    assert enqueue_ms - 1 <= await redis.zscore(K.ARQ_QUEUE, res.id) < enqueue_ms
    assert await redis.ttl(K.arq_job(res.id)) == -1  # never expires before a worker sees it
    assert await store.queue_depth() == 1
    assert await store.counts_by_status() == {"queued": 1, "processing": 0, "done": 0, "failed": 0}


@pytest.mark.parametrize("first,second", [
    ({"external_id": "abc", "text": "one text"}, {"external_id": "abc", "text": "one   TEXT", "title": "x"}),
    ({"url": "https://www.example.com/story/?utm_source=x&b=2&a=1", "text": "one"},
     {"url": "http://example.com/story?a=1&b=2#top", "text": "one"}),
    ({"text": "Same   content\nhere.", "title": "a"}, {"text": "same content here.", "title": "b"}),
    ({"external_id": "e1", "url": "https://example.com/u", "text": "t1"},
     {"external_id": "e2", "url": "https://example.com/v", "text": "t1"}),
])
async def test_duplicates_by_any_identity_queue_one_job(store, redis, first, second):
    a = await store.submit(first)
    b = await store.submit(second)
    assert b.duplicate and b.id == a.id and b.status == "queued" and b.revision == 1
    assert await redis.zcard(K.ARQ_QUEUE) == 1
    assert len([k async for k in redis.scan_iter(match="arq:job:*")]) == 1
    assert await store.get_article(a.id) == first  # the first version is kept


@pytest.mark.parametrize("first,second", [
    ({"external_id": "abc", "text": "one text"}, {"external_id": "abc", "text": "a different text"}),
    ({"url": "https://www.example.com/story/?utm_source=x&b=2&a=1", "text": "one"},
     {"url": "http://example.com/story?a=1&b=2#top", "text": "two"}),
])
async def test_same_identity_new_content_is_a_new_revision(store, redis, first, second):
    a = await store.submit(first)
    b = await store.submit(second)
    assert (b.id, b.duplicate, b.revision, b.status) == (a.id, False, 2, "queued")
    assert await redis.zcard(K.ARQ_QUEUE) == 2  # one job per revision
    assert await store.get_article(a.id) == second


async def test_concurrent_identical_submits_make_one_job(store, redis):
    a = art(7, url="https://example.com/same")
    results = await asyncio.gather(*[store.submit(dict(a)) for _ in range(40)])
    assert len({r.id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    assert await redis.zcard(K.ARQ_QUEUE) == 1


async def test_concurrent_submits_from_separate_clients(store, redis, redis_server, settings):
    clients = [aioredis.Redis.from_url(redis_server.url) for _ in range(4)]
    try:
        stores = [DocumentStore(c, settings) for c in clients]
        a = art(8)
        results = await asyncio.gather(*[s.submit(dict(a)) for s in stores for _ in range(5)])
        assert sum(not r.duplicate for r in results) == 1
        assert await redis.zcard(K.ARQ_QUEUE) == 1
    finally:
        for c in clients:
            await c.aclose()


async def test_submit_many_keeps_order_and_dedupes_within_batch(store, redis):
    batch = [art(1), art(2), art(1), art(3, external_id="z"), {"text": "x", "external_id": "z"}]
    res = await store.submit_many(batch)
    assert [r.duplicate for r in res] == [False, False, True, False, False]  # the last: new content, revision 2
    assert res[2].id == res[0].id and res[4].id == res[3].id and res[4].revision == 2
    assert [r.id for r in res[:2]] == [article_id(batch[0]), article_id(batch[1])]
    assert await redis.zcard(K.ARQ_QUEUE) == 4
    assert await store.submit_many([]) == []


async def test_submit_works_after_script_cache_flush(store, redis):
    await redis.script_flush()
    assert not (await store.submit(art(1))).duplicate
    await redis.script_flush()
    res = await store.submit_many([art(2), art(3)])
    assert [r.duplicate for r in res] == [False, False]


async def test_queue_bound_rejects_without_storing(redis, settings):
    store = DocumentStore(redis, settings.with_(queue_max_depth=2))
    assert [r.status for r in await store.submit_many([art(1), art(2)])] == ["queued", "queued"]
    full = await store.submit(art(3))
    assert full.queue_full and not full.duplicate
    assert not await store.exists(full.id) and await redis.zcard(K.ARQ_QUEUE) == 2
    # duplicates are still recognised when the queue is full
    assert (await store.submit(art(1))).duplicate


async def test_document_before_done_has_status_and_no_analysis(store):
    a = art(1, url="https://example.com/x", source="BBC", metadata={"k": [1, 2]})
    res = await store.submit(a)
    doc = await store.get_document(res.id)
    assert doc["status"] == "queued" and doc["url"] == a["url"] and doc["metadata"] == {"k": [1, 2]}
    for field in ("entities", "claims", "language", "text"):
        assert field not in doc
    assert await store.get_document("0" * 16) is None and await store.get_status("0" * 16) is None


async def test_status_transitions_and_requeue(store, redis):
    doc_id = (await store.submit(art(1))).id
    await redis.delete(K.ARQ_QUEUE, K.arq_job(doc_id))  # as if a worker picked it up
    assert await store.mark_processing(doc_id, 1)
    st = await store.get_status(doc_id)
    assert st["status"] == "processing" and st["attempts"] == 1 and st["started_at"]
    err = {"type": "TimeoutError", "message": "slow"}
    retry_at = datetime.now(timezone.utc) + timedelta(seconds=4)
    assert await store.mark_retry(doc_id, 1, err, retry_at)
    st = await store.get_status(doc_id)
    assert st["status"] == "queued" and st["last_error"] == err and "error" not in st and st["retry_at"]
    assert await store.mark_processing(doc_id, 2)
    assert await store.mark_failed(doc_id, {"type": "ValueError", "message": "boom"})
    st = await store.get_status(doc_id)
    assert st["status"] == "failed" and st["error"]["message"] == "boom"
    assert await redis.zscore(K.FAILED, doc_id) is not None
    await assert_indexes_consistent(redis)

    assert await store.requeue(doc_id) == (1, "queued")
    st = await store.get_status(doc_id)
    assert st["status"] == "queued" and st["attempts"] == 0 and st["last_error"]["message"] == "boom"
    assert await redis.zscore(K.FAILED, doc_id) is None
    assert deserialize_job(await redis.get(K.arq_job(doc_id)))[1] == (doc_id,)
    assert await redis.zscore(K.ARQ_QUEUE, doc_id) is not None
    assert await store.requeue(doc_id) == (0, "queued")  # only failed ones
    assert await store.requeue("f" * 16) == (-1, "")
    assert not await store.mark_processing("f" * 16, 1)
    await assert_indexes_consistent(redis)


async def test_worker_transitions_only_from_the_status_they_require(store, redis):
    """A run starts only on an article that is not done or failed, and hands back, retries or fails it only
    while it is processing; a refused transition writes nothing (status hash and indexes as they were)."""
    doc_id = (await store.submit(art(1, external_id="twice"))).id
    assert await store.mark_processing(doc_id, 1)
    await store.save_document({"id": doc_id, "text": art(1)["text"]}, 5.0, 1.0)  # another worker's run ends: done
    done = await redis.hgetall(K.status(doc_id))
    err = {"code": "timeout", "message": "slow"}
    assert not await store.mark_processing(doc_id, 2)
    assert not await store.unmark_processing(doc_id, 0)
    assert not await store.mark_retry(doc_id, 1, err, datetime.now(timezone.utc))
    assert not await store.mark_failed(doc_id, err, require="processing")
    assert not await store.mark_failed(doc_id, err, require=("queued", "processing"))
    assert await redis.hgetall(K.status(doc_id)) == done
    assert await redis.zscore(K.FAILED, doc_id) is None and not await redis.hgetall(K.METRICS_FAILED)
    await assert_indexes_consistent(redis)
    # a new revision queued while an older run is in flight: that run's hand-back or retry leaves the
    # new revision's queued status (attempts 0, no error) alone
    assert (await store.submit(art(1, external_id="twice", text="Something else happened."))).revision == 2
    queued = await redis.hgetall(K.status(doc_id))
    assert not await store.unmark_processing(doc_id, 0)
    assert not await store.mark_retry(doc_id, 1, err)
    assert await redis.hgetall(K.status(doc_id)) == queued
    assert await store.mark_processing(doc_id, 1)  # its own job's run starts
    assert await store.mark_processing(doc_id, 2)  # processing after a lost worker: starts again
    assert await store.mark_failed(doc_id, err, require=("queued", "processing"))
    assert not await store.mark_processing(doc_id, 3)
    assert not await store.mark_processing("f" * 16, 1, require="")  # unknown id
    await assert_indexes_consistent(redis)


async def test_a_runs_changes_require_its_token_and_a_start_the_revision_it_read(store, redis):
    """``mark_processing`` keeps the run's token; a change that requires another token (a run that was taken
    over: another copy of its job, an older revision's job) or another revision writes nothing."""
    from shared.store.status import RUN

    doc_id = (await store.submit(art(1, external_id="tok"))).id
    err = {"code": "timeout", "message": "slow"}
    assert await store.mark_processing(doc_id, 1, run="j1#1", require_fields={"revision": "1"})
    assert await store.mark_processing(doc_id, 2, run="j1#2")  # another copy takes it over (a lost worker)
    held = await redis.hgetall(K.status(doc_id))
    assert held[RUN.encode()] == b"j1#2"
    assert not await store.unmark_processing(doc_id, 0, require_fields={RUN: "j1#1"})
    assert not await store.mark_retry(doc_id, 1, err, require_fields={RUN: "j1#1"})
    assert not await store.mark_failed(doc_id, err, require="processing", require_fields={RUN: "j1#1"})
    assert not await store.mark_failed(doc_id, err, require=("queued", "processing"), require_fields={"revision": "2"})
    assert await redis.hgetall(K.status(doc_id)) == held
    assert await redis.zscore(K.FAILED, doc_id) is None and not await redis.hgetall(K.METRICS_FAILED)
    assert await store.mark_retry(doc_id, 2, err, require_fields={RUN: "j1#2"})  # its own: queued, token gone
    assert RUN.encode() not in await redis.hgetall(K.status(doc_id))
    assert (await store.submit(art(1, external_id="tok", text="Something else happened."))).revision == 2
    assert not await store.mark_processing(doc_id, 3, run="j1#3", require_fields={"revision": "1"})  # read rev 1
    assert (await store.get_status(doc_id))["status"] == "queued"
    assert await store.mark_processing(doc_id, 1, run="j2#1", require_fields={"revision": "2"})
    assert await store.mark_failed(doc_id, err, require="processing", require_fields={RUN: "j2#1"})
    await assert_indexes_consistent(redis)


async def test_submit_and_requeue_drop_the_run_fields_python_names(store, redis, settings):
    """The run fields a new revision or a POST /retry drops come from Python (RUN_FIELDS of
    shared/store/status.py), not from a copy in the scripts: a field added to the list is dropped too."""
    from shared.store import intake as intake_module
    from shared.store.scripts import REQUEUE, SUBMIT
    from shared.store.status import RUN_FIELDS

    fields = (*RUN_FIELDS, "extra_ms")
    doc_id = (await store.submit(art(1, external_id="runs"))).id
    await redis.hset(K.status(doc_id), mapping={f: "1" for f in fields})
    keys, args = intake_module.submit_call(art(1, external_id="runs", text="A new revision."), time.time(),
                                          0, 3, doc_id)
    assert int((await SUBMIT(redis, keys, {**args, "run_fields": fields}))[0]) == 0
    st = await redis.hgetall(K.status(doc_id))
    assert st[b"revision"] == b"2" and not {f.encode() for f in fields} & st.keys()

    await store.mark_processing(doc_id, 1)
    await store.mark_failed(doc_id, {"code": "x", "message": "y"})
    await redis.hset(K.status(doc_id), mapping={f: "1" for f in fields})
    await redis.delete(K.ARQ_QUEUE, K.arq_job(doc_id))
    reply = await REQUEUE(redis, [K.status(doc_id), K.FAILED, K.ARQ_QUEUE, K.article(doc_id)],
                          {"id": doc_id, "status_prefix": K.STATUS_INDEX_PREFIX,
                           **queue.enqueue_args(doc_id, time.time()), "max_lifetime_attempts": "0",
                           "run_fields": list(fields), "job_prefix": K.ARQ_JOB_PREFIX,
                           "result_prefix": K.ARQ_RESULT_PREFIX, "retry_prefix": K.ARQ_RETRY_PREFIX})
    assert int(reply[0]) == 1
    st = await redis.hgetall(K.status(doc_id))
    assert st[b"status"] == b"queued" and not {f.encode() for f in fields} & st.keys()


async def test_requeue_queues_the_current_revisions_job(store, redis):
    """``POST /retry`` (store.requeue) of a failed revision-2 article queues revision 2's job (``<id>:r2``,
    its retry counter and result cleared), not the plain id: that is revision 1's job, which a worker now
    ends unrun (workers/tasks.py). Revision 1's retry queues the plain id as before."""
    doc_id = (await store.submit(art(1, external_id="rq"))).id
    await redis.delete(K.ARQ_QUEUE, K.arq_job(doc_id))  # as if a worker picked it up
    await store.mark_processing(doc_id, 1)
    await store.mark_failed(doc_id, {"code": "x", "message": "y"})
    assert await store.requeue(doc_id) == (1, "queued")
    assert await redis.zrange(K.ARQ_QUEUE, 0, -1) == [doc_id.encode()]
    await redis.delete(K.ARQ_QUEUE, K.arq_job(doc_id))

    r2 = await store.submit(art(1, external_id="rq", text="A new revision."))
    assert r2.id == doc_id and r2.revision == 2
    job2 = K.article_job(doc_id, 2)
    await redis.delete(K.ARQ_QUEUE, K.arq_job(job2))  # its job ran: five tries, then the article failed
    await redis.set(K.arq_retry(job2), 5)
    await redis.set(K.arq_result(job2), b"{}")
    await store.mark_processing(doc_id, 5)
    await store.mark_failed(doc_id, {"code": "x", "message": "y"})
    assert await store.requeue(doc_id) == (1, "queued")
    assert await redis.zrange(K.ARQ_QUEUE, 0, -1) == [job2.encode()]  # (the old script: the plain id)
    assert deserialize_job(await redis.get(K.arq_job(job2)))[1] == (doc_id,)
    assert not await redis.exists(K.arq_job(doc_id), K.arq_retry(job2), K.arq_result(job2))
    await assert_indexes_consistent(redis)


async def test_save_document_is_idempotent_and_indexes_consistent(store, redis):
    a = {"text": SPY_TEXT, "title": "Spy", "source": "Reuters", "external_id": "spy"}
    doc_id = (await store.submit(a)).id
    await store.mark_processing(doc_id, 1)
    doc = spy_document(a)
    assert await store.save_document(doc, 120.0) == "processing"
    snapshot = {}
    for pattern in ("nf:idx:*", "nf:entities:*"):
        async for key in redis.scan_iter(match=pattern):
            snapshot[key] = await redis.zrange(key, 0, -1, withscores=True)
    hist = await store.processing_histogram()
    assert hist["count"] == 1

    # at-least-once delivery: the same job saves again (a duplicate run that started before this one was
    # done: a run cannot start on a done article, and its mark_processing is refused, see workers/tasks.py)
    assert not await store.mark_processing(doc_id, 2)
    assert await store.save_document(doc, 130.0) == "done"
    again = {}
    for pattern in ("nf:idx:*", "nf:entities:*"):
        async for key in redis.scan_iter(match=pattern):
            again[key] = await redis.zrange(key, 0, -1, withscores=True)
    assert again == snapshot
    assert (await store.processing_histogram())["count"] == 1  # counted once
    assert await store.save_document(doc, 130.0) == "done"
    assert (await store.processing_histogram())["count"] == 1
    assert await store.counts_by_status() == {"queued": 0, "processing": 0, "done": 1, "failed": 0}
    stored = await store.get_document(doc_id)
    assert stored["status"] == "done" and stored["entities"] == doc["entities"] and stored["claims"] == doc["claims"]
    for ent in stored["entities"]:
        for m in ent["mentions"]:
            assert stored["text"][m["start"]:m["end"]] == m["text"]
    await assert_indexes_consistent(redis)

    # a re-save with different analysis replaces the old index entries
    changed = dict(doc, entities=[e for e in doc["entities"] if e["id"] != "place:russia"], claims=doc["claims"][:1],
                   source="AP")
    await store.save_document(changed, 10.0)
    assert doc_id not in await _members(redis, K.idx_entity("place:russia"))
    assert doc_id in await _members(redis, K.idx_entity("place:north-korea"))
    assert doc_id not in await _members(redis, K.idx_source("Reuters"))
    assert doc_id in await _members(redis, K.idx_source("ap"))
    assert await redis.zcard(K.IDX_CLAIMS) == 1 and await redis.hlen(K.claims(doc_id)) == 1
    assert await redis.zcard(K.idx_claims_speaker("person:thae-yong-ho")) == 0
    await assert_indexes_consistent(redis)


async def test_save_document_without_submit_still_listed(store, redis):
    a = {"text": BYRNE_TEXT, "external_id": "byrne"}
    doc = byrne_document(a)
    assert await store.save_document(doc, 5.0) == ""
    listed = await store.list_documents()
    assert [i["id"] for i in listed["items"]] == [doc["id"]]
    assert (await store.get_status(doc["id"]))["status"] == "done"
    await assert_indexes_consistent(redis)


async def _corpus(store, n: int = 23) -> list[dict]:
    """n processed documents with varied language/source/entities, plus 2 queued articles."""
    docs = []
    for i in range(n):
        a = {"text": f"Story {i} about Thae Yong Ho and place {i}.", "source": ["BBC", "Reuters", "AP"][i % 3],
             "external_id": f"s{i}", "title": f"Story {i}"}
        doc_id = (await store.submit(a)).id
        ents = [entity(a["text"], f"place:place-{i % 4}", f"place {i}", "GPE")]
        if i % 2 == 0:
            ents.append(entity(a["text"], "person:thae-yong-ho", "Thae Yong Ho", "PERSON"))
        d = document(a, ents, [], lang=["en", "fr"][i % 2 == 1 and i % 3 == 0], doc_id=doc_id)
        await store.save_document(d, 1.0 + i)
        docs.append(d)
    for i in range(2):
        await store.submit({"text": f"waiting {i}", "source": "BBC"})
    return docs


async def _all_pages(fetch, limit: int) -> list[str]:
    ids, cursor, pages = [], None, 0
    while True:
        page = await fetch(limit=limit, cursor=cursor)
        assert len(page["items"]) <= limit
        ids += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            return ids
        assert pages < 100


async def test_list_documents_filters_and_cursor_pagination(store, redis):
    docs = await _corpus(store)
    everything = await _all_pages(store.list_documents, 4)
    assert len(everything) == len(set(everything)) == len(docs) + 2
    scores = [await redis.zscore(K.IDX_TIME, i) for i in everything]
    assert scores == sorted(scores, reverse=True)  # newest first

    def expect(pred) -> list[str]:
        return [d["id"] for d in reversed(docs) if pred(d)]

    async def ids(limit=5, **filters):
        return await _all_pages(lambda **kw: store.list_documents(**filters, **kw), limit)

    assert await ids(source="reuters") == expect(lambda d: d["source"] == "Reuters")
    assert await ids(language="fr") == expect(lambda d: d["language"]["code"] == "fr")
    assert await ids(entity="person:thae-yong-ho", limit=3) == expect(lambda d: any(e["id"] == "person:thae-yong-ho" for e in d["entities"]))
    assert await ids(entity="person:thae-yong-ho", source="BBC", language="en") == expect(
        lambda d: d["source"] == "BBC" and d["language"]["code"] == "en"
        and any(e["id"] == "person:thae-yong-ho" for e in d["entities"]))
    assert len(await ids(status="queued")) == 2
    assert await ids(status="done", limit=50) == expect(lambda d: True)
    assert await ids(entity="nobody") == []
    # time window: until = just before the last document was received
    last = await store.get_status(docs[-1]["id"])
    received = datetime.fromisoformat(last["received_at"].replace("Z", "+00:00"))
    older = await ids(until=(received - timedelta(microseconds=1000)).isoformat(), limit=50)
    assert docs[-1]["id"] not in older and docs[0]["id"] in older
    assert set(await ids(since=received.isoformat(), limit=50)) >= {docs[-1]["id"]}
    page = await store.list_documents(source="BBC", limit=2)
    item = page["items"][0]
    assert item["status"] in K.STATUSES and item["source"] == "BBC"
    with pytest.raises(InvalidCursor):
        await store.list_documents(cursor="not a cursor!")


async def test_entity_search_prefix_label_and_counts(store, redis):
    spy = {"text": SPY_TEXT, "external_id": "spy"}
    byrne = {"text": BYRNE_TEXT, "external_id": "byrne"}
    for a, build in ((spy, spy_document), (byrne, byrne_document)):
        await store.submit(a)
        await store.save_document(build(a), 3.0)
    found = await store.search_entities("thae")
    assert found[0] == {"id": "person:thae-yong-ho", "name": "Thae Yong Ho", "label": "PERSON", "document_count": 2,
                        "linked": []}
    # mention forms are searchable too, case-insensitively, and still give the one canonical key
    assert [e["id"] for e in await store.search_entities("THAE YONG-")] == ["person:thae-yong-ho"]
    assert [e["id"] for e in await store.search_entities("THAE")] == ["person:thae-yong-ho"]
    norths = await store.search_entities("north")
    assert [(e["id"], e["document_count"]) for e in norths] == [("place:north-korea", 2)]
    assert {e["id"] for e in await store.search_entities("", label="GPE")} == {"place:north-korea", "place:russia", "place:south-korea"}
    assert await store.search_entities("zzz") == []
    assert len(await store.search_entities("", limit=2)) == 2
    docs = await store.entity_documents("person:thae-yong-ho")
    assert [d["id"] for d in docs["items"]] == [article_id(byrne), article_id(spy)]
    assert (await store.get_entity("org:royal-united-services-institute"))["document_count"] == 1
    assert await store.get_entity("nobody") is None


async def test_claim_search_by_speaker_entity_kind_and_score(store, redis):
    spy = {"text": SPY_TEXT, "external_id": "spy"}
    byrne = {"text": BYRNE_TEXT, "external_id": "byrne"}
    for a, build in ((spy, spy_document), (byrne, byrne_document)):
        await store.submit(a)
        await store.save_document(build(a), 3.0)
    spy_id, byrne_id = article_id(spy), article_id(byrne)

    by_thae = (await store.search_claims(speaker="person:thae-yong-ho"))["items"]
    assert [(c["document_id"], c["id"]) for c in by_thae] == [(byrne_id, "c2"), (spy_id, "c3"), (spy_id, "c2")]
    assert all(c["speaker"]["entity_id"] == "person:thae-yong-ho" for c in by_thae)
    # a speaker without an entity key is found by name
    agency = (await store.search_claims(speaker="south korea's TOP spy agency"))["items"]
    assert [c["id"] for c in agency] == ["c1"]
    about_russia = (await store.search_claims(entity="place:russia"))["items"]
    assert {(c["document_id"], c["id"]) for c in about_russia} == {(byrne_id, "c2"), (spy_id, "c1")}
    direct = (await store.search_claims(kind="direct"))["items"]
    assert {c["id"] for c in direct} == {"c1", "c3"} and all(c["kind"] == "direct" for c in direct)
    worthy = (await store.search_claims(min_checkworthiness=0.75))["items"]
    assert sorted(c["checkworthiness"] for c in worthy) == [0.8, 0.92]
    both = (await store.search_claims(speaker="person:thae-yong-ho", entity="place:russia"))["items"]
    assert [(c["document_id"], c["id"]) for c in both] == [(byrne_id, "c2")]
    for c in by_thae:
        assert c["text"] and c["spans"]

    everything = await _all_pages(lambda **kw: store.search_claims(**kw), 2)
    assert len(everything) == 6
    filtered = []
    cursor = None
    while True:
        page = await store.search_claims(min_checkworthiness=0.5, limit=1, cursor=cursor)
        filtered += [(c["document_id"], c["id"]) for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(filtered) == len(set(filtered)) == 4


async def test_acknowledged_articles_survive_redis_restart(store, redis, redis_server, settings):
    ids = [(await store.submit(art(i))).id for i in range(20)]
    a = {"text": SPY_TEXT, "external_id": "spy"}
    await store.submit(a)
    await store.save_document(spy_document(a), 2.0)
    await redis.aclose()
    redis_server.restart()
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        fresh = DocumentStore(client, settings)
        for doc_id in ids:
            assert (await fresh.get_status(doc_id))["status"] == "queued"
            assert await client.zscore(K.ARQ_QUEUE, doc_id) is not None
        assert (await fresh.get_document(article_id(a)))["entities"]
        assert (await fresh.submit(art(3))).duplicate
        # scripts are not persisted: the store reloads them transparently
        assert not (await fresh.submit(art(99))).duplicate
        await assert_indexes_consistent(client)
    finally:
        await client.aclose()


async def test_entity_search_non_latin_prefixes_and_odd_keys(store, redis):
    text = "北韓武器正在殺害烏克蘭人。Владимир Путин and Ünal Öztürk met in Zürich."
    a = {"text": text, "external_id": "cjk"}
    ents = [entity(text, "GPE:北韓", "北韓", "GPE"), entity(text, "PERSON:путин", "Владимир Путин", "PERSON"),
            entity(text, "PERSON:ünal\töztürk", "Ünal Öztürk", "PERSON"), entity(text, "GPE:zürich", "Zürich", "GPE")]
    await store.save_document(document(a, ents, [], lang="zh"), 1.0)
    assert [e["id"] for e in await store.search_entities("北")] == ["GPE:北韓"]
    assert [e["id"] for e in await store.search_entities("влад")] == ["PERSON:путин"]
    assert [e["id"] for e in await store.search_entities("ÜNAL")] == ["PERSON:ünal\töztürk"]
    assert [e["id"] for e in await store.search_entities("zü")] == ["GPE:zürich"]
    assert await store.search_entities("zz") == []
    # re-saving without one of them removes exactly that index entry, odd characters included
    await store.save_document(document(a, ents[:2], [], lang="zh"), 1.0)
    assert await store.search_entities("ünal") == []
    await assert_indexes_consistent(redis)


async def test_most_mentioned_entities_without_a_prefix(store, redis):
    for i in range(6):
        text = f"Zeta Corp and Alpha{i} Ltd and Beta{i} met."
        a = {"text": text, "external_id": f"z{i}"}
        ents = [entity(text, "zeta", "Zeta Corp", "ORG"), entity(text, f"alpha{i}", f"Alpha{i} Ltd", "ORG"),
                entity(text, f"beta{i}", f"Beta{i}", "PERSON")]
        if i < 2:
            ents.append(entity(text, "alpha0", "Alpha0 Ltd", "ORG", f"Alpha{i} Ltd"))
        await store.save_document(document(a, ents, [], doc_id=f"{i:016x}"), 1.0)
    top = await store.search_entities("", limit=2)
    assert [(e["id"], e["document_count"]) for e in top] == [("zeta", 6), ("alpha0", 2)]
    assert [e["id"] for e in await store.search_entities("", label="PERSON", limit=3)] == ["beta0", "beta1", "beta2"]
    # counts follow re-saves
    text = "Nobody here."
    await store.save_document(document({"text": text}, [], [], doc_id=f"{0:016x}"), 1.0)
    top = await store.search_entities("", limit=2)
    assert [(e["id"], e["document_count"]) for e in top] == [("zeta", 5), ("alpha0", 1)]
    await assert_indexes_consistent(redis)


async def test_delete_keeps_indexes_consistent(store, redis):
    docs = await _corpus(store, 6)
    failed_id = (await store.submit({"text": "broken one"})).id
    await store.mark_failed(failed_id, {"message": "x"})
    assert await store.delete(failed_id) == (1, "failed")
    for d in docs[::2]:
        assert await store.delete(d["id"]) == (1, "done")
    assert await store.delete(docs[0]["id"]) == (-1, "")
    await assert_indexes_consistent(redis)
    left = [i["id"] for i in (await store.list_documents(status="done", limit=50))["items"]]
    assert left == [d["id"] for d in reversed(docs[1::2])]
    # Thae was mentioned by the even-numbered stories only
    assert (await store.get_entity("person:thae-yong-ho"))["document_count"] == 0
    assert await store.search_entities("thae") == [] and "person:thae-yong-ho" not in [
        e["id"] for e in await store.search_entities("", limit=200)]
    assert (await store.submit({"text": "broken one"})).duplicate is False


async def test_coordinated_speaker_is_found_under_each_entity(store, redis):
    text = "Both Portugal and Norway have denied reports that their trawlers fished in the zone."
    art_in = {"text": text, "external_id": "coord"}
    sp = {"text": "Both Portugal and Norway", "start": 0, "end": 24, "name": "Portugal and Norway",
          "entity_id": "place:portugal", "entity_ids": ["place:portugal", "place:norway"], "resolution": "explicit"}
    c = claim(text, "c1", "their trawlers fished in the zone", "indirect", sp, [], 0.6)
    await store.submit(art_in)
    await store.save_document(document(art_in, [], [c]), 3.0)
    for key in ("place:portugal", "place:norway"):
        items = (await store.search_claims(speaker=key))["items"]
        assert [i["id"] for i in items] == ["c1"], key
        assert items[0]["speaker"]["entity_ids"] == ["place:portugal", "place:norway"]
    await assert_indexes_consistent(redis)
