"""The whole analysis output, snapshotted or compared: the check that a restructuring changed
nothing. Printed, never asserted.

    .venv/bin/python bench/output_snapshot.py OUT.json                  # snapshot
    .venv/bin/python bench/output_snapshot.py NEW.json --compare OLD.json

Runs, through ``build_pipeline().run_many`` (what the worker and ``newsflow analyze`` run):
the seeds, the PolNeAR dev articles (``../shared/data/attribution/polnear/dev/text``) and the UD dev
sentences (``../shared/data/language/ud_sentences_dev.json``, each sentence a document), when those
folders are there. Every document is kept whole except the fields that change from run to run
(``processed_at``, ``timings_ms``). ``--only seeds,polnear,ud`` narrows the sets; ``--limit N``
takes the first N of each data set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
VOLATILE = ("processed_at", "timings_ms")


def inputs(only: set[str], limit: int | None) -> dict[str, list[dict]]:
    sets: dict[str, list[dict]] = {}
    if "seeds" in only:
        sets["seeds"] = [json.loads(p.read_text()) for p in sorted((ROOT / "seeds").glob("*.json"))]
    polnear = DATA / "attribution" / "polnear" / "dev" / "text"
    if "polnear" in only and polnear.is_dir():
        files = sorted(polnear.glob("*.txt"))[:limit]
        sets["polnear"] = [{"url": f"bench://polnear/{p.name}", "text": p.read_text(encoding="utf-8")} for p in files]
    ud = DATA / "language" / "ud_sentences_dev.json"
    if "ud" in only and ud.is_file():
        items = json.loads(ud.read_text())["items"]
        arts = []
        for lang, sentences in sorted(items["ud-sentences"].items()):
            for i, s in enumerate(sentences[:limit]):
                arts.append({"url": f"bench://ud/{lang}/{i}", "text": s})
        sets["ud"] = arts
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--compare")
    ap.add_argument("--only", default="seeds,polnear,ud")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    from workers.pipeline import build_pipeline

    pipeline = build_pipeline()
    snap: dict[str, dict] = {}
    for name, arts in inputs(set(args.only.split(",")), args.limit).items():
        t0 = time.perf_counter()
        docs = []
        for i in range(0, len(arts), 32):
            docs += pipeline.run_many(arts[i:i + 32])
        for a, d in zip(arts, docs):
            for k in VOLATILE:
                d.pop(k, None)
            snap[f"{name}:{a.get('url') or d['id']}"] = d
        print(f"{name}: {len(arts)} documents in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    blob = json.dumps(snap, sort_keys=True, ensure_ascii=False, indent=0)
    Path(args.out).write_text(blob)
    print(f"{len(snap)} documents, sha256 {hashlib.sha256(blob.encode()).hexdigest()[:16]} -> {args.out}")
    if args.compare:
        old = json.loads(Path(args.compare).read_text())
        new = json.loads(blob)
        differ = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        print(f"compare with {args.compare}: {len(differ)} of {len(set(old) | set(new))} documents differ")
        for k in differ[:20]:
            o, n = old.get(k) or {}, new.get(k) or {}
            fields = sorted(f for f in set(o) | set(n) if o.get(f) != n.get(f))
            print(f"  {k}: {', '.join(fields)}")


if __name__ == "__main__":
    main()
