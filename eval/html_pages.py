"""Score HTML extraction on the dev web pages (``/work/shared/data/html``: gzipped pages + ``evaldata.json``).

Scored like trafilatura's own evaluation: both sides whitespace-normalised; a ``with`` snippet
counts when it is a substring of the extracted text, a ``without`` snippet is a leak when it is.
Body precision/recall/F1 are the benchmark's: tp = ``with`` found, fn = ``with`` missing,
fp = ``without`` present (P = tp/(tp+fp), R = tp/(tp+fn)); "tokens" is the same weighted by each
snippet's length in tokens (a proxy: the dev pages have snippets, not whole gold bodies). The pages are split in two by a
hash of their key: ``tune`` (options were chosen on it) and ``report`` (the other half).

    PYTHONPATH=$PWD python eval/html_pages.py                 # the real pipeline (build_pipeline)
    PYTHONPATH=$PWD python eval/html_pages.py --extract-only  # extraction only (fast iteration)
    PYTHONPATH=$PWD python eval/html_pages.py --extract-only --variants   # the options table
    PYTHONPATH=$PWD python eval/html_pages.py --extract-only --no-lead    # without the lead/standfirst rules
    PYTHONPATH=$PWD python eval/html_pages.py --extract-only --no-furniture  # without furniture lines/tail cut
    PYTHONPATH=$PWD python eval/html_pages.py --extract-only --misses     # list missed/leaked snippets

Also printed: pages with a site-furniture entity (listed, full pipeline only) and extraction time
per page (p50/p95).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "html"  # ../shared/data beside the repo
if not DATA.exists():
    DATA = Path("/work/shared/data/html")

FURNITURE = re.compile(
    r"\b(?:privacy(?: policy)?|cookies?|subscribe|subscription|sign ?(?:in|up)|log ?(?:in|out)|menu|newsletter|"
    r"terms of (?:use|service)|all rights reserved|copyright|skip to|read more|advertisement|share|comments?|"
    r"datenschutz|impressum|anmelden|abonnieren|newsletter|startseite|kommentare?|weiterlesen|werbung|anzeige)\b",
    re.I)

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {"include_comments": False, "include_tables": True},
    "recall": {"include_comments": False, "include_tables": True, "favor_recall": True},
    "precision": {"include_comments": False, "include_tables": True, "favor_precision": True},
    "no_fallback": {"include_comments": False, "include_tables": True, "no_fallback": True},
    "recall_no_tables": {"include_comments": False, "include_tables": False, "favor_recall": True},
    "recall_dedup": {"include_comments": False, "include_tables": True, "favor_recall": True, "deduplicate": True},
    "recall_comments": {"include_comments": True, "include_tables": True, "favor_recall": True},
}
_CLASS = "contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{}')"
PRUNE_SETS: dict[str, list[str]] = {
    "captions": ["//figcaption", f"//*[{_CLASS.format('caption')}]"],
    "author_bio": [f"//*[{_CLASS.format('author-bio')} or {_CLASS.format('author-box')} or {_CLASS.format('authorbox')}"
                   f" or {_CLASS.format('author-info')} or {_CLASS.format('about-author')}]"],
    "related": [f"//*[{_CLASS.format('related')}]"],
    "newsletter": [f"//*[{_CLASS.format('newsletter')} or {_CLASS.format('paywall')} or {_CLASS.format('subscribe')}]"],
}
for _name, _xp in PRUNE_SETS.items():
    VARIANTS[f"default+prune_{_name}"] = {"include_comments": False, "include_tables": True, "prune_xpath": _xp}
VARIANTS["default+prune_all"] = {"include_comments": False, "include_tables": True,
                                 "prune_xpath": [x for xs in PRUNE_SETS.values() for x in xs]}
VARIANTS["default+url_none"] = {"include_comments": False, "include_tables": True, "_no_url": True}


def norm(s: str) -> str:
    return " ".join(s.split())


def load() -> list[tuple[str, dict[str, Any], str]]:
    meta = json.loads((DATA / "evaldata.json").read_text())
    out = []
    for key, item in sorted(meta.items()):
        raw = gzip.open(DATA / "pages" / (item["file"] + ".gz")).read()
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            from shared.charset import decode_html
            html = decode_html(raw, None)[0]  # 10 of the 400 pages are not UTF-8
        out.append((key, item, html))
    return out


def half(key: str) -> str:
    return "tune" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 == 0 else "report"


def score(rows: list[tuple[str, dict[str, Any], str]]) -> dict[str, float]:
    tp = fn = fp = tn = 0
    for _, item, text in rows:
        t = norm(text)
        for s in item["with"]:
            if norm(s) in t:
                tp += 1
            else:
                fn += 1
        for s in item["without"]:
            if norm(s) in t:
                fp += 1
            else:
                tn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    # token-level proxy: the same counts weighted by each snippet's length in tokens
    ttp = tfn = tfp = 0
    for _, item, text in rows:
        t = norm(text)
        for s in item["with"]:
            n = len(s.split())
            ttp, tfn = (ttp + n, tfn) if norm(s) in t else (ttp, tfn + n)
        tfp += sum(len(s.split()) for s in item["without"] if norm(s) in t)
    tp_, tr_ = (ttp / (ttp + tfp) if ttp + tfp else 0.0), (ttp / (ttp + tfn) if ttp + tfn else 0.0)
    return {"with_found": r, "without_present": fp / (fp + tn) if fp + tn else 0.0,
            "P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0, "pages": len(rows),
            "tokF1": 2 * tp_ * tr_ / (tp_ + tr_) if tp_ + tr_ else 0.0}


def url_of(key: str) -> str | None:
    k = key.strip()
    return k if re.match(r"^https?://", k) else None


META_SEEN: list[tuple[dict[str, Any], dict[str, Any]]] = []


def run_extract(pages, options=None, furniture=True, lead=True):
    from workers.pipeline.extract import extract
    from workers.pipeline.normalize import clean_text
    texts, times = [], []
    META_SEEN.clear()
    options = dict(options) if options else None
    no_url = bool(options and options.pop("_no_url", False))
    for key, item, html in pages:
        t0 = time.perf_counter()
        ex = extract(html, None if no_url else url_of(key), options=options, furniture=furniture, lead=lead)
        times.append((time.perf_counter() - t0) * 1000)
        texts.append((key, item, clean_text(ex.text)))
        META_SEEN.append((item, ex.page))
    return texts, times


def metadata_report() -> None:
    """Page metadata against the fields some dev items carry (date, title, author)."""
    for field, ours in (("date", "published_at"), ("title", "title"), ("author", "authors")):
        gold = [(item[field], page.get(ours)) for item, page in META_SEEN if item.get(field)]
        if not gold:
            continue
        if field == "date":
            ok = sum(1 for g, o in gold if o and o[:10] == g[:10])
        elif field == "title":
            ok = sum(1 for g, o in gold if o and norm(o).lower() == norm(g).lower())
        else:
            ok = sum(1 for g, o in gold if o and norm("; ".join(o)).lower() == norm(g.replace(",", ";")).lower()
                     or (o and norm(o[0]).lower() in norm(g).lower()))
        print(f"metadata {field:<7} {ok}/{len(gold)} = {ok / len(gold):.3f} (pages with a gold {field})")


def report(name: str, rows, times=None) -> None:
    parts = [f"{name:<22}"]
    for h in ("tune", "report", None):
        sc = score([r for r in rows if h is None or half(r[0]) == h])
        parts.append(f"{h or 'all'}: F1 {sc['F1']:.3f} (tokens {sc['tokF1']:.3f}) with {sc['with_found']:.3f} "
                     f"without-present {sc['without_present']:.3f}")
    if times:
        q = statistics.quantiles(times, n=20)
        parts.append(f"ms p50 {statistics.median(times):.1f} p95 {q[18]:.1f}")
    print(" | ".join(parts), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--extract-only", action="store_true", help="run only the extraction (fast)")
    ap.add_argument("--variants", action="store_true", help="the trafilatura options table (with --extract-only)")
    ap.add_argument("--only", default="", help="comma-separated variant names (with --variants)")
    ap.add_argument("--no-furniture", action="store_true",
                    help="keep furniture lines and related-links tails (before/after)")
    ap.add_argument("--no-lead", action="store_true", help="do not put the left-out lead/standfirst back")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--misses", action="store_true", help="print missed/leaked snippets")
    args = ap.parse_args()
    pages = load()
    if args.limit:
        pages = pages[:args.limit]
    if args.extract_only:
        if args.variants:
            for name, opts in VARIANTS.items():
                if args.only and name not in args.only.split(","):
                    continue
                rows, times = run_extract(pages, opts, not args.no_furniture, not args.no_lead)
                report(name, rows, times)
            return
        rows, times = run_extract(pages, None, not args.no_furniture, not args.no_lead)
        report("shipped", rows, times)
        metadata_report()
        if args.misses:
            for key, item, text in rows:
                t = norm(text)
                for s in item["with"]:
                    if norm(s) not in t:
                        print("MISS", key, "::", s[:100])
                for s in item["without"]:
                    if norm(s) in t:
                        print("LEAK", key, "::", s[:100])
        return
    from workers.pipeline import build_pipeline
    if args.no_furniture:
        from workers.pipeline import normalize as norm_mod
        orig = norm_mod.extract
        norm_mod.extract = lambda m, u=None, options=None, furniture=True: orig(m, u, options, False)
    pipe = build_pipeline()
    rows, times, bad = [], [], []
    for key, item, html in pages:
        article = {"html": html}
        if url_of(key):
            article["url"] = url_of(key)
        doc = pipe.run(article)
        times.append(doc["timings_ms"]["normalize"])
        rows.append((key, item, doc["text"]))
        ents = [e["text"] for e in doc["entities"] if FURNITURE.search(e["text"])]
        if ents:
            bad.append((key, ents))
    report("pipeline", rows, times)
    print(f"pages with a site-furniture entity: {len(bad)}/{len(rows)} = {len(bad) / len(rows):.2%}")
    for key, ents in bad:
        print("  ", key, "::", ", ".join(sorted(set(ents)))[:200])


if __name__ == "__main__":
    main()
