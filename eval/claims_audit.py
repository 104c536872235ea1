"""Precision audit of the claims stage on real pages that no gold has seen (issue 17).

    python eval/claims_audit.py [--pages DIR] [--judged eval/claims_audit.json] [--show new|false|all|none] [FILE ...]
    python eval/claims_audit.py --conll ../shared/data/ner/conll2003_eng_dev.txt [--judged eval/claims_audit_wire.json]
        [--show ...] [wire-NNN ...]

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

``--conll FILE`` audits fresh wire news instead: the Reuters articles of a CoNLL-2003 file (its dev
split, eng.testa: never the test split), each rebuilt as plain text from its tokens by
:func:`wire_text` and run as ``{"text", "url"}``; a document is named ``wire-NNN`` by its place in
the file (default: the documents of the judgement file), and the default judgement file is
``claims_audit_wire.json``. The text is an
approximation of the wire copy: the tokens are re-joined by a few rules, and paragraphs are lost
(one line per sentence, a multi-sentence quotation kept on one line), so a quote that a real page
breaks over paragraphs reads differently here.

It prints precision = attributions / judged claims (and with the right speaker), and the false claims
by category; claims not yet judged (new after a change) are listed with ``--show new`` and reported
as unjudged, never counted. A judgement file may also keep, per page, the speaker each ``ok`` or
``speaker`` verdict was given for (``speakers``: a hash of the speaker's name, :func:`speaker_key`,
written by ``--record-speakers`` right after judging): a claim whose words are unchanged but whose
speaker is not is listed and reported as not judged, to be judged again.
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
WIRE_JUDGED = Path(__file__).resolve().with_name("claims_audit_wire.json")
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


def speaker_key(claim: dict[str, Any]) -> str:
    """A key of a claim's speaker that stores no text: a hash of its resolved name (else its text)."""
    spk = claim.get("speaker") or {}
    return hashlib.sha1(" ".join(_WORD.findall((spk.get("name") or spk.get("text") or "").lower())).encode()).hexdigest()[:8]


def _sentence(text: str, a: int, b: int) -> str:
    s = max(text.rfind("\n", 0, a) + 1, a - 300)
    e = text.find("\n", b)
    e = min(len(text) if e < 0 else e, b + 150)
    return re.sub(r"\s+", " ", text[s:e])


# tokens that close up to the word before ("said ,", "Reuters 's", "do n't") or after ("( the", "$ 5")
_NO_SPACE_BEFORE = frozenset(", . ; : ! ? ) ] } % ... .. 's 'S n't N'T 're 've 'll 'd 'm 'RE 'VE 'LL 'D 'M '".split())
_NO_SPACE_AFTER = frozenset("( [ { $ #".split())


def wire_text(sentences: list[list[str]]) -> str:
    """A CoNLL document's text from its tokenised sentences: tokens joined by spaces except before
    punctuation and clitics and after opening brackets; the ``"`` tokens paired in turn as opening
    and closing quotes (a sentence that starts with one opens a new quotation, as a wire paragraph
    does; a ``"`` that ends a sentence after its full stop and would open a quotation opens the next
    sentence: a sentence-splitting slip); one line per sentence, except that a sentence inside an
    open quotation continues its line; a ``'`` after a comma, a colon or a ``"`` opens a quotation
    inside a quotation, any other is closed up to the word before. Limits: no paragraphs, hyphens
    and dashes kept as spaced tokens, all-capital headlines left as they are."""
    out: list[str] = []
    open_q = carry = single = False
    for toks in sentences:
        toks = (['"'] if carry else []) + list(toks)
        carry = False
        if not toks:
            continue
        if out:
            out.append(" " if open_q and toks[0] != '"' else "\n")
        if toks[0] == '"':
            open_q = False   # a new paragraph of a quotation opens again
        glue = True
        for i, tok in enumerate(toks):
            if tok == '"':
                if not open_q and i == len(toks) - 1 and i and toks[i - 1] in (".", "?", "!"):
                    carry = True
                    break
                out.append(tok if open_q or glue else " " + tok)
                open_q = not open_q
                glue = open_q
                continue
            if tok == "'" and not single and (i == 0 or toks[i - 1] in (",", ":", '"', "(")):
                out.append(tok if glue else " " + tok)   # an opening single quote: "myself, 'keep …'"
                single = glue = True
                continue
            single = single and tok != "'"
            out.append(tok if glue or tok in _NO_SPACE_BEFORE else " " + tok)
            glue = tok in _NO_SPACE_AFTER
    return "".join(out)


def conll_inputs(path: Path, names: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    """The wire documents of a CoNLL file as pipeline inputs: their names (``wire-NNN``; ``names``
    picks some, default all) and ``{"text", "url"}``."""
    from eval.ner_conll import conll_documents

    docs = {f"wire-{i:03d}": [[t for t, _ in s] for s in d] for i, d in enumerate(conll_documents(str(path)))}
    names = names or sorted(docs)
    return names, [{"text": wire_text(docs[n]), "url": f"https://wire.example/{n}"} for n in names]


def _urls(files: list[str]) -> dict[str, str]:
    data = json.loads(EVALDATA.read_text(encoding="utf-8"))
    return {v["file"]: url for url, v in data.items() if v["file"] in files}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="page files, or wire-NNN documents with --conll (default: those of "
                    "the judgement file; with --conll and no judgement file, every document of the CoNLL file)")
    ap.add_argument("--pages", type=Path, default=PAGES)
    ap.add_argument("--conll", type=Path, help="audit the news articles of this CoNLL-2003 file (dev only) instead")
    ap.add_argument("--judged", type=Path, help="judgement file (default claims_audit.json, or "
                    "claims_audit_wire.json with --conll)")
    ap.add_argument("--show", choices=("new", "false", "all", "none"), default="new",
                    help="which claims to print for reading (default: those not judged yet)")
    ap.add_argument("--record-speakers", action="store_true",
                    help="write the speaker of every claim judged ok/speaker into the judgement file (after judging)")
    args = ap.parse_args()
    if args.conll and re.search(r"testb|test\.", args.conll.name, re.IGNORECASE):
        sys.exit(f"{args.conll}: a test split is held out; audit the dev split (eng.testa) only")
    judged_path = args.judged or (WIRE_JUDGED if args.conll else JUDGED)
    data: dict[str, Any] = {"pages": {}}
    if judged_path.exists():
        data = json.loads(judged_path.read_text(encoding="utf-8"))
    judged: dict[str, dict[str, str]] = data["pages"]
    spk_judged: dict[str, dict[str, str]] = data.setdefault("speakers", {})

    from shared.config import Settings
    from workers.pipeline import build_pipeline

    if args.conll:
        files, inputs = conll_inputs(args.conll, args.files or sorted(judged))
    else:
        files = args.files or sorted(judged)
        urls = _urls(files)
        inputs = load_inputs([{"file": f if f.endswith(".gz") else f + ".gz", "url": urls.get(f, f"https://example.org/{f}")}
                              for f in files], "realnews", args.pages)
    pipe = build_pipeline(Settings.from_env())
    docs = []
    for i in range(0, len(inputs), 32):
        docs.extend(pipe.run_many(inputs[i:i + 32]))
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
            was = ""
            if v in ("ok", "speaker"):
                sk = speaker_key(c)
                if args.record_speakers:
                    before = spk_judged.setdefault(f, {}).get(k)
                    if before is not None and before != sk:   # judged for another speaker: say so, never silently
                        print(f"re-recorded the speaker of {f} {k} (judged {v} for speaker {before}, now {sk})",
                              file=sys.stderr)
                    spk_judged[f][k] = sk
                elif spk_judged.get(f, {}).get(k, sk) != sk:
                    v, was = None, f" (speaker changed since judged {spk_judged[f][k]}: was {verdicts[k]})"
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
                rows.append(f"\n[{f}] {k} verdict={v}{was}\n  speaker: {spk.get('text')!r} -> {spk.get('name')!r} "
                            f"({spk.get('resolution')})  cue: {cue.get('text')!r}/{cue.get('lemma')}/{cue.get('class')}"
                            f"  kind: {c.get('kind')}\n  content: {c.get('text')!r}\n  line: "
                            f"{_sentence(text, min(c['spans'][0]['start'], cue.get('start', 10**9)), c['spans'][-1]['end'])!r}")
        tot.update(n)
        if n["claims"]:
            print(f"| {f.removesuffix('.html')} | {n['claims']} | {n['judged']} | {n['att']} | {n['ok']} | {n['false']} | {n['neutral']} |")
    print(f"| **all** | {tot['claims']} | {tot['judged']} | {tot['att']} | {tot['ok']} | {tot['false']} | {tot['neutral']} |")
    j = tot["judged"] or 1
    print(f"\naudit precision {tot['att'] / j:.3f} ({tot['att']}/{tot['judged']} judged claims are attributions), "
          f"with the right speaker {tot['ok'] / j:.3f} ({tot['ok']}/{tot['judged']}); {tot['neutral']} neutral, {tot['new']} not judged")
    if cats:
        print("false claims by category: " + ", ".join(f"{k} {v}" for k, v in cats.most_common()))
    for r in rows:
        print(r)
    if args.record_speakers:
        judged_path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nspeakers of {sum(len(v) for v in spk_judged.values())} judged claims recorded in {judged_path}")


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
