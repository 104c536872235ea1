"""``newsflow analyze`` throughput: the PolNeAR dev articles (``../shared/data/attribution/polnear/dev/text``)
and the UD dev sentences as NDJSON through ``python -m cli analyze`` (the worker's process pool since
the executors were merged); prints wall time, documents/s and errors.

    python bench/analyze_speed.py [--jobs 1] [--chunk-size 32] [--limit 84] [--root DIR]

``--root`` runs another checkout's CLI (e.g. the main branch) on the same input, for comparison.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--chunk-size", type=int, default=32)
    ap.add_argument("--limit", type=int, default=84)
    ap.add_argument("--sentences", type=int, default=500, help="UD dev sentences added as documents")
    ap.add_argument("--root", default=str(ROOT))
    args = ap.parse_args()
    lines = [json.dumps({"text": p.read_text(encoding="utf-8")})
             for p in sorted((DATA / "attribution" / "polnear" / "dev" / "text").glob("*.txt"))[:args.limit]]
    ud = DATA / "language" / "ud_sentences_dev.json"
    if ud.exists():
        items = json.loads(ud.read_text())["items"]["ud-sentences"]
        sents = [s for _, ss in sorted(items.items()) for s in ss]
        lines += [json.dumps({"text": s}) for s in sents[:args.sentences]]
    data = ("\n".join(lines) + "\n").encode()
    t0 = time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-m", "cli", "analyze", "--jobs", str(args.jobs), "--chunk-size",
                          str(args.chunk_size)], input=data, capture_output=True, cwd=args.root,
                         env={"PYTHONPATH": args.root, "PATH": "/usr/bin:/bin"})
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    docs = [json.loads(x) for x in out.stdout.splitlines()]
    errors = sum(1 for d in docs if "error" in d)
    print(f"{args.root}: {len(docs)}/{len(lines)} documents, {errors} errors, jobs={args.jobs} "
          f"chunk={args.chunk_size}: {wall:.1f}s wall, {cpu:.1f}s CPU (all processes; model loading included), "
          f"{len(docs) / wall:.1f} docs/s; "
          f"exit {out.returncode}")
    if out.returncode:
        print(out.stderr.decode()[-2000:], file=sys.stderr)


if __name__ == "__main__":
    main()
