"""The attribution rules, one module per rule family, run in the order of these tables.

A chunk rule takes the parsed chunk with the shared context (:class:`..context.ChunkContext`)
and returns the new candidate attributions it found there; later rules see earlier ones
(``ChunkContext.found``, ``done_cues``, ``chained``): a cue verb that took a quote is not read
for reported speech again, and "according to" on a cue verb reports that cue's attribution.
A document rule takes the document context and every attribution found so far."""

from __future__ import annotations

from typing import Callable

from ..context import ChunkContext, DocContext
from ..records import Attribution
from . import according, adjectives, direct_quotes, lines, nouns, perspective, verb_cues

ChunkRule = Callable[[ChunkContext], list[Attribution]]
DocRule = Callable[[DocContext, list[Attribution]], list[Attribution]]

RULES: tuple[ChunkRule, ...] = (
    direct_quotes.rule,     # "“…,” said X", "X said: “…”"
    verb_cues.rule,         # "X said that …", chains, passives
    adjectives.rule,        # "X is optimistic that …"
    nouns.rule,             # "X's claim that …"
    according.rule,         # "according to X, …"
    perspective.rule,       # "from his experience, …"
)

DOC_RULES: tuple[DocRule, ...] = (
    lines.colon_rule,       # "Speaker: statement" lines
    lines.headline_rule,    # "Speaker on Topic: statement" headlines
    lines.dash_rule,        # quotation paragraphs signed "— Name"
    lines.block_rule,       # "X added:" + a block quotation paragraph
    lines.citation_rule,    # "… (Otto, Imperial College London)."
    direct_quotes.continued_rule,   # X's quote, then “…” with no cue: X's too
    nouns.view_of_rule,     # "… . That is the view of X"
    according.points_back_rule,   # "… . That's according to X"
)

__all__ = ["ChunkRule", "DocRule", "DOC_RULES", "RULES"]
