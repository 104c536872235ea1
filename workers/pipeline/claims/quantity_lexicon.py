"""The word tables of quantity extraction (pure data): number words, scales, currencies,
qualifiers, months and time words, unit stop words, and the tokeniser's pattern."""

from __future__ import annotations

import re

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
