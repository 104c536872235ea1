"""Page furniture is never a claim (issue 17), on plain text too.

The extraction stage (``workers/pipeline/furniture.py``) drops most furniture from HTML pages;
text submitted as text keeps it. Here the claim stage finds, in the normalised text:

- whole lines that are furniture by the extraction stage's own test (``is_furniture``: bylines,
  datelines, tweet bylines, calls to action, copyright lines);
- embedded posts' metadata inside a line: a tweet signature ("— Donald J. Trump
  (@realDonaldTrump) March 21, 2020"), "pic.twitter.com/…" and "t.co" links, "A post shared by
  … (@handle) on <date>", "View this post on Instagram";
- publication stamps ("PUBLISHED: November 8, 2023 at 4:56 p.m. | UPDATED: …");
- captions and credits: a line carrying a photo credit ("(AP Photo/Evan Vucci)", "Photo: Getty
  Images", "Image caption") is a caption as a whole;
- a paper's disclosure statement ("The authors declare no conflict of interest.", "Competing
  interests: none."): the journal's form, no finding.

:func:`furniture_spans` returns those ranges; the stage cuts them out of every claim's content
(a claim left with fewer than two words is dropped) and never makes an unattributed claim of a
sentence touching one. A caption or pull quote that repeats a quote counts once
(:func:`repeat_key`: claims with the same words keep only the first, an attributed one before an
unattributed one).
"""

from __future__ import annotations

import re

from ..furniture import _DATE, is_furniture
from .records import Span

_INLINE = re.compile(
    rf"(?:[—–―]|--|-)\s*[^()@\n—–―]{{0,60}}\(@\w{{1,15}}\)\s*(?:on\s+)?{_DATE}[^\n]{{0,30}}?(?=\s*$|\n)"
    rf"|(?:https?://)?pic\.twitter\.com/\w+|https?://t\.co/\w+"
    rf"|\bA (?:post|photo|video) shared by [^\n]{{0,80}}?\(@[\w.]{{1,30}}\)(?: on {_DATE}[^\n]{{0,30}})?"
    rf"|\bView this (?:post|photo|video) on (?:Instagram|Twitter|Facebook|TikTok)\b",
    re.I | re.M)
_CAPTION = re.compile(
    r"\((?:AP|AFP|Reuters|EPA|Getty)?\s*(?:Photo|Photograph|Image|Picture|Video)s?\b[^)\n]{0,80}\)"
    r"|\b(?:Photo|Photograph|Image|Picture)s?(?: credit)?:\s*[^\n]{0,80}$"
    r"|/\s*(?:Getty Images|AFP|Reuters|AP|EPA|Shutterstock)\b"
    r"|\bImage (?:caption|copyright)\b"
    r"|^\s*(?:Caption|Credit):",
    re.I | re.M)
_STAMP = re.compile(rf"^\W*(?:published|updated|posted|last updated|modified)\b:?\s*(?:on\s+)?(?:\w+,?\s+)?{_DATE}", re.I)
# a paper's disclosure statement: "The authors declare no conflict of interest.", "Competing
# interests: none declared." (the journal's form, filled in; no finding of the paper)
_DISCLOSURE = re.compile(r"^\W*(?:(?:conflicts?\s+of\s+interests?|competing\s+interests?|declarations?\s+of\s+interests?|"
                         r"disclosures?|funding)\s*:|(?:the\s+)?(?:authors?|researchers?)\s+(?:\w+\s+)?(?:declares?|reports?|"
                         r"states?|ha(?:ve|s))\s+(?:that\s+(?:they|he|she)\s+ha(?:ve|s)\s+)?no\s+(?:\w+\s+)?"
                         r"(?:conflicts?|competing|financial)\b)", re.I)
_WORD = re.compile(r"\w+")


def furniture_spans(text: str) -> list[Span]:
    """Sorted, merged ranges of ``text`` that are page furniture."""
    found: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if not line.strip():
            continue
        inline = [(a + m.start(), a + m.end()) for m in _INLINE.finditer(line)]
        if _CAPTION.search(line) or _STAMP.match(line) or _DISCLOSURE.match(line) or not inline and is_furniture(line):
            found.append((a, b))
        else:   # a post's text before its signature stays ("We will win! — Name (@handle) date")
            found.extend(inline)
    found.sort()
    merged: list[Span] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def cut(text: str, spans: list[Span], furniture: list[Span]) -> list[Span]:
    """``spans`` without the furniture ranges (pieces trimmed of spaces and dangling punctuation)."""
    if not furniture:
        return spans
    out: list[Span] = []
    for s, e in spans:
        pieces = [(s, e)]
        for fs, fe in furniture:
            if fe <= s or fs >= e:
                continue
            nxt = []
            for ps, pe in pieces:
                if fe <= ps or fs >= pe:
                    nxt.append((ps, pe))
                    continue
                if ps < fs:
                    nxt.append((ps, fs))
                if fe < pe:
                    nxt.append((fe, pe))
            pieces = nxt
        for ps, pe in pieces:
            while ps < pe and (text[ps].isspace() or text[ps] in "—–―-|·•"):
                ps += 1
            while pe > ps and (text[pe - 1].isspace() or text[pe - 1] in "—–―-|·•"):
                pe -= 1
            if _WORD.search(text[ps:pe]):
                out.append((ps, pe))
    return out


def touches(furniture: list[Span], a: int, b: int) -> bool:
    return any(fs < b and a < fe for fs, fe in furniture)


def repeat_key(text: str, spans: list[Span]) -> tuple[str, ...]:
    """The words of a claim's content, lower-cased: a caption or pull quote repeating a quote has
    the same key as the quote."""
    return tuple(w.lower() for s, e in spans for w in _WORD.findall(text[s:e]))


__all__ = ["cut", "furniture_spans", "repeat_key", "touches"]
