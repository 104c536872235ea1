"""Page metadata read from the page's own tags (what trafilatura's metadata does not give or gives
without a time zone): ``<html lang>``, the canonical URL, the published time with its offset
(Open Graph ``article:published_time``, ``itemprop=datePublished``, JSON-LD ``datePublished``, …)
and authors from JSON-LD. Everything else comes from trafilatura (see :mod:`.extract`).

Dates are time-zone-aware ISO 8601 or absent: a page time without an offset, or a bare date, is
taken as UTC — the same rule as the intake's ``published_at``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

_DATE_XPATHS = (
    '//meta[@property="article:published_time" or @name="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    '//meta[@property="og:published_time" or @name="og:published_time"]/@content',
    '//meta[translate(@name,"ABCDEFGHIJKLMNOPQRSTUVWXYZ","abcdefghijklmnopqrstuvwxyz")'
    '="dc.date.issued" or @name="parsely-pub-date" or @name="sailthru.date" or @name="pubdate"'
    ' or @name="publishdate" or @name="publish-date"]/@content',
)
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_YEAR_MIN = 1990


def to_aware_iso(value: str | None) -> str | None:
    """``value`` as time-zone-aware ISO 8601 (no offset → UTC), or None when it does not parse."""
    if not value or not isinstance(value, str):
        return None
    s = value.strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)  # +0100 → +01:00
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    now = datetime.now(timezone.utc)
    if dt.year < _YEAR_MIN or dt > now.replace(year=now.year + 1):
        return None
    return dt.isoformat()


def split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    parts = re.split(r"\s*(?:;|\||,\s*(?:and\s+)?|\s+and\s+|\s+und\s+|\s+et\s+)\s*", value)
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip() and len(p.strip()) < 120))[:20]


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in tree.xpath('//script[@type="application/ld+json"]/text()')[:10]:
        try:
            data = json.loads(node)
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            d = stack.pop()
            if isinstance(d, list):
                stack.extend(d)
            elif isinstance(d, dict):
                out.append(d)
                if "@graph" in d:
                    stack.append(d["@graph"])
    return out


def _ld_authors(entries: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for d in entries:
        if not str(d.get("@type", "")).endswith(("Article", "Posting", "Report", "BlogPosting")):
            continue
        a = d.get("author")
        for item in a if isinstance(a, list) else [a]:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and name.strip() and not name.startswith("http"):
                names.append(name.strip())
    return list(dict.fromkeys(names))[:20]


def page_metadata(tree: Any, url: str | None) -> dict[str, Any]:
    """What the page's own tags say (keys only when found)."""
    out: dict[str, Any] = {}
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        metas = tree.xpath('//meta[translate(@http-equiv,"CONTENT-LANGUAGE","content-language")'
                           '="content-language"]/@content')
        lang = metas[0] if metas else None
    if lang and _LANG.match(lang.strip()):
        out["html_lang"] = lang.strip()
    canon = tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href')
    if canon and canon[0].strip():
        href = urljoin(url, canon[0].strip()) if url else canon[0].strip()
        if re.match(r"^https?://", href, re.I):
            out["canonical_url"] = href
    entries = _json_ld(tree)
    for xp in _DATE_XPATHS:
        for v in tree.xpath(xp):
            iso = to_aware_iso(v)
            if iso:
                out["published_at"] = iso
                break
        if "published_at" in out:
            break
    if "published_at" not in out:
        for d in entries:
            iso = to_aware_iso(d.get("datePublished")) if isinstance(d.get("datePublished"), str) else None
            if iso:
                out["published_at"] = iso
                break
    authors = _ld_authors(entries)
    if authors:
        out["authors"] = authors
    return out
