"""Language stage: document language, per-segment languages, mixture shares.

Output in ``doc.language``::

    {code, name, confidence, script, reliable,
     segments: [{start, end, code, confidence}],   # tile doc.text in order; neighbours merged
     languages: [{code, share}],                   # share of the letters, largest first
     hint}                                         # the client's ``language``: recorded; breaks ties only

How:
1. Long text (≥ 600 chars / 2.5 kB): one CLD2 pass (``fastpath.read``). Plainly one configured
   language → done (~1 ms for 5 kB). Otherwise CLD2's spans of the main language are kept.
2. The text is cut into lines and sentences, grouped into ~300-character blocks
   (``segment``); each block is identified by script first, then by a model chosen by length
   (``detect.Detector``: lingua + fastText + CLD2 vote on short text, fastText lite on longer);
   blocks inside CLD2's main-language spans need no model. Unsure blocks, mixed-script blocks and
   blocks that disagree with a neighbour are re-read sentence by sentence (short texts always).
3. A Viterbi pass with a switching cost smooths the labels (``segment.smooth``): only
   well-evidenced foreign runs become segments. A one-language text up to 2,000 characters is
   re-checked as a whole (more evidence than any one sentence); the client's hint may break a
   near-tie there.

The languages the stage may answer are a setting: ``NEWSFLOW_LANGUAGES`` (comma-separated ISO
639-1 codes) or ``LanguageStage(languages=...)``; default = the 20 news languages plus the
languages that own their script (``names.DEFAULT_LANGUAGES``). Text in another language is
labelled with the closest configured one, or ``und`` when its script belongs to none.

``NEWSFLOW_LANGUAGE_LOW_MEMORY=1`` (or ``low_memory=True``) runs lingua in its low-accuracy
(trigram) mode: ~30 MB instead of ~400 MB, at some cost on words and word pairs (see the report of
``eval/language.py``).
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from pydantic import BaseModel

from ..document import AnalysisDoc
from ..registry import stage
from .detect import Detector, Guess
from .fastpath import read
from .names import DEFAULT_LANGUAGES, NAMES
from .output import LanguageOutput, LanguageResult
from .segment import Unit, label_units

log = logging.getLogger(__name__)

RELIABLE_CONFIDENCE = 0.7
RELIABLE_LETTERS = 12
# A one-language text shorter than this (in letters) is re-checked by both models at once; longer
# text by fastText alone (lingua costs ~1 ms per sentence).
WHOLE_TEXT_THOROUGH = 400
WHOLE_TEXT_CHARS = 2000
# The hint breaks a tie only: the guess is unsure (< HINT_UNSURE) and the hinted language has at
# least HINT_RATIO of the best probability.
HINT_UNSURE = 0.8
HINT_RATIO = 0.5  # longer one-language texts keep the label their blocks agreed on


def configured_languages(value: str | Iterable[str] | None = None) -> frozenset[str]:
    """Parse the language setting (``None``/empty → the default)."""
    if not value:
        value = DEFAULT_LANGUAGES
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",")]
    codes = {v.strip().lower() for v in value if v and v.strip()}
    unknown = codes - set(NAMES) - {"und"}
    if unknown:
        log.warning("language stage: unsupported language codes ignored: %s", sorted(unknown))
    return frozenset(codes & set(NAMES) - {"und"}) or frozenset(DEFAULT_LANGUAGES)


class LanguageStage:
    name = "language"

    def __init__(
        self,
        languages: str | Iterable[str] | None = None,
        switch_cost: float = 4.0,
        low_memory: bool = False,
    ) -> None:
        self.languages = configured_languages(languages)
        self.detector = Detector(self.languages, low_memory=low_memory)
        self.switch_cost = switch_cost

    def warm(self) -> None:
        """Load every model now (a worker's start-up) instead of on the first document that needs it
        (lingua's models for one script take a few seconds to load)."""
        from .models import fasttext_model, lingua_model

        fasttext_model()
        samples = {"Latn": "a rather longer text", "Cyrl": "значительно более", "Arab": "نص أطول بكثير"}
        for script, cands in self.detector.candidates.items():
            if len(cands) > 1:
                model = lingua_model(cands, self.detector.low_memory)
                sample = samples.get(script, "")
                for n in range(1, 6):  # lingua loads its 1- to 5-gram models as texts need them
                    model.predict(sample[: n + 1])
                model.predict(sample)

    def __call__(self, doc: AnalysisDoc) -> None:
        hint = doc.article.get("language") if isinstance(doc.article, dict) else None
        if hint is None and doc.page:  # a web page's <html lang> when the client sent none
            hint = doc.page.get("html_lang")
        try:
            result = self.analyse(doc.text or "", hint if isinstance(hint, str) else None)
        except Exception:  # never let language detection fail a document
            log.exception("language stage failed on %s", doc.id)
            result = undetermined(doc.text or "")
        result["hint"] = hint if isinstance(hint, str) else None
        doc.language = LanguageResult.model_validate(result)

    def analyse(self, text: str, hint: str | None = None) -> dict[str, Any]:
        cld2 = read(text, self.languages, self.detector.detect)
        if cld2.single is not None:
            return build_result(text, [Unit(0, len(text), cld2.single)], [cld2.single.code])
        units, labels = label_units(text, self.detector.detect, self.switch_cost, cld2.trusted)
        if not any(u.guess.letters for u in units):
            return undetermined(text)
        codes = {c for c, u in zip(labels, units) if u.guess.letters}
        if len(codes) == 1 and len(text) <= WHOLE_TEXT_CHARS:
            whole = self.detector.detect(text, thorough=WHOLE_TEXT_THOROUGH)
            _break_tie(whole, hint)
            if whole.probs and whole.code != "und":
                labels = [whole.code] * len(units)
                for u in units:  # the units' own confidence in the chosen language
                    u.guess = Guess({whole.code: max(u.guess.probs.get(whole.code, 0.0), whole.confidence)},
                                    u.guess.letters, u.guess.script)
        return build_result(text, units, labels)


def _break_tie(guess: Guess, hint: str | None) -> None:
    """The client's hint decides only between near-equal candidates of an unsure guess."""
    code = (hint or "").strip().lower().replace("_", "-").split("-")[0]
    if not code or code not in guess.probs or guess.code == code or guess.confidence >= HINT_UNSURE:
        return
    if guess.probs[code] >= HINT_RATIO * guess.confidence:
        guess.probs = dict(guess.probs)
        guess.probs[code] = guess.confidence + 1e-6


def build_result(text: str, units: list, labels: list[str]) -> dict[str, Any]:
    # Runs of equal labels; units without letters join the run before them (or after, at the start).
    runs: list[dict[str, Any]] = []
    for u, code in zip(units, labels):
        if not u.guess.letters and runs:
            code = runs[-1]["code"]
        if runs and runs[-1]["code"] == code:
            run = runs[-1]
        else:
            run = {"code": code, "start": u.start, "letters": 0, "conf": 0.0, "scripts": {}}
            runs.append(run)
        n = u.guess.letters
        run["letters"] += n
        run["conf"] += n * u.guess.probs.get(code, 0.0)
        if n:
            run["scripts"][u.guess.script] = run["scripts"].get(u.guess.script, 0) + n
    if runs and runs[0]["letters"] == 0 and len(runs) > 1:  # leading letterless unit: join the next run
        runs[1]["start"] = runs[0]["start"]
        runs.pop(0)
    runs[0]["start"] = 0
    segments = []
    for i, run in enumerate(runs):
        end = runs[i + 1]["start"] if i + 1 < len(runs) else len(text)
        conf = run["conf"] / run["letters"] if run["letters"] else 0.0
        segments.append({"start": run["start"], "end": end, "code": run["code"], "confidence": round(conf, 4)})
    letters: dict[str, int] = {}
    conf_sum: dict[str, float] = {}
    scripts: dict[str, dict[str, int]] = {}
    for run in runs:
        letters[run["code"]] = letters.get(run["code"], 0) + run["letters"]
        conf_sum[run["code"]] = conf_sum.get(run["code"], 0.0) + run["conf"]
        for s, n in run["scripts"].items():
            scripts.setdefault(run["code"], {})[s] = scripts.get(run["code"], {}).get(s, 0) + n
    total = sum(letters.values()) or 1
    ranked = sorted(letters, key=lambda c: (c == "und", -letters[c]))
    code = ranked[0]
    confidence = conf_sum[code] / letters[code] if letters[code] else 0.0
    script_counts = scripts.get(code) or {"Zyyy": 1}
    return {
        "code": code,
        "name": NAMES.get(code, code),
        "confidence": round(confidence, 4),
        "script": max(script_counts, key=script_counts.__getitem__),
        "reliable": bool(code != "und" and confidence >= RELIABLE_CONFIDENCE and letters[code] >= RELIABLE_LETTERS),
        "segments": segments,
        "languages": [{"code": c, "share": round(letters[c] / total, 4)} for c in ranked if letters[c] > 0],
    }


def undetermined(text: str) -> dict[str, Any]:
    segments = [{"start": 0, "end": len(text), "code": "und", "confidence": 0.0}] if text else []
    return {"code": "und", "name": NAMES["und"], "confidence": 0.0, "script": "Zyyy", "reliable": False,
            "segments": segments, "languages": []}


class LanguageConfig(BaseModel):
    languages: str = ""        # NEWSFLOW_LANGUAGES: comma-separated ISO 639-1 codes ("" = the default set)
    low_memory: bool = False   # NEWSFLOW_LANGUAGE_LOW_MEMORY


@stage("language", requires=["text"], assigns=["language"], output=LanguageOutput, config=LanguageConfig,
       settings={"languages": "languages", "low_memory": "language_low_memory"})
def make_language_stage(config: LanguageConfig) -> LanguageStage:
    return LanguageStage(languages=config.languages or None, low_memory=config.low_memory)


__all__ = ["LanguageStage", "configured_languages"]
