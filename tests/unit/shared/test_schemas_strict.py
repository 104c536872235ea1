"""Strict intake types: external_id must be a string, integers must round-trip, metadata depth is bounded."""

import json

import orjson
import pytest
from pydantic import ValidationError

from shared.jsonscan import loads_exact, parse_exact
from shared.schemas import MAX_DEPTH, MAX_METADATA_DEPTH, ArticleIn, validate_article

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


# ------------------------------------------------------------------ precedence (one walk: shared.jsonscan)

BIG = 123456789012345678901234567890


def chain(depth: int, leaf: object = 1) -> object:
    """``depth`` levels of objects and arrays (alternating, an object outermost) around ``leaf``."""
    value = leaf
    for i in range(depth):
        value = {"a": value} if (depth - i) % 2 else [value]
    return value


def test_too_deep_wins_over_a_big_integer_in_the_same_metadata():
    obj = loads_exact(b'{"text": "x", "metadata": {"n": 123456789012345678901234567890, "d": '
                      + json.dumps(chain(MAX_METADATA_DEPTH)).encode() + b"}}")
    assert obj["metadata"]["n"] == BIG  # exact: the walk saw the float, the bytes were parsed again
    article, errors = validate_article(obj)
    assert article is None and errors == [{"loc": ["metadata"], "type": "too_deep",
                                           "msg": f"nested deeper than {MAX_METADATA_DEPTH} levels"}]


def test_too_deep_names_the_first_deep_field_in_object_order_and_hides_every_other_error():
    deep = chain(MAX_METADATA_DEPTH + 1)
    for order, first in ((("extra", "metadata"), "extra"), (("metadata", "extra"), "metadata")):
        obj = {"url": "not a url", order[0]: deep, "external_id": 7, order[1]: deep}  # no text either
        assert validate_article(obj, (4,))[1] == [{"loc": [4, first], "type": "too_deep",
                                                   "msg": f"nested deeper than {MAX_METADATA_DEPTH} levels"}]
    # a deep field elsewhere wins over a big integer in metadata
    errors = validate_article({"text": "x", "metadata": {"n": BIG}, "title": [chain(MAX_METADATA_DEPTH)]})[1]
    assert [(e["loc"], e["type"]) for e in errors] == [(["title"], "too_deep")]
    # exactly at the limit is not too deep: the other errors show
    errors = validate_article({"text": "x", "title": chain(MAX_METADATA_DEPTH)})[1]
    assert [(e["loc"], e["type"]) for e in errors] == [(["title"], "string_type")]


def test_a_big_integer_is_one_field_error_among_pydantics_in_field_order():
    errors = validate_article({"metadata": {"l": [1, {"x": -BIG}]}, "text": "x", "url": "ftp://no"})[1]
    assert [(e["loc"], e["type"]) for e in errors] == [(["url"], "string_pattern_mismatch"),
                                                       (["metadata"], "value_error")]
    assert "64-bit" in errors[1]["msg"]
    # more than MAX_METADATA_KEYS keys is said first (the integer is not looked at)
    many = {f"k{i}": i for i in range(101)} | {"big": BIG}
    errors = validate_article({"text": "x", "metadata": many})[1]
    assert len(errors) == 1 and "at most 100 keys" in errors[0]["msg"]
    # a big integer outside metadata is a type error of its own field
    errors = validate_article({"text": "x", "title": BIG, "metadata": {"ok": 2 ** 64 - 1}})[1]
    assert [(e["loc"], e["type"]) for e in errors] == [(["title"], "string_type")]


def test_not_an_object_is_too_deep_past_max_depth_else_a_type_error():
    assert validate_article([chain(MAX_DEPTH)], (2,))[1] == [{"loc": [2], "type": "too_deep",
                                                              "msg": f"nested deeper than {MAX_METADATA_DEPTH} levels"}]
    errors = validate_article([chain(MAX_DEPTH - 1)], (2,))[1]
    assert [(e["loc"], e["type"]) for e in errors] == [([2], "model_type")]


def test_the_model_alone_still_refuses_a_big_integer_and_depth_in_metadata():
    with pytest.raises(ValidationError, match="64-bit"):
        ArticleIn.model_validate({"text": "x", "metadata": {"n": [BIG]}})
    with pytest.raises(ValidationError, match="nested deeper"):
        ArticleIn.model_validate({"text": "x", "metadata": chain(MAX_METADATA_DEPTH + 1)})
    assert ArticleIn.model_validate({"text": "x", "metadata": chain(MAX_METADATA_DEPTH)}).metadata


def test_batch_items_get_their_own_scan():
    body = orjson.dumps([{"text": "x", "metadata": {"f": 0.5, "d": chain(MAX_METADATA_DEPTH)}},
                         {"text": "y"}])[:-1] + b', {"text": "z", "metadata": {"n": 18446744073709551616}}]'
    data, scans = parse_exact(body, batch=True)
    assert data[2]["metadata"]["n"] == 2 ** 64  # exact: item 0's float opened the search
    results = [validate_article(item, (i,), scan) for i, (item, scan) in enumerate(zip(data, scans))]
    assert [(e["loc"], e["type"]) for _, errs in results for e in errs] == [([0, "metadata"], "too_deep"),
                                                                            ([2, "metadata"], "value_error")]
    assert results == [validate_article(item, (i,)) for i, item in enumerate(data)]  # the same without the scan
