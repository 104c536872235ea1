"""Memory of the pipeline pool processes: spawned (each loads its models) vs shared (forked from
the preloaded fork server, ``NEWSFLOW_POOL_START=shared``), with 1, 2 and 4 processes.

    nice .venv/bin/python bench/pool_memory.py [--docs DIR] [--n 50] [--processes 1 2 4] [--modes spawn shared]

For every mode and process count: RSS, PSS and USS (``/proc/<pid>/smaps_rollup``) of each pool
process after the warm-up, then again after analysing ``--n`` real documents (PolNeAR dev texts
from ``../shared/data/attribution/polnear/dev/text`` when there, else the seeds) through
``submit_many`` (batches of 2, so every process gets work), then again after a multilingual
stream (``mixed``: for French, Russian, Chinese, German and Spanish, 2 × processes documents of
10 UD dev sentences each, from ``../shared/data/language/ud_sentences_dev.json``; skipped when absent):
a spawned process loads those languages' models on its first such document, privately. ``total PSS`` adds the fork server's
PSS to the pool processes': the memory the pool really costs. The pipeline is the one the
environment configures (``NEWSFLOW_STAGES``, ``NEWSFLOW_LANGUAGES``, …). Printed, never asserted.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
POLNEAR = ROOT.parent / "shared" / "data" / "attribution" / "polnear" / "dev" / "text"
UD = ROOT.parent / "shared" / "data" / "language" / "ud_sentences_dev.json"
MIXED = ("fr", "ru", "zh", "de", "es")


def multilingual(path: Path, per_language: int) -> list[dict]:
    if not path.is_file():
        return []
    sentences = json.loads(path.read_text(encoding="utf-8"))["items"]["ud-sentences"]
    out = []
    for code in MIXED:
        pool = sentences.get(code, [])
        for i in range(per_language):
            body = " ".join(pool[(i * 10 + k) % len(pool)] for k in range(10)) if pool else ""
            if body:
                out.append({"text": body, "external_id": f"pool-mem-{code}-{i}"})
    return out


def documents(folder: Path | None, n: int) -> list[dict]:
    if folder is not None and folder.is_dir():
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    else:
        texts = [json.loads(p.read_text())["text"] for p in sorted((ROOT / "seeds").glob("*.json"))]
    return [{"text": texts[i % len(texts)], "external_id": f"pool-mem-{i}"} for i in range(n)]


def figures(pid: int) -> dict[str, float]:
    from workers.memory import smaps_rollup

    r = smaps_rollup(pid)
    return {k: r.get(k, 0) / MB for k in ("Rss", "Pss", "Uss")}


TOTALS: dict[tuple[str, str], dict[int, float]] = {}  # (mode, phase) → processes → total PSS


def row(mode: str, n: int, phase: str, pool: list[int], server: int | None) -> str:
    per = [figures(p) for p in sorted(pool)]
    srv = figures(server) if server else {"Rss": 0.0, "Pss": 0.0, "Uss": 0.0}
    total = sum(f["Pss"] for f in per) + srv["Pss"]
    TOTALS.setdefault((mode, phase.split()[0]), {})[n] = total
    cells = " ".join(f"{f['Rss']:4.0f}/{f['Pss']:4.0f}/{f['Uss']:4.0f}" for f in per)
    server_cell = f"{srv['Rss']:4.0f}/{srv['Pss']:4.0f}" if server else "        -"
    return f"{mode:6} {n:2d}  {phase:9} {server_cell:>9}  {total:6.0f}  {cells}"


def measure(mode: str, n: int, docs: list[dict]) -> list[str]:
    from shared.config import Settings
    from workers.executor import PipelineExecutor
    from workers.pipeline.registry import build_pipeline

    settings = Settings.from_env()
    ex = PipelineExecutor(n, soft_timeout=120, hard_timeout=180, start=mode,
                          factory=functools.partial(build_pipeline, settings))
    try:
        t0 = time.perf_counter()
        ex.start_sync()
        ready = time.perf_counter() - t0
        pool = list((ex._pool._processes or {}).keys())
        out = [row(mode, n, f"warm {ready:3.0f}s", pool, ex.server_pid)]
        for phase, stream, size in (("docs", docs, 2), ("mixed", multilingual(UD, 2 * n), 1)):
            if not stream:
                continue
            t0 = time.perf_counter()
            batches = [ex.submit_many(stream[i:i + size], as_json=True) for i in range(0, len(stream), size)]
            failed = sum(1 for b in batches for o in ex.results(b) if not o["ok"])
            took = time.perf_counter() - t0
            pool = list((ex._pool._processes or {}).keys())
            out.append(row(mode, n, f"{phase} {took:3.0f}s", pool, ex.server_pid)
                       + (f"  ({failed} failed)" if failed else ""))
        return out
    finally:
        ex.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=Path, default=POLNEAR, help="folder of .txt documents (default: PolNeAR dev)")
    ap.add_argument("--n", type=int, default=50, help="documents analysed after the warm-up")
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--modes", nargs="+", default=["spawn", "shared"], choices=["spawn", "shared"])
    args = ap.parse_args()
    docs = documents(args.docs, args.n)
    source = args.docs if args.docs and args.docs.is_dir() else "seeds"
    print(f"{len(docs)} documents from {source}; MB; per pool process RSS/PSS/USS; "
          f"server RSS/PSS; total PSS = pool + server")
    print(f"{'mode':6} {'n':>2}  {'phase':9} {'server':>9}  {'total':>6}  per process")
    for n in args.processes:
        for mode in args.modes:
            for line in measure(mode, n, docs):
                print(line, flush=True)
    print("\ntotal PSS (MB) by processes, and what each process after the first adds: (total(n) - total(1)) / (n - 1)")
    for (mode, phase), by_n in TOTALS.items():
        ns = sorted(by_n)
        extra = "  ".join(f"+{(by_n[n] - by_n[ns[0]]) / (n - ns[0]):.0f}/process at {n}" for n in ns[1:])
        print(f"{mode:6} {phase:6} " + "  ".join(f"{n}: {by_n[n]:5.0f}" for n in ns) + f"   {extra}")


if __name__ == "__main__":
    main()
