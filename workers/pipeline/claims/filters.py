"""Which extracted attributions become claims: exact duplicates dropped, first-person hedges
dropped, the learned attribution filter (``claim_filter.py``), nested attributions dropped
(``ClaimOptions.nested``); and the claim's kind (direct / mixed / indirect) from the quotes."""

from __future__ import annotations

import bisect

from .claim_filter import keep_probability
from .lexicon import NOUN_CUES
from .quotes import Quote
from .records import Attribution, Span

# first-person "I think" / "we guess": hedges, not attributions (PolNeAR train, 150 articles:
# 0.29 precision, against 0.97 for "I said"). "I/we know" (0.20 on train) is left to the filter:
# dropping it cost recall on dev
_HEDGE_CUES = {"think", "guess"}
_HEDGE_SPEAKERS = {"i", "we", "you"}


# rules the filter was not trained on, narrow by construction (measured on PolNeAR dev and the
# real-news dev gold instead): light-verb noun cues, parenthetical citations, continued quotes,
# "That is the view of X", "That's according to X", "said yes"
UNFILTERED = frozenset({"nounlight", "citation", "continued", "viewof", "pointback", "answer"})


def owned_lexicon_noun(a: Attribution) -> bool:
    """"Pence's call for a special prosecutor", "Obama's calls for tighter gun control": a noun of
    the cue lexicon owned by its speaker with its content hung on it is an attribution by
    construction; the filter, which weighs the learned detector's noun picks alike, dropped such
    ones as often as it kept them (PolNeAR train 0–300: +5 gold, no spurious claim when exempt)."""
    return a.how == "noun" and a.cue.lemma in NOUN_CUES and a.speaker is not None


def drop_nested(atts: list[Attribution]) -> list[Attribution]:
    """Drop an attribution whose cue sits inside another attribution's content.

    Point-in-interval queries against all content spans, O(n log n): spans sorted by start with
    prefix maxima of their end (the best end and the best end of a *different* attribution, so
    an attribution's own spans can be excluded)."""
    spans = sorted((s, e, i) for i, b in enumerate(atts) for s, e in b.content if e > s)
    starts = [s for s, _, _ in spans]
    best: list[tuple[int, int]] = []     # (end, owner) of the largest end so far
    second: list[int] = []               # largest end so far among owners other than best's
    b1, o1, b2 = -1, -1, -1
    for _, e, i in spans:
        if e > b1:
            if i != o1:
                b2 = b1
            b1, o1 = e, i
        elif i != o1 and e > b2:
            b2 = e
        best.append((b1, o1))
        second.append(b2)
    out = []
    for i, a in enumerate(atts):
        p = a.cue.start
        k = bisect.bisect_right(starts, p) - 1
        inside = False
        if k >= 0:
            e1, owner = best[k]
            inside = e1 > p if owner != i else second[k] > p
        if not inside:
            out.append(a)
    return out


def quote_overlaps(quotes: list[Quote], qstarts: list[int], a: int, b: int) -> list[Quote]:
    """Quotes overlapping ``[a, b)`` (quotes are sorted, disjoint pieces, as ``find_quotes`` makes them)."""
    k = max(0, bisect.bisect_right(qstarts, a) - 1)
    out = []
    while k < len(quotes) and quotes[k].start < b:
        if quotes[k].end > a:
            out.append(quotes[k])
        k += 1
    return out


def hedge(a: Attribution, text: str) -> bool:
    return (a.speaker is not None and a.cue.lemma in _HEDGE_CUES
            and text[a.speaker[0]:a.speaker[1]].lower() in _HEDGE_SPEAKERS)


def _wraps_label(a: Attribution, q: Quote) -> bool:
    """A quote mark opening right before a line's speaker label (a transcript quoted turn by turn:
    ``"PENCE: Well, …``) wraps the turn; the label's colon is not speech inside a quote."""
    return a.how == "colon" and a.speaker is not None and q.start + q.open_len == a.speaker[0]


def cue_in_quote(a: Attribution, quotes: list[Quote], qstarts: list[int] | None = None) -> bool:
    """Is the cue inside a quote (the filter's ``in_quote``)? A quote wrapping a transcript turn's
    label does not count (``_wraps_label``). ``qstarts``: the quotes' starts when they are sorted,
    disjoint pieces (bisect), else None (plain scan). Training uses this same definition."""
    cands = quotes if qstarts is None else quote_overlaps(quotes, qstarts, a.cue.start, a.cue.start + 1)
    return any(q.start <= a.cue.start < q.end and not _wraps_label(a, q) for q in cands)


def keep(a: Attribution, text: str, quotes: list[Quote], qstarts: list[int] | None = None,
         keep_above: float = 0.4) -> bool:
    """The learned attribution filter (claim_filter.py): kept at or above ``keep_above``, or when
    no model ships. First-person hedges ("I think", "we guess") are never kept."""
    if hedge(a, text):
        return False
    if a.how in UNFILTERED or owned_lexicon_noun(a):
        return True
    p = keep_probability(a, text, cue_in_quote(a, quotes, qstarts))
    return p is None or p >= keep_above


def dedupe(atts: list[Attribution]) -> list[Attribution]:
    """Drop exact duplicates (same content spans found by two rules); nested attributions
    ("he said she believes X") are both kept, as annotators mark both."""
    out: list[Attribution] = []
    seen: dict[tuple[Span, ...], int] = {}
    for a in atts:
        key = tuple(a.content)
        if key in seen:
            if a.how == "nounlight":   # "drew praise from X for Y": the noun's, not the light verb's
                out[seen[key]] = a
            continue
        seen[key] = len(out)
        out.append(a)
    return out


def kind(text: str, spans: list[Span], direct: bool, quotes: list[Quote],
         qstarts: list[int] | None = None) -> str:
    if direct:
        return "direct"
    for a, b in spans:
        for q in (quotes if qstarts is None else quote_overlaps(quotes, qstarts, a, b)):
            if q.start < b and q.end > a and q.words(text) >= 1:
                return "mixed"
    return "indirect"
