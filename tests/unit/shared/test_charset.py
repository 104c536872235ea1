"""shared.charset: header charset, BOM, <meta>, detection; browser-style labels."""

from __future__ import annotations

import pytest

from shared.charset import codec_for, decode_html, decode_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("label,codec", [("ISO-8859-1", "cp1252"), ("latin1", "cp1252"), ("GBK", "gb18030"),
                                         ("gb2312", "gb18030"), ("Shift_JIS", "cp932"), ("UTF8", "utf-8"),
                                         ("windows-1251", "cp1251"), ("'koi8-r'", "koi8-r"), ("nope-42", None),
                                         ("", None), (None, None)])
def test_labels_map_like_browsers(label, codec):
    assert codec_for(label) == codec


def test_header_wins_over_meta_and_bom_wins_over_header():
    html = '<meta charset="utf-8"><p>Привет</p>'
    assert decode_html(html.encode("cp1251"), "windows-1251") == (html, "cp1251")
    assert decode_html(b"\xef\xbb\xbf" + html.encode("utf-8"), "windows-1251") == (html, "utf-8")


def test_windows_1252_bytes_under_a_latin1_label():
    raw = "“Quoted” – 5 €".encode("cp1252")
    assert decode_text(raw, "iso-8859-1")[0] == "“Quoted” – 5 €"


def test_meta_http_equiv_and_detection():
    html = '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>日本語の文章です。</p>'
    assert decode_html(html.encode("shift_jis"), None)[0] == html
    text = "Съешь же ещё этих мягких французских булок, да выпей чаю. " * 5
    assert decode_text(text.encode("cp1251"), None) == (text, "cp1251")
    assert decode_text("naïve café".encode("utf-8"), None) == ("naïve café", "utf-8")


def test_undecodable_bytes_become_replacement_characters():
    assert decode_text(b"ok \xff\xfe\xfd", "utf-8")[0].startswith("ok \ufffd")
