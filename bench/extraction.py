"""Extraction time per web page (printed, never asserted): the dev pages in /work/shared/data/html
through ``workers.pipeline.extract.extract`` (what the normalise stage runs for ``html``).

    PYTHONPATH=$PWD python bench/extraction.py [--repeat 2] [--limit 0]

Prints p50/p95/max per page and per 100 KB of HTML, for the shipped options and with furniture
filtering off (its cost).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.html_pages import load, url_of  # noqa: E402
from workers.pipeline.extract import extract  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=2, help="passes over the pages (the first warms caches)")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    pages = load()
    if args.limit:
        pages = pages[:args.limit]
    for label, furniture in (("shipped", True), ("no furniture filter", False)):
        times: list[float] = []
        per_100k: list[float] = []
        for _ in range(args.repeat):
            times.clear()
            per_100k.clear()
            for key, _, html in pages:
                t0 = time.perf_counter()
                extract(html, url_of(key), furniture=furniture)
                ms = (time.perf_counter() - t0) * 1000
                times.append(ms)
                per_100k.append(ms / max(len(html), 1) * 100_000)
        q = statistics.quantiles(times, n=20)
        print(f"{label:<20} pages {len(times)}  ms/page p50 {statistics.median(times):.1f}  p95 {q[18]:.1f}  "
              f"max {max(times):.0f}  | ms per 100 KB p50 {statistics.median(per_100k):.1f}", flush=True)


if __name__ == "__main__":
    main()
