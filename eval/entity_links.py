"""Cross-document entity linking over a real news corpus, through the pipeline and the real store.

    .venv/bin/python eval/entity_links.py ../shared/data/attribution/polnear/dev [--limit N] [--show 15]

Every ``*.txt`` under the folder (PolNeAR: ``<dir>/text/*.txt``, US political news of 2016) goes
through ``build_pipeline().run_many`` and ``DocumentStore.save_document`` into a private redis-server.
Then, from the alias store and the entity indexes (no gold exists for cross-document identity, so
the listed links are for reading):
- per kind: entity keys with documents; how many link to one full form (and their documents, which
  the full form gains); how many stay apart because several full forms claim them (ambiguous) or
  because they are themselves the full form of some alias ("full forms": keys with aliases, never
  linked); single-word person keys that no full form claims;
- the biggest links and the ambiguous aliases, with document counts;
- order independence: the same documents saved in reverse order into a fresh database must give
  the same resolution for every key (printed, True/False).
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import redis.asyncio as aioredis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared import keys as K  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.redis_server import RedisServer  # noqa: E402
from shared.store import DocumentStore  # noqa: E402

KINDS = ("person", "org", "place")


def load(folder: Path, limit: int | None) -> list[dict]:
    files = sorted(folder.rglob("*.txt"))[:limit]
    return [{"text": p.read_text(encoding="utf-8"), "external_id": p.stem, "source": p.stem.split("_")[0]}
            for p in files]


async def resolution(store: DocumentStore, keys: list[str]) -> dict[str, tuple[str, int]]:
    """key → (canonical key, merged document count)."""
    out = {}
    for i in range(0, len(keys), 500):
        for g in await store._entity_groups(keys[i:i + 500]):
            for a in g.asked:
                out[a] = (g.key, g.document_count)
    return out


async def index(store: DocumentStore, docs: list[dict]) -> tuple[dict, dict, dict]:
    await store.redis.flushall()
    t0 = time.perf_counter()
    for d in docs:
        await store.save_document(d, 1.0)
    save_ms = (time.perf_counter() - t0) * 1000 / max(1, len(docs))
    r = store.redis
    own = {}
    async for k in r.scan_iter(match=K.ENTITY_INDEX_PREFIX + "*"):
        own[k.decode()[len(K.ENTITY_INDEX_PREFIX):]] = await r.zcard(k)
    claimants = {}
    async for k in r.scan_iter(match=K.ALIAS_PREFIX + "*"):
        claimants[k.decode()[len(K.ALIAS_PREFIX):]] = {
            m.decode(): int(s) for m, s in await r.zrange(k, 0, -1, withscores=True)}
    res = await resolution(store, sorted(own))
    return own, claimants, {"save_ms": save_ms, "res": res}


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--show", type=int, default=15)
    args = ap.parse_args()
    articles = load(args.folder, args.limit)
    if not articles:
        sys.exit(f"no *.txt under {args.folder}")
    from workers.pipeline import build_pipeline

    t0 = time.perf_counter()
    docs = build_pipeline().run_many(articles)
    words = sum(len(a["text"].split()) for a in articles)
    print(f"{len(docs)} documents, {words} words, analysed in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp, RedisServer(tmp) as server:
        client = aioredis.Redis.from_url(server.url)
        store = DocumentStore(client, Settings(redis_url=server.url))
        own, claimants, info = await index(store, docs)
        res = info["res"]
        full_forms = {k.decode()[len(K.ALIASES_OF_PREFIX):]
                      async for k in client.scan_iter(match=K.ALIASES_OF_PREFIX + "*")}
        print(f"save_document with alias registration: {info['save_ms']:.3f} ms/doc\n")

        rows = defaultdict(Counter)
        links, ambiguous = [], []
        for key, n in own.items():
            kind = key.split(":", 1)[0]
            if kind not in KINDS:
                continue
            rows[kind]["keys"] += 1
            c = claimants.get(key, {})
            if res[key][0] == key and key in full_forms:
                rows[kind]["full forms"] += 1
            elif key in claimants and res[key][0] == key and len(c) >= 2:
                rows[kind]["ambiguous"] += 1
                ambiguous.append((n, key, c))
            elif res[key][0] != key:
                rows[kind]["linked"] += 1
                rows[kind]["short docs"] += n
                links.append((n, key, res[key][0], own.get(res[key][0], 0), res[key][1]))
            elif len(key.split(":", 1)[1].split("-")) == 1 and kind == "person":
                rows[kind]["1 word, unclaimed"] += 1
        cols = ["keys", "linked", "short docs", "ambiguous", "full forms", "1 word, unclaimed"]
        print(f"{'kind':8}" + "".join(f"{c:>22}" for c in cols))
        for kind in KINDS:
            print(f"{kind:8}" + "".join(f"{rows[kind][c]:>22}" for c in cols))
        print(f"\nlinked short forms (biggest first): short key (docs) → full key: own docs → merged docs")
        for n, key, full, full_own, merged in sorted(links, reverse=True)[:args.show]:
            print(f"  {key:32} ({n:3}) → {full:40} {full_own:4} → {merged:4}")
        print(f"\nambiguous aliases (stay apart): short key (docs): full keys claiming it (documents)")
        for n, key, c in sorted(ambiguous, key=lambda x: (-x[0], x[1]))[:args.show]:
            claims = ", ".join(f"{k} ({v})" for k, v in sorted(c.items(), key=lambda kv: -kv[1]))
            print(f"  {key:32} ({n:3}): {claims}")

        own2, _, info2 = await index(store, list(reversed(docs)))
        print(f"\nsame resolution when saved in reverse order: {own == own2 and res == info2['res']}")
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
