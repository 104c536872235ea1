"""Number phrases for quantity extraction: a light tokenisation (:class:`_Tok`) and the number a
phrase starting at a token spells ("2,000", "$4.2bn", "twenty-five", "hundreds of millions",
"half a million")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quantity_lexicon import (
    _ABBREV_UNITS, _CURRENCY_CODES, _CURRENCY_SYMBOLS, _PLURAL_SCALES, _SCALES, _SMALL, _SUFFIX_ALWAYS,
    _SUFFIX_MONEY, _TENS, _TOKEN_RE, _VAGUE,
)


@dataclass(frozen=True)
class _Tok:
    text: str
    low: str
    start: int
    end: int

    @property
    def is_num(self) -> bool:
        return self.text[0].isdigit()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha() and self.text.isascii()


def _tokenize(text: str, start: int, end: int) -> list[_Tok]:
    return [_Tok(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, start, end)]


def _adjacent(a: _Tok, b: _Tok) -> bool:
    return a.end == b.start


# ---------------------------------------------------------------------------------------------
# number phrases
# ---------------------------------------------------------------------------------------------


@dataclass
class _Num:
    value: float
    value_max: float | None
    end: int  # index of the first token after the phrase
    currency: str | None = None
    scaled: bool = False  # carries a scale word/suffix (million, bn, hundreds of …)
    spelled: bool = False
    raw_digits: str | None = None  # the digit token when the number is a bare integer


def _parse_digits(s: str) -> float:
    return float(s.replace(",", ""))


def _spelled(toks: list[_Tok], i: int) -> tuple[float, int, bool] | None:
    """Spelled cardinal starting at ``i``: ("a"|"an")? words … → (value, end, has_scale)."""
    n = len(toks)
    j = i
    total = 0.0
    current = 0.0
    seen = False
    has_scale = False
    # "half a million"
    if j < n and toks[j].low == "half" and j + 2 < n and toks[j + 1].low in ("a", "an") and toks[j + 2].low in _SCALES:
        return 0.5 * _SCALES[toks[j + 2].low], j + 3, True
    if j < n and toks[j].low in ("a", "an"):
        if j + 1 < n and (toks[j + 1].low in _SCALES or toks[j + 1].low == "dozen"):
            current = 1.0
            j += 1
        else:
            return None
    while j < n:
        low = toks[j].low
        if low in _SMALL:
            current += _SMALL[low]
            seen = True
            j += 1
        elif low in _TENS:
            current += _TENS[low]
            seen = True
            j += 1
            # twenty-five
            if j + 1 < n and toks[j].low in ("-", "–") and _adjacent(toks[j - 1], toks[j]) and _adjacent(toks[j], toks[j + 1]) and toks[j + 1].low in _SMALL and 0 < _SMALL[toks[j + 1].low] < 10:
                current += _SMALL[toks[j + 1].low]
                j += 2
        elif low == "dozen":
            current = (current or 1.0) * 12
            seen = True
            j += 1
        elif low in _SCALES:
            scale = _SCALES[low]
            if scale == 100:
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * scale
                current = 0.0
            seen = True
            has_scale = True
            j += 1
        elif low == "and" and seen and j + 1 < n and (toks[j + 1].low in _SMALL or toks[j + 1].low in _TENS) and total + current >= 100:
            j += 1  # "two hundred and fifty"
        else:
            break
    if not seen:
        return None
    return total + current, j, has_scale


def _number(toks: list[_Tok], i: int, range_end: bool = False) -> _Num | None:
    """A single number phrase starting at token ``i`` (optionally preceded by a currency).

    ``range_end``: the phrase is the second half of "10-20" (a number glued to "-" is fine there).
    """
    n = len(toks)
    j = i
    currency = None
    if j < n and (toks[j].text in _CURRENCY_SYMBOLS or toks[j].text == "US$"):
        currency = _CURRENCY_SYMBOLS.get(toks[j].text, "USD")
        j += 1
        if j >= n or not toks[j].is_num or toks[j].start - toks[j - 1].end > 1:
            return None
    elif j + 1 < n and toks[j].low in _CURRENCY_CODES and toks[j + 1].is_num:
        currency = toks[j].text.upper()
        j += 1
    if j >= n:
        return None
    tok = toks[j]
    if tok.is_num:
        # glued to letters/digits/other scripts before ("COVID-19", "G7", "A-10", "2/2")
        if j > 0 and _adjacent(toks[j - 1], tok) and currency is None:
            prev = toks[j - 1]
            if prev.text[-1].isalnum() or prev.text in ("/", ".", ":", "#"):
                return None
            if prev.text in "-–" and j > 1 and _adjacent(toks[j - 2], prev) and toks[j - 2].text[-1].isalnum():
                if toks[j - 2].text[-1].isalpha() or not range_end:
                    return None  # "COVID-19", "F-16"; "1950-53" unless read as a range
        if j > 1 and toks[j - 1].text == "." and toks[j - 2].low in ("no", "nos") or (j > 0 and toks[j - 1].low in ("number", "section", "article", "chapter", "page", "resolution", "route", "flight", "no")):
            return None  # "No. 1", "Section 230"
        value = _parse_digits(tok.text)
        raw = tok.text if re.fullmatch(r"\d+", tok.text) else None
        j += 1
        scaled = False
        if j < n and _adjacent(tok, toks[j]):
            nxt = toks[j]
            if nxt.low in _SUFFIX_ALWAYS:
                value *= _SUFFIX_ALWAYS[nxt.low]
                scaled, raw = True, None
                j += 1
            elif nxt.low in _SUFFIX_MONEY and currency:
                value *= _SUFFIX_MONEY[nxt.low]
                scaled, raw = True, None
                j += 1
            elif nxt.low in _SCALES:
                pass  # "$38million": the scale word is read below
            elif nxt.text in ("/", ":") or (nxt.text[0].isalnum() and nxt.low not in ("s",) and not nxt.is_word) or (
                nxt.is_word and nxt.low not in ("s",) and nxt.low not in _SUFFIX_MONEY
            ):
                # "5:30", "2/2", "2024年", "5th", "3D"; but "5m" (metres) handled as unit below
                if not (nxt.is_word and nxt.low in _ABBREV_UNITS):
                    return None
            if j < n and _adjacent(toks[j - 1], toks[j]) and toks[j].low == "s":
                return None  # "the 1990s"
        if j < n and toks[j].low in _SCALES and toks[j].low != "hundred" or (j < n and toks[j].low == "hundred"):
            value *= _SCALES[toks[j].low]
            scaled, raw = True, None
            j += 1
            if j < n and toks[j].low in _SCALES and _SCALES[toks[j].low] > 100:  # "5 hundred thousand"
                value *= _SCALES[toks[j].low]
                j += 1
        return _Num(value, None, j, currency, scaled, False, raw)
    if currency is not None:
        return None
    # vague plurals: "hundreds of millions", "tens of thousands", "dozens"
    if tok.low in _VAGUE:
        lo, hi = _VAGUE[tok.low]
        j += 1
        while j + 1 < n and toks[j].low == "of" and toks[j + 1].low in _PLURAL_SCALES:
            s = _PLURAL_SCALES[toks[j + 1].low]
            lo, hi = lo * s, hi * s
            j += 2
        return _Num(float(lo), float(hi), j, None, True, True)
    sp = _spelled(toks, j)
    if sp is None:
        return None
    value, j, has_scale = sp
    return _Num(value, None, j, None, has_scale, True)
