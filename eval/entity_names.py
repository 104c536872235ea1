"""Suspicious canonical entity names over a folder of real news texts, by error class.

Runs every ``*.txt`` of ``DATA_DIR`` (first line = headline) through ``build_pipeline().run_many`` and
prints, per class, how many entities (canonical names) look wrong and the most frequent examples:

* ``title``     — a PERSON name that starts with a title or honorific ("Gov Mike Pence", "Senator X");
* ``epithet``   — a PERSON name of 3+ words whose first word is a common word of the corpus (seen in
                  lower case in running text: "Crooked Hillary Clinton");
* ``headline``  — a PERSON name with a lower-case word or a verb-like common word after its first
                  word ("Obama Says", "Donald Trump Wins"), or containing two other PERSON names of
                  the corpus ("Hillary Clinton Slams Donald Trump");
* ``non-person``— a PERSON name that ends in an organisation/facility word ("… Presidential Center")
                  or that is a non-PERSON entity in more documents than it is a PERSON ("Twitter");
* ``direction`` — a bare compass word as an entity in a document that names a place beginning with
                  it ("the North" → ``place:north`` beside ``place:north-korea``).

"Common word" and "other PERSON names" are read from the corpus itself, not from lists. Nothing is
asserted; the counts are for before/after comparisons of the entity stage.

    nice .venv/bin/python eval/entity_names.py ../shared/data/attribution/polnear/dev/text [--limit N] [--examples 8]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.pipeline import build_pipeline  # noqa: E402

TITLE_WORDS = frozenset(
    """rep gov gen lt col sgt capt prof rev pres sec supt atty sen president senator governor secretary vice
    speaker chairman minister prime judge justice dr mr mrs ms miss sir dame lord lady senators
    representative representatives attorney commissioner""".split()
)
ORG_FAC_ENDS = frozenset(
    """center centre foundation institute university library museum hospital airport party committee
    council inc corp corporation company college school academy association society fund agency
    department ministry bank group network news times post journal""".split()
)
PARTICLES = frozenset("de da del della di du la le van von der den ter bin ibn al el y dos das".split())
DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest midwest".split())
CLASSES = ("title", "epithet", "headline", "non-person", "direction")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def load(folder: Path, limit: int | None) -> list[dict]:
    files = sorted(folder.rglob("*.txt"))[:limit]
    out = []
    for p in files:
        text = p.read_text(encoding="utf-8")
        out.append({"text": text, "external_id": p.stem,
                    "source": p.stem.split("_")[0]})
    return out


def common_words(texts: list[str]) -> Counter[str]:
    """Words seen more often in lower case than capitalised in running text, with their lower-case
    counts ("crooked", "says", "wins"; not "bill", which is mostly "Bill")."""
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for t in texts:
        for w in _WORD.findall(t):
            (lower if w.islower() else upper)[w.lower()] += 1
    return Counter({w: n for w, n in lower.items() if n > upper[w]})


def classify(name: str, label: str, common: Counter[str], people: set[str],
             label_docs: dict[str, Counter[str]], place_heads: set[str]) -> list[str]:
    words = name.replace(".", " ").split()
    low = [w.lower().strip("'’") for w in words]
    out = []
    if label == "PERSON" and low:
        if low[0] in TITLE_WORDS:
            out.append("title")
        if len(words) >= 3 and len(low[0]) > 2 and common[low[0]] >= 2 and low[0] not in TITLE_WORDS:
            out.append("epithet")
        verbish = any((w.islower() and lw not in PARTICLES) or (common[lw] >= 3 and re.search(r"(?:s|ed|ing)$", lw))
                      for w, lw in zip(words[1:], low[1:]))
        inner = [p for p in people if p != name and len(p.split()) >= 2 and p in name]
        if verbish or len(inner) >= 2:
            out.append("headline")
        other = sum(n for lab, n in label_docs[name].items() if lab != "PERSON")
        if low[-1] in ORG_FAC_ENDS or other > label_docs[name]["PERSON"]:
            out.append("non-person")
    if len(low) == 1 and low[0] in DIRECTIONS and low[0] in place_heads:
        out.append("direction")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="folder of .txt news articles (e.g. PolNeAR dev/text)")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--examples", type=int, default=8, help="examples printed per class")
    args = ap.parse_args()
    articles = load(args.folder, args.limit)
    started = time.perf_counter()
    docs = build_pipeline().run_many(articles)
    elapsed = time.perf_counter() - started
    common = common_words([a["text"] for a in articles])
    label_docs: dict[str, Counter[str]] = defaultdict(Counter)     # name → label → documents
    entities = []
    for d in docs:
        for e in d.get("entities") or []:
            label_docs[e["text"]][e["label"]] += 1
            entities.append(e)
    people = {name for name, labels in label_docs.items() if labels["PERSON"]}
    found: dict[str, Counter[str]] = {c: Counter() for c in CLASSES}
    for d in docs:
        ents = d.get("entities") or []
        place_heads = {e["text"].split()[0].lower() for e in ents
                       if e["label"] in ("GPE", "LOC") and len(e["text"].split()) >= 2}
        for e in ents:
            for c in classify(e["text"], e["label"], common, people, label_docs, place_heads):
                found[c][f'{e["text"]} ({e["id"]})'] += 1
    persons = sum(1 for e in entities if e["label"] == "PERSON")
    print(f"{args.folder}: {len(docs)} documents, {len(entities)} entities ({persons} PERSON), "
          f"pipeline {elapsed:.1f}s")
    print(f"{'class':<12}{'entities':>9}{'names':>7}  examples (entities)")
    for c in CLASSES:
        ex = ", ".join(f"{n} ×{k}" for n, k in found[c].most_common(args.examples))
        print(f"{c:<12}{sum(found[c].values()):>9}{len(found[c]):>7}  {ex}")


if __name__ == "__main__":
    main()
