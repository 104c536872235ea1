"""Train the cue detector (``workers/pipeline/claims/models/cues.json``) on PolNeAR train.

    .venv/bin/python eval/train_cues.py ../shared/data/attribution/polnear/train [--limit N] [--C 0.5]

Parses each article with the pipeline's own spaCy pass (``nlp.prepare`` → ``parsed_chunks``),
labels every candidate token (verb/noun/adjective) as a cue when it lies inside a gold Cue span,
fits a logistic regression on :func:`workers.pipeline.claims.cues.features`, and writes the
weights (features seen at least ``--min-count`` times) as JSON. Prints held-out token P/R/F1 on
the last 10 % of articles.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_polnear import training_examples  # noqa: E402
from workers.pipeline.claims.cues import CANDIDATE_POS, MODEL_PATH, features  # noqa: E402
from workers.pipeline.claims.quotes import find_quotes  # noqa: E402
from workers.pipeline.document import AnalysisDoc  # noqa: E402
from workers.pipeline.nlp import parsed_chunks, prepare  # noqa: E402


def gold_cues(ann: Path) -> list[tuple[int, int]]:
    out = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2 and parts[1].startswith("Cue "):
            for rng in parts[1][4:].split(";"):
                a, b = rng.split()
                out.append((int(a), int(b)))
    return out


def examples(root: Path, stems: list[str], anns: dict[str, Path]):
    docs = [AnalysisDoc(id=s, article={}, text=(root / "text" / f"{s}.txt").read_text(encoding="utf-8")) for s in stems]
    prepare(docs)
    for s, d in zip(stems, docs):
        yield from token_examples(d.text, parsed_chunks(d), gold_cues(anns[s]))


def token_examples(text: str, chunks, cues: list[tuple[int, int]]):
    """(features, is-cue) for every candidate token of one parsed article."""
    quotes = [(q.start, q.end) for q in find_quotes(text)]
    for off, sdoc in chunks:
        for t in sdoc:
            if t.pos_ not in CANDIDATE_POS and t.lower_ != "according":
                continue
            a = off + t.idx
            b = a + len(t)
            inq = any(qa <= a < qb for qa, qb in quotes)
            yield features(t, inq), any(ca < b and a < cb for ca, cb in cues)


def fit_weights(X, Y, C: float = 0.5, min_count: int = 3, min_weight: float = 0.05) -> dict[str, float]:
    """Logistic regression on the features seen ``min_count`` times; weights below ``min_weight`` dropped."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    counts = Counter(x for f in X for x in f)
    keep = {x for x, n in counts.items() if n >= min_count}
    dv = DictVectorizer()
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit(dv.fit_transform([{x: 1 for x in f if x in keep} for f in X]), Y)
    weights = {name: round(float(w), 3) for name, w in zip(dv.feature_names_, clf.coef_[0]) if abs(w) >= min_weight}
    weights["__bias__"] = round(float(clf.intercept_[0]), 3)
    return weights


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--C", type=float, default=0.5)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--min-weight", type=float, default=0.05, help="drop smaller weights from the artefact")
    ap.add_argument("--out", default=str(MODEL_PATH))
    args = ap.parse_args()
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, Y, split, n_articles = training_examples(Path(args.data), examples, args.limit, "candidate tokens")
    counts = Counter(x for f in X[:split] for x in f)
    keep = {x for x, n in counts.items() if n >= args.min_count}
    dv = DictVectorizer()
    Xtr = dv.fit_transform([{x: 1 for x in f if x in keep} for f in X[:split]])
    clf = LogisticRegression(C=args.C, max_iter=2000, class_weight=None)
    clf.fit(Xtr, Y[:split])
    Xte = dv.transform([{x: 1 for x in f if x in keep} for f in X[split:]])
    prob = clf.predict_proba(Xte)[:, 1]
    print(f"{len(X)} candidate tokens, {sum(Y)} cues; {len(keep)} features")
    print("| threshold | P | R | F1 |\n|---|---|---|---|")
    for th in (0.3, 0.4, 0.5, 0.6, 0.7):
        tp = sum(1 for p, y in zip(prob, Y[split:]) if p >= th and y)
        fp = sum(1 for p, y in zip(prob, Y[split:]) if p >= th and not y)
        fn = sum(1 for p, y in zip(prob, Y[split:]) if p < th and y)
        P = tp / (tp + fp) if tp + fp else 0
        R = tp / (tp + fn) if tp + fn else 0
        print(f"| {th} | {P:.3f} | {R:.3f} | {2 * P * R / (P + R) if P + R else 0:.3f} |")
    # refit on everything for the shipped model
    weights = fit_weights(X, Y, args.C, args.min_count, args.min_weight)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"trained_on": "PolNeAR train", "articles": n_articles, "C": args.C,
                                          "min_weight": args.min_weight, "weights": weights},
                                         sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {args.out}: {len(weights)} weights ({Path(args.out).stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
