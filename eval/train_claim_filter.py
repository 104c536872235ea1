"""Train the attribution filter (``workers/pipeline/claims/models/claim_filter.json``).

    .venv/bin/python eval/train_claim_filter.py ../shared/data/attribution/polnear/train [--limit N] [--folds 5]

Parses PolNeAR train articles once with the pipeline's spaCy pass, runs the attribution rules
(``extract``), labels each attribution by the evaluation's one-to-one word matching against the
gold attributions (see ``eval/attribution_polnear.py``), and fits a logistic regression on
:func:`workers.pipeline.claims.claim_filter.features`.

The rules run with a *cross-fitted* cue detector: the articles are split in ``--folds`` folds, and
each fold is extracted with a detector (``eval/train_cues.py``'s fit, same settings) trained on the
other folds only — so the learned cues and the cue probability the filter sees are those of unseen
text, as in production (in-sample they are over-confident).

Prints (1) held-out (last 10 % of articles) precision/recall of kept attributions by threshold and
(2) the whole stage (dedupe, filter, nested drop, matching) on train with out-of-fold filter
probabilities, by threshold: the threshold is chosen there (not on dev).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_polnear import articles, load_gold, match, words  # noqa: E402
from train_cues import fit_weights, gold_cues, token_examples  # noqa: E402
from workers.pipeline.claims.filters import cue_in_quote, dedupe as _dedupe, drop_nested as _drop_nested, hedge as _hedge  # noqa: E402
from workers.pipeline.claims import cues as cue_model  # noqa: E402
from workers.pipeline.claims import definition  # noqa: E402
from workers.pipeline.claims.claim_filter import MODEL_PATH, features  # noqa: E402
from workers.pipeline.claims.extract import extract  # noqa: E402
from workers.pipeline.document import AnalysisDoc  # noqa: E402
from workers.pipeline.nlp import model, parsed_chunks, prepare  # noqa: E402


def parse_all(root: Path, stems: list[str], batch: int = 32):
    """Each article's text, chunk offsets and parse (a compact DocBin, restored per fold pass)."""
    from spacy.tokens import DocBin
    out = []
    t0 = time.perf_counter()
    for k in range(0, len(stems), batch):
        part = stems[k:k + batch]
        docs = [AnalysisDoc(id=s, article={}, text=(root / "text" / f"{s}.txt").read_text(encoding="utf-8")) for s in part]
        prepare(docs)
        for d in docs:
            chunks = parsed_chunks(d)
            db = DocBin(store_user_data=False, docs=[sd for _, sd in chunks])
            out.append((d.text, [o for o, _ in chunks], db.to_bytes()))
        print(f"  parsed {len(out)} articles ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
    return out


def restore(offsets: list[int], blob: bytes):
    from spacy.tokens import DocBin
    return list(zip(offsets, DocBin().from_bytes(blob).get_docs(model("en").vocab)))


def fit(X, Y, C: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    dv = DictVectorizer()
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit(dv.fit_transform([{x: 1 for x in f} for f in X]), Y)
    return dv, clf


def oof_stage(per: list[list], parsed: list, golds: list[list], folds: int, C: float) -> None:
    """The whole stage on train with filter probabilities out of fold (by article), by threshold."""
    n = len(per)
    oof: list[list[float]] = [[] for _ in range(n)]
    for k in range(folds):
        dv, clf = fit([f for i in range(n) if i % folds != k for _, f, _ in per[i]],
                      [y for i in range(n) if i % folds != k for _, _, y in per[i]], C)
        for i in range(k, n, folds):
            if per[i]:
                oof[i] = list(clf.predict_proba(dv.transform([{x: 1 for x in f} for _, f, _ in per[i]]))[:, 1])
    print(f"\nstage on train, out-of-fold filter, C={C}\n| keep above | P | R | F1 |\n|---|---|---|---|")
    for th in (0.2, 0.3, 0.35, 0.4, 0.45, 0.5):
        tp = n_pred = n_gold = 0
        for i in range(n):
            text = parsed[i][0]
            kept = _dedupe([a for (a, _, _), p in zip(per[i], oof[i]) if p >= th and not _hedge(a, text)])
            # as the stage: the definition's classes (stance not scored), then the nested drop
            kept = [a for a in _drop_nested(definition.apply(kept, text)) if a.cue.cls != "stance"]
            tp += len(match([words(text, a.content) for a in kept], [words(text, g["content"]) for g in golds[i]]))
            n_pred += len(kept)
            n_gold += len(golds[i])
        P, R = tp / max(1, n_pred), tp / max(1, n_gold)
        print(f"| {th} | {P:.3f} | {R:.3f} | {2 * P * R / (P + R) if P + R else 0:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--C", type=float, default=0.3)
    ap.add_argument("--folds", type=int, default=5, help="cue-detector cross-fitting folds")
    ap.add_argument("--cue-C", type=float, default=0.5, help="as eval/train_cues.py --C")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--compare-C", type=float, nargs="*", default=[],
                    help="also print the out-of-fold stage table for these C (the model is written with --C)")
    args = ap.parse_args()
    root = Path(args.data)
    stems, anns = articles(root)
    if args.limit:
        stems = stems[:args.limit]
    n = len(stems)
    parsed = parse_all(root, stems)
    cue_ex = [list(token_examples(text, restore(offs, blob), gold_cues(anns[s])))
              for s, (text, offs, blob) in zip(stems, parsed)]
    # per article: [(attribution, filter features, matched)]
    per: list[list] = [[] for _ in range(n)]
    for k in range(args.folds):
        X = [f for i in range(n) if i % args.folds != k for f, _ in cue_ex[i]]
        Y = [y for i in range(n) if i % args.folds != k for _, y in cue_ex[i]]
        cue_model.use_weights(fit_weights(X, Y, args.cue_C))
        for i in range(k, n, args.folds):
            text, offs, blob = parsed[i]
            atts, quotes = extract(text, restore(offs, blob))
            gold = load_gold(anns[stems[i]])
            hit = {a for a, _ in match([words(text, a.content) for a in atts], [words(text, g["content"]) for g in gold])}
            for j, a in enumerate(atts):
                per[i].append((a, features(a, text, cue_in_quote(a, quotes)), j in hit))
        print(f"  fold {k + 1}/{args.folds} extracted", file=sys.stderr)
    cue_model.use_weights(None)
    del cue_ex

    cut = int(n * 0.9)
    Xtr = [f for i in range(cut) for _, f, _ in per[i]]
    Ytr = [y for i in range(cut) for _, _, y in per[i]]
    dv, clf = fit(Xtr, Ytr, args.C)
    yte = [y for i in range(cut, n) for _, _, y in per[i]]
    prob = clf.predict_proba(dv.transform([{x: 1 for x in f} for i in range(cut, n) for _, f, _ in per[i]]))[:, 1]
    total = sum(len(p) for p in per)
    print(f"{total} attributions, {sum(y for p in per for _, _, y in p)} matched; held-out {len(yte)} "
          f"(base precision {sum(yte) / max(1, len(yte)):.3f})")
    print("| keep above | kept precision | kept share of matched |\n|---|---|---|")
    for th in (0.0, 0.2, 0.3, 0.4, 0.5):
        kept = [(p, y) for p, y in zip(prob, yte) if p >= th]
        tp = sum(y for _, y in kept)
        print(f"| {th} | {tp / max(1, len(kept)):.3f} | {tp / max(1, sum(yte)):.3f} |")

    golds = [load_gold(anns[s]) for s in stems]
    for C in sorted({args.C, *args.compare_C}):
        oof_stage(per, parsed, golds, args.folds, C)

    weights = fit_weights([f for p in per for _, f, _ in p], [y for p in per for _, _, y in p], args.C,
                          min_count=1, min_weight=0.01)
    Path(args.out).write_text(json.dumps({"trained_on": "PolNeAR train", "articles": n, "C": args.C,
                                          "cue_folds": args.folds, "weights": weights},
                                         sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {args.out}: {len(weights)} weights")


if __name__ == "__main__":
    main()
