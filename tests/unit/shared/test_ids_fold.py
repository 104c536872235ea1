"""The fast content fold hashes exactly what the plain definition does (the dedupe keys and the
revisions' content_sha256 must not change with it)."""

from __future__ import annotations

import hashlib
import random
import sys
import unicodedata

import pytest

from shared.ids import content_sha256, dedupe_keys, fold_content

pytestmark = pytest.mark.unit

WHITE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
TRICKY = WHITE + list("aZ09.,\"'") + ["ß", "İ", "Σ", "ς", "ﬁ", "Ａ", "①", "é", "e\u0301", "\u0301", "\u00c5", "Å",
                                     "ǅ", "ﬀ", "\ud800", "\udfff", "☃", "中", "\x00", "\x7f", "\u200b", "\ufeff"]


def reference(text: str) -> bytes:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold().encode("utf-8", "surrogatepass")


def test_white_space_table_is_what_str_split_splits_on():
    assert {c for c in WHITE if c.isascii()} == set(" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")


@pytest.mark.parametrize("text", ["", " ", "  a  ", "A\tB\n\nC\r\n", "\x1cx\x1fy", "Straße  ŞİR", "a\u00a0b\u3000c",
                                  "a\x85b\u2028c", "ﬁne\u2029", "x" + " " * 1000 + "y", "Ｆｕｌｌ　ｗｉｄｔｈ",
                                  "cafe\u0301  CAFÉ", "lone \ud800 surrogate"])
def test_fold_matches_the_definition(text):
    assert fold_content(text) == reference(text)


def test_fold_matches_the_definition_on_random_text():
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choice(TRICKY) for _ in range(rng.randrange(0, 40)))
        assert fold_content(text) == reference(text), repr(text)
    for _ in range(300):  # mostly ASCII, as articles are
        text = "".join(rng.choice("abAZ  \n\t.\x1c\x1f\x0b@[`{") for _ in range(rng.randrange(0, 200)))
        assert fold_content(text) == reference(text), repr(text)


def test_content_keys_use_the_fold():
    text = "The  Ships\n\nleft BUSAN."
    sha = hashlib.sha256(reference(text)).hexdigest()
    assert content_sha256(text) == sha
    assert dedupe_keys({"text": text})["content"] == sha[:16]
    assert dedupe_keys({"text": text}, content_sha="f" * 64)["content"] == "f" * 16  # a digest the caller has
