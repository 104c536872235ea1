"""Cheap first look at a long document: is it plainly one configured language?

CLD2 (pycld2, ~0.15 ms for 5 kB) reads the whole document once and reports the languages of its
chunks. When it is reliable, finds exactly one language (no second language at any share;
stretches it could not name, or named otherwise over a few words, are checked by our own
detector) and the letters are all in that language's script, the document is that language and the per-sentence pass is skipped. Anything else (mixed, unsure,
another script present, a language outside the configured set) returns ``None`` and the full
block/sentence pass decides, helped by the spans CLD2 gave the document's main language (blocks
inside them need no model call; everything else is identified by our detector). The gate only
opens on long text: short text is cheap to analyse fully and CLD2 is the weakest of the three
detectors there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .detect import Guess
from .models import clean, mask_junk
from .scripts import han_variant, script_counts, script_fits

MIN_CHARS = 600
MIN_BYTES = 2500
MAX_CHARS = 200_000
MAX_ODD_BYTES = 120  # a stretch named as another language longer than this: not plainly one language
_CLD2_CODES = {"iw": "he", "zh-Hant": "zh", "zh": "zh"}


@dataclass
class Cld2Reading:
    single: Guess | None = None                   # the document is plainly this language
    trusted: list[tuple[int, int, str]] = field(default_factory=list)  # char spans of the main language


def read(text: str, languages: frozenset[str], detect: Callable[..., Guess]) -> Cld2Reading:
    """One CLD2 pass: the single-language verdict, or the spans it gives the main language."""
    n = len(text)
    if n < MIN_CHARS or n > MAX_CHARS or len(text.encode("utf-8", "surrogatepass")) < MIN_BYTES:
        return Cld2Reading()
    try:
        import pycld2

        masked = mask_junk(text)  # same length as text: CLD2's byte offsets map back to characters
        data = masked.encode("utf-8")
        reliable, _, details, vectors = pycld2.detect(data, isPlainText=True, returnVectors=True)
    except Exception:  # pycld2 refuses some byte sequences: the full pass copes
        return Cld2Reading()
    code = _code(details[0][1])
    if not reliable or code not in languages or details[0][2] < 50:
        return Cld2Reading()
    trusted = [(_char(data, off), _char(data, off + length), code)
               for off, length, _, vcode in vectors if _code(vcode) == code]
    reading = Cld2Reading(None, trusted)
    if details[1][2] > 0:
        return reading
    # Stretches CLD2 could not name (or named otherwise, briefly) are checked by our own detector.
    doubtful = 0
    for offset, length, _, vcode in vectors:
        if _code(vcode) == code:
            continue
        if vcode != "un" and length > MAX_ODD_BYTES:
            return reading
        doubtful += length
        piece = detect(data[offset:offset + length].decode("utf-8", "ignore"), thorough=0)
        if piece.code not in (code, "und") and piece.letters >= 15 and piece.confidence >= 0.5:
            return reading
    if doubtful * 4 > len(data):
        return reading
    cleaned = clean(masked)
    counts = script_counts(cleaned)
    letters = sum(counts.values())
    if not letters:
        return reading
    if "Kana" in counts and "Hani" in counts:  # Japanese writes both
        counts["Kana"] += counts.pop("Hani")
    script = max(counts, key=counts.__getitem__)
    others = letters - counts[script]
    latin = counts.get("Latn", 0) if script != "Latn" else 0
    if others - latin > 2 or latin * 20 > letters:
        return reading
    if not script_fits(code, script):
        return reading
    if code == "zh":
        script = han_variant(cleaned)
    elif code == "ja":
        script = "Jpan"
    reading.single = Guess({code: details[0][2] / 100.0}, letters, script)
    return reading


def _char(data: bytes, offset: int) -> int:
    return len(data[:offset].decode("utf-8", "ignore"))


def _code(cld2_code: str) -> str:
    return _CLD2_CODES.get(cld2_code, cld2_code.split("-")[0])
