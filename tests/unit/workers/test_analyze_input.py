"""``newsflow analyze`` reads an input line as intake reads a JSON body (``shared.jsonscan.parse_exact``,
then ``validate_article`` with its scan): an integer beyond 64 bits is refused by name, not rounded."""

from __future__ import annotations

import pytest

from shared.jsonscan import BIG_INT
from workers.analyze import _parse

pytestmark = pytest.mark.unit

BIG = 123456789012345678901234567890  # 97 bits: orjson alone reads it as a float (1.2345678901234568e+29)


@pytest.mark.parametrize("raw", [
    b'{"text": "x", "metadata": {"n": %d}}' % BIG,
    b'{"text": "x", "metadata": {"f": 0.5, "l": [1, {"x": -%d}]}}' % BIG,  # nested, next to a real float
    b'{"text": "x", "metadata": {"n": %d}}' % (2 ** 64),                    # one past the 64-bit range
])
def test_an_integer_beyond_64_bits_is_a_validation_error_naming_metadata(raw):
    out = _parse(raw, 7)
    assert "article" not in out, out
    assert out["line"] == 7 and out["error"]["code"] == "validation_error"
    assert out["error"]["message"] == "the article does not match the schema"
    [detail] = out["error"]["details"]
    assert detail["loc"] == ["metadata"] and BIG_INT in detail["msg"]


def test_64_bit_integers_stay_exact_integers():
    out = _parse(b'{"text": "x", "metadata": {"u": 18446744073709551615, "i": -9223372036854775808, "f": 0.5}}', 1)
    meta = out["article"]["metadata"]
    assert meta == {"u": 2 ** 64 - 1, "i": -(2 ** 63), "f": 0.5}
    assert isinstance(meta["u"], int) and isinstance(meta["i"], int)


def test_big_digits_in_a_string_and_invalid_json_are_unchanged():
    assert _parse(b'{"text": "id %d"}' % BIG, 1)["article"]["text"] == f"id {BIG}"
    out = _parse(b'{"text": 1', 2)
    assert out["line"] == 2 and out["error"]["code"] == "invalid_json"
