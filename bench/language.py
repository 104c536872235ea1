"""Cost of the language stage: ms per 5 kB document and resident memory it adds (printed, never asserted).

    nice .venv/bin/python bench/language.py [--data ../shared/data/language/ud_sentences_dev.json] [--runs 200]

Documents: 5 kB slices of the seed articles, plus (with ``--data``) one 5 kB document per language
built from the dev sentences, plus 5 kB mixed two-language documents. CPU time (``time.process_time``) per call. Memory = RSS after the stage
has loaded every model it can use (all configured languages warmed) minus RSS before importing it.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from proc_stats import rss_mb  # noqa: E402


def five_kb(text: str) -> str:
    data = text.encode("utf-8")[:5000]
    return data.decode("utf-8", "ignore")


def build_docs(data_path: str | None) -> list[tuple[str, str]]:
    docs = []
    for seed in sorted((ROOT / "seeds").glob("*.json")):
        text = json.loads(seed.read_text())["text"]
        docs.append((f"seed {seed.stem[:3]}", five_kb((text + "\n\n") * 3)))
    if data_path:
        raw = json.loads(Path(data_path).read_text())
        data = raw["items"]["ud-sentences"] if "items" in raw else raw
        rng = random.Random(3)
        for code, sents in sorted(data.items()):
            docs.append((code, five_kb(" ".join(rng.sample(sents, min(len(sents), 120))))))
        codes = sorted(data)
        for _ in range(10):
            a, b = rng.sample(codes, 2)
            half = "\n".join(rng.sample(data[a], 30)).encode()[:2500].decode("utf-8", "ignore")
            docs.append((f"{a}+{b}", five_kb(half + "\n" + "\n".join(rng.sample(data[b], 60)))))
    return docs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=None)
    ap.add_argument("--runs", type=int, default=100, help="passes over the document set")
    args = ap.parse_args(argv)
    docs = build_docs(args.data)
    gc.collect()
    before = rss_mb()
    from workers.pipeline.document import AnalysisDoc
    from workers.pipeline.language import LanguageStage

    stage = LanguageStage()
    t0 = time.perf_counter()
    stage.warm()  # every model and n-gram order loaded: the worst case for memory
    warm_s = time.perf_counter() - t0
    for text in [t for _, t in docs]:
        stage(AnalysisDoc(id="w", article={}, text=text))
    loaded = rss_mb()
    per_kind: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for name, text in docs:
            d = AnalysisDoc(id="b", article={}, text=text)
            t0 = time.process_time()  # CPU time of this process: the cost on one core, whatever the load
            stage(d)
            per_kind.setdefault(name, []).append((time.process_time() - t0) * 1000)
    groups = {
        "all documents": list(per_kind),
        "single-language (seeds, one language each)": [k for k in per_kind if "+" not in k],
        "two-language (half and half)": [k for k in per_kind if "+" in k],
    }
    print("| CPU ms per ~5 kB doc | docs | median | mean | p95 |\n|---|---|---|---|---|")
    for label, kinds in groups.items():
        vals = sorted(v for k in kinds for v in per_kind[k])
        if vals:
            print(f"| {label} | {len(kinds)} | {statistics.median(vals):.2f} | {statistics.mean(vals):.2f} "
                  f"| {vals[int(0.95 * (len(vals) - 1))]:.2f} |")
    slow = sorted(per_kind, key=lambda k: -statistics.median(per_kind[k]))[:5]
    print("| slowest kinds (median ms) | " + ", ".join(f"{k} {statistics.median(per_kind[k]):.1f}" for k in slow)
          + " | | | |")
    print()
    print(f"| memory | MB |\n|---|---|")
    print(f"| RSS before importing the stage | {before:.0f} |")
    print(f"| RSS delta, every model loaded and warmed | {loaded - before:.0f} |")
    print(f"| time to load every model (LanguageStage.warm), s | {warm_s:.1f} |")
    print()
    print("| bad input | ms | code |\n|---|---|---|")
    bad = {
        "empty": "",
        "digits/URLs/emoji": "12345 https://example.org/a?b=1 😀😀 @user #tag 3.14",
        "1 MB of one character": "a" * 1_000_000,
        "1 MB of 'word '": "word " * 200_000,
        "invalid surrogates": "abc \ud800\udfff\udc00 def",
        "control characters": "\x00\x01\x85\x9f text \x1b[0m",
    }
    for name, text in bad.items():
        d = AnalysisDoc(id="bad", article={}, text=text)
        t0 = time.perf_counter()
        stage(d)
        print(f"| {name} | {(time.perf_counter() - t0) * 1000:.1f} | {d.language['code']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
