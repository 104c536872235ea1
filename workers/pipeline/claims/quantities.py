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

# ---------------------------------------------------------------------------------------------
# lexicon
# ---------------------------------------------------------------------------------------------

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_VAGUE = {  # plural vague numbers → (min, max) before multiplying by a following "of <scale>s"
    "tens": (20, 100), "dozens": (24, 144), "scores": (40, 100), "hundreds": (200, 1000),
    "thousands": (2e3, 1e4), "millions": (2e6, 1e7), "billions": (2e9, 1e10),
    "trillions": (2e12, 1e13),
}
_PLURAL_SCALES = {"hundreds": 100, "thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}
_SUFFIX_ALWAYS = {"bn": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12, "trn": 1e12}
_SUFFIX_MONEY = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}

_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₹": "INR", "₽": "RUB"}
_CURRENCY_CODES = {"usd", "eur", "gbp", "jpy", "cny", "krw", "rub", "inr", "chf", "aud", "cad"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB",
    "rupee": "INR", "rupees": "INR", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "won": "KRW",
}
# currency words that are ambiguous without a large number ("200 pounds" may be a weight,
# "they won"): only read as money after a scale ("5 million pounds", "hundreds of millions of pounds")
_CURRENCY_NEEDS_SCALE = {"pound", "pounds", "won"}

_QUALIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("more", "than"), "more_than"), (("over",), "more_than"), (("above",), "more_than"),
        (("at", "least"), "more_than"), (("in", "excess", "of"), "more_than"),
        (("upwards", "of"), "more_than"), (("upward", "of"), "more_than"), (("exceeding",), "more_than"),
        (("well", "over"), "more_than"), (("just", "over"), "more_than"),
        (("less", "than"), "less_than"), (("fewer", "than"), "less_than"), (("under",), "less_than"),
        (("below",), "less_than"), (("at", "most"), "less_than"), (("no", "more", "than"), "less_than"),
        (("just", "under"), "less_than"),
        (("about",), "about"), (("around",), "about"), (("some",), "about"), (("roughly",), "about"),
        (("approximately",), "about"), (("an", "estimated"), "about"), (("estimated",), "about"),
        (("circa",), "about"), (("approx",), "about"), (("or", "so"), "about"),
        (("as", "many", "as"), "as_many_as"), (("as", "much", "as"), "as_many_as"),
        (("up", "to"), "as_many_as"), (("as", "high", "as"), "as_many_as"),
        (("nearly",), "nearly"), (("almost",), "nearly"), (("close", "to"), "nearly"),
        (("just", "shy", "of"), "nearly"), (("exactly",), "exactly"), (("precisely",), "exactly"),
        (("a", "full"), "exactly"),
    ],
    key=lambda q: -len(q[0]),
)

_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
}
_TIME_WORDS = {"a.m", "p.m", "am", "pm", "a.m.", "p.m.", "gmt", "utc", "bst", "est", "pst", "kst"}
# words that end a unit (function words, auxiliaries, common verbs after a number phrase)
_STOP = set(
    """a an the of to in on at by for from with without into onto over under about as and or but nor
    than then that which who whom whose where when while since until till per each every this these
    those its their his her our your my is are was were be been being has have had do does did will
    would shall should can could may might must not no more less fewer most least some any all
    including include includes across around between among against through during after before within
    according said says say reported reports told tells was also only just already still even so such
    very too there here it they he she we you i them him us me said amid despite like unlike via
    versus vs toward towards out up down off back last next ago earlier later ever never now yet
    away apart ahead behind instead""".split()
)
_IRREGULAR_PLURALS = {
    "people", "men", "women", "children", "police", "staff", "personnel", "troops", "cattle",
    "feet", "teeth", "mice", "geese", "data", "media", "crew", "livestock", "percent", "%",
    "aircraft", "sheep", "fish", "deer", "series", "offspring",
}
_MORE_WORDS = {"more", "fewer", "less", "additional", "extra", "new", "other"}
_ABBREV_UNITS = {"km", "kg", "mm", "cm", "m", "g", "mph", "kmh", "ft", "lb", "lbs", "t", "mw", "gw", "kw", "sq", "mi"}
_MAX_UNIT_WORDS = 3

_TOKEN_RE = re.compile(
    r"US\$|[$€£¥₩₹₽]"
    r"|\d+(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
    r"|[A-Za-z]+(?:\.(?=[A-Za-z]\.))?(?:[A-Za-z]\.)*"  # words; "a.m." kept whole-ish
    r"|['’]"
    r"|[-–—]"
    r"|%"
    r"|\S",
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
    """Quantities in ``text[start:end]``; offsets index ``text``."""
    if end is None or end > len(text):
        end = len(text)
    start = max(0, start)
    if start >= end:
        return []
    toks = _tokenize(text, start, end)
    out: list[dict[str, Any]] = []
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
        out.append(
            {
                "text": text[q_start:q_end],
                "start": q_start,
                "end": q_end,
                "value": _clean_number(value),
                "value_max": _clean_number(value_max) if value_max is not None else None,
                "qualifier": qual,
                "unit": currency or unit,
            }
        )
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


__all__ = ["find_quantities"]
