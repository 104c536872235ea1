""""According to X" not attached to a cue verb: the clause it modifies is X's. On a cue verb it
makes a chain (X reports that cue's attribution); ", according to X" ending another
attribution's content, hung by the parse inside that content, does too."""

from __future__ import annotations

import re
from typing import Any

from ..context import ChunkContext
from ..contents import _subtree_minus
from ..records import Attribution, Cue, Span
from ..spans import runs

_WORD = re.compile(r"\w")


def rule(c: ChunkContext) -> list[Attribution]:
    d, off, text = c.doc, c.off, c.text
    by_anchor: dict[int, list[Attribution]] = {}   # this chunk's attributions by cue token
    for a in c.found:
        if a.chunk == c.ci:
            by_anchor.setdefault(a.anchor, []).append(a)
    out: list[Attribution] = []
    for hi, (sp, cue, prep) in c.according.items():
        if hi in by_anchor or hi in c.chained:
            # chain: the cue verb that "according to" modifies is the claimant's
            for a in by_anchor.get(hi, ()):
                if sp is not None:
                    a.reported_by.append((sp, cue))
            continue
        if sp is not None and according_tail(c, [*c.found, *out], prep, sp, cue):
            continue
        head = c.sdoc[hi]
        toks = _subtree_minus(head, [prep]) if head.i != prep.i else []
        spans = runs(toks, off, text)
        if not spans:
            continue
        spans = d.quote_opened(spans, cue.start) or spans   # "According to X, “…”"
        direct = d.all_quoted(spans)
        out.append(Attribution(cue, sp, spans, direct, sent_start=off + head.sent.start_char,
                               anchor=hi, chunk=c.ci, how="according"))
    return out


def according_tail(c: ChunkContext, found: list[Attribution], prep: Any, sp: Span, cue: Cue) -> bool:
    """", according to X" that ends another attribution's content, after a comma, hung by the
    parse on a verb inside that content ("A say Y is true, according to X"): X reports the
    attribution (a chain, as when it hangs on the cue) and the phrase leaves the content."""
    text, off = c.text, c.off
    a0 = off + prep.idx
    end = off + max(t.idx + len(t) for t in prep.subtree if not t.is_punct)
    cut = a0
    while cut > 0 and text[cut - 1] in " \t":
        cut -= 1
    if cut == 0 or text[cut - 1] != ",":
        return False
    cut -= 1
    for a in found:
        if a.chunk != c.ci or a.cue.start >= a0 or not a.content:
            continue
        k = next((j for j, (x, y) in enumerate(a.content) if x < a0 < y), None)
        if k is None or k != len(a.content) - 1 or not re.fullmatch(r"[\W_]*", text[end:a.content[k][1]]):
            continue
        x, _ = a.content[k]
        if not _WORD.search(text[x:cut]):
            continue
        a.content[k] = (x, cut)
        a.reported_by.append((sp, cue))
        return True
    return False
