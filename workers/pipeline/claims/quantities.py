"""Quantity extraction for claims: pure rules over a light tokenisation, no model.

``find_quantities(text, start=0, end=None)`` returns, in text order, the quantities found in
``text[start:end]`` as ``{text, start, end, value, value_max, qualifier, unit}`` with offsets into
``text`` itself (``text[q["start"]:q["end"]] == q["text"]``).

Handled: digits with thousands separators and decimals ("2,000", "1.5"); scale words and
suffixes ("1.5 billion", "$4.2bn", "€3m"); spelled numbers ("a million", "twenty-five",
"two hundred thousand", "a dozen", "half a million"); vague plurals as ranges ("hundreds of
millions of pounds" → 2e8…1e9); ranges ("10 to 20", "10-20", "between 5 and 7", "$2 million to
$3 million"); percentages; currencies ($ € £ ¥ ₩ ₹, ISO codes, currency words → ISO code);
compound adjectives ("12-hour days" → 12 "hour"); "two months' worth"; qualifiers (more than,
over, at least → more_than; less than, fewer than, under → less_than; about, around, some,
roughly, an estimated → about; as many as, up to → as_many_as; nearly, almost, close to → nearly;
exactly → exactly). Not quantities: years ("2016", "the 1990s"), dates ("October 5", "5 Oct"),
clock times, ordinals, numbers glued to letters ("COVID-19", "G7", "2024年"), fractions like "2/2".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .numbers import _Num, _Tok, _adjacent, _number, _parse_digits, _tokenize
from .quantity_lexicon import (
    _ABBREV_UNITS, _CURRENCY_CODES, _CURRENCY_NEEDS_SCALE, _CURRENCY_SYMBOLS, _CURRENCY_WORDS, _IRREGULAR_PLURALS,
    _MAX_UNIT_WORDS, _MONTHS, _MORE_WORDS, _QUALIFIERS, _SCALES, _SMALL, _STOP, _TENS, _TIME_WORDS, _VAGUE,
)


@dataclass
class Quantity:
    text: str
    start: int
    end: int
    value: float | int
    value_max: float | int | None
    qualifier: str | None          # more_than / less_than / about / as_many_as / nearly / exactly
    unit: str | None               # an ISO currency code, "%", or the unit words

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "value": self.value,
                "value_max": self.value_max, "qualifier": self.qualifier, "unit": self.unit}

# ---------------------------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------------------------


def _looks_plural(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR_PLURALS or (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")))


def _unit(toks: list[_Tok], j: int, num: _Num) -> tuple[str | None, int, str | None]:
    """Unit words after the number at ``j`` → (unit text, end index, currency from a word)."""
    n = len(toks)
    # percentages
    if j < n and toks[j].text == "%":
        return "percent", j + 1, None
    if j < n and toks[j].low in ("percent", "pct"):
        if j + 1 < n and toks[j + 1].low == "points":
            return "percentage points", j + 2, None
        return "percent", j + 1, None
    if j + 1 < n and toks[j].low == "per" and toks[j + 1].low == "cent":
        return "percent", j + 2, None
    if j + 1 < n and toks[j].low == "percentage" and toks[j + 1].low in ("point", "points"):
        return "percentage points", j + 2, None
    k = j
    # "hundreds of millions of pounds", "millions of dollars", "a dozen of"
    if num.value_max is not None and num.spelled and k + 1 < n and toks[k].low == "of" and toks[k + 1].is_word and toks[k + 1].low not in _STOP:
        k += 1
    # currency word
    if k < n and toks[k].low in _CURRENCY_WORDS and not num.currency:
        word = toks[k].low
        if word not in _CURRENCY_NEEDS_SCALE or num.scaled:
            end = k + 1
            if word == "pounds" and end < n and toks[end].low == "sterling":
                end += 1
            return None, end, _CURRENCY_WORDS[word]
        if word in ("pound", "pounds"):
            return word, k + 1, None
        return None, j, None
    words: list[_Tok] = []
    if k + 1 < n and toks[k].low in _MORE_WORDS and toks[k + 1].is_word and toks[k + 1].low not in _STOP:
        k += 1  # "50,000 more troops": the unit is "troops"
    while k < n and len(words) < _MAX_UNIT_WORDS:
        t = toks[k]
        if not t.is_word or t.low in _STOP or t.low in _MONTHS or t.low in _SCALES:
            break
        if t.low.endswith("ing") and len(t.low) > 5 and words:
            break
        if words and not (t.start - words[-1].end == 1):
            break
        words.append(t)
        k += 1
        if _looks_plural(t.text) or (len(words) == 1 and t.low in _ABBREV_UNITS):
            break
        if t.text[0].isupper() and not words[0].text[0].isupper():
            break
    # keep the unit only up to its last plausible head noun ("people killed" → "people")
    while len(words) > 1 and words[-1].low.endswith(("ed", "ing", "ly")):
        words.pop()
        k -= 1
    if not words or (len(words) == 1 and words[0].low.endswith("ed") and words[0].low not in ("hundred",)):
        return None, j, None  # "the two taped a show": a verb, not a unit
    return " ".join(w.text for w in words), k, None


# ---------------------------------------------------------------------------------------------
# main entry
# ---------------------------------------------------------------------------------------------


_QUALIFIERS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _name in _QUALIFIERS:  # longest first within each first word
    if _words != ("or", "so"):  # a suffix, handled after the quantity
        _QUALIFIERS_BY_FIRST.setdefault(_words[0], []).append((_words, _name))


def _qualifier(toks: list[_Tok], i: int) -> tuple[str | None, int]:
    for words, name in _QUALIFIERS_BY_FIRST.get(toks[i].low, ()):
        m = len(words)
        if i + m <= len(toks) and all(toks[i + x].low == words[x] for x in range(1, m)):
            return name, i + m
    return None, i


def _is_date_or_time(toks: list[_Tok], i: int, num: _Num, qualifier: str | None = None) -> bool:
    """Number at toks[i] (after any currency) is part of a date/time, or a bare year."""
    n = len(toks)
    tok = toks[i]
    if not tok.is_num or num.currency or num.scaled:
        return False
    prev = toks[i - 1] if i > 0 else None
    if prev is not None and prev.text == "." and i > 1 and _adjacent(toks[i - 2], prev):
        prev = toks[i - 2]  # "Oct. 5"
    nxt = toks[num.end] if num.end < n else None
    if prev is not None and prev.low.rstrip(".") in _MONTHS:
        return True
    if nxt is not None and nxt.low.rstrip(".") in _MONTHS:
        return True
    if nxt is not None and (nxt.low.rstrip(".") in {w.rstrip(".") for w in _TIME_WORDS} or nxt.text == ":"):
        return True
    if num.raw_digits and len(num.raw_digits) == 4 and 1000 <= int(num.raw_digits) <= 2199:
        # "some 2000 defectors" is a count; "in 2016", "since 2017", "over 2016 levels" are years
        counted = qualifier in ("about", "nearly", "as_many_as", "exactly") and nxt is not None and _looks_plural(nxt.text)
        return not counted
    return False


_STARTERS = (
    set(_QUALIFIERS_BY_FIRST) | set(_SMALL) | set(_TENS) | set(_VAGUE) | set(_SCALES) | _CURRENCY_CODES
    | {"a", "an", "half", "dozen", "between", "from"}
)


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[dict[str, Any]]:
    """Quantities in ``text[start:end]`` as JSON dicts; offsets index ``text``."""
    return [q.to_dict() for q in quantities_in(text, start, end)]


def quantities_in(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Quantities in ``text[start:end]``; offsets index ``text``."""
    if end is None or end > len(text):
        end = len(text)
    start = max(0, start)
    if start >= end:
        return []
    toks = _tokenize(text, start, end)
    out: list[Quantity] = []
    n = len(toks)
    i = 0
    while i < n:
        tok = toks[i]
        if not (tok.is_num or tok.low in _STARTERS or tok.text in _CURRENCY_SYMBOLS or tok.text == "US$"):
            i += 1
            continue
        qual, j = _qualifier(toks, i)
        between = False
        if toks[i].low in ("between", "from") and i + 1 < n:
            between, j = toks[i].low == "between", i + 1
        num = _number(toks, j)
        if num is None:
            i += 1
            continue
        first_num_idx = j + 1 if num.currency and not toks[j].is_num else j  # skip "$" / "USD"
        if _is_date_or_time(toks, first_num_idx, num, qual):
            i = num.end
            continue
        value, value_max = num.value, num.value_max
        k = num.end
        currency = num.currency
        # ranges: "10 to 20", "10-20", "between 10 and 20", "5 or 6"
        if k + 1 < n and (toks[k].low in ("to", "-", "–", "or") or (between and toks[k].low == "and")):
            hyphen = toks[k].low in ("-", "–")
            if not hyphen or (_adjacent(toks[k - 1], toks[k]) and _adjacent(toks[k], toks[k + 1])):
                second = _number(toks, k + 1, range_end=True)
                if second is not None and (toks[k + 1].is_num or toks[k + 1].text in _CURRENCY_SYMBOLS or not toks[k - 1].is_num):
                    hi = second.value
                    if second.scaled and not num.scaled and num.value_max is None:
                        # "2 to 3 million": the scale applies to both ends
                        scale = second.value / max(_parse_digits(toks[k + 1].text) if toks[k + 1].is_num else second.value, 1e-9)
                        if scale > 1 and value * scale <= hi:
                            value *= scale
                    year_like = num.raw_digits and second.raw_digits and len(num.raw_digits) == 4
                    if hi > value and not year_like and second.currency in (None, currency) and (second.value_max is None):
                        value_max = hi
                        currency = currency or second.currency
                        k = second.end
                    elif year_like:
                        i = second.end
                        continue
        unit, k2, word_currency = _unit(toks, k, _Num(value, value_max, k, currency, num.scaled, num.spelled, num.raw_digits))
        currency = currency or word_currency
        # compound adjectives: "12-hour days", "a 10-year-old"
        if unit is None and k + 1 < n and toks[k].text in ("-", "–") and _adjacent(toks[k - 1], toks[k]) and _adjacent(toks[k], toks[k + 1]) and toks[k + 1].is_word:
            parts = [toks[k + 1]]
            m = k + 2
            while m + 1 < n and toks[m].text in ("-", "–") and _adjacent(toks[m - 1], toks[m]) and _adjacent(toks[m], toks[m + 1]) and toks[m + 1].is_word:
                parts.append(toks[m + 1])
                m += 2
            unit = "-".join(p.text for p in parts)
            k2 = m
        # "two months' worth"
        if unit and k2 + 1 < n and toks[k2].text in ("'", "’") and _adjacent(toks[k2 - 1], toks[k2]) and toks[k2 + 1].low == "worth":
            k2 += 2
        # "or so" after the quantity
        if qual is None and k2 + 1 < n and toks[k2].low == "or" and toks[k2 + 1].low == "so":
            qual = "about"
            k2 += 2
        # a bare small spelled number ("one of them", "two") is not a claim quantity
        if num.spelled and not num.scaled and value < 12 and unit is None and currency is None and qual is None:
            i = num.end
            continue
        if num.spelled and not num.scaled and value == 1 and value_max is None and qual is None and not (unit and unit.split()[0].lower() in _ONE_UNITS):
            i = num.end
            continue
        # the phrase starts at its qualifier, or at "between"/"from" when they open a range
        opens_range = toks[i].low in ("between", "from") and value_max is not None
        q_start = toks[i].start if (qual is not None or opens_range) else toks[j].start
        q_end = toks[k2 - 1].end if k2 > 0 else toks[k - 1].end
        out.append(Quantity(text[q_start:q_end], q_start, q_end, _clean_number(value),
                            _clean_number(value_max) if value_max is not None else None, qual, currency or unit))
        i = max(k2, i + 1)
    return out


_ONE_UNITS = {
    "percent", "year", "month", "week", "day", "hour", "minute", "second", "decade", "century",
    "million", "billion", "dollar", "pound", "euro", "mile", "kilometre", "kilometer", "metre",
    "meter", "ton", "tonne",
}


def _clean_number(x: float) -> float | int:
    if x == int(x) and abs(x) < 2**53:
        return int(x)
    return x


__all__ = ["Quantity", "find_quantities", "quantities_in"]
