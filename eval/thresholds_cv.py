"""Choose the claim thresholds by transfer, not by tuning on PolNeAR dev (issue 17 item 5).

    .venv/bin/python eval/thresholds_cv.py ../shared/data/attribution/polnear/train [--articles 210] [--folds 5]
        [--cache /tmp/polnear_train.pkl] [--realnews realnews_grid.json]

PolNeAR train, cross-validated by article: in each of ``--folds`` folds the cue detector
(``eval/train_cues.py``'s fit) and the attribution filter (``eval/train_claim_filter.py``'s fit)
are trained on the other folds only, the held-out fold is run through the claim stage's own
steps (``extract`` with the thresholds, dedupe, the filter, the definition's cue classes,
furniture cut, nested drop; stance-class claims not scored) and scored as
``eval/attribution_polnear.py`` scores (found P/R/F1). For every grid point (``cue_drop``,
``cue_add``, ``filter_keep_above``) the table gives the pooled out-of-fold P/R/F1, and the CV
choice: in each fold the grid point with the best F1 on the *other* folds among those with
P ≥ 0.90, scored on that fold.

``--realnews`` adds a JSON ``{"<cue_drop>,<cue_add>,<filter>": {"P":…, "R":…, "F1":…}}`` made by
running the real-news dev scorer once per grid point (environment ``NEWSFLOW_CUE_DROP``,
``NEWSFLOW_CUE_ADD``, ``NEWSFLOW_CLAIM_FILTER``); the final choice is the grid point with the
best mean F1 over PolNeAR-train-CV and real-news dev among those with P ≥ 0.90 on both.
Articles: ``--articles`` spread evenly over train (the parse is the slow part; ``--cache``
keeps it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_polnear import articles, load_gold, match, prf, words  # noqa: E402
from train_claim_filter import fit, parse_all, restore  # noqa: E402
from train_cues import fit_weights, gold_cues, token_examples  # noqa: E402
from workers.pipeline.claims import cues as cue_model  # noqa: E402
from workers.pipeline.claims import definition  # noqa: E402
from workers.pipeline.claims.claim_filter import features  # noqa: E402
from workers.pipeline.claims.extract import extract  # noqa: E402
from workers.pipeline.claims.filters import cue_in_quote, dedupe, drop_nested, hedge  # noqa: E402
from workers.pipeline.claims.furniture import cut, furniture_spans  # noqa: E402
from workers.pipeline.claims.options import ClaimOptions  # noqa: E402

CUE_DROP = (0.05, 0.1, 0.15, 0.25)
CUE_ADD = (0.35, 0.5)
FILTER = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--articles", type=int, default=210)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", default="")
    ap.add_argument("--realnews", default="")
    args = ap.parse_args()
    root = Path(args.data)
    stems_all, anns = articles(root)
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        stems, parsed = pickle.loads(cache.read_bytes())
    else:
        step = max(1, len(stems_all) // args.articles)
        stems = stems_all[::step][:args.articles]
        parsed = parse_all(root, stems)
        if cache:
            cache.write_bytes(pickle.dumps((stems, parsed)))
    n, K = len(stems), args.folds
    golds = [load_gold(anns[s]) for s in stems]
    cue_ex = [list(token_examples(text, restore(offs, blob), gold_cues(anns[s])))
              for s, (text, offs, blob) in zip(stems, parsed)]
    cue_w = []
    for k in range(K):
        cue_w.append(fit_weights([f for i in range(n) if i % K != k for f, _ in cue_ex[i]],
                                 [y for i in range(n) if i % K != k for _, y in cue_ex[i]], 0.5))
        print(f"  cue detector fold {k + 1}/{K}", file=sys.stderr)
    del cue_ex
    # counts[(grid point)][fold] = (tp, npred, ngold)
    counts: dict[tuple[float, float, float], list[tuple[int, int, int]]] = {}
    for cd, ca in itertools.product(CUE_DROP, CUE_ADD):
        opts = ClaimOptions(cue_drop=cd, cue_add=ca, cue_add_other=max(0.5, ca))
        per: list[list] = [[] for _ in range(n)]
        for k in range(K):
            cue_model.use_weights(cue_w[k])
            for i in range(k, n, K):
                text, offs, blob = parsed[i]
                atts, quotes = extract(text, restore(offs, blob), opts)
                atts = dedupe(atts)
                hit = {a for a, _ in match([words(text, a.content) for a in atts],
                                           [words(text, g["content"]) for g in golds[i]])}
                per[i] = [(a, features(a, text, cue_in_quote(a, quotes)), j in hit) for j, a in enumerate(atts)]
        cue_model.use_weights(None)
        for k in range(K):
            dv, clf = fit([f for i in range(n) if i % K != k for _, f, _ in per[i]],
                          [y for i in range(n) if i % K != k for _, _, y in per[i]], 0.3)
            for i in range(k, n, K):
                text = parsed[i][0]
                probs = list(clf.predict_proba(dv.transform([{x: 1 for x in f} for _, f, _ in per[i]]))[:, 1]) if per[i] else []
                furn = furniture_spans(text)
                for th in FILTER:
                    kept = definition.apply([replace(a, cue=replace(a.cue), content=list(a.content))
                                             for (a, _, _), p in zip(per[i], probs) if p >= th and not hedge(a, text)], text)
                    for a in kept:
                        a.content = cut(text, a.content, furn)
                    kept = [a for a in drop_nested([a for a in kept if a.content]) if a.cue.cls != "stance"]
                    tp = len(match([words(text, a.content) for a in kept], [words(text, g["content"]) for g in golds[i]]))
                    c = counts.setdefault((cd, ca, th), [(0, 0, 0)] * K)
                    t0, p0, g0 = c[k]
                    c[k] = (t0 + tp, p0 + len(kept), g0 + len(golds[i]))
        print(f"  grid cue_drop={cd} cue_add={ca} done", file=sys.stderr)

    def pooled(key, folds):
        t = [counts[key][k] for k in folds]
        return prf(sum(x[0] for x in t), sum(x[1] for x in t), sum(x[2] for x in t))

    print(f"\nPolNeAR train, {n} articles, {K}-fold (cue detector and filter trained out of fold); "
          "stance-class claims not scored")
    print("| cue_drop | cue_add | filter | P | R | F1 |\n|---|---|---|---|---|---|")
    for key in sorted(counts):
        P, R, F = pooled(key, range(K))
        print(f"| {key[0]} | {key[1]} | {key[2]} | {P:.3f} | {R:.3f} | {F:.3f} |")
    # nested choice: pick on K-1 folds, score on the held-out one
    tp = npred = ngold = 0
    picks = []
    for k in range(K):
        rest = [j for j in range(K) if j != k]
        ok = [key for key in counts if pooled(key, rest)[0] >= 0.90] or list(counts)
        best = max(ok, key=lambda key: pooled(key, rest)[2])
        picks.append(best)
        t, p, g = counts[best][k]
        tp, npred, ngold = tp + t, npred + p, ngold + g
    P, R, F = prf(tp, npred, ngold)
    print(f"\nCV choice per fold (best F1 with P >= 0.90 on the other folds): {picks}")
    print(f"held-out folds with those choices: P {P:.3f} R {R:.3f} F1 {F:.3f}")
    if args.realnews:
        rn = json.loads(Path(args.realnews).read_text())
        both = []
        for key in counts:
            r = rn.get(",".join(str(x) for x in key))
            if r is None:
                continue
            P, R, F = pooled(key, range(K))
            both.append((key, (P, R, F), (r["P"], r["R"], r["F1"])))
        ok = [b for b in both if b[1][0] >= 0.90 and b[2][0] >= 0.90] or both
        if ok:
            key, pn, rw = max(ok, key=lambda b: (b[1][2] + b[2][2]) / 2)
            print(f"\nchoice on PolNeAR-train CV and real-news dev together: cue_drop={key[0]} cue_add={key[1]} "
                  f"filter={key[2]}; train CV P/R/F1 {pn[0]:.3f}/{pn[1]:.3f}/{pn[2]:.3f}, real-news dev "
                  f"{rw[0]:.3f}/{rw[1]:.3f}/{rw[2]:.3f}")


if __name__ == "__main__":
    main()
