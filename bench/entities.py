"""Entity stage speed and memory, next to plain spaCy ``nlp.pipe`` on the same text.

Prints words per second per core (CPU time of this single-threaded process, so other load on a
shared machine does not count against it; wall-clock rates are printed too) for:

* ``nlp.pipe`` NER only (everything else excluded) — the lower bound of any NER;
* ``nlp.pipe`` full English pipeline — the parse the entity and claim stages share;
* the entity stage (``EntityStage.pipe``: shared parse + clean-up, rules, merging, salience);
* the entity stage's own work after the parse.

and the resident memory of the process before/after loading the English model.

    nice .venv/bin/python bench/entities.py [--conll ../shared/data/ner/conll2003_eng_dev.txt] [--docs 120]

Without ``--conll`` the English seed articles are used (repeated to ~20k words). Nothing is
asserted; numbers depend on the machine.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, honestly
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from proc_stats import rss_mb  # noqa: E402

from workers.pipeline.document import AnalysisDoc  # noqa: E402
from workers.pipeline.entities import EntityStage  # noqa: E402
from workers.pipeline.nlp import MODELS, english  # noqa: E402


def load_texts(conll: str | None, n_docs: int) -> list[str]:
    if conll:
        sys.path.insert(0, str(ROOT / "eval"))
        from ner_conll import read_conll

        return [t for t, _ in read_conll(conll)][:n_docs]
    texts = []
    for p in sorted((ROOT / "seeds").glob("*.json")):
        text = json.loads(p.read_text(encoding="utf-8"))["text"]
        start = text.find("Recently")  # the English body of the bilingual seed
        texts.append(text[start:] if start > 0 else text)
    reps = max(1, 20_000 // sum(len(t.split()) for t in texts))
    return texts * reps


def timed(fn) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conll", help="CoNLL-2003 file to take English news documents from")
    ap.add_argument("--docs", type=int, default=120, help="number of CoNLL documents")
    args = ap.parse_args()

    texts = load_texts(args.conll, args.docs)
    words = sum(len(t.split()) for t in texts)
    rss0 = rss_mb()
    nlp = english()
    list(nlp.pipe(texts[:2]))
    rss_model = rss_mb()

    import spacy

    ner_only = spacy.load(MODELS["en"], exclude=[p for p in nlp.pipe_names if p not in ("tok2vec", "ner")])
    list(ner_only.pipe(texts[:2]))

    rows = []
    rows.append(("nlp.pipe NER only",) + timed(lambda: list(ner_only.pipe(texts, batch_size=64))))
    rows.append(("nlp.pipe full (shared parse)",) + timed(lambda: list(nlp.pipe(texts, batch_size=64))))

    def fresh() -> list[AnalysisDoc]:
        return [AnalysisDoc(id=str(i), article={"text": t}, text=t,
                            language={"code": "en", "segments": [{"start": 0, "end": len(t), "code": "en"}]})
                for i, t in enumerate(texts)]

    stage = EntityStage()
    docs = fresh()
    rows.append(("entity stage (parse + rules)",) + timed(lambda: stage.pipe(docs)))
    n_entities = sum(len(d.entities) for d in docs)
    parsed = fresh()
    from workers.pipeline.nlp import prepare

    prepare(parsed)
    rows.append(("entity rules only (after parse)",) + timed(lambda: [stage(d) for d in parsed]))
    rss_end = rss_mb()

    print(f"{len(texts)} documents, {words} words, {n_entities} entities; "
          f"source: {'CoNLL ' + Path(args.conll).name if args.conll else 'seeds (English parts)'}")
    print(f"{'step':34s} {'words/s/core':>13s} {'words/s wall':>13s} {'cpu s':>7s} {'wall s':>7s}")
    for name, wall, cpu in rows:
        print(f"{name:34s} {words / cpu:13.0f} {words / wall:13.0f} {cpu:7.2f} {wall:7.2f}")
    print(f"memory RSS: start {rss0:.0f} MB, English model loaded {rss_model:.0f} MB "
          f"(+{rss_model - rss0:.0f}), end {rss_end:.0f} MB (NER-only copy loaded too)")


if __name__ == "__main__":
    main()
