"""Evaluate the language stage (and, optionally, single libraries measured the same way).

    nice .venv/bin/python eval/language.py ../shared/data/language/ud_sentences_dev.json [--libs] [--limit N]

Sets built from the dev sentences (seeded): ``sentences`` (as given), ``pairs`` (one run of two
consecutive words per sentence), ``words`` (one word per sentence; Chinese words by jieba,
Japanese "words" = runs of one script), ``mixed`` (50 docs: 2–3 sentences of language A then 2–3
of B; 50 single-language docs of 4–6 sentences; joined by a space or line breaks; ``--mixed-*``
change the count, sentences per language and seed).
The stage is scored on ``doc.language["code"]`` after NormalizeStage, i.e. what ``build_pipeline()``
reports; mixed docs on ``doc.language["languages"]``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.pipeline.document import AnalysisDoc  # noqa: E402
from workers.pipeline.language import LanguageStage  # noqa: E402
from workers.pipeline.normalize import NormalizeStage  # noqa: E402

_WORD_RE = re.compile(r"\w[\w'’\-]*")
_JA_RUN_RE = re.compile(r"[\u4e00-\u9fff々]+|[\u3040-\u309f]+|[\u30a0-\u30ff]+|[A-Za-z]+")


def words_of(text: str, code: str) -> list[str]:
    if code == "zh":
        import jieba

        jieba.setLogLevel(60)
        return [w for w in jieba.lcut(text) if any(ch.isalpha() for ch in w)]
    if code == "ja":
        return _JA_RUN_RE.findall(text)
    return [w.strip("-'’") for w in _WORD_RE.findall(text) if any(ch.isalpha() for ch in w)]


def build_sets(data: dict[str, list[str]], seed: int = 7, limit: int | None = None):
    rng = random.Random(seed)
    sets: dict[str, list[tuple[str, str]]] = {"sentences": [], "pairs": [], "words": []}
    for code, sents in sorted(data.items()):
        sents = sents[:limit] if limit else sents
        for s in sents:
            sets["sentences"].append((code, s))
            ws = words_of(s, code)
            if len(ws) >= 2:
                i = rng.randrange(len(ws) - 1)
                sep = "" if code in ("zh", "ja") else " "
                sets["pairs"].append((code, ws[i] + sep + ws[i + 1]))
            if ws:
                sets["words"].append((code, rng.choice(ws)))
    return sets


def build_mixed(data: dict[str, list[str]], seed: int = 11, n: int = 50, lo: int = 2, hi: int = 3):
    rng = random.Random(seed)
    codes = sorted(data)
    joiners = [" ", "\n", "\n\n"]
    mixed, single = [], []
    for i in range(n):
        a, b = rng.sample(codes, 2)
        j = rng.choice(joiners)
        text = j.join(rng.sample(data[a], rng.randint(lo, hi)) + rng.sample(data[b], rng.randint(lo, hi)))
        mixed.append(((a, b), text))
        c = codes[i % len(codes)]
        single.append(((c,), rng.choice(joiners).join(rng.sample(data[c], rng.randint(4, 6)))))
    return mixed, single


class StageSystem:
    name = "newsflow stage"

    def __init__(self) -> None:
        self.norm, self.stage = NormalizeStage(), LanguageStage()

    def analyse(self, text: str) -> dict:
        doc = AnalysisDoc(id="eval", article={"url": "https://example.org/x", "text": text})
        self.norm(doc)
        self.stage(doc)
        return doc.language

    def code(self, text: str) -> str:
        return self.analyse(text)["code"]


class FastTextLite:
    name = "fastText lid.176 lite"

    def __init__(self) -> None:
        from workers.pipeline.language.models import fasttext_model

        self.m = fasttext_model()

    def code(self, text: str) -> str:
        p = self.m.predict(text.replace("\n", " "), k=1)
        return next(iter(p), "und")


class LinguaHigh:
    name = "lingua high (all langs)"

    def __init__(self) -> None:
        from lingua import LanguageDetectorBuilder

        self.d = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def code(self, text: str) -> str:
        lang = self.d.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else "und"


class Cld2:
    name = "pycld2 bestEffort"

    def __init__(self) -> None:
        import pycld2

        self.cld2 = pycld2

    def code(self, text: str) -> str:
        text = "".join(ch for ch in text if not 0x7f <= ord(ch) <= 0x9f)
        try:
            ok, _, details = self.cld2.detect(text, bestEffort=True)
        except Exception:
            return "und"
        code = details[0][1]
        return {"zh-Hant": "zh", "iw": "he"}.get(code, code.split("-")[0])


def score(system, items):
    per = defaultdict(lambda: [0, 0])
    for code, text in items:
        per[code][1] += 1
        per[code][0] += system.code(text) == code
    acc = {c: 100.0 * ok / n for c, (ok, n) in per.items()}
    return acc, sum(acc.values()) / len(acc)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", help="ud_sentences_dev.json")
    ap.add_argument("--libs", action="store_true", help="also score single libraries (lingua needs ~1.1 GB)")
    ap.add_argument("--limit", type=int, default=None, help="sentences per language (subset while iterating)")
    ap.add_argument("--sets", default="sentences,pairs,words,mixed")
    ap.add_argument("--errors", action="store_true", help="print the stage's mistakes")
    ap.add_argument("--mixed-n", type=int, default=50, help="mixed (and single-language) documents")
    ap.add_argument("--mixed-sentences", default="2-3", help="sentences per language in a mixed doc, lo-hi")
    ap.add_argument("--mixed-seed", type=int, default=11)
    args = ap.parse_args(argv)
    raw = json.loads(Path(args.data).read_text())
    data = raw["items"]["ud-sentences"] if "items" in raw else raw
    sets = build_sets(data, limit=args.limit)
    wanted = args.sets.split(",")
    systems = [StageSystem()]
    if args.libs:
        systems += [FastTextLite(), Cld2(), LinguaHigh()]
    results = {}
    for system in systems:
        for set_name in ("sentences", "pairs", "words"):
            if set_name in wanted:
                results[(system.name, set_name)] = score(system, sets[set_name])
    langs = sorted(data)
    cols = [(s.name, n) for s in systems for n in ("sentences", "pairs", "words") if n in wanted]
    if cols:
        print("| lang | " + " | ".join(f"{s} / {n}" for s, n in cols) + " |")
        print("|---" * (len(cols) + 1) + "|")
        for lang in langs:
            print(f"| {lang} | " + " | ".join(f"{results[c][0].get(lang, 0):.1f}" for c in cols) + " |")
        print("| **macro** | " + " | ".join(f"**{results[c][1]:.2f}**" for c in cols) + " |")
    if args.errors:
        st = systems[0]
        for set_name in ("sentences", "pairs", "words"):
            if set_name in wanted:
                for code, text in sets[set_name]:
                    got = st.code(text)
                    if got != code:
                        print(f"ERR {set_name} {code}->{got}: {text[:100]!r}")
    if "mixed" in wanted:
        lo, hi = (int(x) for x in args.mixed_sentences.split("-"))
        mixed, single = build_mixed(data, seed=args.mixed_seed, n=args.mixed_n, lo=lo, hi=hi)
        st = systems[0]
        found = false_mix = single_ok = 0
        for (a, b), text in mixed:
            got = {x["code"] for x in st.analyse(text)["languages"]}
            found += {a, b} <= got
            if args.errors and not {a, b} <= got:
                print(f"MISS {a}+{b} -> {sorted(got)}: {text[:160]!r}")
        for (c,), text in single:
            res = st.analyse(text)
            got = {x["code"] for x in res["languages"]}
            false_mix += len(got) > 1
            single_ok += res["code"] == c
            if args.errors and len(got) > 1:
                print(f"FALSE MIX {c} -> {res['languages']}: {text[:160]!r}")
        print()
        print("| mixed docs (newsflow stage) | result |")
        print("|---|---|")
        print(f"| both languages found (of {len(mixed)}) | {found} |")
        print(f"| false mixture in single-language docs (of {len(single)}) | {false_mix} |")
        print(f"| single-language docs, right document code (of {len(single)}) | {single_ok} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
