"""Normalisation stage: fixes ``doc.text`` once; every later offset indexes into it.

* Plain ``text`` (preferred when given): the input with control characters (C0/C1 except
  ``\\n``/``\\t``), zero-width and other invisible format characters (ZWSP, ZWJ, BOM, soft hyphen,
  bidi controls, tag characters, …) and unusual spaces (NBSP, ideographic space, …) replaced
  **one-for-one** — line-like controls (CR, VT, FF, NEL, U+2028/2029) by ``\\n``, the rest by a
  space — and lone surrogates by U+FFFD. The length never changes, so an offset into the
  client's text is an offset into ``doc.text``.
* ``html`` only: the main text is extracted by :mod:`.extract` (trafilatura, paragraph structure
  kept, site furniture dropped; fallback: a plain tag stripper, recorded as
  ``extraction.method = "fallback"``), then cleaned the same way. The page's metadata goes to
  ``doc.page``; the title and published time come from it when the client sent none, and its
  ``<html lang>`` becomes the language hint when the client sent no ``language``.

Every document records ``extraction: {method: "trafilatura" | "fallback" | "text", chars_in,
chars_out}``.

An article that yields no text at all is a permanent error (:class:`EmptyDocumentError`): the
document fails on its own, it is never retried.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from typing import Optional

from pydantic import BaseModel, Field

from shared.schemas import PageMetadata

from .document import AnalysisDoc, Extraction, TextStats
from .extract import extract, strip_tags
from .registry import stage

__all__ = ["EmptyDocumentError", "NormalizeStage", "clean_text", "strip_tags", "text_stats"]


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


_SPACES = re.compile(r"[ \t]+")


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
            page = extract(raw_html, article.get("url"))
            text, method = clean_text(page.text), page.method
            doc.page = page.page
            if not doc.title and page.page.get("title"):
                doc.title = page.page["title"]
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
    page: Optional[PageMetadata] = Field(None, description="what an HTML page says about itself (html articles "
                                                           "only; absent otherwise)")


@stage("normalize", requires=["article"], assigns=["text", "title", "stats", "extraction", "page"],
       output=NormalizeOutput)
def make_normalize_stage() -> NormalizeStage:
    return NormalizeStage()
