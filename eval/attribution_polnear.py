"""Attribution evaluation on PolNeAR (brat standoff), run THROUGH the pipeline.

    .venv/bin/python eval/attribution_polnear.py ../shared/data/attribution/polnear/dev [--limit N]

Every article text goes through ``build_pipeline().run_many`` (the same object the worker and
``newsflow analyze`` use); the attributed claims (kind != unattributed) are compared with the gold
attributions.

Scoring (documented choices):
- Gold: one annotation file per article (the alphabetically first annotator when several annotated
  the same article); an attribution is an ``E`` line with a Content span (Source may be absent).
- Words: ``\\w+`` tokens that are not stop words, identified by their *position* in the text, so
  "shares words" means the two contents share actual word occurrences, not just a common word.
- *Found*: a predicted claim and a gold attribution whose contents share ≥ 1 word. Matching is
  one-to-one: pairs are taken greedily by the number of shared words (ties: higher Jaccard), each
  claim and each gold attribution used at most once. P = matched claims / claims, R = matched
  gold / gold, F1 their harmonic mean.
- *Speaker match* (over matched pairs whose gold has a Source): the claim's speaker span — or, for
  a chain ("A believes X, according to B"), one of its ``reported_by`` spans — overlaps the gold
  Source span (PolNeAR annotates the outer or the inner attribution of a chain, the claim holds both).
- *Direct/indirect* (over matched pairs): gold is direct when its content, stripped of trailing
  punctuation, starts and ends with a quote mark; the claim is direct when ``kind == "direct"``
  (mixed and indirect both count as not direct).
- Claims whose cue class is ``stance`` ("backed X", "opposed X": a position, not speech; see
  ``workers/pipeline/claims/definition.py``) are not scored as attributions (counted apart).
- ``--by-definition``: each gold cue is put under what the issue-17 definition says of its head
  word (in it, ``stance``, ``refused``: an action, wish, perception or topic verb, ``unlisted``: in
  no list), with recall for each; then P/R/F1 against the gold inside the definition only, where a
  claim matched to a gold item outside it is neither right nor wrong.
- Recall by cue type groups the gold attributions by their cue: say/tell family, "according to",
  punctuation/none (":" or no cue), other verbs/phrases; and by gold direct vs indirect.
If the pipeline's normalised text differs from the raw file, offsets are mapped back through a
character alignment (difflib), so the scores do not depend on the normaliser.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.pipeline import build_pipeline  # noqa: E402

STOP = set("""a an the and or but of to in on at for with by from as is are was were be been being it its this that
these those he she they we i you his her their our my your him them us me not no so if then than there here
has have had do does did will would can could should may might must said says say also just about into over
after before up out""".split())
_WORD = re.compile(r"\w+")
_QUOTES = "“”\"‘’'"
SAY_FAMILY = {"say", "says", "said", "saying", "tell", "tells", "told", "telling"}


def load_gold(ann: Path) -> list[dict[str, Any]]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, rng = parts[1].partition(" ")
            sp = [(int(a), int(b)) for a, b in (x.split() for x in rng.split(";"))]
            spans[parts[0]] = (kind, sp)
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(x.split(":", 1) for x in parts[1].split()))
    gold = []
    for ev in events:
        c = ev.get("Content")
        if not c or c not in spans:
            continue
        gold.append({
            "content": spans[c][1],
            "source": spans[ev["Source"]][1] if ev.get("Source") in spans else [],
            "cue": spans[ev["Cue"]][1] if ev.get("Cue") in spans else [],
        })
    return gold


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``tp`` matches among ``npred`` claims and ``ngold`` gold items."""
    P, R = tp / max(1, npred), tp / max(1, ngold)
    return P, R, 2 * P * R / (P + R) if P + R else 0.0


def words(text: str, spans: list[tuple[int, int]]) -> set[int]:
    out = set()
    for a, b in spans:
        for m in _WORD.finditer(text, a, b):
            if m.group().lower() not in STOP:
                out.add(m.start())
    return out


def is_direct(text: str, spans: list[tuple[int, int]]) -> bool:
    s = " ".join(text[a:b] for a, b in spans).strip().rstrip(".,;:!? ")
    return len(s) > 1 and s[0] in _QUOTES and s[-1] in _QUOTES


def cue_type(text: str, cue: list[tuple[int, int]]) -> str:
    c = " ".join(text[a:b] for a, b in cue).strip().lower()
    if not c or not _WORD.search(c):
        return "punct/none"
    if "according" in c:
        return "according to"
    toks = _WORD.findall(c)
    if any(t in SAY_FAMILY for t in toks):
        return "say/tell"
    return "other cue"


IN_DEFINITION = frozenset({"in (no verb cue)", "in (verb)", "in (noun/adj)"})


def definition_category(doc: Any, cue: list[tuple[int, int]]) -> tuple[str, str]:
    """What the issue-17 definition (workers/pipeline/claims/definition.py) says of a gold cue:
    ``in (…)`` when its head word is a cue of a speech-like class, ``stance``, ``refused`` (an
    action, wish, perception or topic verb), ``unlisted`` (a verb or noun in no list). The head is
    the cue's last verb, else its last noun or adjective; a cue with neither (":" , "according to",
    none) is in the definition."""
    from workers.pipeline.claims.definition import ADJ_CLASSES, NOUN_CLASSES, REFUSED, SPEECH_LIKE, verb_class

    toks = [t for a, b in cue for t in doc.char_span(a, b, alignment_mode="expand") or []]
    text = " ".join(doc.text[a:b] for a, b in cue).lower()
    if not toks or "according" in text:
        return "in (no verb cue)", "-"
    verbs = [t for t in toks if t.pos_ in ("VERB", "AUX") and t.lemma_ not in ("be", "have", "do", "will", "would")]
    if verbs:
        lem = verbs[-1].lemma_.lower()
        cls = verb_class(lem)
        if cls in SPEECH_LIKE:
            return "in (verb)", lem
        if cls == "stance":
            return "stance", lem
        return ("refused" if lem in REFUSED else "unlisted"), lem
    nouns = [t for t in toks if t.pos_ in ("NOUN", "ADJ", "PROPN")]
    if not nouns:
        return "in (no verb cue)", "-"
    lem = nouns[-1].lemma_.lower()
    cls = NOUN_CLASSES.get(lem) or ADJ_CLASSES.get(lem)
    if cls in SPEECH_LIKE:
        return "in (noun/adj)", lem
    return ("stance" if cls == "stance" else "unlisted"), lem


class Aligner:
    """Map offsets of the pipeline text back to the raw text."""

    def __init__(self, raw: str, norm: str):
        self.same = raw == norm
        if self.same:
            return
        self.map = [-1] * (len(norm) + 1)
        sm = difflib.SequenceMatcher(None, norm, raw, autojunk=False)
        for a, b, n in sm.get_matching_blocks():
            for k in range(n):
                self.map[a + k] = b + k
        last = 0
        for i in range(len(self.map)):
            if self.map[i] == -1:
                self.map[i] = last
            else:
                last = self.map[i]
        self.map[len(norm)] = len(raw)

    def __call__(self, a: int, b: int) -> tuple[int, int]:
        if self.same:
            return a, b
        return self.map[a], self.map[max(a, b - 1)] + 1


def match(pred_words: list[set[int]], gold_words: list[set[int]]) -> list[tuple[int, int]]:
    pairs = []
    for i, pw in enumerate(pred_words):
        for j, gw in enumerate(gold_words):
            n = len(pw & gw)
            if n:
                pairs.append((n, n / len(pw | gw), i, j))
    pairs.sort(reverse=True)
    used_p, used_g, out = set(), set(), []
    for _, _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return out


def sentence_around(text: str, spans: list[tuple[int, int]], width: int = 400) -> str:
    """The text from the sentence start before ``spans`` to the sentence end after them (a line
    break or ". ", "? ", "! " bounds a sentence), at most ``width`` characters each side."""
    a, b = min(s for s, _ in spans), max(e for _, e in spans)
    found = ((text.rfind(p, max(0, a - width), a), p) for p in ("\n", ". ", "? ", "! "))
    lo = max([max(0, a - width)] + [i + len(p) for i, p in found if i >= 0])
    hi = [i + 1 for i in (text.find(p, b, b + width) for p in ("\n", ". ", "? ", "! ")) if i >= 0]
    return " ".join(text[lo:min(hi) if hi else b + width].split())


def overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(min(a[1], e) > max(a[0], s) for s, e in spans)


def articles(root: Path) -> tuple[list[str], dict[str, Path]]:
    """The split's article stems (sorted, with a text file) and each one's annotation file (the
    alphabetically first annotator's)."""
    anns: dict[str, Path] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[0-9a-f]{4}$", "", ann.stem), ann)
    return [s for s in sorted(anns) if (root / "text" / f"{s}.txt").exists()], anns


def training_examples(root: Path, examples: Any, limit: int = 0, what: str = "examples",
                      batch: int = 32) -> tuple[list[Any], list[int], int, int]:
    """Features and labels from ``examples(root, stems, anns)`` over the split's articles, the first
    90 % of articles first: returns ``(X, Y, split, n_articles)`` with ``X[:split]`` from those
    (training) and ``X[split:]`` from the last 10 % (held out). Used by the training scripts."""
    stems, anns = articles(root)
    if limit:
        stems = stems[:limit]
    cut = int(len(stems) * 0.9)
    t0 = time.perf_counter()
    X: list[Any] = []
    Y: list[int] = []
    split = 0
    for part in (stems[:cut], stems[cut:]):
        for k in range(0, len(part), batch):
            for f, y in examples(root, part[k:k + batch], anns):
                X.append(f)
                Y.append(y)
            print(f"  {len(X)} {what} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
        if not split:
            split = len(X)
    return X, Y, split, len(stems)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", help="PolNeAR split folder with text/ and attributions/")
    ap.add_argument("--limit", type=int, default=0, help="first N articles only")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--errors", type=int, default=0, help="print N missed and N spurious examples")
    ap.add_argument("--offset", type=int, default=0, help="skip the first N articles")
    ap.add_argument("--spurious", type=int, default=0, metavar="N",
                    help="print N claims that share no word with ANY gold attribution (inside the definition or "
                         "not): claim text, cue, speaker and the sentence around the claim's content")
    ap.add_argument("--dump", default="", metavar="FILE",
                    help="write every scored claim as a JSON line (article, cue lemma, speaker and its resolved "
                         "name, text, matched to a gold item, sharing a word with any): diff two runs to see what a rule removed")
    ap.add_argument("--only", default="", help="with --errors: spurious examples of this cue lemma only")
    ap.add_argument("--lemmas", action="store_true", help="print precision by cue lemma")
    ap.add_argument("--speaker-errors", type=int, default=0, metavar="N",
                    help="print N matched claims whose speaker span misses the gold source (stem, claim speaker "
                         "text → resolved name [resolution], gold source, cue, content)")
    ap.add_argument("--by-definition", nargs="?", type=int, const=12, default=0, metavar="TOP",
                    help="split gold recall by what the issue-17 definition says of each gold cue (in it, "
                         "refused, stance, unlisted) and print F1 against the gold inside the definition; TOP missed cue lemmas are listed for each (12)")
    ap.add_argument("--definition", choices=("newsflow", "polnear"), default=None,
                    help="what counts (NEWSFLOW_CLAIM_DEFINITION; default: the environment's, else newsflow). "
                         "With polnear, stance claims are scored too, as PolNeAR annotates them")
    args = ap.parse_args()
    root = Path(args.data)
    stems, anns = articles(root)
    stems = stems[args.offset:]
    if args.limit:
        stems = stems[: args.limit]
    from shared.config import Settings

    settings = Settings.from_env(**({"claim_definition": args.definition} if args.definition else {}))
    score_stance = settings.claim_definition == "polnear"
    pipe = build_pipeline(settings)
    tp = n_pred = n_gold = 0
    spk_ok = spk_n = dir_ok = dir_n = 0
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_quote: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kinds = Counter()
    classes: Counter = Counter()
    timings: dict[str, float] = defaultdict(float)
    missed, spurious, kind_errors, speaker_errors = [], [], [], []
    unmatched: list[tuple[str, str, str, str, str]] = []   # --spurious: claims sharing no word with any gold item
    n_unmatched = 0
    lemma_stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_def: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    def_lemmas: dict[str, Counter] = defaultdict(Counter)
    outside_pred_hits = 0   # claims matched to a gold item the definition leaves out
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    nlp = None
    if args.by_definition:
        from workers.pipeline.nlp import model
        nlp = model("en")
    t0 = time.perf_counter()
    for k in range(0, len(stems), args.batch):
        batch = stems[k:k + args.batch]
        raws = [(root / "text" / f"{s}.txt").read_text(encoding="utf-8") for s in batch]
        docs = pipe.run_many([{"url": f"polnear://{s}", "text": r} for s, r in zip(batch, raws)])
        for stem, raw, doc in zip(batch, raws, docs):
            for name, ms in doc["timings_ms"].items():
                timings[name] += ms
            gold = load_gold(anns[stem])
            al = Aligner(raw, doc["text"])
            preds = []
            for c in doc["claims"]:
                if c["kind"] == "unattributed":
                    continue
                cls = (c["cue"] or {}).get("class")
                classes[cls] += 1
                if cls == "stance" and not score_stance:   # a position taken, not speech: not scored as an attribution
                    continue
                kinds[c["kind"]] += 1
                spans = [al(s["start"], s["end"]) for s in c["spans"]]
                sp = c.get("speaker")
                sources = [al(x["start"], x["end"]) for x in [sp] + c.get("reported_by", []) if x and "start" in x]
                preds.append({"spans": spans, "sources": sources,
                              "direct": c["kind"] == "direct", "claim": c})
            pw = [words(raw, p["spans"]) for p in preds]
            gw = [words(raw, g["content"]) for g in gold]
            pairs = match(pw, gw)
            n_pred += len(preds)
            n_gold += len(gold)
            tp += len(pairs)
            matched_g = {j for _, j in pairs}
            matched_p = {i for i, _ in pairs}
            if nlp is not None:
                parsed = nlp(raw)
                cats = [definition_category(parsed, g["cue"]) for g in gold]
                for j, (cat, lem) in enumerate(cats):
                    by_def[cat][1] += 1
                    by_def[cat][0] += j in matched_g
                    if j not in matched_g:
                        def_lemmas[cat][lem] += 1
                outside_pred_hits += sum(1 for _, j in pairs if cats[j][0] not in IN_DEFINITION)
            for j, g in enumerate(gold):
                t = cue_type(raw, g["cue"])
                by_type[t][1] += 1
                q = "direct" if is_direct(raw, g["content"]) else "indirect"
                by_quote[q][1] += 1
                if j in matched_g:
                    by_type[t][0] += 1
                    by_quote[q][0] += 1
                elif len(missed) < args.errors * 20:
                    missed.append((stem, " ".join(raw[a:b] for a, b in g["cue"]), " ".join(raw[a:b] for a, b in g["content"])[:160]))
            for i, p in enumerate(preds):
                c = p["claim"]
                if args.only and (c["cue"] or {}).get("lemma") != args.only:
                    continue
                if i not in matched_p and len(spurious) < args.errors * 20:
                    spurious.append((stem, (c["speaker"] or {}).get("text"), (c["cue"] or {}).get("text"), c["text"][:160]))
            any_gold = set().union(*gw) if gw else set()
            if dump is not None:
                for i, p in enumerate(preds):
                    c = p["claim"]
                    dump.write(json.dumps({"article": stem, "cue": (c["cue"] or {}).get("lemma"),
                                           "speaker": (c["speaker"] or {}).get("text"),
                                           "speaker_name": (c["speaker"] or {}).get("name"), "text": c["text"],
                                           "matched": i in matched_p, "any_gold": bool(pw[i] & any_gold)},
                                          ensure_ascii=False) + "\n")
            for i, p in enumerate(preds):
                if pw[i] & any_gold:
                    continue
                n_unmatched += 1
                if len(unmatched) < args.spurious:
                    c = p["claim"]
                    unmatched.append((stem, (c["speaker"] or {}).get("text") or "-", (c["cue"] or {}).get("text") or "-",
                                      c["text"][:200], sentence_around(raw, p["spans"])))
            for i, p in enumerate(preds):
                c = p["claim"]
                key = ((c["cue"] or {}).get("lemma") or "-") + (" [I/you/we]" if (c["speaker"] or {}).get("text", "").lower() in ("i", "you", "we") else "")
                lemma_stats[key][1] += 1
                lemma_stats[key][0] += i in matched_p
            for i, j in pairs:
                g, p = gold[j], preds[i]
                dir_n += 1
                ok = p["direct"] == is_direct(raw, g["content"])
                dir_ok += ok
                if not ok and len(kind_errors) < args.errors:
                    kind_errors.append((stem, p["claim"]["kind"], "gold direct" if is_direct(raw, g["content"]) else "gold indirect",
                                        p["claim"]["text"][:120], " ".join(raw[a:b] for a, b in g["content"])[:120]))
                if g["source"]:
                    spk_n += 1
                    right = any(overlaps(sp, g["source"]) for sp in p["sources"])
                    spk_ok += right
                    if not right and len(speaker_errors) < args.speaker_errors:
                        sp = p["claim"].get("speaker") or {}
                        speaker_errors.append((stem, f"{sp.get('text')} → {sp.get('name')} [{sp.get('resolution')}]",
                                               " ".join(raw[a:b] for a, b in g["source"]),
                                               (p["claim"]["cue"] or {}).get("text"), p["claim"]["text"][:140]))
        print(f"  … {min(k + args.batch, len(stems))}/{len(stems)} articles", file=sys.stderr)
    elapsed = time.perf_counter() - t0
    if dump is not None:
        dump.close()
    P, R, F = prf(tp, n_pred, n_gold)
    print(f"\nPolNeAR attribution — {root} — {len(stems)} articles, {n_gold} gold attributions, {n_pred} claims, {tp} matched")
    print("| metric | value |\n|---|---|")
    print(f"| found precision | {P:.3f} |\n| found recall | {R:.3f} |\n| found F1 | {F:.3f} |")
    print(f"| speaker match ({spk_n} matched with a gold source) | {spk_ok / spk_n if spk_n else 0:.3f} |")
    print(f"| direct/indirect accuracy ({dir_n} matched) | {dir_ok / dir_n if dir_n else 0:.3f} |")
    print("\n| gold cue type | gold | recall |\n|---|---|---|")
    for t, (ok, n) in sorted(by_type.items(), key=lambda x: -x[1][1]):
        print(f"| {t} | {n} | {ok / n:.3f} |")
    for t, (ok, n) in sorted(by_quote.items()):
        print(f"| gold {t} | {n} | {ok / n:.3f} |")
    print("\nclaim kinds:", dict(kinds))
    print("cue classes (stance claims are not scored):", dict(classes))
    n = len(stems) or 1
    print("mean ms per article by stage:", {k: round(v / n, 1) for k, v in timings.items()},
          f"(wall {elapsed:.1f}s)")
    if args.by_definition:
        print("\n| gold cue under the definition | gold | recall | top missed cue lemmas |\n|---|---|---|---|")
        for cat, (ok, n) in sorted(by_def.items(), key=lambda x: -x[1][1]):
            top = ", ".join(f"{lem} {c}" for lem, c in def_lemmas[cat].most_common(args.by_definition))
            print(f"| {cat} | {n} | {ok / n:.3f} | {top} |")
        g_in = sum(n for cat, (_, n) in by_def.items() if cat in IN_DEFINITION)
        tp_in = sum(ok for cat, (ok, _) in by_def.items() if cat in IN_DEFINITION)
        scored = n_pred - outside_pred_hits   # a claim matched to a gold item outside the definition: not scored
        p_in, r_in, f_in = prf(tp_in, scored, g_in)
        print(f"\nagainst the {g_in} gold attributions inside the definition ({outside_pred_hits} claims matched to "
              f"gold outside it are not scored): P {p_in:.3f} R {r_in:.3f} F1 {f_in:.3f}")
    if args.lemmas:
        print("\n| cue lemma | claims | precision |\n|---|---|---|")
        for lem, (ok, n) in sorted(lemma_stats.items(), key=lambda x: -x[1][1]):
            print(f"| {lem} | {n} | {ok / n:.2f} |")
    if args.spurious:
        print(f"\n{n_unmatched} claims share no word with any gold attribution; the first {len(unmatched)}:")
        for k, (stem, spk, cue, claim, sent) in enumerate(unmatched, 1):
            print(f"[{k}] {stem} | speaker: {spk} | cue: {cue}\n    claim: {claim}\n    sentence: {sent}")
    if args.speaker_errors:
        print(f"\nSPEAKER ERRORS ({len(speaker_errors)} of {spk_n - spk_ok}: stem, claim speaker → name [resolution], "
              "gold source, cue, claim text):")
        for e in speaker_errors:
            print("  ", e)
    if args.errors:
        print("\nMISSED (stem, cue, content):")
        for m in missed[: args.errors]:
            print("  ", m)
        print("\nSPURIOUS (stem, speaker, cue, content):")
        for s in spurious[: args.errors]:
            print("  ", s)
        print("\nDIRECT/INDIRECT CONFUSIONS (stem, claim kind, gold, claim text, gold content):")
        for e in kind_errors:
            print("  ", e)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
