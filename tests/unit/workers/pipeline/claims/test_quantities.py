"""Quantity extraction: the seed cases, money, ranges, compounds, things that are not quantities,
and the offset contract (``text[start:end] == q["text"]``, search limited to ``[start, end)``)."""

from __future__ import annotations

import pytest

from workers.pipeline.claims.quantities import find_quantities

KEYS = {"text", "start", "end", "value", "value_max", "qualifier", "unit"}


def only(text: str) -> dict:
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


def check_offsets(text: str, found: list[dict]) -> None:
    for q in found:
        assert set(q) == KEYS
        assert text[q["start"] : q["end"]] == q["text"]
    starts = [q["start"] for q in found]
    assert starts == sorted(starts)
    for a, b in zip(found, found[1:]):
        assert a["end"] <= b["start"]


@pytest.mark.parametrize(
    "sentence, text, value, value_max, qualifier, units",
    [
        ("North Korea sent more than a million artillery shells to Russia since August.",
         "more than a million artillery shells", 1e6, None, "more_than", {"artillery shells", "shells"}),
        ("The move could see nearly 25 percent of Pyongyang's missions close worldwide.",
         "nearly 25 percent", 25, None, "nearly", {"percent"}),
        ("North Korea is poised to close as many as a dozen embassies including in Spain.",
         "as many as a dozen embassies", 12, None, "as_many_as", {"embassies"}),
        ("China had forcibly returned about 600 escapees to the North.",
         "about 600 escapees", 600, None, "about", {"escapees"}),
        ("He indicated there were some 2,000 defectors languishing in China.",
         "some 2,000 defectors", 2000, None, "about", {"defectors"}),
        ("Those shells would amount to two months' worth of supplies.",
         "two months' worth", 2, None, None, {"months", "months' worth"}),
        ("Artists work 12-hour days in its factories.", "12-hour", 12, None, None, {"hour"}),
        ("Fewer than 300 people were hurt.", "Fewer than 300 people", 300, None, "less_than", {"people"}),
        ("Up to 5,000 troops could be sent.", "Up to 5,000 troops", 5000, None, "as_many_as", {"troops"}),
        ("Growth was exactly 3.5% last year.", "exactly 3.5%", 3.5, None, "exactly", {"percent"}),
        ("Twenty-five ships were seized.", "Twenty-five ships", 25, None, None, {"ships"}),
        ("The rally drew tens of thousands of people.", "tens of thousands of people", 2e4, 1e5, None, {"people"}),
        ("It has 50,000 more troops than last year.", "50,000 more troops", 5e4, None, None, {"troops"}),
        ("Output rose 7 percentage points.", "7 percentage points", 7, None, None, {"percentage points"}),
        ("Gains held for one to two years are taxed.", "one to two years", 1, 2, None, {"years"}),
        ("He raised more than $38million last year.", "more than $38million", 38e6, None, "more_than", {"USD"}),
        ("North Korea plans to shutter a dozen more.", "a dozen", 12, None, None, {None}),
    ],
)
def test_quantities(sentence, text, value, value_max, qualifier, units):
    q = only(sentence)
    check_offsets(sentence, [q])
    assert q["text"] == text
    assert q["value"] == pytest.approx(value)
    if value_max is None:
        assert q["value_max"] is None
    else:
        assert q["value_max"] == pytest.approx(value_max)
    assert q["qualifier"] == qualifier
    assert q["unit"] in units


def test_hundreds_of_millions_is_a_range_in_pounds():
    s = "This deal, thought to be worth hundreds of millions of pounds, will boost its economy."
    q = only(s)
    assert q["text"] == "hundreds of millions of pounds"
    assert q["value"] == pytest.approx(2e8)
    assert 5e8 <= q["value_max"] <= 1e9
    assert q["unit"] in ("GBP", "pounds")


@pytest.mark.parametrize(
    "sentence, text, value, unit",
    [
        ("The bill costs $4.2 billion in total.", "$4.2 billion", 4.2e9, "USD"),
        ("A grant of €3m was approved.", "€3m", 3e6, "EUR"),
        ("They paid £1.5bn for it.", "£1.5bn", 1.5e9, "GBP"),
        ("Revenue hit 1.5 billion dollars.", "1.5 billion dollars", 1.5e9, "USD"),
        ("The fund holds US$500,000 in cash.", "US$500,000", 5e5, "USD"),
        ("Exports reached 1.2 trillion won.", "1.2 trillion won", 1.2e12, "KRW"),
        ("The country has 1.5 billion people.", "1.5 billion people", 1.5e9, "people"),
    ],
)
def test_money_and_scales(sentence, text, value, unit):
    q = only(sentence)
    check_offsets(sentence, [q])
    assert (q["text"], q["unit"]) == (text, unit)
    assert q["value"] == pytest.approx(value)


@pytest.mark.parametrize(
    "sentence, text, lo, hi",
    [
        ("Between 10 and 20 soldiers died.", "Between 10 and 20 soldiers", 10, 20),
        ("Prices rose 10 to 20 percent.", "10 to 20 percent", 10, 20),
        ("About 10-20 people gathered.", "About 10-20 people", 10, 20),
        ("Output is 2 to 3 million barrels a day.", "2 to 3 million barrels", 2e6, 3e6),
        ("It takes five to six months.", "five to six months", 5, 6),
        ("It cost $2 million to $3 million.", "$2 million to $3 million", 2e6, 3e6),
    ],
)
def test_ranges(sentence, text, lo, hi):
    q = only(sentence)
    check_offsets(sentence, [q])
    assert q["text"] == text
    assert (q["value"], q["value_max"]) == (pytest.approx(lo), pytest.approx(hi))


@pytest.mark.parametrize(
    "sentence",
    [
        "He defected in 2016 and was elected in 2020.",
        "The summit took place in October.",
        "It happened on Oct. 5, 2020 at 10 a.m. local time.",
        "She arrived on 5 October and left at 3:30 p.m.",
        "The first mass closure since the 1990s.",
        "COVID-19 hit the G7 economies; the F-16 deal stalled.",
        "2024年5月28日 星期二 (2/2)",
        "One of them said it was the No. 1 priority under Section 230.",
        "The 1950-53 war ended in an armistice.",
        "I want to say one thing.",
        "The two taped an hourlong show.",
    ],
)
def test_not_quantities(sentence):
    assert find_quantities(sentence) == []


def test_offsets_index_the_full_text_and_respect_bounds():
    text = "Intro: 5 ships. Then more than a million artillery shells arrived. Finally 7 tanks."
    a = text.index("Then")
    b = text.index("Finally")
    found = find_quantities(text, a, b)
    check_offsets(text, found)
    assert [q["text"] for q in found] == ["more than a million artillery shells"]
    assert all(a <= q["start"] and q["end"] <= b for q in found)
    # a window that cuts a quantity never reports text outside it
    cut = text.index("million") + 3
    for q in find_quantities(text, a, cut):
        assert q["end"] <= cut and text[q["start"] : q["end"]] == q["text"]
    assert find_quantities(text, 10, 10) == []
    assert find_quantities("") == []
    all_q = find_quantities(text)
    check_offsets(text, all_q)
    assert [q["value"] for q in all_q] == [5, 1e6, 7]


def test_many_sentences_keep_the_offset_contract():
    text = (
        "North Korea sent more than a million artillery shells. Nearly 25 percent of missions closed; "
        "as many as a dozen embassies shut. About 600 escapees and some 2,000 defectors. Worth hundreds "
        "of millions of pounds; $4.2 billion; €3m; 10 to 20 percent; 12-hour days; two months' worth. "
    ) * 3
    found = find_quantities(text)
    check_offsets(text, found)
    assert len(found) == 3 * 11


def test_random_text_never_breaks_the_contract():
    import random

    pieces = list("0123456789 ,.-–$€£%abcxyz'’") + [
        "million ", "more than ", "between ", "and ", "to ", "hundreds ", "of ", "a ", "dozen ",
        "percent ", "US$", "USD ", "١٢٣", " Oct. ", "2016 ", "half ", "or so ", "-hour ", " worth ",
    ]
    rng = random.Random(3)
    for _ in range(3000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30)))
        a = rng.randrange(0, len(s) + 1)
        b = rng.randrange(a, len(s) + 1)
        for q in find_quantities(s, a, b):
            assert a <= q["start"] < q["end"] <= b
            assert s[q["start"] : q["end"]] == q["text"]
            assert q["value_max"] is None or q["value_max"] > q["value"]
