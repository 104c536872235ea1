"""Language of one piece of text (a line, a sentence, a word): script first, then the models.

``Detector.detect(piece, thorough=N)`` returns a :class:`Guess` holding a probability per candidate
language. Routing:
1. no letters → nothing to say (``und``);
2. a script that belongs to one language decides: Hangul → ko, Kana → ja, Han → zh (ja when it
   holds Japanese-only kanji forms), Greek → el, Devanagari → hi, …;
3. Latin / Cyrillic / Arabic: candidates are the configured languages written in that script.
   A piece with fewer than ``thorough`` letters is scored by lingua *and* fastText (log-linear,
   lingua counted twice: it is the better one on a word or two; CLD2's best guess adds a small
   bonus); longer pieces by fastText lite alone (≈20× cheaper, as good on sentences).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .models import cld2_top, clean, fasttext_model, lingua_model
from .scripts import (
    SCRIPT_CANDIDATES,
    SCRIPT_LANGUAGE,
    han_variant,
    japanese_kanji,
    only_script,
    script_counts,
    simplified_count,
    traditional_count,
)

CJK = ("Hani", "Kana", "Hang")
LINGUA_WEIGHT = 2.0
PROB_FLOOR = 1e-2
CLD2_VOTE = 1.0  # log-bonus for CLD2's best guess on short text: a third, cheap, independent opinion
MAX_PIECE = 20_000  # characters of one piece looked at: more says nothing new, and costs linearly


@dataclass
class Guess:
    probs: dict[str, float] = field(default_factory=dict)  # candidate code → probability (sums to ≤ 1)
    letters: int = 0
    script: str = "Zyyy"                                     # ISO 15924 of the dominant script
    mixed_script: bool = False                               # a second script holds a real share

    @property
    def code(self) -> str:
        return max(self.probs, key=self.probs.__getitem__) if self.probs else "und"

    @property
    def confidence(self) -> float:
        return max(self.probs.values()) if self.probs else 0.0


class Detector:
    def __init__(self, languages: frozenset[str], thorough: int = 40, low_memory: bool = False) -> None:
        self.languages = languages
        self.thorough = thorough
        self.low_memory = low_memory
        self.candidates = {
            script: tuple(c for c in codes if c in languages) for script, codes in SCRIPT_CANDIDATES.items()
        }

    def detect(self, piece: str, thorough: int | None = None) -> Guess:
        text = clean(piece[:MAX_PIECE])
        counts = script_counts(text)
        letters = sum(counts.values())
        if not letters or (letters >= 8 and len(set(text[:2000])) <= 3):  # "aaaa…": no evidence
            return Guess(letters=0)
        script = self._dominant(counts)
        guess = Guess(letters=letters, script=script, mixed_script=_mixed_script(counts))
        if script in ("Hani", "Kana"):
            kana, han = counts.get("Kana", 0), counts.get("Hani", 0)
            japanese = script == "Kana" or kana * 10 >= han or japanese_kanji(text) * 2 >= max(1, simplified_count(text))
            code = "ja" if japanese else "zh"
            guess.script = "Jpan" if japanese else han_variant(text)
            guess.probs = {code: 1.0} if code in self.languages else {}
            if code == "zh" and "ja" in self.languages and not simplified_count(text) and not traditional_count(text):
                # Han characters shared by Chinese and Japanese: Chinese, but a Japanese context may
                # absorb the line (a kanji-only date or heading inside a Japanese article).
                guess.probs = {"zh": 0.8, "ja": 0.2} if "zh" in self.languages else {"ja": 1.0}
            return guess
        single = SCRIPT_LANGUAGE.get(script)
        if single is not None:
            guess.probs = {single: 1.0} if single in self.languages else {}
            return guess
        cands = self.candidates.get(script, ())
        if len(cands) <= 1:
            guess.probs = {cands[0]: 1.0} if cands else {}
            return guess
        if guess.mixed_script:  # "(ісп. Juventudes Socialistas)": each model reads its own script only
            text = only_script(text, script)
            guess.letters = letters = counts[script]
        fast = fasttext_model().predict(text, k=30)
        fast = {c: fast.get(c, 0.0) for c in cands}
        total = sum(fast.values())
        if letters >= (self.thorough if thorough is None else thorough) and total > 0:
            guess.probs = {c: p / total for c, p in fast.items() if p > 0}
            return guess
        slow = lingua_model(cands, self.low_memory).predict(text)
        vote = cld2_top(text)
        score = {
            c: LINGUA_WEIGHT * math.log(slow.get(c, 0.0) + PROB_FLOOR) + math.log(fast[c] / (total or 1) + PROB_FLOOR)
            + (CLD2_VOTE if c == vote else 0.0)
            for c in cands
        }
        top = max(score.values())
        exp = {c: math.exp(s - top) for c, s in score.items()}
        norm = sum(exp.values())
        guess.probs = {c: v / norm for c, v in exp.items() if v / norm > 1e-4}
        return guess

    @staticmethod
    def _dominant(counts: dict[str, int]) -> str:
        cjk = sum(counts.get(s, 0) for s in CJK)
        best = max(counts, key=counts.__getitem__)
        if cjk and 2 * cjk >= counts[best]:  # a CJK character carries more than a Latin letter
            if counts.get("Hang", 0) >= max(counts.get("Kana", 0), 1):
                return "Hang"
            return "Kana" if counts.get("Kana", 0) > counts.get("Hani", 0) else "Hani"
        return best


def _mixed_script(counts: dict[str, int]) -> bool:
    """A second script holds a real share (a CJK character counts as three letters)."""
    if len(counts) < 2:
        return False
    weighted = sorted(n * (3 if s in CJK else 1) for s, n in counts.items())
    return weighted[-2] >= 6 and weighted[-2] * 20 >= sum(weighted)
