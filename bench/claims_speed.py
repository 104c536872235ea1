"""Claim stage cost relative to the entity stage, per document (printed, never asserted).

    .venv/bin/python bench/claims_speed.py [FOLDER_OF_TXT …] [--limit N]

Runs each article alone through ``build_pipeline()`` (the entity stage makes the one spaCy parse;
the claim stage reuses it) and prints mean ms per document for both stages and their ratio.
Defaults to the seeds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers.pipeline import build_pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*")
    ap.add_argument("--limit", type=int, default=30)
    args = ap.parse_args()
    arts = []
    if args.folders:
        for f in args.folders:
            for p in sorted(Path(f).glob("*.txt"))[: args.limit]:
                arts.append({"url": f"bench://{p.name}", "text": p.read_text(encoding="utf-8")})
    else:
        arts = [json.loads(p.read_text()) for p in sorted((ROOT / "seeds").glob("*.json"))]
    pipe = build_pipeline()
    pipe.run(arts[0])  # warm-up: model loading is not per-document cost
    ent, cl, n_claims = [], [], 0
    for a in arts:
        d = pipe.run(a)
        ent.append(d["timings_ms"].get("entities", 0.0))
        cl.append(d["timings_ms"].get("claims", 0.0))
        n_claims += len(d["claims"])
    me, mc = statistics.mean(ent), statistics.mean(cl)
    print(f"{len(arts)} documents, {n_claims} claims")
    print("| stage | mean ms/doc | median ms/doc |\n|---|---|---|")
    print(f"| entities (incl. the shared spaCy parse) | {me:.1f} | {statistics.median(ent):.1f} |")
    print(f"| claims (reusing the parse) | {mc:.1f} | {statistics.median(cl):.1f} |")
    print(f"claims / entities = {mc / me:.2f}" if me else "entity stage took no time")


if __name__ == "__main__":
    main()
