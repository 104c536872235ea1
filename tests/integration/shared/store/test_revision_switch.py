"""The revision switch is atomic: 20 concurrent readers while revisions are saved never see a mix."""

from __future__ import annotations

import asyncio

import pytest

from shared import keys as K

pytestmark = pytest.mark.integration


def revision_doc(doc_id: str, rev: int) -> dict:
    text = f"Revision {rev} of the story. " * 20
    return {"id": doc_id, "title": f"title r{rev}", "text": text, "revision": rev, "source": f"src{rev}",
            "entities": [{"id": f"misc:r{rev}-{i}", "text": f"r{rev}e{i}", "label": "MISC"} for i in range(5)],
            "claims": [{"text": f"claim of r{rev}", "kind": "direct", "entity_ids": [f"misc:r{rev}-0"]}]}


async def test_readers_never_see_two_revisions_mixed(store, redis, redis_server, settings):
    import redis.asyncio as aioredis

    from shared.store import DocumentStore

    first = await store.submit({"external_id": "switch", "text": "Revision 1"})
    doc_id = first.id
    await store.save_document(revision_doc(doc_id, 1), 1.0)
    revisions = 40
    stop = asyncio.Event()
    seen: list[int] = []
    problems: list[str] = []

    async def reader(n: int) -> None:
        client = aioredis.Redis.from_url(redis_server.url)
        rstore = DocumentStore(client, settings)
        try:
            while not stop.is_set():
                doc = await rstore.get_document(doc_id)
                rev = doc["revision"]
                marks = {doc["title"], doc["source"], *(e["id"].split("-")[0] for e in doc["entities"])}
                if marks != {f"title r{rev}", f"src{rev}", f"misc:r{rev}"} or not doc["text"].startswith(f"Revision {rev} "):
                    problems.append(f"reader {n}: document mixes revisions: {marks}")
                # the indexes, in one snapshot: only the current revision's entries exist
                pipe = client.pipeline(transaction=True)
                pipe.get(K.document(doc_id))
                for r in range(1, revisions + 1):
                    pipe.zscore(K.idx_entity(f"misc:r{r}-0"), doc_id)
                pipe.hget(K.claims(doc_id), "0000")
                raw, *scores, claim = await pipe.execute()
                import orjson

                cur = orjson.loads(raw)["revision"]
                present = [r for r, s in zip(range(1, revisions + 1), scores) if s is not None]
                if present != [cur] or f"claim of r{cur}".encode() not in claim:
                    problems.append(f"reader {n}: document r{cur} but index entries of {present}")
                seen.append(rev)
                await asyncio.sleep(0)
        finally:
            await client.aclose()

    readers = [asyncio.create_task(reader(n)) for n in range(20)]
    for rev in range(2, revisions + 1):
        res = await store.submit({"external_id": "switch", "text": f"Revision {rev}"})
        assert res.revision == rev
        await store.save_document(revision_doc(doc_id, rev), 1.0)
        await asyncio.sleep(0.005)
    stop.set()
    await asyncio.gather(*readers)
    assert problems == []
    assert len(set(seen)) > 5  # the readers really saw the switches happen
    assert (await store.get_document(doc_id))["revision"] == revisions
