"""HTML extraction: the main text of a web page, with its paragraph structure, and the page's metadata.

* Text: trafilatura (its own fallbacks — a readability port and jusText — included), read from
  its XML tree so that every heading, paragraph, list item, blockquote paragraph, table row and
  caption becomes its own line: blocks are separated by ``"\\n\\n"``, list items and table rows
  by ``"\\n"`` (sentence splitting and quote detection rely on it), and composed (NFC). Lines that are site
  furniture (share/subscribe/cookie/sign-in lines, bare bylines and datelines, tweet bylines,
  navigation repeated across the page) are dropped here, before any offset exists
  (:mod:`workers.pipeline.furniture`), and so is everything after a related-links, about-the-author
  or press-contact heading near the end (``cut_related_tail``). The lead trafilatura leaves out —
  the page's description printed visibly, or the standfirst between the ``<h1>`` and the first
  extracted paragraph — is put back first (:mod:`workers.pipeline.lead`).
* Fallback: a plain tag stripper when trafilatura does not import (the worker refuses to start
  without it unless ``NEWSFLOW_HTML_FALLBACK=allow``) or finds no text on the page.
* Metadata (:class:`shared.schemas.PageMetadata`): title, authors, published date (time-zone
  aware ISO 8601, or absent), site name, canonical URL, description, tags/categories, main image
  and the ``<html lang>`` attribute.

The options were chosen on the dev pages (``eval/html_pages.py``; the table is in the README).
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from shared.extractor import extractor_status
from shared.schemas import PageMetadata

from .furniture import cut_related_tail, drop_furniture
from .lead import visible_lead, with_lead
from .page_meta import page_metadata

# trafilatura options (measured on the dev pages, see eval/html_pages.py)
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
    "no_fallback": False,
    "deduplicate": False,
}


def _date_params() -> dict[str, Any]:
    """htmldate without its extensive search: that one runs dateparser over the page text, which
    compiles regexes for hundreds of locales (5-10 s on the first page of a process, ~100 ms on
    later ones). The page's own tags (``page_meta``) come first anyway."""
    from trafilatura.metadata import set_date_params

    return set_date_params(False)


@dataclass
class Extracted:
    text: str
    method: str                         # "trafilatura" | "fallback"
    page: dict[str, Any] = field(default_factory=dict)  # PageMetadata fields, None dropped


# ----------------------------------------------------------------------------- fallback

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
    from .normalize import clean_text

    s = _COMMENTS.sub(" ", markup)
    s = _DROP_BLOCKS.sub(" ", s)
    s = _BLOCK_TAGS.sub("\n", s)
    s = _TAGS.sub(" ", s)
    s = html_lib.unescape(s)
    s = clean_text(s)
    s = _SPACES.sub(" ", s)
    s = "\n".join(line.strip() for line in s.split("\n"))
    return _BLANK_LINES.sub("\n\n", s).strip()


def _title_tag(markup: str) -> str | None:
    from .normalize import clean_text

    m = _TITLE.search(markup)
    if not m:
        return None
    return _SPACES.sub(" ", clean_text(html_lib.unescape(_TAGS.sub(" ", m.group(1))))).strip() or None


# ----------------------------------------------------------------------------- structure

_WS = re.compile(r"\s+")
_LINE_TAGS = ("list", "item", "table", "row", "quote", "p", "head")  # start a new line inside an element
_BLOCK_TAGS_XML = ("p", "head", "list", "table", "quote")


def _inline(el: Any) -> str:
    """The text of an element with ``<lb/>`` as a line break, whitespace collapsed per line."""
    parts: list[str] = []

    def walk(e: Any) -> None:
        if e.tag == "lb":
            parts.append("\n")
        elif e.text:
            parts.append(e.text)
        for child in e:
            if child.tag in _LINE_TAGS and e.tag not in ("p", "head", "cell"):
                parts.append("\n")
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    lines = (_WS.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _blocks(body: Any) -> list[str]:
    """Blocks of the extracted tree: each a string whose lines are its items/rows."""
    out: list[str] = []

    def emit(text: str) -> None:
        if text.strip():
            out.append(text)

    def visit(el: Any) -> None:
        tag = el.tag
        if tag == "list":  # one line per item (a nested list's items too)
            emit("\n".join(t for t in (_inline(item) for item in el) if t))
        elif tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [_WS.sub(" ", " ".join(c.itertext())).strip() for c in row if c.tag == "cell"]
                cells = [c for c in cells if c]
                if cells:
                    rows.append(" | ".join(cells))
            emit("\n".join(rows))
        elif tag in ("quote", "div", "body") and any(c.tag in _BLOCK_TAGS_XML for c in el):
            if el.text and el.text.strip():
                emit(_WS.sub(" ", el.text).strip())
            for child in el:
                visit(child)
                if child.tail and child.tail.strip():
                    emit(_WS.sub(" ", child.tail).strip())
        elif tag == "graphic":
            return
        else:
            emit(_inline(el))

    for child in body:
        visit(child)
        if child.tail and child.tail.strip():
            emit(_WS.sub(" ", child.tail).strip())
    return out


# ----------------------------------------------------------------------------- main

def extract(markup: str, url: str | None = None, options: dict[str, Any] | None = None,
            furniture: bool = True, lead: bool = True) -> Extracted:
    """Main text, method and page metadata of an HTML page."""
    text = ""
    method = "fallback"
    page: dict[str, Any] = {}
    if extractor_status().available:
        from trafilatura import bare_extraction
        from trafilatura.utils import load_html

        tree = load_html(markup)
        if tree is not None:
            page = page_metadata(tree, url)
            lead_text = visible_lead(tree) if lead else None
            opts = dict(TRAFILATURA_OPTIONS if options is None else options)
            opts.setdefault("date_extraction_params", _date_params())
            try:
                result = bare_extraction(tree, url=url, with_metadata=True, **opts)
            except Exception:  # noqa: BLE001 - a page trafilatura chokes on gets the tag stripper
                result = None
            if result is not None and result.body is not None:
                blocks = _blocks(result.body)
                if lead:
                    blocks = with_lead(tree, blocks, lead_text)
                if furniture:
                    blocks = drop_furniture(cut_related_tail(blocks))
                text = "\n\n".join(blocks)
                page = _merge_meta(page, result)
            if text.strip():
                method = "trafilatura"
    if not text.strip():
        text = strip_tags(markup)
    # composed characters (pages mix NFD "é" with NFC): the text is fixed here, before any offset exists
    text = unicodedata.normalize("NFC", text)
    if not page.get("title"):
        t = _title_tag(markup)
        if t:
            page["title"] = t
    if page.get("title"):
        page["title"] = _strip_site(page["title"], page.get("site_name"), url)
    page = {k: v for k, v in page.items() if v not in (None, [], "")}
    return Extracted(text, method, PageMetadata(**page).model_dump(exclude_none=True))


_TITLE_SEP = re.compile(r"\s+[|\-–—»:·•]\s+")


def _strip_site(title: str, site: str | None, url: str | None) -> str:
    """``Headline - Site`` / ``Site | Headline`` → ``Headline`` when one side names the site."""
    parts = _TITLE_SEP.split(title.strip())
    if len(parts) < 2:
        return title.strip()
    host = re.sub(r"^www\d?\.", "", re.sub(r"^[a-z]+://", "", (url or "").lower()).split("/")[0])
    names = {n for n in (site and site.lower().strip(), host, host.rsplit(".", 1)[0] if host else None) if n}

    def is_site(part: str) -> bool:
        p = part.lower().strip()
        return bool(p) and (p in names or any(p.replace(" ", "") == n.replace(" ", "") for n in names))

    if is_site(parts[-1]) and len(parts[-1]) < len(title) / 2 + 1:
        return title[: title.rfind(parts[-1])].rstrip(" |-–—»:·•").strip() or title.strip()
    if is_site(parts[0]) and len(parts[0]) < len(title) / 2 + 1:
        return title[len(parts[0]):].lstrip(" |-–—»:·•").strip() or title.strip()
    return title.strip()


def _merge_meta(page: dict[str, Any], doc: Any) -> dict[str, Any]:
    """Fill what the page's own tags did not give from trafilatura's metadata."""
    from .page_meta import split_authors, to_aware_iso

    out = dict(page)
    out.setdefault("title", doc.title)
    if not out.get("authors") and doc.author:
        out["authors"] = split_authors(doc.author)
    # htmldate picks the day more reliably (243 vs 240 of 293 dev pages with a known date); the page's
    # own tag gives the time and offset when it agrees on the day
    if doc.date and (not out.get("published_at") or out["published_at"][:10] != doc.date[:10]):
        out["published_at"] = to_aware_iso(doc.date)
    out.setdefault("site_name", doc.sitename)
    if not out.get("canonical_url") and doc.url and re.match(r"^https?://", doc.url, re.I):
        out["canonical_url"] = doc.url
    out.setdefault("description", doc.description)
    if not out.get("tags"):
        tags = [*(doc.categories or []), *(doc.tags or [])]
        out["tags"] = list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))[:50]
    out.setdefault("image", doc.image)
    return {k: v for k, v in out.items() if v is not None}
