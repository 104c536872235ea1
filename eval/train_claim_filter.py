"""Train the attribution filter (``workers/pipeline/claims/models/claim_filter.json``).

    .venv/bin/python eval/train_claim_filter.py ../shared/data/attribution/polnear/train [--limit N]

Parses PolNeAR train articles with the pipeline's spaCy pass, runs the attribution rules
(``extract``), labels each attribution by the evaluation's one-to-one word matching against the
gold attributions (see ``eval/attribution_polnear.py``), and fits a logistic regression on
:func:`workers.pipeline.claims.claim_filter.features`. Prints held-out (last 10 % of articles)
precision/recall of kept attributions by threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_polnear import load_gold, match, training_examples, words  # noqa: E402
from workers.pipeline.claims.claim_filter import MODEL_PATH, features  # noqa: E402
from workers.pipeline.claims.extract import extract  # noqa: E402
from workers.pipeline.document import AnalysisDoc  # noqa: E402
from workers.pipeline.nlp import parsed_chunks, prepare  # noqa: E402


def examples(root: Path, stems: list[str], anns: dict[str, Path]):
    docs = [AnalysisDoc(id=s, article={}, text=(root / "text" / f"{s}.txt").read_text(encoding="utf-8")) for s in stems]
    prepare(docs)
    for s, d in zip(stems, docs):
        atts, quotes = extract(d.text, parsed_chunks(d))
        gold = load_gold(anns[s])
        pw = [words(d.text, a.content) for a in atts]
        gw = [words(d.text, g["content"]) for g in gold]
        hit = {i for i, _ in match(pw, gw)}
        for i, a in enumerate(atts):
            inq = any(q.start <= a.cue.start < q.end for q in quotes)
            yield features(a, d.text, inq), i in hit


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--C", type=float, default=0.3)
    ap.add_argument("--out", default=str(MODEL_PATH))
    args = ap.parse_args()
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, Y, split, n_articles = training_examples(Path(args.data), examples, args.limit, "attributions")
    dv = DictVectorizer()
    clf = LogisticRegression(C=args.C, max_iter=2000)
    clf.fit(dv.fit_transform([{x: 1 for x in f} for f in X[:split]]), Y[:split])
    prob = clf.predict_proba(dv.transform([{x: 1 for x in f} for f in X[split:]]))[:, 1]
    yte = Y[split:]
    print(f"{len(X)} attributions, {sum(Y)} matched; held-out {len(yte)} (base precision {sum(yte) / max(1, len(yte)):.3f})")
    print("| keep above | kept precision | kept share of matched |\n|---|---|---|")
    for th in (0.0, 0.2, 0.3, 0.4, 0.5):
        kept = [(p, y) for p, y in zip(prob, yte) if p >= th]
        tp = sum(y for _, y in kept)
        print(f"| {th} | {tp / max(1, len(kept)):.3f} | {tp / max(1, sum(yte)):.3f} |")
    dv = DictVectorizer()
    clf = LogisticRegression(C=args.C, max_iter=2000)
    clf.fit(dv.fit_transform([{x: 1 for x in f} for f in X]), Y)
    weights = {n: round(float(w), 3) for n, w in zip(dv.feature_names_, clf.coef_[0]) if abs(w) >= 0.01}
    weights["__bias__"] = round(float(clf.intercept_[0]), 3)
    Path(args.out).write_text(json.dumps({"trained_on": "PolNeAR train", "articles": n_articles, "C": args.C,
                                          "weights": weights}, sort_keys=True, separators=(",", ":")),
                              encoding="utf-8")
    print(f"wrote {args.out}: {len(weights)} weights")


if __name__ == "__main__":
    main()
