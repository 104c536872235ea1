"""The article's lead (standfirst / teaser paragraph) that the main-text extractor left out.

Extractors often skip the lead printed between the headline and the body (``<p class="lead">``,
``<div class="intro">``, a teaser in the article header): it sits outside the container they pick.
Pages nearly always repeat that lead as their meta description. So: when the page's description
(``og:description`` / ``description`` / ``twitter:description``) is printed *visibly* in the page
body as one element of its own, and the extracted text does not contain it, that element's text
becomes the first block. A description that only lives in ``<meta>`` adds nothing.
"""

from __future__ import annotations

import re
from typing import Any

_DESC_XPATH = ('//meta[@property="og:description" or @name="description" or @name="Description"'
               ' or @name="twitter:description" or @property="twitter:description"]/@content')
_HIDDEN = {"script", "style", "noscript", "template", "title", "head", "meta", "textarea", "option", "select"}
_WS = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")
MIN_WORDS = 8      # shorter descriptions are slogans or site blurbs, not a lead
MAX_CLIMB = 4      # ancestors climbed from the text node to the element holding the whole description


def _norm(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _descriptions(tree: Any) -> list[str]:
    out: list[str] = []
    for d in tree.xpath(_DESC_XPATH):
        d = _ELLIPSIS.sub("", _norm(str(d)))
        if len(d.split()) >= MIN_WORDS and d not in out:
            out.append(d)
    return out


def _xpath_literal(s: str) -> str:
    if '"' not in s:
        return f'"{s}"'
    if "'" not in s:
        return f"'{s}'"
    return "concat(" + ", '\"', ".join(f'"{p}"' for p in s.split('"')) + ")"


def visible_lead(tree: Any) -> str | None:
    """The visible element's text that carries the page's description, or None.

    The element must hold the description and little else (at most 1.5 times its length), and
    must not sit in ``<head>``, a script, a form control or a link (a teaser linking elsewhere).
    """
    for desc in _descriptions(tree):
        probe = desc[:40]
        for node in tree.xpath(f"//body//text()[contains(., {_xpath_literal(probe)})]")[:5]:
            el = node.getparent()
            if el is None:
                continue
            for _ in range(MAX_CLIMB + 1):
                if not isinstance(el.tag, str) or el.tag in ("body", "html"):
                    break
                text = _norm(el.text_content())
                if desc in text:
                    if len(text) > 1.5 * len(desc) + 20:
                        break
                    if any(a.tag in _HIDDEN or a.tag == "a" for a in el.iterancestors()) or el.tag in _HIDDEN \
                            or el.tag == "a":
                        break
                    return text
                el = el.getparent()
                if el is None:
                    break
    return None


def add_lead(blocks: list[str], lead: str | None) -> list[str]:
    """``blocks`` with the lead first, unless the extracted text already has it."""
    if not lead:
        return blocks
    have = _norm(" ".join(blocks))
    if _norm(lead) in have or _norm(lead)[:120] in have:
        return blocks
    return [lead, *blocks]
