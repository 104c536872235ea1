"""Read-path figures for the document store: save_document and the listing / search queries over a
synthetic corpus in a private redis-server. Printed, never asserted.

    .venv/bin/python bench/store_reads.py [--docs 5000] [--repeat 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time

import redis.asyncio as aioredis

from shared.config import Settings
from shared.redis_server import RedisServer
from shared.store import DocumentStore

LANGS = ["en"] * 6 + ["fr", "ru", "zh", "de"]
SOURCES = [f"source{i}" for i in range(20)]
PEOPLE = [f"person{i}" for i in range(400)]
PLACES = [f"place{i}" for i in range(100)]
SHORT_FORM_SHARE = 0.3  # person mentions written as the surname only ("Lee7" → person:lee7, linked across documents)


def person(key: str, rng: random.Random) -> tuple[str, str, list[str]]:
    """(id, name, aliases) as the entity stage gives them: a full name with the surname as an alias,
    or, in some documents, the surname alone (a short-form key that the store links to the full one)."""
    i = key[len("person"):]
    if rng.random() < SHORT_FORM_SHARE:
        return f"person:lee{i}", f"Lee{i}", []
    return f"person:ann-lee{i}", f"Ann Lee{i}", [f"lee{i}"]


def synthetic(i: int, rng: random.Random) -> dict:
    ents = []
    text = f"Document {i}. "
    for key in rng.sample(PEOPLE, 4) + rng.sample(PLACES, 3):
        start = len(text)
        if key.startswith("person"):
            eid, name, aliases = person(key, rng)
        else:
            eid, name, aliases = f"place:{key}", key.title(), []
        text += name + " said things. "
        ents.append({"id": eid, "text": name, "label": "PERSON" if key.startswith("person") else "GPE",
                     "mentions": [{"start": start, "end": start + len(name), "text": name}], "count": 1,
                     "salience": rng.random(), "aliases": aliases})
    claims = []
    for j in range(5):
        speaker = ents[j % 4]
        claims.append({"id": f"c{j}", "text": f"claim {j}", "spans": [{"start": 0, "end": 8}],
                       "kind": rng.choice(["direct", "indirect", "mixed", "unattributed"]),
                       "speaker": {"name": speaker["text"], "entity_id": speaker["id"]},
                       "entity_ids": [ents[4 + j % 3]["id"]], "checkworthiness": rng.random()})
    lang = rng.choice(LANGS)
    return {"id": f"{i:016x}", "title": f"Doc {i}", "source": rng.choice(SOURCES), "text": text,
            "language": {"code": lang, "languages": [{"code": lang, "share": 1.0}]},
            "entities": ents, "claims": claims, "stats": {}, "timings_ms": {}}


async def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp, RedisServer(tmp) as server:
        client = aioredis.Redis.from_url(server.url)
        store = DocumentStore(client, Settings(redis_url=server.url))
        await store.load_scripts()
        docs = [synthetic(i, rng) for i in range(args.docs)]
        t0 = time.perf_counter()
        for d in docs:
            await store.save_document(d, 10.0)
        save_ms = (time.perf_counter() - t0) * 1000 / len(docs)
        print(f"corpus: {args.docs} documents, 7 entities and 5 claims each ({SHORT_FORM_SHARE:.0%} of person "
              f"mentions short forms linked across documents); redis used_memory "
              f"{(await client.info('memory'))['used_memory_human']}")
        print(f"save_document: {save_ms:.3f} ms/doc (one EVALSHA, all indexes)\n")
        cursor_page = (await store.list_documents(limit=20))["next_cursor"]
        queries = [
            ("list newest 20", lambda: store.list_documents(limit=20)),
            ("list page 2 (cursor)", lambda: store.list_documents(limit=20, cursor=cursor_page)),
            ("list language=fr", lambda: store.list_documents(language="fr", limit=20)),
            ("list source+language", lambda: store.list_documents(source="source3", language="en", limit=20)),
            ("list entity (full + linked short)", lambda: store.list_documents(entity="person:ann-lee7", limit=20)),
            ("list entity, unlinked place", lambda: store.list_documents(entity="place:place7", limit=20)),
            ("list entity+source+lang (rare)", lambda: store.list_documents(entity="person:ann-lee7", source="source3",
                                                                          language="zh", limit=20)),
            ("entity articles by short key", lambda: store.entity_documents("person:lee7", limit=20)),
            ("get entity (merged count)", lambda: store.get_entity("person:ann-lee7")),
            ("entities q=ann lee1", lambda: store.search_entities("ann lee1", limit=20)),
            ("entities q=lee1 (short forms)", lambda: store.search_entities("lee1", limit=20)),
            ("entities top (no q)", lambda: store.search_entities("", limit=20)),
            ("claims speaker", lambda: store.search_claims(speaker="person:ann-lee7", limit=20)),
            ("claims entity+kind", lambda: store.search_claims(entity="place:place3", kind="direct", limit=20)),
            ("claims min_cw=0.9", lambda: store.search_claims(min_checkworthiness=0.9, limit=20)),
        ]
        print(f"{'query':34} {'p50 ms':>8} {'p99 ms':>8}")
        for name, fn in queries:
            p50, p99 = await timed(fn, args.repeat)
            print(f"{name:34} {p50:8.3f} {p99:8.3f}")
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
