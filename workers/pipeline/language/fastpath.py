"""Cheap first look at a long document: is it plainly one configured language?

CLD2 (pycld2, ~0.15 ms for 5 kB) reads the whole document once and reports the languages of its
chunks. When it is reliable, finds exactly one language (no second language at any share;
stretches it could not name, or named otherwise over a few words, are checked by our own detector) and the letters are all in that language's script, the
document is that language and the per-sentence pass is skipped. Anything else (mixed, unsure,
another script present, a language outside the configured set) returns ``None`` and the full
block/sentence pass decides. The gate only opens on long text: short text is cheap to analyse
fully and CLD2 is the weakest of the three detectors there.
"""

from __future__ import annotations

from typing import Callable

from .detect import Guess
from .models import clean
from .scripts import SCRIPT_CANDIDATES, SCRIPT_LANGUAGE, han_variant, script_counts

MIN_CHARS = 600
MIN_BYTES = 2500
MAX_CHARS = 200_000
MAX_ODD_BYTES = 120  # a stretch named as another language longer than this: not plainly one language
_CLD2_CODES = {"iw": "he", "zh-Hant": "zh", "zh": "zh"}


def _script_fits(code: str, script: str) -> bool:
    if script in ("Hani", "Kana"):
        return code in ("zh", "ja")
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script] == code
    return code in SCRIPT_CANDIDATES.get(script, ())


def single_language(text: str, languages: frozenset[str], detect: Callable[..., Guess]) -> Guess | None:
    n = len(text)
    if n < MIN_CHARS or n > MAX_CHARS or len(text.encode("utf-8", "surrogatepass")) < MIN_BYTES:
        return None
    try:
        import pycld2

        cleaned = clean(text)
        data = cleaned.encode("utf-8")
        reliable, _, details, vectors = pycld2.detect(data, isPlainText=True, returnVectors=True)
    except Exception:  # pycld2 refuses some byte sequences: the full pass copes
        return None
    if not reliable or details[1][2] > 0:
        return None
    code = _code(details[0][1])
    if code not in languages:
        return None
    # Stretches CLD2 could not name (or named otherwise, briefly) are checked by our own detector.
    doubtful = 0
    for offset, length, _, vcode in vectors:
        if _code(vcode) == code:
            continue
        if vcode != "un" and length > MAX_ODD_BYTES:
            return None
        doubtful += length
        piece = detect(data[offset:offset + length].decode("utf-8", "ignore"), thorough=0)
        if piece.code not in (code, "und") and piece.letters >= 15 and piece.confidence >= 0.5:
            return None
    if doubtful * 4 > len(data):
        return None
    counts = script_counts(cleaned)
    letters = sum(counts.values())
    if not letters:
        return None
    if "Kana" in counts and "Hani" in counts:  # Japanese writes both
        counts["Kana"] += counts.pop("Hani")
    script = max(counts, key=counts.__getitem__)
    others = letters - counts[script]
    latin = counts.get("Latn", 0) if script != "Latn" else 0
    if others - latin > 2 or latin * 20 > letters:
        return None
    if not _script_fits(code, script) and not (code == "ja" and script == "Hani"):
        return None
    if code == "zh":
        script = han_variant(cleaned)
    elif code == "ja":
        script = "Jpan"
    return Guess({code: details[0][2] / 100.0}, letters, script)


def _code(cld2_code: str) -> str:
    return _CLD2_CODES.get(cld2_code, cld2_code.split("-")[0])
