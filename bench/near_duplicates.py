"""Near-duplicate benchmark (issue 13): quality, fingerprint time, lookup time with 1,000,000 indexed.

    PYTHONPATH=$PWD nice .venv/bin/python bench/near_duplicates.py [--pages DIR] [--index 1000000] [--skip-index]

1. **Quality.** Every dev page of ``../shared/data/html/pages`` is extracted
   (``workers.pipeline.extract``, the worker's own extraction + normalisation); each page with at
   least 40 words gets edited copies, each edit at three strengths:

   - ``boilerplate``: another site's furniture (header/footer lines) swapped in: 5 / 10 / 15 % of the
     words (at least 8);
   - ``headline``: 1: three words of the first line changed; 2: the first line replaced by another
     page's (≤ 15 words); 3: that and the standfirst too (≤ 10 % of the words). A page whose first
     paragraph is not a headline (> 20 words) gets the new headline on top;
   - ``drop``: 1 / 2 / 3 paragraphs removed (never more than 15 % of the words);
   - ``add``: 1 / 2 / 3 paragraphs of another page added (never more than 15 % of the words);
   - ``typos``: the original has typos in 1 % / 2 % / 4 % of its words, the copy is fixed.

   Everything goes through the real LSH (band buckets, then the estimated similarity ≥ threshold,
   as ``lua/save_document.lua`` does). Recall = (page, copy) pairs found / all; precision = found
   pairs of the same page / all found pairs; plus the pairs found among the 400 distinct pages.
   The exact Jaccard similarity of each positive pair is printed too (how hard the edits are).
2. **Fingerprint time** per page (mean, p50, p99).
3. **Lookup time** with ``--index`` fingerprints indexed in a private redis-server (not 6379): the
   real save script (``DocumentStore.save_document``) of real pages' documents into that index, its
   server-side time from SLOWLOG (µs), and the client-side round trip.

Speed numbers depend on the machine's load (printed): nothing here asserts them.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared import keys as K  # noqa: E402
from workers.pipeline import fingerprint as F  # noqa: E402
from workers.pipeline.extract import extract  # noqa: E402
from workers.pipeline.normalize import clean_text  # noqa: E402

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "html" / "pages"
BOILER = ["Subscribe to our newsletter for the latest updates.", "Share this article on Facebook Twitter Email",
          "Copyright 2024 Metro Media Group. All rights reserved.", "Advertisement", "Related stories",
          "Sign up for breaking news alerts", "Follow us on Instagram and YouTube", "Read more:",
          "This story was distributed by a wire service.", "Comments are closed.", "Most read today",
          "Privacy policy | Terms of use | Contact us", "Click here to download our app."]
STRENGTHS = (1, 2, 3)


def load_pages(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.glob("*.html.gz")):
        html = gzip.open(path).read().decode("utf-8", "replace")
        texts.append(clean_text(extract(html).text))
    return texts


def paras(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def words(text: str) -> int:
    return len(text.split())


def boiler(rng: random.Random, n_words: int) -> list[str]:
    out: list[str] = []
    while sum(words(x) for x in out) < n_words:
        out.append(rng.choice(BOILER))
    return out


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def edit(text: str, kind: str, strength: int, other: str, rng: random.Random) -> tuple[str, str]:
    """(the original as published, the edited copy)."""
    ps = paras(text)
    total = words(text)
    if kind == "boilerplate":
        n = max(8, int(total * (0.05, 0.10, 0.15)[strength - 1]))
        return text, "\n".join(boiler(rng, n // 2) + ps + boiler(rng, n - n // 2))
    if kind == "headline":
        new = " ".join(paras(other)[0].split()[:15])
        first, rest = ps[0], ps[1:]
        if words(first) > 20 or not rest:  # no headline in the text: one is put on top
            return text, "\n".join([new] + ps)
        if strength == 1:
            toks = first.split()
            for i in rng.sample(range(len(toks)), min(3, len(toks))):
                toks[i] = rng.choice(new.split())
            return text, "\n".join([" ".join(toks)] + rest)
        if strength == 3 and rest and words(rest[0]) <= total * 0.10:
            standfirst = " ".join(" ".join(paras(other)[1:2]).split()[:words(rest[0])])
            return text, "\n".join([new, standfirst] + rest[1:])
        return text, "\n".join([new] + rest)
    if kind == "drop":
        budget, out = int(total * 0.15), list(ps)
        for _ in range(strength):
            cands = [i for i, p in enumerate(out) if words(p) <= budget]
            if len(out) < 3 or not cands:
                break
            i = rng.choice(cands)
            budget -= words(out[i])
            del out[i]
        return text, "\n".join(out)
    if kind == "add":
        budget, out = int(total * 0.15), list(ps)
        extra = [p for p in paras(other) if 5 <= words(p)]
        for _ in range(strength):
            cand = [p for p in extra if words(p) <= budget]
            if not cand:
                break
            p = rng.choice(cand)
            budget -= words(p)
            out.insert(rng.randrange(1, len(out) + 1), p)
        return text, "\n".join(out)
    if kind == "typos":
        rate = (0.01, 0.02, 0.04)[strength - 1]
        toks = text.split(" ")
        bad = " ".join(typo(w, rng) if rng.random() < rate else w for w in toks)
        return bad, text
    raise ValueError(kind)


def exact_jaccard(a: str, b: str) -> float:
    def shingles(t: str) -> set[tuple[str, ...]]:
        toks = F.tokens(t)
        return {tuple(toks[i:i + F.SHINGLE]) for i in range(max(1, len(toks) - F.SHINGLE + 1))}
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / max(1, len(sa | sb))


class Lsh:
    """The index as the save script keeps it (band buckets), in memory."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.sigs: list[np.ndarray] = []

    def add(self, sig: np.ndarray, threshold: float) -> list[tuple[int, float]]:
        hexsig = F.to_hex(sig)
        cands: set[int] = set()
        for i, band in enumerate(F.band_values(hexsig)):
            cands.update(self.buckets[(i, band)])
        found = [(c, F.similarity(sig, self.sigs[c])) for c in sorted(cands)]
        idx = len(self.sigs)
        self.sigs.append(sig)
        for i, band in enumerate(F.band_values(hexsig)):
            self.buckets[(i, band)].append(idx)
        return [(c, s) for c, s in found if s >= threshold]


def quality(texts: list[str], threshold: float, seed: int = 13) -> None:
    rng = random.Random(seed)
    usable = [i for i, t in enumerate(texts) if words(t) >= 40]
    kinds = ("boilerplate", "headline", "drop", "add", "typos")
    docs: list[tuple[int, str, str]] = []  # (page, label, text)
    positives: dict[tuple[int, int], str] = {}
    jacc: dict[str, list[float]] = defaultdict(list)
    for page in range(len(texts)):
        docs.append((page, "page", texts[page]))
    for page in usable:
        for kind in kinds:
            for s in STRENGTHS:
                other = texts[rng.choice([u for u in usable if u != page])]
                orig, copy = edit(texts[page], kind, s, other, rng)
                if kind == "typos":  # the typo'd original is its own document
                    docs.append((page, f"{kind}-orig-{s}", orig))
                    a = len(docs) - 1
                else:
                    a = page
                docs.append((page, f"{kind}-{s}", copy))
                positives[(a, len(docs) - 1)] = f"{kind}-{s}"
                jacc[f"{kind}-{s}"].append(exact_jaccard(orig, copy))
    lsh = Lsh()
    found: set[tuple[int, int]] = set()
    for j, (_, _, text) in enumerate(docs):
        for i, _sim in lsh.add(F.signature(text), threshold):
            found.add((i, j))
    same = {p for p in found if docs[p[0]][0] == docs[p[1]][0]}
    false_pairs = found - same
    hit = {p for p in positives if p in found}
    print(f"documents: {len(docs)} ({len(texts)} pages, {len(usable)} with ≥ 40 words, "
          f"{len(docs) - len(texts)} edited copies); threshold {threshold}")
    print(f"recall    {len(hit) / len(positives):.4f}  ({len(hit)}/{len(positives)} page–copy pairs)")
    print(f"precision {len(same) / max(1, len(found)):.4f}  ({len(same)}/{len(found)} found pairs of the same page)")
    distinct = [p for p in found if docs[p[0]][1] == "page" and docs[p[1]][1] == "page"]
    print(f"false pairs among the {len(texts)} distinct pages: {len(distinct)}"
          + ("" if not distinct else f"  {[(docs[a][0], docs[b][0]) for a, b in distinct][:10]}"))
    print(f"{'edit':16} {'recall':>7} {'exact J: min':>13} {'median':>7}")
    for label in sorted(jacc):
        pairs = [p for p, lab in positives.items() if lab == label]
        r = sum(p in found for p in pairs) / len(pairs)
        print(f"{label:16} {r:7.3f} {min(jacc[label]):13.3f} {statistics.median(jacc[label]):7.3f}")


def fingerprint_time(texts: list[str]) -> None:
    for t in texts[:20]:
        F.signature(t)
    times = []
    for t in texts:
        t0 = time.perf_counter()
        F.signature(t)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"fingerprint ms/page: mean {statistics.mean(times):.3f}  p50 {times[len(times) // 2]:.3f}  "
          f"p99 {times[int(len(times) * 0.99)]:.3f}  (mean {statistics.mean(words(t) for t in texts):.0f} words; "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def resp(*parts: str) -> bytes:
    out = [f"*{len(parts)}\r\n".encode()]
    for p in parts:
        b = p.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def fill_index(url_port: int, n: int, seed: int = 7) -> None:
    """``n`` random fingerprints (distinct documents) in the index, via redis-cli --pipe."""
    rng = np.random.default_rng(seed)
    proc = subprocess.Popen(["redis-cli", "-p", str(url_port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    assert proc.stdin is not None
    chunk = 20_000
    for start in range(0, n, chunk):
        sigs = rng.integers(0, 2 ** 32, size=(min(chunk, n - start), F.NUM_PERM), dtype=np.uint64).astype(">u4")
        buf = []
        for j, row in enumerate(sigs):
            doc_id = f"{start + j:016x}"
            hexsig = row.tobytes().hex()
            buf.append(resp("SET", K.ND_SIG_PREFIX + doc_id, hexsig))
            for i, band in enumerate(F.band_values(hexsig)):
                buf.append(resp("SADD", f"{K.ND_BAND_PREFIX}{i}:{band}", doc_id))
        proc.stdin.write(b"".join(buf))
    proc.stdin.close()
    proc.wait()


async def lookup_time(texts: list[str], n_index: int) -> None:
    import redis.asyncio as aioredis

    from shared.config import Settings
    from shared.redis_server import RedisServer
    from shared.store import DocumentStore

    with tempfile.TemporaryDirectory() as tmp:
        server = RedisServer(tmp)
        server.start()
        try:
            port = int(server.url.rsplit(":", 1)[1].split("/")[0])
            t0 = time.perf_counter()
            fill_index(port, n_index)
            client = aioredis.Redis.from_url(server.url)
            print(f"indexed {n_index:,} fingerprints in {time.perf_counter() - t0:.0f} s "
                  f"(redis used_memory {(await client.info('memory'))['used_memory_human']})")
            store = DocumentStore(client, Settings(redis_url=server.url))
            await store.load_scripts()
            await client.config_set("slowlog-log-slower-than", 0)
            await client.config_set("slowlog-max-len", 100000)
            await client.slowlog_reset()
            rt = []
            sample = [t for t in texts if words(t) >= 40][:200]
            for i, text in enumerate(sample):
                doc = {"id": f"b{i:015x}", "text": text, "entities": [], "claims": [],
                       "fingerprint": {"method": F.METHOD, "signature": F.to_hex(F.signature(text))}}
                t1 = time.perf_counter()
                await store.save_document(doc, 1.0)
                rt.append((time.perf_counter() - t1) * 1000)
            log = await client.slowlog_get(100000)
            evals = sorted(e["duration"] / 1000 for e in log if b"EVALSHA" in (e.get("command") or b"").upper()[:8])
            rt.sort()
            print(f"save + near-duplicate lookup with {n_index:,} indexed ({len(rt)} saves): server-side "
                  f"p50 {evals[len(evals) // 2]:.3f} ms  p99 {evals[int(len(evals) * 0.99)]:.3f} ms; "
                  f"round trip p50 {rt[len(rt) // 2]:.3f} ms  p99 {rt[int(len(rt) * 0.99)]:.3f} ms")
            await client.aclose()
        finally:
            server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--index", type=int, default=1_000_000)
    ap.add_argument("--skip-index", action="store_true")
    ap.add_argument("--cache", action="store_true", help="keep the extracted texts in /tmp between runs")
    args = ap.parse_args()
    t0 = time.perf_counter()
    cache = Path(tempfile.gettempdir()) / "newsflow-neardup-pages.json"
    if args.cache and cache.exists():
        import json
        texts = json.loads(cache.read_text())
    else:
        texts = load_pages(args.pages)
        if args.cache:
            import json
            cache.write_text(json.dumps(texts))
    print(f"{len(texts)} pages extracted in {time.perf_counter() - t0:.0f} s; fingerprint {F.METHOD}, "
          f"{F.BANDS} bands × {F.ROWS} rows")
    quality(texts, args.threshold)
    fingerprint_time(texts)
    if not args.skip_index:
        asyncio.run(lookup_time(texts, args.index))


if __name__ == "__main__":
    main()
