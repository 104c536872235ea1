"""Normalisation stage: fixes ``doc.text`` once; every later offset indexes into it.

* Plain ``text`` (preferred when given): the input with control characters (C0/C1 except
  ``\\n``/``\\t``), zero-width and other invisible format characters (ZWSP, ZWJ, BOM, soft hyphen,
  bidi controls, tag characters, …) and unusual spaces (NBSP, ideographic space, …) replaced
  **one-for-one** — line-like controls (CR, VT, FF, NEL, U+2028/2029) by ``\\n``, the rest by a
  space — and lone surrogates by U+FFFD. The length never changes, so an offset into the
  client's text is an offset into ``doc.text``.
* ``html`` only: the main text is extracted with trafilatura (fallback: a plain tag stripper,
  recorded as ``extraction.method = "fallback"``), then cleaned the same way; the title comes
  from the HTML when the article has none.

Every document records ``extraction: {method: "trafilatura" | "fallback" | "text", chars_in,
chars_out}``.

An article that yields no text at all is a permanent error (:class:`EmptyDocumentError`): the
document fails on its own, it is never retried.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from functools import lru_cache

from pydantic import BaseModel, Field

from shared.extractor import extractor_status

from .document import AnalysisDoc, Extraction, TextStats
from .registry import stage


class EmptyDocumentError(ValueError):
    """The article has no usable text (e.g. HTML with only scripts, or only invisible characters)."""


_NEWLINE_LIKE = {0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029}
# Format characters outside the BMP that render as nothing (tags, shorthand format controls,
# musical symbol format controls).
_ASTRAL_INVISIBLE = [0xE0001, *range(0xE0020, 0xE0080), *range(0x1BCA0, 0x1BCA4), *range(0x1D173, 0x1D17B)]


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            table[cp] = "\ufffd"  # lone surrogate (a valid pair never reaches us as two code points)
            continue
        if cp in (0x09, 0x0A, 0x20):
            continue
        if cp in _NEWLINE_LIKE:
            table[cp] = "\n"
            continue
        cat = unicodedata.category(chr(cp))
        if cat in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            table[cp] = " "
        elif cp in (0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F):  # Hangul fillers, combining grapheme joiner
            table[cp] = " "
        elif cp in (0xFFFE, 0xFFFF):
            table[cp] = "\ufffd"
    for cp in _ASTRAL_INVISIBLE:
        table[cp] = " "
    return table


def clean_text(text: str) -> str:
    """Replace control/invisible/odd-space characters one-for-one; ``len`` is preserved."""
    # CRLF → " \n" (NUL is mapped to a space by the table) keeps one line break per line ending;
    # a lone CR becomes "\n". Both replacements keep the length.
    if "\r" in text:
        text = text.replace("\r\n", "\x00\n")
    return text.translate(_table())


# ----------------------------------------------------------------------------- HTML

_DROP_BLOCKS = re.compile(r"<(script|style|noscript|template|svg|head)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_BLOCK_TAGS = re.compile(r"</?(p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|header|footer|blockquote|pre)\b[^>]*>",
                         re.I)
_TAGS = re.compile(r"<[^>]*>")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def strip_tags(markup: str) -> str:
    """A plain, dependency-free tag stripper (fallback when the extractor finds nothing)."""
    s = _COMMENTS.sub(" ", markup)
    s = _DROP_BLOCKS.sub(" ", s)
    s = _BLOCK_TAGS.sub("\n", s)
    s = _TAGS.sub(" ", s)
    s = html_lib.unescape(s)
    s = clean_text(s)
    s = _SPACES.sub(" ", s)
    s = "\n".join(line.strip() for line in s.split("\n"))
    return _BLANK_LINES.sub("\n\n", s).strip()


def html_to_text(markup: str) -> tuple[str, str | None, str]:
    """Main text, title and extraction method of an HTML page.

    trafilatura when it imports (the worker refuses to start without it unless
    ``NEWSFLOW_HTML_FALLBACK=allow``); the plain tag stripper when it does not, or when it finds no
    text on this page. The method says which: ``trafilatura`` or ``fallback``.
    """
    text = ""
    title = None
    method = "fallback"
    if extractor_status().available:
        import trafilatura

        text = trafilatura.extract(markup, include_comments=False, favor_recall=True) or ""
        meta = trafilatura.extract_metadata(markup)
        title = meta.title if meta is not None else None
        if text.strip():
            method = "trafilatura"
    if not text.strip():
        text = strip_tags(markup)
    if not title:
        m = _TITLE.search(markup)
        if m:
            title = _SPACES.sub(" ", clean_text(html_lib.unescape(_TAGS.sub(" ", m.group(1))))).strip() or None
    return clean_text(text), title, method


# ----------------------------------------------------------------------------- stats

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+(?:['’\-][^\W_{_CJK}]+)*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+|(?<=[。！？])|\n+")
_HAS_WORD = re.compile(r"[^\W_]")


def text_stats(text: str) -> dict[str, int]:
    """Cheap regex counts: characters, words (each CJK character counts as one), sentences."""
    return {
        "chars": len(text),
        "words": sum(1 for _ in _WORD.finditer(text)),
        "sentences": sum(1 for s in _SENTENCE_BREAK.split(text) if s and _HAS_WORD.search(s)),
    }


class NormalizeStage:
    name = "normalize"

    def __call__(self, doc: AnalysisDoc) -> None:
        article = doc.article
        raw_text = article.get("text")
        raw_html = article.get("html")
        chars_in = 0
        method = "text"
        if isinstance(raw_text, str) and raw_text.strip():
            chars_in = len(raw_text)
            text = clean_text(raw_text)
        elif isinstance(raw_html, str) and raw_html.strip():
            chars_in = len(raw_html)
            text, html_title, method = html_to_text(raw_html)
            if not doc.title and html_title:
                doc.title = html_title
        else:
            text = ""
        doc.extraction = Extraction(method=method, chars_in=chars_in, chars_out=len(text))
        if not text.strip():
            raise EmptyDocumentError("the article has no readable text after normalisation")
        if doc.title:
            doc.title = _SPACES.sub(" ", clean_text(doc.title)).strip() or None
        doc.text = text
        doc.stats = TextStats(**text_stats(text))


class NormalizeOutput(BaseModel):
    stats: TextStats = Field(..., description="cheap counts of the normalised text")
    extraction: Extraction = Field(..., description="how the text was obtained")


@stage("normalize", requires=["article"], assigns=["text", "title", "stats", "extraction"], output=NormalizeOutput)
def make_normalize_stage() -> NormalizeStage:
    return NormalizeStage()
