"""Entity mentions for the claim stage: where the document names whom, looked up by offset.

``entity_mentions(doc.entities, chunks, text)`` is the one place the stage reads the entity
stage's records (when that list is empty — entity stage not run / unsupported — the PERSON/ORG/GPE
entities of the shared spaCy parse are used instead, read from the same parse, never a second one).
A speaker span's syntactic head (``span_root``) says which mention it is about (``root_person``:
"Sen. Elizabeth Warren of Massachusetts" is Warren) and whether it is a person-role description
(``role_hints``: "the Conservative MP").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from ..entities.spans import HONORIFIC_BEFORE
from .chunks import ChunkTokens
from .source_nouns import MORE_ROLE_HINTS, ROLE_HINTS

PERSON_LABELS = {"PERSON", "PER"}
GROUP_LABELS = {"ORG", "GPE", "NORP", "LOC", "FAC"}
# entity labels of things that never speak (a war, a date, an amount): no antecedent for
# an "it" / "they" speaker ("… questioned the Iraq War. … better planning was needed, they said")
MUTE_LABELS = frozenset("EVENT DATE TIME MONEY QUANTITY PERCENT ORDINAL CARDINAL LANGUAGE".split())
_HONORIFIC = re.compile(r"\b(?:(Mr|Sir|Lord|Mister)|(Mrs|Ms|Miss|Madam|Dame|Lady))\.?\s+(?=[A-Z])")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    name: str
    entity_id: str | None
    label: str


def entity_mentions(entities: list[dict[str, Any]], chunks: list[tuple[int, Any]], text: str) -> list[Mention]:
    out: list[Mention] = []
    if entities:
        for e in entities:
            for m in e.get("mentions") or []:
                out.append(Mention(m["start"], m["end"], m.get("text") or text[m["start"]:m["end"]],
                                   e.get("text") or m.get("text", ""), e.get("id"), str(e.get("label", ""))))
    else:
        # fallback: the shared parse's own entities, grouped by surname-ish last token
        canon: dict[tuple[str, str], str] = {}
        for off, sdoc in chunks:
            for ent in sdoc.ents:
                lab = ent.label_
                if lab not in PERSON_LABELS and lab not in GROUP_LABELS:
                    continue
                surface = re.sub(r"(’s|'s)$", "", ent.text).strip()
                key = (lab, surface.split()[-1].lower() if lab in PERSON_LABELS and surface else surface.lower())
                canon.setdefault(key, surface)
                if len(surface) > len(canon[key]):
                    canon[key] = surface
                start = off + ent.start_char
                out.append(Mention(start, start + len(surface), surface, key[1], None, lab))
        for m in out:
            key = (m.label, m.name)
            m.name = canon.get(key, m.text)
    out.sort(key=lambda m: m.start)
    return out


def display_names(mentions: list[Mention], text: str) -> dict[str, str]:
    """entity id → "Dr Lewis" for a person the document names by one word only and writes with a
    title ("Dr Lewis said …", later "Lewis"): the canonical entity name drops titles so that mentions
    merge, but a bare surname is a poor speaker name. The title most used before its mentions wins;
    a person with a full name ("Thae Yong Ho") keeps it."""
    seen: dict[str, dict[str, int]] = {}
    for m in mentions:
        if not m.entity_id or m.label not in PERSON_LABELS or len(m.name.split()) != 1:
            continue
        hit = HONORIFIC_BEFORE.search(text, max(0, m.start - 8), m.start)
        if hit:
            title = hit.group(1)[0].upper() + hit.group(1)[1:].lower() + hit.group(2)
            votes = seen.setdefault(m.entity_id, {})
            votes[f"{title} {m.name}"] = votes.get(f"{title} {m.name}", 0) + 1
    return {eid: max(v.items(), key=lambda kv: kv[1])[0] for eid, v in seen.items()}


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def head_mention(hits: list[Mention], s: int, e: int) -> Mention | None:
    """The mention that is the span's head (at its end) or most of it, persons first, then the
    largest overlap: "South Korea's top spy agency" is not South Korea."""
    hits = [m for m in hits if m.end >= e - 1 or overlap((s, e), (m.start, m.end)) * 2 > e - s]
    if not hits:
        return None
    return max(hits, key=lambda m: (m.label in PERSON_LABELS, overlap((s, e), (m.start, m.end))))


def plural_noun(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s"))


def surface_gender(text: str, tail: bool = False) -> str | None:
    """Gender shown by an honorific at the start of a speaker span ("Mr Byrne") or, with ``tail``,
    anywhere in ``text`` (a few characters before a mention plus the mention: "said Ms Ortiz")."""
    m = _HONORIFIC.search(text) if tail else _HONORIFIC.match(text.lstrip("“\"‘' "))
    if m is None:
        return None
    return "m" if m.group(1) else "f"


def role_hints(word: str) -> tuple[str, ...] | None:
    """The context hints of a person-role noun ("lawmaker", "MP"), None for other words; a generic
    person noun ("man", "source") has none: a person, but no role to look for."""
    word = word.lower()
    return ROLE_HINTS[word] if word in ROLE_HINTS else MORE_ROLE_HINTS.get(word)


def span_root(tokens: ChunkTokens, s: int, e: int) -> Any | None:
    """The syntactic head of the speaker span ``[s, e)``: its token whose head lies outside."""
    toks = tokens.tokens(s, e)
    ids = {t.i for t in toks}
    return next((t for t in toks if t.head.i not in ids or t.head.i == t.i), None)


def root_person(tokens: ChunkTokens, root: Any | None, hits: list[Mention]) -> Mention | None:
    """The person a span is about when the parse says so: its head is a person's name ("Sen.
    Elizabeth *Warren* of Massachusetts", "David *Reay* from Edinburgh University"), or names one
    as an example ("Researchers like Akshay Deoras")."""
    if root is None:
        return None
    people = [h for h in hits if h.label in PERSON_LABELS]

    def person_at(t: Any) -> Mention | None:
        p = tokens.start_of(t)
        return next((h for h in people if h.start <= p < h.end), None)
    found = person_at(root)
    if found is not None:
        return found
    for c in root.children:
        if c.dep_ == "prep" and c.lower_ in ("like", "including"):
            for o in c.children:
                if o.dep_ == "pobj" and person_at(o) is not None:
                    return person_at(o)
    return None


class MentionIndex:
    """Mentions (sorted by start, as ``entity_mentions`` returns them) looked up by offset."""

    def __init__(self, mentions: list[Mention]):
        self.mentions = mentions
        self.starts = [m.start for m in mentions]
        if any(b < a for a, b in zip(self.starts, self.starts[1:])):
            raise ValueError("mentions must be sorted by start")
        self.max_len = max((m.end - m.start for m in mentions), default=0)
        self.max_len = max(0, self.max_len)
        # per kind (person / other): the mentions of that kind and their starts, for antecedents
        self.by_kind: dict[bool, tuple[list[Mention], list[int]]] = {}
        for person in (True, False):
            ms = [m for m in mentions if (m.label in PERSON_LABELS) == person]
            self.by_kind[person] = (ms, [m.start for m in ms])
        self.by_name: dict[str, list[Mention]] = {}
        for m in mentions:
            self.by_name.setdefault(m.name, []).append(m)

    def near(self, a: int, b: int) -> list[Mention]:
        """Every mention that can overlap ``[a, b)`` (a superset, in mention order)."""
        lo = bisect.bisect_right(self.starts, a - self.max_len)
        hi = bisect.bisect_left(self.starts, b)
        return self.mentions[lo:hi]
