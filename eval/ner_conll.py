"""CoNLL-2003 NER evaluation THROUGH the pipeline (``build_pipeline().run_many``).

Each ``-DOCSTART-`` document becomes one article whose text is its sentences, tokens joined by
single spaces, one sentence per line (the first line is the headline). Predictions are
``entities[].mentions`` with the entity's label mapped PERSON→PER, ORG→ORG, GPE/LOC/FAC→LOC,
NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE→MISC (others dropped), scored against the gold IOB1
spans by exact character offsets (strict micro P/R/F1, per label).

    nice .venv/bin/python eval/ner_conll.py ../shared/data/ner/conll2003_eng_dev.txt [--limit N] [--raw]
        [--one-line] [--errors N] [--dump errors.tsv]

Do not run it on the CoNLL-2003 test split (eng.testb) while tuning.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.pipeline import build_pipeline  # noqa: E402

LABEL_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "MISC",
             "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"}
LABELS = ("PER", "ORG", "LOC", "MISC")


def conll_documents(path: str) -> list[list[list[tuple[str, str]]]]:
    """The documents of a CoNLL-2003 file (split at ``-DOCSTART-``), each a list of sentences of
    ``(token, NER tag)``."""
    docs: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            docs.append([])
            continue
        if not line.strip():
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            continue
        parts = line.split()
        sentence.append((parts[0], parts[-1]))
    if sentence:
        docs[-1].append(sentence)
    return [d for d in docs if d]


def read_conll(path: str, sentence_sep: str = "\n") -> list[tuple[str, set[tuple[int, int, str]]]]:
    """``[(text, {(start, end, label)})]`` per document; sentences joined by ``sentence_sep``."""
    docs = conll_documents(path)
    out = []
    for sentences in docs:
        text_parts: list[str] = []
        gold: set[tuple[int, int, str]] = set()
        pos = 0
        for si, sent in enumerate(sentences):
            if si:
                text_parts.append(sentence_sep)
                pos += len(sentence_sep)
            open_span: list | None = None
            for ti, (tok, tag) in enumerate(sent):
                if ti:
                    text_parts.append(" ")
                    pos += 1
                start, end = pos, pos + len(tok)
                text_parts.append(tok)
                pos = end
                kind = tag[2:] if tag != "O" else None
                if kind and open_span and open_span[2] == kind and not tag.startswith("B-"):
                    open_span[1] = end
                else:
                    if open_span:
                        gold.add(tuple(open_span))
                    open_span = [start, end, kind] if kind else None
            if open_span:
                gold.add(tuple(open_span))
        out.append(("".join(text_parts), gold))
    return out


def predicted(document: dict) -> set[tuple[int, int, str]]:
    spans = set()
    for ent in document["entities"]:
        label = LABEL_MAP.get(ent["label"])
        if label:
            for m in ent["mentions"]:
                assert document["text"][m["start"]:m["end"]] == m["text"]
                spans.add((m["start"], m["end"], label))
    return spans


def score(pairs: list[tuple[set, set]]) -> dict[str, tuple[float, float, float, int]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, pred in pairs:
        for s in pred:
            (tp if s in gold else fp)[s[2]] += 1
        for s in gold - pred:
            fn[s[2]] += 1
    table = {}
    for label in (*LABELS, "micro"):
        keys = LABELS if label == "micro" else (label,)
        t, p, n = sum(tp[k] for k in keys), sum(fp[k] for k in keys), sum(fn[k] for k in keys)
        prec = t / (t + p) if t + p else 0.0
        rec = t / (t + n) if t + n else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        table[label] = (prec, rec, f1, t + n)
    return table


def print_table(table: dict[str, tuple[float, float, float, int]]) -> None:
    print(f"{'label':6s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>6s}")
    for label, (p, r, f, n) in table.items():
        print(f"{label:6s} {p:6.3f} {r:6.3f} {f:6.3f} {n:6d}")


def print_raw_baseline(docs: list[tuple[str, set]]) -> None:
    """Plain spaCy ents on the same texts (no pipeline, no post-processing), for comparison."""
    from workers.pipeline.nlp import english

    pairs = []
    for (text, gold), parsed in zip(docs, english().pipe([t for t, _ in docs])):
        pred = {(e.start_char, e.end_char, LABEL_MAP[e.label_]) for e in parsed.ents if e.label_ in LABEL_MAP}
        pairs.append((gold, pred))
    print("raw spaCy baseline (same texts, no post-processing):")
    print_table(score(pairs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="CoNLL-2003 file (e.g. ../shared/data/ner/conll2003_eng_dev.txt)")
    ap.add_argument("--limit", type=int, default=0, help="first N documents only (quick iterations)")
    ap.add_argument("--errors", type=int, default=0, help="print N false positives/negatives")
    ap.add_argument("--raw", action="store_true", help="also print the raw spaCy baseline on the same texts")
    ap.add_argument("--dump", help="write every error (kind, label, other label, span, context) to this TSV")
    ap.add_argument("--one-line", action="store_true",
                    help="join sentences with a space instead of a newline (a document = one line)")
    args = ap.parse_args()
    docs = read_conll(args.path, " " if args.one_line else "\n")
    if args.limit:
        docs = docs[: args.limit]
    if args.raw:
        print_raw_baseline(docs)
    pipeline = build_pipeline()
    articles = [{"external_id": f"conll-{i}", "text": text} for i, (text, _) in enumerate(docs)]
    t0 = time.perf_counter()
    results = []
    for i in range(0, len(articles), 32):
        results.extend(pipeline.run_many(articles[i:i + 32]))
    elapsed = time.perf_counter() - t0
    pairs = [(gold, predicted(r)) for (_, gold), r in zip(docs, results)]
    table = score(pairs)
    words = sum(len(t.split()) for t, _ in docs)
    layout = "one line per document" if args.one_line else "one sentence per line"
    print(f"CoNLL-2003 {Path(args.path).name} ({layout}): {len(docs)} documents, {words} tokens, "
          f"pipeline {elapsed:.1f}s ({words / elapsed:.0f} words/s, all stages)")
    print_table(table)
    if args.errors:
        shown = 0
        for (text, gold), (_, pred) in zip(docs, pairs):
            for s in sorted(pred - gold) + sorted(gold - pred):
                kind = "FP" if s in pred else "FN"
                line_start = text.rfind("\n", 0, s[0]) + 1
                print(f"{kind} {s[2]:4s} {text[s[0]:s[1]]!r:30s} | {text[line_start:s[0]][-40:]}[[{text[s[0]:s[1]]}]]")
                shown += 1
            if shown >= args.errors:
                break
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for (text, gold), (_, pred) in zip(docs, pairs):
                for s in sorted(pred - gold) + sorted(gold - pred):
                    kind = "FP" if s in pred else "FN"
                    line_start = text.rfind("\n", 0, s[0]) + 1
                    other = [g[2] for g in (gold if kind == "FP" else pred) if g[:2] == s[:2]]
                    f.write(f"{kind}\t{s[2]}\t{other[0] if other else '-'}\t{text[s[0]:s[1]]}\t"
                            f"{text[line_start:s[0]][-40:]}[[{text[s[0]:s[1]]}]]\n")


if __name__ == "__main__":
    main()
