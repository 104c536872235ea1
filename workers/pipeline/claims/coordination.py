"""Coordinated speakers: "Both Norway and Chile", "Russia, China and Iran" — a speaker whose head
noun has ``conj`` nouns in the parse keeps its whole span as the speaker text; each conjunct is
resolved on its own, ``name`` joins the conjuncts' names ("Norway and Chile"), ``entity_id`` is the
first conjunct's entity and ``entity_ids`` lists them all."""

from __future__ import annotations

import re

from .chunks import ChunkTokens
from .mentions import Mention, head_mention, overlap
from .records import Speaker

TITLES = re.compile(r"^(mr|mrs|ms|miss|dr|prof|professor|sen|senator|rep|gov|governor|president|gen|general|"
                    r"judge|justice|sir|dame|lord|lady|rev|mayor|secretary|minister|prime minister)\.?\s", re.I)
DET = re.compile(r"^(the|a|an|this|that|one|another|some)\s+", re.I)
_COORD = re.compile(r"\s*,\s*(?:and|or)\s+|\s*,\s*|\s+(?:and|or|&)\s+")
_BOTH = re.compile(r"^(?:both|either|neither)\s+", re.I)


def coordinated(text: str, tokens: ChunkTokens | None, s: int, e: int, surface: str,
                hits: list[Mention]) -> Speaker | None:
    """ "Both Pyongyang and Moscow", "Russia, China and Iran": a speaker whose head noun has
    ``conj`` nouns in the parse; each conjunct is resolved on its own. ("Polls in Ohio and Iowa"
    coordinates a modifier, not the head: one speaker.) Without a parse, only a plain list of
    mentions counts ("A and B", "A, B and C")."""
    if not _COORD.search(surface):
        return None
    parts = _conjunct_spans(tokens, s, e) if tokens is not None else _mention_list(text, s, e, surface, hits)
    if not parts:
        return None
    names: list[str] = []
    ids: list[str] = []
    resolved = 0
    explicit = True
    for a, b in parts:
        m = head_mention([h for h in hits if overlap((a, b), (h.start, h.end)) > 0], a, b)
        if m is None:
            names.append(DET.sub("", _BOTH.sub("", text[a:b])))
            continue
        resolved += 1
        names.append(m.name)
        explicit = explicit and m.text.strip().lower() == m.name.strip().lower()
        if m.entity_id and m.entity_id not in ids:
            ids.append(m.entity_id)
    if not resolved:
        return None
    last = re.findall(r"\b(and|or)\b|&", text[parts[-2][1]:parts[-1][0]])
    conj = last[-1] if last and last[-1] else "and"
    name = ", ".join(names[:-1]) + f" {conj} " + names[-1] if len(names) > 2 else f"{names[0]} {conj} {names[1]}"
    return Speaker(surface, s, e, name, "explicit" if explicit and resolved == len(parts) else "alias",
                   entity_id=ids[0] if ids else None, entity_ids=ids if ids else None, person=False, plural=True)


def _conjunct_spans(tokens: ChunkTokens, s: int, e: int) -> list[tuple[int, int]] | None:
    toks = tokens.tokens(s, e)
    ids = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
    if len(roots) != 1 or roots[0].pos_ not in ("NOUN", "PROPN"):
        return None
    members = [roots[0]]
    stack = [roots[0]]
    while stack:
        x = stack.pop()
        for c in x.children:
            if c.dep_ == "conj" and c.i in ids and c.pos_ in ("NOUN", "PROPN"):
                members.append(c)
                stack.append(c)
    if len(members) < 2:
        return None
    members.sort(key=lambda t: t.i)
    parts: list[tuple[int, int]] = []
    for m in members:
        excl: set[int] = set()
        for o in members:
            if o.i != m.i and any(a.i == m.i for a in o.ancestors):
                excl.update(t.i for t in o.subtree)
        keep = [t for t in m.subtree if t.i in ids and t.i not in excl and t.dep_ not in ("cc", "preconj", "punct")]
        if not keep:
            return None
        k0, k1 = min(keep, key=lambda t: t.i), max(keep, key=lambda t: t.i)
        a = tokens.start_of(k0)
        parts.append((a, tokens.start_of(k1) + len(k1.text)))
    # each conjunct its own stretch of text ("Developers and supporters in Congress" hangs
    # "in Congress" on the first: not a clean split)
    ok = all(a < b for a, b in parts) and all(b0 <= a1 for (_, b0), (a1, _) in zip(parts, parts[1:]))
    return parts if ok else None


def _mention_list(text: str, s: int, e: int, surface: str, hits: list[Mention]) -> list[tuple[int, int]] | None:
    lead = _BOTH.match(surface)
    a0 = s + (lead.end() if lead else 0)
    seps = [m for m in _COORD.finditer(text, a0, e)
            if not any(h.start < m.start() and m.end() < h.end for h in hits)]
    if not seps or not re.search(r"\b(?:and|or)\b|&", seps[-1].group()):
        return None
    parts, pos = [], a0
    for m in seps:
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, e))
    for a, b in parts:
        a = a + (TITLES.match(text[a:b]).end() if TITLES.match(text[a:b]) else 0)
        if not any(h.start <= a and h.end >= b - 1 for h in hits):
            return None
    return parts
