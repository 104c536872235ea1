"""Per-stage cost on long documents (printed, never asserted): is any stage superlinear?

    nice .venv/bin/python bench/long_documents.py [--sizes 30000,120000,360000,1000000] [--seed PATH]

Builds documents of roughly each size by repeating a seed article's text (+ blank line), runs
each through ``build_pipeline().run`` (the same object the worker uses) and prints ms per stage
and ms per 10 k characters (flat across sizes = linear).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers.pipeline import build_pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="30000,120000,360000,1000000")
    ap.add_argument("--seed", default=str(ROOT / "seeds" / "000_6efb26f186d59f0e.json"))
    args = ap.parse_args()
    seed = json.loads(Path(args.seed).read_text())
    unit = seed["text"] + "\n\n"
    pipe = build_pipeline()
    pipe.run(seed)  # warm-up: model loading is not per-document cost
    names = [s.name for s in pipe.stages]
    rows = []
    for size in (int(x) for x in args.sizes.split(",")):
        reps = max(1, round(size / len(unit)))
        art = dict(seed, text=unit * reps, url=f"bench://long/{reps}")
        t0 = time.perf_counter()
        d = pipe.run(art)
        total = (time.perf_counter() - t0) * 1000
        rows.append((len(art["text"]), reps, d["timings_ms"], total, len(d["claims"])))
    print("| chars | copies | " + " | ".join(f"{n} ms" for n in names) + " | total ms | claims |")
    print("|---" * (len(names) + 4) + "|")
    for n, reps, t, total, nc in rows:
        cells = " | ".join(f"{t.get(s, 0.0):.0f}" for s in names)
        print(f"| {n:,} | {reps} | {cells} | {total:.0f} | {nc} |")
    print("\nms per 10k chars (flat = linear):")
    print("| chars | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for n, _, t, _, _ in rows:
        print(f"| {n:,} | " + " | ".join(f"{t.get(s, 0.0) * 1e4 / n:.1f}" for s in names) + " |")


if __name__ == "__main__":
    main()
