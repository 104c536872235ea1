"""Bytes → text for raw pages and plain text posted to the intake.

The charset comes from, in order: a byte-order mark, the ``Content-Type`` header's ``charset``,
(HTML only) the page's ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` within its
first 4 KB, strict UTF-8, and finally detection with charset-normalizer. Labels are mapped the
way browsers map them (WHATWG Encoding): ``iso-8859-1``/``ascii`` decode as windows-1252,
``gb2312``/``gbk`` as GB18030, ``shift_jis`` as windows-31j. Undecodable bytes become U+FFFD.
The text is decoded before any offset is defined.
"""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_WHATWG = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "l1": "cp1252",
    "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "tis-620": "cp874",
    "iso-8859-11": "cp874", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}
# Detection considers only the encodings the web uses (WHATWG's legacy single- and multi-byte
# encodings); left free, charset-normalizer picks e.g. iso8859_10 for plain French.
WEB_ENCODINGS = ("utf_8", "cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
                 "koi8_r", "koi8_u", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_8", "iso8859_15", "cp874",
                 "gb18030", "big5", "cp932", "euc_jp", "iso2022_jp", "cp949", "mac_cyrillic", "cp866")
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, browser-style; None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _WHATWG.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _detect(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(WEB_ENCODINGS)).best()
    return codec_for(best.encoding) or "utf-8" if best is not None else "utf-8"


def _decode(raw: bytes, codec: str) -> str:
    return raw.decode(codec, errors="replace")


def _bom(raw: bytes) -> tuple[bytes, str | None]:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):], codec
    return raw, None


def decode_text(raw: bytes, header_charset: str | None) -> tuple[str, str]:
    """Plain text: (text, codec used)."""
    raw, codec = _bom(raw)
    codec = codec or codec_for(header_charset) or _detect(raw)
    return _decode(raw, codec), codec


def decode_html(raw: bytes, header_charset: str | None) -> tuple[str, str]:
    """An HTML page: (text, codec used)."""
    raw, codec = _bom(raw)
    codec = codec or codec_for(header_charset)
    if codec is None:
        m = _META.search(raw[:4096])
        codec = codec_for(m.group(1).decode("ascii", "replace")) if m else None
        if codec in ("utf-16", "utf-16-le", "utf-16-be"):  # a meta tag readable as ASCII is not UTF-16
            codec = "utf-8"
    codec = codec or _detect(raw)
    return _decode(raw, codec), codec
