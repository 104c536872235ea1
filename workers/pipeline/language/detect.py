"""Language of one piece of text (a line, a sentence, a word): script first, then a model chosen by length.

``Detector.detect(piece)`` returns a :class:`Guess` holding a probability per candidate language.
Routing:
1. no letters → nothing to say (``und``);
2. a script that belongs to one language (Hangul → ko, Kana → ja, Han → zh, Greek → el, …) decides;
3. Latin / Cyrillic / Arabic: candidates are the configured languages written in that script;
   short text (< ``short_letters`` letters) goes to lingua (accurate on a word or two), longer text
   to fastText lite (fast, accurate on sentences), both restricted to the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import clean, fasttext_model, lingua_model
from .scripts import SCRIPT_CANDIDATES, SCRIPT_LANGUAGE, han_variant, script_counts

CJK = ("Hani", "Kana", "Hang")


@dataclass
class Guess:
    probs: dict[str, float] = field(default_factory=dict)  # candidate code → probability (sums to ≤ 1)
    letters: int = 0
    script: str = "Zyyy"                                     # ISO 15924 of the dominant script

    @property
    def code(self) -> str:
        return max(self.probs, key=self.probs.__getitem__) if self.probs else "und"

    @property
    def confidence(self) -> float:
        return max(self.probs.values()) if self.probs else 0.0


class Detector:
    def __init__(self, languages: frozenset[str], short_letters: int = 40) -> None:
        self.languages = languages
        self.short_letters = short_letters
        self.candidates = {
            script: tuple(c for c in codes if c in languages) for script, codes in SCRIPT_CANDIDATES.items()
        }

    def detect(self, piece: str) -> Guess:
        text = clean(piece)
        counts = script_counts(text)
        letters = sum(counts.values())
        if not letters:
            return Guess(letters=0)
        script = self._dominant(counts)
        guess = Guess(letters=letters, script=script)
        if script in ("Hani", "Kana"):
            code = "ja" if counts.get("Kana", 0) * 10 >= counts.get("Hani", 0) or script == "Kana" else "zh"
            if code == "zh":
                guess.script = han_variant(text)
            else:
                guess.script = "Jpan"
            guess.probs = {code: 1.0} if code in self.languages else {}
            return guess
        single = SCRIPT_LANGUAGE.get(script)
        if single is not None:
            guess.probs = {single: 1.0} if single in self.languages else {}
            return guess
        cands = self.candidates.get(script, ())
        if not cands:
            return guess
        if len(cands) == 1:
            guess.probs = {cands[0]: 1.0}
            return guess
        if letters < self.short_letters:
            probs = lingua_model(cands).predict(text)
        else:
            probs = fasttext_model().predict(text, k=20)
            probs = {c: p for c, p in probs.items() if c in cands}
            total = sum(probs.values())
            if total <= 0:
                probs = lingua_model(cands).predict(text)
            else:
                probs = {c: p / total for c, p in probs.items()}
        guess.probs = probs
        return guess

    @staticmethod
    def _dominant(counts: dict[str, int]) -> str:
        cjk = sum(counts.get(s, 0) for s in CJK)
        best = max(counts, key=counts.__getitem__)
        if cjk and cjk >= counts[best]:
            # Korean mixes Hanja rarely; Japanese mixes Kanji with Kana all the time.
            if counts.get("Hang", 0) >= max(counts.get("Kana", 0), 1):
                return "Hang"
            return "Kana" if counts.get("Kana", 0) > counts.get("Hani", 0) else "Hani"
        return best
