"""Salience of an entity in its document, in [0, 1].

A weighted mix of three signals: frequency (log-scaled mentions relative to the most mentioned
entity), position (how early the first mention is) and headline/lead presence (named in the title
or the first paragraph; half credit for a single passing mention there). Weights sum to 1, so the
score stays in [0, 1].
"""

from __future__ import annotations

import math
from .records import Entity

W_FREQ, W_POS, W_LEAD = 0.6, 0.2, 0.2
LEAD_CHARS = 400


def lead_end(text: str) -> int:
    """End of the lead: the first paragraph break after the first line, at most ``LEAD_CHARS``+."""
    first_nl = text.find("\n", 1)
    para = text.find("\n\n", max(first_nl, 0) + 1)
    cut = para if para > 0 else len(text)
    return min(cut, max(LEAD_CHARS, first_nl if first_nl > 0 else 0))


def score(entities: list[Entity], text: str, title: str | None = None) -> None:
    """Fill ``entity.salience`` for every entity and sort the list by it (descending)."""
    if not entities:
        return
    n = max(len(text), 1)
    top = max(e.count for e in entities)
    lead = lead_end(text)
    folded_title = (title or "").casefold()
    for e in entities:
        first = min(m.start for m in e.mentions)
        freq = math.log1p(e.count) / math.log1p(top)
        pos = 1.0 - first / n
        in_lead = first < lead or (folded_title and any(m.text.casefold() in folded_title for m in e.mentions))
        lead_credit = (1.0 if e.count > 1 else 0.5) if in_lead else 0.0
        e.salience = round(W_FREQ * freq + W_POS * pos + W_LEAD * lead_credit, 4)
    entities.sort(key=lambda e: (-e.salience, min(m.start for m in e.mentions)))
