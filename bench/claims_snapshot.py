"""Snapshot the claim stage's output to JSON, or compare against a snapshot (regression check for
speed refactors that must not change output). Printed, never asserted.

    .venv/bin/python bench/claims_snapshot.py OUT.json [FOLDER_OF_TXT] [--limit 30]
    .venv/bin/python bench/claims_snapshot.py NEW.json [FOLDER_OF_TXT] --compare OLD.json

Runs the seeds plus the first ``--limit`` ``*.txt`` of FOLDER through ``build_pipeline().run_many``
and stores each document's claims (and a digest of its entities, so a difference caused by an
upstream stage changing meanwhile is told apart from a claim-stage change).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers.pipeline import build_pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("folder", nargs="?")
    ap.add_argument("--limit", type=int, default=30)
    ap.add_argument("--compare")
    args = ap.parse_args()
    arts = [json.loads(p.read_text()) for p in sorted((ROOT / "seeds").glob("*.json"))]
    names = [p.name for p in sorted((ROOT / "seeds").glob("*.json"))]
    if args.folder:
        for p in sorted(Path(args.folder).glob("*.txt"))[: args.limit]:
            arts.append({"url": f"bench://{p.name}", "text": p.read_text(encoding="utf-8")})
            names.append(p.name)
    docs = build_pipeline().run_many(arts)
    snap = {}
    for name, d in zip(names, docs):
        ents = json.dumps(d.get("entities"), sort_keys=True, default=str)
        snap[name] = {"entities_sha1": hashlib.sha1(ents.encode()).hexdigest(), "claims": d["claims"]}
    Path(args.out).write_text(json.dumps(snap, indent=1, sort_keys=True, ensure_ascii=False))
    print(f"{len(snap)} documents, {sum(len(v['claims']) for v in snap.values())} claims -> {args.out}")
    if args.compare:
        old = json.loads(Path(args.compare).read_text())
        same = diff = upstream = 0
        for name, v in snap.items():
            o = old.get(name)
            if o is None:
                continue
            if o["claims"] == v["claims"]:
                same += 1
            elif o["entities_sha1"] != v["entities_sha1"]:
                upstream += 1
                print(f"  differs (entities changed upstream too): {name}")
            else:
                diff += 1
                print(f"  DIFFERS: {name}")
        print(f"identical {same}, claim-stage differences {diff}, differences with changed entities {upstream}")


if __name__ == "__main__":
    main()
