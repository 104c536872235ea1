"""Paging cursors and index scores (pure functions of shared.store.reads)."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone

import pytest

from shared.store import InvalidCursor, decode_cursor, encode_cursor, to_score

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("score, member", [
    (0.0, "a"), (1764650000123456.0, "0123456789abcdef"), (1764650000123456.0, "doc:0003"),
    (5.0, "with|pipe"), (7.0, "ünïcødé ☃"), (9007199254740992.0, "2**53"),
])
def test_cursor_round_trip(score, member):
    cursor = encode_cursor(score, member)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor), cursor  # URL-safe, no padding
    assert decode_cursor(cursor) == (score, member)


def test_cursor_score_is_truncated_to_an_integer():
    assert decode_cursor(encode_cursor(12.9, "m")) == (12.0, "m")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("cursor", ["", "!!!", "a", _b64(b"no-separator"), _b64(b"x|member"), _b64(b"\xff\xfe|m")])
def test_garbage_is_an_invalid_cursor(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)


def test_invalid_cursor_is_a_value_error():
    assert issubclass(InvalidCursor, ValueError)


def test_to_score_units_and_forms():
    t = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)
    us = t.timestamp() * 1e6
    assert to_score(t) == us
    assert to_score("2026-03-04T05:06:07.890Z") == us
    assert to_score("2026-03-04T06:06:07.890+01:00") == us
    assert to_score(t.replace(tzinfo=None)) == us  # naive = UTC
    assert to_score(t.timestamp()) == pytest.approx(us)
    assert to_score(t + timedelta(seconds=1)) - us == pytest.approx(1e6)
    assert to_score(None) is None and to_score("") is None
