"""Strict intake types: external_id must be a string, integers must round-trip, metadata depth is bounded."""

import pytest

from services.intake import loads_exact
from shared.schemas import MAX_METADATA_DEPTH, validate_article

pytestmark = pytest.mark.unit


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("ext", [1, True, 1.5, ["1"], {"a": 1}])
def test_external_id_must_be_a_string(ext):
    article, errors = validate_article({"text": "x", "external_id": ext})
    assert article is None and [e["loc"] for e in errors] == [["external_id"]]


def test_string_external_ids_stay_distinct():
    ok, errors = validate_article({"text": "x", "external_id": "1"})
    assert not errors and ok["external_id"] == "1"


def test_big_integer_is_refused_by_name_not_rounded():
    obj = loads_exact(b'{"text": "x", "metadata": {"x": 123456789012345678901234567890}}')
    assert obj["metadata"]["x"] == 123456789012345678901234567890  # exact, not a float
    article, errors = validate_article(obj)
    assert article is None and errors[0]["loc"] == ["metadata"] and "64-bit" in errors[0]["msg"]


def test_64_bit_integers_round_trip():
    obj = loads_exact(b'{"text": "x", "metadata": {"u": 18446744073709551615, "i": -9223372036854775808}}')
    article, errors = validate_article(obj)
    assert not errors and article["metadata"] == {"u": 2 ** 64 - 1, "i": -(2 ** 63)}


def test_big_integer_next_to_a_float_is_exact_and_a_float_alone_stays_a_float():
    obj = loads_exact(b'{"text": "x", "metadata": {"f": 0.5, "l": [1, {"x": -123456789012345678901234567890}]}}')
    assert obj["metadata"] == {"f": 0.5, "l": [1, {"x": -123456789012345678901234567890}]}
    assert isinstance(obj["metadata"]["l"][1]["x"], int)
    assert loads_exact(b'{"text": "x", "metadata": {"f": 1e300}}')["metadata"]["f"] == 1e300


def test_big_digits_inside_a_string_are_left_alone():
    obj = loads_exact(b'{"text": "id 123456789012345678901234567890"}')
    assert validate_article(obj)[0]["text"] == "id 123456789012345678901234567890"


@pytest.mark.parametrize("depth,ok", [(MAX_METADATA_DEPTH, True), (MAX_METADATA_DEPTH + 1, False), (254, False),
                                      (1000, False)])
def test_metadata_depth_limit(depth, ok):
    article, errors = validate_article({"text": "x", "metadata": nested(depth)})
    assert (article is not None) is ok
    if not ok:
        assert errors[0]["loc"] == ["metadata"], errors
