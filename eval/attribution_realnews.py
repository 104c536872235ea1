"""Attribution evaluation on real news pages, run THROUGH the pipeline (issue 17, item 4).

    python eval/attribution_realnews.py [--set realnews|seeds|all|check|fresh2[,…]] [--errors] [--pages DIR]

Gold: ``realnews_gold.json`` next to this script (so another worktree can run
``python /work/wt-gold/eval/attribution_realnews.py`` with its own ``PYTHONPATH``). Set ``articles``:
English news pages of ``../shared/data/html/pages`` (the raw HTML is read at run time, never copied);
set ``seeds``: the two articles in ``seeds/``; ``all`` = realnews + seeds. Set ``check`` (gold key ``check``,
see ``check_note``): 12 more pages annotated the same way that nobody tunes on, an honest transfer estimate for
the figures tuned on ``articles``: run it to report, never to choose a rule or a threshold (``--set
realnews,check`` scores both in one run). Set ``fresh2`` (gold key ``fresh2``, see ``fresh2_note``): 10
Reuters wire articles of the CoNLL-2003 dev split (eng.testa) not judged by the wire audit, rebuilt as text
by ``eval/claims_audit.py``'s ``wire_text`` and run as ``{"text", "url"}`` (the English news pages were used
up); annotated blind, scored once untuned, then tuned on; not part of ``all``. Every gold attribution stores a short *key phrase*
(verbatim from the extracted text, inside the content), the forms that count as its speaker and its
kind (direct | indirect | mixed | stance); ``optional: true`` marks a borderline item. The definition
of an attribution is issue 17's ("What counts"), summarised in the gold file.

Each page goes through ``build_pipeline(Settings()).run_many`` as ``{"html", "url"}`` (the seeds as
their JSON); the attributed claims (kind not ``unattributed``) are compared with the gold.

Scoring (documented choices):
- *Locating* a key phrase: text and key are normalised (curly quotes → straight, dashes → "-",
  "…" → "...", whitespace runs → one space, lower case) and the key's ``nth`` occurrence (default 1)
  is found in the document's ``text``; a key that is not found is reported (the extraction changed)
  and counts as missed.
- *Match*: a claim matches a gold attribution when more than half of the key phrase's word tokens
  (``\\w+``) lie inside the claim's content spans (a key wholly inside the content is the usual case;
  "most of its words" tolerates a content boundary cut through the key). One claim may match several
  gold items (a content that runs over two quoted paragraphs) and several claims one gold item.
- *Content recall* = counted gold items matched by some claim / counted gold items. Counted: not
  ``stance`` and not ``optional``.
- *Right-speaker recall* = counted gold items matched by some claim whose speaker is right / counted
  gold items. The speaker is right when the claim's speaker — its resolved ``name`` when the pipeline
  gives one, else its ``text`` — or, for a chain ("A said X, according to B"), one of its
  ``reported_by`` names, matches a gold form, compared case-insensitively after dropping a leading
  "the/a/an", a possessive "'s" and quotes: equal to a form of two or more words, or holding one as
  whole words ("Transport Secretary Grant Shapps" holds "Grant Shapps", "New data on Thursday" holds
  "new data"); or, after dropping an honorific (Mr, Mrs, Ms, Dr, Prof, Sir), equal to a one-word form
  (a surname, "officials") only when no other person of the document — its PERSON entities and the
  other gold speakers' Title Case forms — has a name ending in that word: "Meadows" resolved to, or
  standing beside, Debbie Meadows does not count as Mark Meadows.
- *Precision* = claims that match a counted gold item / claims that match a counted gold item or no
  gold item at all. A claim that matches only ``stance`` or ``optional`` items (for these, one shared
  word of the key phrase is enough: their keys may hold the cue) is *neutral*: neither
  right nor false (stance-only acts like "backed the rezoning", verdicts, a quoted question, a
  wish) — so stance items are neither missed when absent nor false when emitted; a claim whose
  ``kind`` is ``stance`` (should the pipeline ever label stance-only claims so) is neutral too.
- *Kind agreement* (over found items): the claim's kind equals the gold kind (direct / indirect /
  mixed), for information.
``--errors`` lists misses, wrong speakers (with what the pipeline said) and false claims (marked
when the gold lists the phrase as a tempting non-attribution).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().with_name("realnews_gold.json")
PAGES = ROOT.parent / "shared" / "data" / "html" / "pages"
# Only a fallback: a PYTHONPATH (another worktree's code, run against this gold) comes first.
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

_CHAR_MAP = {"’": "'", "‘": "'", "‛": "'", "′": "'", "`": "'", "“": '"', "”": '"', "„": '"', "″": '"',
             "«": '"', "»": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "…": "...", "\u00ad": ""}
_WORD = re.compile(r"\w+")
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame"}
NEUTRAL_KINDS = {"stance"}
# --set name -> key of the gold file ("check": the split nobody tunes on)
_GOLD_KEY = {"realnews": "articles", "seeds": "seeds", "check": "check", "fresh2": "fresh2"}
CONLL_DEV = ROOT.parent / "shared" / "data" / "ner" / "conll2003_eng_dev.txt"   # the wire articles of fresh2


def norm_with_map(s: str) -> tuple[str, list[int]]:
    """Normalised ``s`` and, for each of its characters, the index of the original character."""
    out: list[str] = []
    idx: list[int] = []
    space = False
    for i, ch in enumerate(s):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                idx.append(i)
            space = True
            continue
        space = False
        rep = _CHAR_MAP.get(ch, ch).lower()
        for r in rep:
            out.append(r)
            idx.append(i)
    while out and out[-1] == " ":
        out.pop()
        idx.pop()
    return "".join(out), idx


def locate(text: str, key: str, nth: int = 1, _cache: dict | None = None) -> tuple[int, int] | None:
    """(start, end) of the ``nth`` occurrence of ``key`` in ``text`` after normalising both."""
    t, idx = norm_with_map(text)
    k, _ = norm_with_map(key)
    if not k:
        return None
    pos = -1
    for _ in range(max(1, nth)):
        pos = t.find(k, pos + 1)
        if pos < 0:
            return None
    return idx[pos], idx[pos + len(k) - 1] + 1


def word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def matches(text: str, key_span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """More than half of the key phrase's words lie inside the claim's content spans."""
    words = word_spans(text, *key_span)
    if not words:
        return False
    spans = list(spans)
    inside = sum(1 for a, b in words if any(s <= a and b <= e for s, e in spans))
    return inside * 2 > len(words)


def overlaps(text: str, key_span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """At least one of the key phrase's words lies inside the claim's content spans."""
    spans = list(spans)
    return any(any(s <= a and b <= e for s, e in spans) for a, b in word_spans(text, *key_span))


def norm_name(s: str | None) -> str:
    if not s:
        return ""
    t, _ = norm_with_map(s)
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"[\"'()\[\],.:;]", " ", t)
    t = " ".join(t.split())
    t = re.sub(r"^(the|a|an) ", "", t)
    return t


def _strip_honorific(t: str) -> str:
    toks = t.split()
    while len(toks) > 1 and toks[0] in _HONORIFICS:
        toks = toks[1:]
    return " ".join(toks)


def speaker_candidates(claim: dict[str, Any]) -> list[str]:
    """The claim's speaker (resolved name, else text) and its ``reported_by`` names, normalised."""
    out = []
    for sp in [claim.get("speaker")] + list(claim.get("reported_by") or []):
        if not sp:
            continue
        c = norm_name(sp.get("name") or sp.get("text"))
        if c:
            out.append(c)
    return out


def speaker_ok(claim: dict[str, Any], forms: list[str], other_names: Iterable[str]) -> bool:
    """Whether the claim's speaker is one of ``forms`` (rules in the module docstring).
    ``other_names``: normalised names of the document's other people (for the one-word rule)."""
    fs = {norm_name(f) for f in forms} - {""}
    multi = [f for f in fs if " " in f]
    single = {f for f in fs if " " not in f}
    others = [n for n in other_names if n and n not in fs]
    for c in speaker_candidates(claim):
        if " " in c and (c in fs or any(f" {c} ".find(f" {f} ") >= 0 for f in multi)):
            return True
        s = _strip_honorific(c)
        if " " in s and s in fs:
            return True
        if " " not in s and s in single:
            if not any(n.split()[-1] == s for n in others):
                return True
    return False


def other_people(doc: dict[str, Any], gold: list[dict[str, Any]], item: dict[str, Any]) -> list[str]:
    names = [norm_name(e.get("text")) for e in doc.get("entities") or [] if e.get("label") == "PERSON"]
    own = {norm_name(f) for f in item["speaker"]}
    for g in gold:
        if g is item or {norm_name(f) for f in g["speaker"]} & own:
            continue
        # other gold speakers' names (Title Case, two words or more), not descriptions ("post mortem tests")
        names += [norm_name(f) for f in g["speaker"] if " " in f.strip() and all(w[:1].isupper() for w in f.split())]
    # a PERSON entity that is one of this item's forms is the speaker himself
    return [n for n in names if n not in own]


def counted(item: dict[str, Any]) -> bool:
    return item["kind"] not in NEUTRAL_KINDS and not item.get("optional")


def claim_spans(claim: dict[str, Any]) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in claim.get("spans") or []]


def score_doc(doc: dict[str, Any], gold: list[dict[str, Any]], nots: list[str] | None = None) -> dict[str, Any]:
    """Score one document against its gold items: counts plus the error lists."""
    text = doc["text"]
    claims = [c for c in doc.get("claims") or [] if c.get("kind") != "unattributed"]
    located = [locate(text, g["content"], g.get("nth", 1)) for g in gold]
    hits: dict[int, list[int]] = defaultdict(list)   # gold index -> claim indexes
    for gi, span in enumerate(located):
        if span is None:
            continue
        for ci, c in enumerate(claims):
            # a neutral (stance / optional) item is hit by any shared word, a counted one by most words
            if matches(text, span, claim_spans(c)) if counted(gold[gi]) else overlaps(text, span, claim_spans(c)):
                hits[gi].append(ci)
    res: dict[str, Any] = {"gold": 0, "found": 0, "speaker": 0, "kind_ok": 0, "claims": 0, "correct": 0,
                           "neutral": 0, "unlocated": [], "missed": [], "wrong_speaker": [], "false": []}
    for gi, g in enumerate(gold):
        if located[gi] is None:
            res["unlocated"].append(g["content"])
        if not counted(g):
            continue
        res["gold"] += 1
        cs = hits.get(gi, [])
        if not cs:
            res["missed"].append(g)
            continue
        res["found"] += 1
        others = other_people(doc, gold, g)
        if any(speaker_ok(claims[ci], g["speaker"], others) for ci in cs):
            res["speaker"] += 1
        else:
            c = claims[cs[0]]
            res["wrong_speaker"].append((g, [(claims[ci].get("speaker") or {}).get("text") for ci in cs],
                                         [(claims[ci].get("speaker") or {}).get("name") for ci in cs], c))
        res["kind_ok"] += any(claims[ci].get("kind") == g["kind"] for ci in cs)
    matched_counted = {ci for gi, cs in hits.items() if counted(gold[gi]) for ci in cs}
    matched_any = {ci for cs in hits.values() for ci in cs}
    not_spans = [s for s in (locate(text, k) for k in nots or []) if s]
    for ci, c in enumerate(claims):
        if c.get("kind") in NEUTRAL_KINDS or (ci in matched_any and ci not in matched_counted):
            res["neutral"] += 1
            continue
        res["claims"] += 1
        if ci in matched_counted:
            res["correct"] += 1
        else:
            tempting = any(min(b, e) > max(a, s) for a, b in not_spans for s, e in claim_spans(c))
            res["false"].append((c, tempting))
    return res


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def load_inputs(items: list[dict[str, Any]], which: str, pages: Path) -> list[dict[str, Any]]:
    arts = []
    wire = [it["file"] for it in items if it.get("source") == "conll2003_eng_dev"]
    if wire:
        from eval.claims_audit import conll_inputs

        wire_inputs = dict(zip(*conll_inputs(CONLL_DEV, wire)))
    for it in items:
        if it.get("source") == "conll2003_eng_dev":
            arts.append(wire_inputs[it["file"]])
        elif which == "seeds":
            arts.append(json.loads((ROOT / it["file"]).read_text(encoding="utf-8")))
        else:
            html = gzip.decompress((pages / it["file"]).read_bytes()).decode("utf-8", "replace")
            arts.append({"html": html, "url": it["url"]})
    return arts


def run_set(pipe: Any, gold: dict[str, Any], which: str, pages: Path, errors: bool) -> dict[str, int]:
    items = gold[_GOLD_KEY[which]]
    docs = pipe.run_many(load_inputs(items, which, pages))
    tot: dict[str, int] = defaultdict(int)
    print(f"\n## {which}: {len(items)} articles" + (" (held-out check split: never tune on it)" if which == "check" else "")
          + "\n")
    print("| article | gold | content recall | right-speaker recall | claims | precision |")
    print("|---|---|---|---|---|---|")
    per = []
    for it, doc in zip(items, docs):
        r = score_doc(doc, it["attributions"], it.get("not_attributions"))
        per.append((it, doc, r))
        for k in ("gold", "found", "speaker", "kind_ok", "claims", "correct", "neutral"):
            tot[k] += r[k]
        name = it["file"].rsplit("/", 1)[-1].removesuffix(".html.gz")
        print(f"| {name} | {r['gold']} | {_ratio(r['found'], r['gold'])} | {_ratio(r['speaker'], r['gold'])} "
              f"| {r['claims']} | {_ratio(r['correct'], r['claims'])} |")
    print(f"| **all** | {tot['gold']} | **{_ratio(tot['found'], tot['gold'])}** | **{_ratio(tot['speaker'], tot['gold'])}** "
          f"| {tot['claims']} | **{_ratio(tot['correct'], tot['claims'])}** |")
    print(f"\n{which}: content recall {_ratio(tot['found'], tot['gold'])} ({tot['found']}/{tot['gold']}), "
          f"right-speaker recall {_ratio(tot['speaker'], tot['gold'])} ({tot['speaker']}/{tot['gold']}), "
          f"precision {_ratio(tot['correct'], tot['claims'])} ({tot['correct']}/{tot['claims']}; "
          f"{tot['neutral']} neutral claims not scored), kind agreement on found "
          f"{_ratio(tot['kind_ok'], tot['found'])}")
    for it, doc, r in per:
        if r["unlocated"]:
            print(f"  WARNING {it['file']}: {len(r['unlocated'])} key phrases not in the extracted text: "
                  + "; ".join(repr(k) for k in r["unlocated"][:5]))
    if errors:
        for it, doc, r in per:
            if not (r["missed"] or r["wrong_speaker"] or r["false"]):
                continue
            print(f"\n### {it['file']}")
            for g in r["missed"]:
                print(f"  MISSED   [{g['kind']}, cue {g.get('cue')!r}, {g['speaker'][0]}] {g['content']!r}")
            for g, texts, names, c in r["wrong_speaker"]:
                print(f"  SPEAKER  gold {g['speaker'][0]!r} — got text {texts} name {names}: {g['content']!r}")
            for c, tempting in r["false"]:
                sp = c.get("speaker") or {}
                print(f"  FALSE{' (listed non-attribution)' if tempting else ''} [{c.get('kind')}, cue "
                      f"{(c.get('cue') or {}).get('text')!r}, speaker {sp.get('text')!r}] {c.get('text', '')[:110]!r}")
    return tot


def parse_sets(arg: str) -> list[str]:
    """``--set`` as the list of sets to score: ``all`` is realnews + seeds (never ``check``)."""
    sets = [w for s in arg.split(",") for w in (["realnews", "seeds"] if s.strip() == "all" else [s.strip()])]
    if not sets or any(w not in _GOLD_KEY for w in sets):
        raise ValueError(f"--set: choose from realnews, seeds, all, check, fresh2 (got {arg!r})")
    return list(dict.fromkeys(sets))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="all", help="realnews | seeds | all (= realnews,seeds) | check (the split "
                    "never tuned on, only when named) | fresh2 (wire articles, only when named), or several joined by commas")
    ap.add_argument("--errors", action="store_true", help="list misses, wrong speakers and false claims")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--pages", type=Path, default=PAGES, help="folder of the gzipped pages")
    args = ap.parse_args()
    try:
        sets = parse_sets(args.set)
    except ValueError as e:
        ap.error(str(e))
    from shared.config import Settings
    from workers.pipeline import build_pipeline

    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    pipe = build_pipeline(Settings.from_env())
    for which in sets:
        tot = run_set(pipe, gold, which, args.pages, args.errors)
        if which == "seeds":
            print(f"seeds: {tot['speaker']} of {tot['gold']} gold attributions found with the right speaker")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
