"""The one walk over a parsed JSON article (shared.jsonscan): depth, floats, out-of-range integers."""

from collections import OrderedDict

import pytest

from shared.jsonscan import INT_MAX, INT_MIN, MAX_DEPTH, MAX_METADATA_DEPTH, Walk, scan_article, walk

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value,expected", [
    ("text", Walk(0, False, False)),
    (1.5, Walk(0, True, False)),
    (INT_MAX + 1, Walk(0, False, True)),
    (True, Walk(0, False, False)),
    ([], Walk(1, False, False)),
    ({"a": [1, {"b": []}]}, Walk(4, False, False)),
    ([[[0.0]], "s", None], Walk(3, True, False)),
    ({"lo": INT_MIN, "hi": INT_MAX, "b": [False]}, Walk(2, False, False)),
    ({"x": [[INT_MIN - 1]], "y": {"z": 2.0}}, Walk(3, True, True)),
    (OrderedDict(a=[OrderedDict(b=1e9)]), Walk(3, True, False)),
])
def test_walk(value, expected):
    assert walk(value) == expected


def test_walk_is_iterative():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert walk(value).depth == 100_001


def test_scan_article_names_the_first_deep_field_and_finds_floats_anywhere():
    deep = {"a": []}
    for _ in range(MAX_METADATA_DEPTH - 1):
        deep = {"a": deep}  # MAX_METADATA_DEPTH + 1 levels
    scan = scan_article({"text": "x", "b": [0.5], "c": deep, "metadata": deep})
    assert scan.too_deep == ["c"] and scan.floats
    assert scan.metadata_problem == f"nested deeper than {MAX_METADATA_DEPTH} levels"
    scan = scan_article({"text": "x", "metadata": {"n": [INT_MAX + 1]}, "d": deep["a"]})
    assert scan.too_deep is None and not scan.floats and "64-bit" in scan.metadata_problem
    assert scan_article({"n": INT_MAX + 1, "metadata": {"ok": 1}}).metadata_problem is None  # metadata only
    assert scan_article([deep]).too_deep == [] and scan_article([deep["a"]]).too_deep is None  # MAX_DEPTH
    assert walk([deep["a"]]).depth == MAX_DEPTH
    assert scan_article(2.5).floats and scan_article("s").too_deep is None
