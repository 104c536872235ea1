"""Check-worthiness: how much a sentence reads like a checkable factual claim, in [0, 1].

``score(sentences) -> [float]`` is a linear model over three feature blocks — word 1–2-grams,
character 2–5-grams (within words, digits folded to ``0``) and a few hand features that
generalise across topics (numbers, percentages, money, comparatives, capitalised names,
first/second person, hedges, questions, modals, length) — trained by
``eval/train_checkworthiness.py`` on CheckThat! 2024 English and shipped as
``models/checkworthiness.npz``. Inference is pure Python + numpy: the model is loaded once per
process, lazily, on the first call.

The score is calibrated so that ``THRESHOLD`` = 0.5 is the F1-optimal decision point on the
CheckThat! dev split (the claim stage takes its threshold from ``ClaimOptions.threshold``).

The featurizer below is the single definition used both at training time and at inference time.
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path
from typing import Any, Iterable

from .options import ClaimOptions

MODEL_PATH = Path(__file__).with_name("models") / "checkworthiness.npz"


# the F1-optimal decision point on CheckThat! dev: the default of ``ClaimOptions.threshold``
THRESHOLD: float = ClaimOptions().threshold

# ---------------------------------------------------------------------------------------------
# Featurizer (shared with eval/train_checkworthiness.py)
# ---------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": " - ", "–": "-"})
_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[$€£%?!]")
_NUMBER_TOKEN_RE = re.compile(r"^\d[\d,.]*$")
_DIGIT_RE = re.compile(r"\d")
_NUMBER_RE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_YEAR_RE = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_SPELLED_NUMBER_RE = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|"
    r"half|third|quarter|twice|double|triple|percent)\b",
    re.I,
)
_PERCENT_RE = re.compile(r"%|\bper ?cent\b|\bpercentage\b", re.I)
_MONEY_RE = re.compile(r"[$€£]\s?\d|\b(?:dollars?|pounds?|euros?|cents?)\b", re.I)
_MAGNITUDE_RE = re.compile(r"\b(?:million|billion|trillion)s?\b", re.I)
_COMPARATIVE_RE = re.compile(
    r"\b(?:more|less|fewer|most|least|higher|lower|larger|smaller|bigger|greater|largest|smallest|"
    r"biggest|highest|lowest|increased?|decreased?|doubled|tripled|cut|rose|fell|grew|dropped|"
    r"record|than)\b",
    re.I,
)
_FIRST_SING_RE = re.compile(r"\b(?:i|me|my|mine|i'm|i've|i'd|i'll)\b", re.I)
_FIRST_PLUR_RE = re.compile(r"\b(?:we|us|our|ours|we're|we've|we'll|we'd|let's)\b", re.I)
_SECOND_RE = re.compile(r"\b(?:you|your|yours|you're|you've|you'll)\b", re.I)
_HEDGE_RE = re.compile(
    r"\b(?:think|believe|feel|hope|maybe|perhaps|probably|might|guess|seems?|wish|want|"
    r"opinion|frankly|honestly)\b",
    re.I,
)
_MODAL_RE = re.compile(r"\b(?:will|would|should|must|can|could|shall|going to|gonna|need to|ought)\b", re.I)
_PAST_RE = re.compile(r"\b(?:was|were|had|did|voted|passed|signed|said|\w{3,}ed)\b", re.I)
_NEGATION_RE = re.compile(r"\b(?:not|no|never|nothing|n't)\b|n't\b", re.I)
_THIRD_SUBJECT_RE = re.compile(
    r"(?:^|[,;:]\s*|\b(?:and|but|because|that|so)\s+)(?:he|she|they|it|he's|she's|they've|they're)\b", re.I
)
_PERFECT_RE = re.compile(r"\b(?:has|have|had|'s|'ve)\s+(?:not\s+|never\s+|already\s+|just\s+)?(?:been|\w{2,}(?:ed|en|wn|ne|ld|ht|id))\b", re.I)
_EXISTENTIAL_RE = re.compile(r"\bthere(?:'s| is| are| was| were| have been| has been)\b", re.I)
_FUTURE_PLAN_RE = re.compile(r"\b(?:i will|i'll|we will|we'll|i'm going to|we're going to|i would|we would|i want|we want|we need|we have to|we must|i plan)\b", re.I)
_THANKS_RE = re.compile(r"\b(?:thank|thanks|applause|laughter|crosstalk|good evening|question)\b", re.I)
_PRONOUN_I = {"I", "I'm", "I've", "I'd", "I'll"}
_TOKEN_SPLIT_RE = re.compile(r"\S+")

HAND_FEATURES = (
    "has_number",
    "n_numbers",
    "has_year",
    "has_spelled_number",
    "has_percent",
    "has_money",
    "has_magnitude",
    "n_comparatives",
    "first_singular",
    "first_plural",
    "second_person",
    "hedge",
    "modal",
    "past",
    "negation",
    "question",
    "exclamation",
    "thanks_or_procedural",
    "third_person_subject",
    "perfect",
    "existential",
    "future_plan",
    "n_capitalised",
    "log_length",
    "short",
)


def _clean(text: str) -> str:
    return text.translate(_QUOTES)


def word_terms(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams; numbers become ``<num>``."""
    toks = ["<num>" if _NUMBER_TOKEN_RE.match(t) else t for t in _WORD_RE.findall(_clean(text).lower())]
    terms = ["w:" + t for t in toks]
    terms.extend("b:" + a + " " + b for a, b in zip(toks, toks[1:]))
    return terms


CHAR_NGRAMS = (2, 5)


def char_words(text: str) -> list[str]:
    """The words character n-grams are taken from: cleaned, lower-cased, digits → 0."""
    return _DIGIT_RE.sub("0", _clean(text).lower()).split()


def word_char_ngrams(word: str, lo: int = CHAR_NGRAMS[0], hi: int = CHAR_NGRAMS[1]) -> list[str]:
    padded = " " + word + " "
    n_chars = len(padded)
    out: list[str] = []
    for n in range(lo, hi + 1):
        if n > n_chars:
            break
        out.extend(padded[i : i + n] for i in range(n_chars - n + 1))
    return out


def char_terms(text: str) -> list[str]:
    """Character n-grams inside space-padded words (like sklearn's ``char_wb``), digits → 0."""
    out: list[str] = []
    for word in char_words(text):
        out.extend(word_char_ngrams(word))
    return out


def _count_capitalised(text: str) -> int:
    """Capitalised words not opening a sentence (a cheap proxy for names and organisations)."""
    words = text.split()
    count = 0
    for prev, word in zip(words, words[1:]):
        if word[:1].isupper() and word not in _PRONOUN_I and prev[-1:] not in ".!?:\"":
            count += 1
    return count


def hand_features(text: str) -> list[float]:
    t = _clean(text)
    n_tokens = len(_TOKEN_SPLIT_RE.findall(t))
    numbers = [m for m in _NUMBER_RE.findall(t) if not _YEAR_RE.fullmatch(m.replace(",", ""))]
    values = {
        "has_number": float(bool(numbers)),
        "n_numbers": math.log1p(len(numbers)),
        "has_year": float(bool(_YEAR_RE.search(t))),
        "has_spelled_number": float(bool(_SPELLED_NUMBER_RE.search(t))),
        "has_percent": float(bool(_PERCENT_RE.search(t))),
        "has_money": float(bool(_MONEY_RE.search(t))),
        "has_magnitude": float(bool(_MAGNITUDE_RE.search(t))),
        "n_comparatives": math.log1p(len(_COMPARATIVE_RE.findall(t))),
        "first_singular": float(bool(_FIRST_SING_RE.search(t))),
        "first_plural": float(bool(_FIRST_PLUR_RE.search(t))),
        "second_person": float(bool(_SECOND_RE.search(t))),
        "hedge": float(bool(_HEDGE_RE.search(t))),
        "modal": float(bool(_MODAL_RE.search(t))),
        "past": float(bool(_PAST_RE.search(t))),
        "negation": float(bool(_NEGATION_RE.search(t))),
        "question": float("?" in t),
        "exclamation": float("!" in t),
        "thanks_or_procedural": float(bool(_THANKS_RE.search(t))),
        "third_person_subject": float(bool(_THIRD_SUBJECT_RE.search(t.strip()))),
        "perfect": float(bool(_PERFECT_RE.search(t))),
        "existential": float(bool(_EXISTENTIAL_RE.search(t))),
        "future_plan": float(bool(_FUTURE_PLAN_RE.search(t))),
        "n_capitalised": math.log1p(_count_capitalised(t)),
        "log_length": math.log1p(n_tokens) / 4.0,
        "short": float(n_tokens <= 5),
    }
    return [values[name] for name in HAND_FEATURES]


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


class _SparseBlock:
    """One TF-IDF block: sublinear tf × idf, L2-normalised, dotted with the block's weights."""

    __slots__ = ("index", "idf", "weight")

    def __init__(self, terms: Iterable[str], idf: Any, weight: Any) -> None:
        import numpy as np

        self.index = {term: i for i, term in enumerate(terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.weight = np.asarray(weight, dtype=np.float64)

    def ids(self, terms: Iterable[str]) -> list[int]:
        index = self.index
        return [i for i in map(index.get, terms) if i is not None]

    def dot_ids(self, ids: list[int]) -> float:
        import numpy as np

        if not ids:
            return 0.0
        uniq, counts = np.unique(np.asarray(ids, dtype=np.intp), return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[uniq]
        norm = float(np.sqrt(values @ values))
        return float(values @ self.weight[uniq]) / norm if norm > 0.0 else 0.0

    def dot(self, terms: list[str]) -> float:
        return self.dot_ids(self.ids(terms))


class CheckworthinessModel:
    def __init__(self, path: Path = MODEL_PATH) -> None:
        import numpy as np

        with np.load(path, allow_pickle=False) as z:
            self.words = _SparseBlock(z["word_terms"].tolist(), z["word_idf"], z["word_coef"])
            self.chars = _SparseBlock(z["char_terms"].tolist(), z["char_idf"], z["char_coef"])
            self.hand_coef = [float(x) for x in z["hand_coef"]]
            self.hand_mean = [float(x) for x in z["hand_mean"]]
            self.hand_scale = [float(x) for x in z["hand_scale"]]
            self.intercept = float(z["intercept"])
            # calibration: p = sigmoid(slope * (margin - shift))
            self.shift = float(z["calib_shift"])
            self.slope = float(z["calib_slope"])
            names = [str(x) for x in z["hand_names"].tolist()]
        self._word_cache: dict[str, list[int]] = {}
        if tuple(names) != HAND_FEATURES:
            raise ValueError(f"{path}: hand features {names} do not match this code; retrain the model")

    def _char_ids(self, word: str) -> list[int]:
        # char n-grams never cross words, so each word's in-vocabulary n-grams are cached
        ids = self._word_cache.get(word)
        if ids is None:
            ids = self.chars.ids(word_char_ngrams(word))
            if len(self._word_cache) < 50_000:  # bounded: ~20 MB at most
                self._word_cache[word] = ids
        return ids

    def margin(self, sentence: str) -> float:
        z = self.intercept
        z += self.words.dot(word_terms(sentence))
        char_ids: list[int] = []
        for word in char_words(sentence):
            char_ids.extend(self._char_ids(word))
        z += self.chars.dot_ids(char_ids)
        for value, mean, scale, coef in zip(hand_features(sentence), self.hand_mean, self.hand_scale, self.hand_coef):
            z += coef * (value - mean) / scale
        return z

    def probability(self, sentence: str) -> float:
        if not sentence or not sentence.strip():
            return 0.0
        x = self.slope * (self.margin(sentence) - self.shift)
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)


_model: CheckworthinessModel | None = None
_lock = threading.Lock()


def model() -> CheckworthinessModel:
    """The process-wide model, loaded on first use."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = CheckworthinessModel()
    return _model


def score(sentences: list[str]) -> list[float]:
    """Check-worthiness in [0, 1] for each sentence (same order); empty input → []."""
    if not sentences:
        return []
    m = model()
    return [m.probability(s) for s in sentences]


def is_checkworthy(value: float, threshold: float | None = None) -> bool:
    return value >= (THRESHOLD if threshold is None else threshold)


__all__ = [
    "THRESHOLD", "score", "is_checkworthy", "model", "word_terms", "char_terms", "hand_features", "HAND_FEATURES",
]
