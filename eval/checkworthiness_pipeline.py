"""Check-worthiness measured THROUGH the pipeline, one CheckThat! sentence per document.

    .venv/bin/python eval/checkworthiness_pipeline.py ../shared/data/checkworthiness/ct24/dev.tsv [--limit N]

Each sentence goes through ``build_pipeline().run_many`` as its own article (as ``newsflow
analyze`` would see it) and is read back from the document in two ways:
- *max*: the sentence is check-worthy when some claim has ``checkworthiness`` ≥ the threshold
  (``NEWSFLOW_CLAIM_THRESHOLD``, default 0.5) — attributed claims carry the score of the sentence
  they lie in, unattributed ones exist only above the threshold;
- *unattributed*: the document has an ``unattributed`` claim (a sentence with an attribution in it
  — "he voted against", "I believe" — is then never counted, whatever its score).
Next to them, the model alone on the raw sentence (``checkworthiness.score``). Never run this on
the lab's dev-test or test files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_checkworthiness import read_tsv  # noqa: E402
from workers.pipeline import build_pipeline  # noqa: E402
from workers.pipeline.claims.checkworthiness import score  # noqa: E402
from workers.pipeline.claims.options import ClaimOptions  # noqa: E402


def prf(pred: list[bool], gold: list[bool]) -> str:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    P = tp / (tp + fp) if tp + fp else 0.0
    R = tp / (tp + fn) if tp + fn else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return f"| {P:.3f} | {R:.3f} | {F:.3f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tsv", help="a CheckThat! 2024 English tsv (train or dev)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    recs = read_tsv(Path(args.tsv))
    if args.limit:
        recs = recs[: args.limit]
    gold = [bool(r.label) for r in recs]
    threshold = ClaimOptions().claim_threshold   # what build_pipeline's claim stage uses by default
    pipe = build_pipeline()
    by_max, by_un = [], []
    for k in range(0, len(recs), args.batch):
        part = recs[k:k + args.batch]
        docs = pipe.run_many([{"external_id": f"ct-{r.sid}", "text": r.text} for r in part])
        for d in docs:
            claims = d.get("claims") or []
            by_max.append(max((c["checkworthiness"] for c in claims), default=0.0) >= threshold)
            by_un.append(any(c["kind"] == "unattributed" for c in claims))
    model = [s >= threshold for s in score([r.text for r in recs])]
    print(f"\nCheck-worthiness through the pipeline — {args.tsv} — {len(recs)} sentences, "
          f"{sum(gold)} check-worthy, threshold {threshold}")
    print("| read as | P | R | F1 |\n|---|---|---|---|")
    print(f"| max claim checkworthiness ≥ threshold {prf(by_max, gold)}")
    print(f"| an unattributed claim exists {prf(by_un, gold)}")
    print(f"| the model alone on the sentence {prf(model, gold)}")


if __name__ == "__main__":
    main()
