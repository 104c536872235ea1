"""Precision audit of the claims stage on real pages that no gold has seen (issue 17).

    python eval/claims_audit.py [--pages DIR] [--judged eval/claims_audit.json] [--show new|false|all|none] [FILE ...]

Runs the pages (``FILE``s of ``../shared/data/html/pages``, default: the pages listed in the
judgement file) through ``build_pipeline(Settings()).run_many([{"html", "url"}])`` as
``eval/attribution_realnews.py`` does, and prints every emitted attributed claim (kind not
``unattributed``) for reading: its speaker (surface text → resolved name), cue (text, lemma, class),
kind and content, with the sentence around the cue.

The judgement file (``claims_audit.json``) stores, per page, a verdict for each claim read by hand
against issue 17's "What counts" (``workers/pipeline/claims/definition.py``), keyed by a hash of the
claim's cue lemma and content words (no page text is stored):

- ``ok``: an attribution with the right speaker;
- ``speaker``: an attribution, but the speaker is wrong;
- ``false:<category>``: no attribution (``furniture``, ``act``, ``topic``, ``wish``, ``question``,
  ``perception``, ...);
- ``neutral:<category>``: borderline, not counted either way (the author's own "I think", "we know";
  an attribution nested inside another speaker's quote, which the real-news gold does not count).

It prints precision = attributions / judged claims (and with the right speaker), and the false claims
by category; claims not yet judged (new after a change) are listed with ``--show new`` and reported
as unjudged, never counted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JUDGED = Path(__file__).resolve().with_name("claims_audit.json")
EVALDATA = ROOT.parent / "shared" / "data" / "html" / "evaldata.json"
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_realnews import PAGES, load_inputs  # noqa: E402

_WORD = re.compile(r"\w+")


def claim_key(claim: dict[str, Any]) -> str:
    """A stable key of a claim that stores no text: a hash of its cue lemma and content words."""
    cue = (claim.get("cue") or {}).get("lemma") or ""
    words = " ".join(w.lower() for w in _WORD.findall(claim.get("text") or ""))
    return hashlib.sha1(f"{cue.lower()}|{words}".encode()).hexdigest()[:12]


def _sentence(text: str, a: int, b: int) -> str:
    s = max(text.rfind("\n", 0, a) + 1, a - 300)
    e = text.find("\n", b)
    e = min(len(text) if e < 0 else e, b + 150)
    return re.sub(r"\s+", " ", text[s:e])


def _urls(files: list[str]) -> dict[str, str]:
    data = json.loads(EVALDATA.read_text(encoding="utf-8"))
    return {v["file"]: url for url, v in data.items() if v["file"] in files}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="page files (default: the pages of the judgement file)")
    ap.add_argument("--pages", type=Path, default=PAGES)
    ap.add_argument("--judged", type=Path, default=JUDGED)
    ap.add_argument("--show", choices=("new", "false", "all", "none"), default="new",
                    help="which claims to print for reading (default: those not judged yet)")
    args = ap.parse_args()
    judged: dict[str, dict[str, str]] = {}
    if args.judged.exists():
        judged = json.loads(args.judged.read_text(encoding="utf-8"))["pages"]
    files = args.files or sorted(judged)
    urls = _urls(files)

    from shared.config import Settings
    from workers.pipeline import build_pipeline

    pipe = build_pipeline(Settings.from_env())
    items = [{"file": f if f.endswith(".gz") else f + ".gz", "url": urls.get(f, f"https://example.org/{f}")} for f in files]
    docs = pipe.run_many(load_inputs(items, "realnews", args.pages))
    tot: Counter[str] = Counter()
    cats: Counter[str] = Counter()
    print("| page | claims | judged | attributions | right speaker | false | neutral |\n|---|---|---|---|---|---|---|")
    rows = []
    for f, doc in zip(files, docs):
        text = doc.get("text") or ""
        verdicts = judged.get(f, {})
        claims = [c for c in doc.get("claims") or [] if c.get("kind") != "unattributed"]
        n: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        for c in claims:
            k = claim_key(c)
            seen[k] += 1
            k = k if seen[k] == 1 else f"{k}#{seen[k]}"   # the same words twice on a page
            v = verdicts.get(k)
            n["claims"] += 1
            if v is None:
                n["new"] += 1
            elif v.startswith("neutral"):
                n["neutral"] += 1
            else:
                n["judged"] += 1
                n["att"] += v in ("ok", "speaker")
                n["ok"] += v == "ok"
                if v.startswith("false"):
                    n["false"] += 1
                    cats[v.split(":", 1)[-1]] += 1
            if args.show == "all" or args.show == "new" and v is None or args.show == "false" and v and v != "ok":
                spk = c.get("speaker") or {}
                cue = c.get("cue") or {}
                rows.append(f"\n[{f}] {k} verdict={v}\n  speaker: {spk.get('text')!r} -> {spk.get('name')!r} "
                            f"({spk.get('resolution')})  cue: {cue.get('text')!r}/{cue.get('lemma')}/{cue.get('class')}"
                            f"  kind: {c.get('kind')}\n  content: {c.get('text')!r}\n  line: "
                            f"{_sentence(text, min(c['spans'][0]['start'], cue.get('start', 10**9)), c['spans'][-1]['end'])!r}")
        tot.update(n)
        print(f"| {f.removesuffix('.html')} | {n['claims']} | {n['judged']} | {n['att']} | {n['ok']} | {n['false']} | {n['neutral']} |")
    print(f"| **all** | {tot['claims']} | {tot['judged']} | {tot['att']} | {tot['ok']} | {tot['false']} | {tot['neutral']} |")
    j = tot["judged"] or 1
    print(f"\naudit precision {tot['att'] / j:.3f} ({tot['att']}/{tot['judged']} judged claims are attributions), "
          f"with the right speaker {tot['ok'] / j:.3f} ({tot['ok']}/{tot['judged']}); {tot['neutral']} neutral, {tot['new']} not judged")
    if cats:
        print("false claims by category: " + ", ".join(f"{k} {v}" for k, v in cats.most_common()))
    for r in rows:
        print(r)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
