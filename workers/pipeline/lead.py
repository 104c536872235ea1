"""The article's lead (standfirst / teaser paragraph) that the main-text extractor left out.

Extractors often skip the lead printed between the headline and the body (``<p class="lead">``,
``<div class="intro">``, a teaser in the article header): it sits outside the container they pick.
Pages nearly always repeat that lead as their meta description. So: when the page's description
(``og:description`` / ``description`` / ``twitter:description``) is printed *visibly* in the page
body as one element of its own, and the extracted text does not contain it, that element's text
becomes the first block. A description that only lives in ``<meta>`` adds nothing.

Second, pages without such a description: sentences printed between the headline (the first
``<h1>``) and the first extracted paragraph (:func:`gap_paragraphs`) — at most two leaf paragraphs
that read as sentences, outside navigation, figures and forms, mostly not link text, and only
when the first extracted paragraph follows the headline closely.
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


def add_lead(blocks: list[str], lead: str | None, at: int = 0) -> list[str]:
    """``blocks`` with the lead at ``at`` (0, or 1 after the headline), unless the text already has it."""
    if not lead:
        return blocks
    have = _norm(" ".join(blocks))
    if _norm(lead) in have or _norm(lead)[:120] in have:
        return blocks
    return [*blocks[:at], lead, *blocks[at:]]


_BLOCK = {"p", "div", "section", "article", "header", "li", "ul", "ol", "table", "blockquote", "figure",
          "h1", "h2", "h3", "h4", "h5", "h6", "main", "aside", "nav", "footer", "form"}
_SKIP = {"nav", "aside", "footer", "form", "figure", "figcaption", "script", "style", "noscript", "button",
         "template", "svg", "select", "time", "address", "ul", "ol", "table"}
_SENTENCE_END = re.compile(r"[.!?…»«\"“”]\s*$")
GAP_MAX_ELEMENTS = 250   # elements walked after the headline before giving up
GAP_MAX_PARAGRAPHS = 2
GAP_MIN_WORDS = 10


def _leaf(el: Any) -> bool:
    return not any(isinstance(d.tag, str) and d.tag in _BLOCK for d in el.iterdescendants())


def gap_paragraphs(tree: Any, first_block: str) -> list[str]:
    """Sentences printed between the headline (the first ``<h1>``) and the first extracted
    paragraph: the standfirst the extractor left out. Only leaf paragraphs of at least
    ``GAP_MIN_WORDS`` words ending like a sentence, outside navigation/figures/forms, mostly not
    link text; nothing when the first extracted paragraph is not found soon after the headline."""
    h1 = _headline(tree)
    probe = _norm(first_block)[:40]
    if h1 is None or len(probe) < 20:
        return []
    found: list[str] = []
    for n, el in enumerate(h1.xpath(f"following::*[position() <= {GAP_MAX_ELEMENTS + 1}]")):
        if n > GAP_MAX_ELEMENTS:
            return []
        if not isinstance(el.tag, str) or el.tag not in ("p", "div", "span", "h2", "strong", "section", "header"):
            continue
        if not _leaf(el):
            continue
        text = _norm(el.text_content())
        if probe in text:
            return found
        if any(a.tag in _SKIP or "caption" in (a.get("class") or "").lower() for a in [el, *el.iterancestors()]):
            continue
        if len(text.split()) < GAP_MIN_WORDS or not _SENTENCE_END.search(text):
            continue
        links = sum(len(_norm(a.text_content())) for a in el.iter("a"))
        if links > 0.3 * len(text):
            continue
        if text not in found:
            found.append(text)
        if len(found) > GAP_MAX_PARAGRAPHS:
            return []
    return []


def _headline(tree: Any) -> Any:
    return next(iter(tree.xpath("//body//h1[normalize-space()]")), None)


def with_lead(tree: Any, blocks: list[str], lead: str | None) -> list[str]:
    """The extracted blocks with the standfirst (:func:`gap_paragraphs`) and the visible lead
    (:func:`visible_lead`) put first — after the headline when the extractor kept it as the first
    block (then the body starts at the second block)."""
    if not blocks:
        return blocks
    h1 = _headline(tree)
    at = 1 if h1 is not None and len(blocks) > 1 and _norm(blocks[0]) == _norm(h1.text_content()) else 0
    for para in reversed(gap_paragraphs(tree, blocks[at])):
        blocks = add_lead(blocks, para, at)
    return add_lead(blocks, lead, at)
