"""Speaker resolution: a speaker span → the entity (and canonical name) it refers to.

- explicit / alias: the span overlaps an entity mention (``alias`` when the surface differs from
  the entity's canonical text, e.g. "Thae" → "Thae Yong Ho");
- pronoun: "he", "she", "his" → the most recent person before it (a person-like speaker or a
  PERSON mention); "they"/"it" → the most recent organisation/place speaker or mention;
- description: "the lawmaker", "a high-profile defector" → the person the text describes with that
  role: the nearest PERSON whose context (its mentions' sentences, the sentence after that starts
  with he/she, appositives and relative clauses inside them) contains a hint of the role word.
  Definite descriptions look back first, indefinite ones ("a lawmaker who …") look ahead first.

Entities come from ``doc.entities`` (the entity stage). When that list is empty (entity stage not
run / unsupported) the PERSON/ORG/GPE entities of the shared spaCy parse are used instead — read
from the same parse, never a second one.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import Any

from .lexicon import PERSON_PRONOUNS, ROLE_HINTS

_TITLES = re.compile(r"^(mr|mrs|ms|miss|dr|prof|professor|sen|senator|rep|gov|governor|president|gen|general|"
                     r"judge|justice|sir|dame|lord|lady|rev|mayor|secretary|minister|prime minister)\.?\s", re.I)
_DET = re.compile(r"^(the|a|an|this|that|one|another|some)\s+", re.I)
_PERSON_LABELS = {"PERSON", "PER"}
_GROUP_LABELS = {"ORG", "GPE", "NORP", "LOC", "FAC"}


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
                if lab not in _PERSON_LABELS and lab not in _GROUP_LABELS:
                    continue
                surface = re.sub(r"(’s|'s)$", "", ent.text).strip()
                key = (lab, surface.split()[-1].lower() if lab in _PERSON_LABELS and surface else surface.lower())
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


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


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
            ms = [m for m in mentions if (m.label in _PERSON_LABELS) == person]
            self.by_kind[person] = (ms, [m.start for m in ms])
        self.by_name: dict[str, list[Mention]] = {}
        for m in mentions:
            self.by_name.setdefault(m.name, []).append(m)

    def near(self, a: int, b: int) -> list[Mention]:
        """Every mention that can overlap ``[a, b)`` (a superset, in mention order)."""
        lo = bisect.bisect_right(self.starts, a - self.max_len)
        hi = bisect.bisect_left(self.starts, b)
        return self.mentions[lo:hi]

    def last_before(self, pos: int, person: bool) -> Mention | None:
        """The first (in mention order) of the mentions of that kind with the largest start < ``pos``."""
        ms, starts = self.by_kind[person]
        k = bisect.bisect_left(starts, pos) - 1
        if k < 0:
            return None
        return ms[bisect.bisect_left(starts, starts[k])]


class Resolver:
    def __init__(self, text: str, mentions: list[Mention], chunks: list[tuple[int, Any]],
                 index: MentionIndex | None = None):
        self.text = text
        self.mentions = mentions
        self.index = index if index is not None else MentionIndex(mentions)
        self.sents: list[tuple[int, int]] = []
        for off, sdoc in chunks:
            for s in sdoc.sents:
                self.sents.append((off + s.start_char, off + s.end_char))
        self._sent_starts = [a for a, _ in self.sents]
        self._sents_sorted = all(b0 <= a1 for (_, b0), (a1, _) in zip(self.sents, self.sents[1:])) \
            and all(a < b for a, b in self.sents)
        self.history: list[tuple[int, dict[str, Any], str]] = []   # (pos, speaker dict, kind person|group)
        # usable antecedents per kind, sorted by (pos, resolution order): bisect instead of scans
        self._antes: dict[bool, list[tuple[int, int]]] = {True: [], False: []}
        self._ante_dicts: list[dict[str, Any]] = []
        self._ctx: dict[str, str] = {}
        self._parts: dict[str, list[tuple[int, str]]] = {}

    # -- contexts for description matching
    def _sent_index(self, pos: int) -> int | None:
        if self._sents_sorted:
            i = bisect.bisect_right(self._sent_starts, pos) - 1
            if i >= 0 and pos < self.sents[i][1]:
                return i
            return None
        for i, (a, b) in enumerate(self.sents):
            if a <= pos < b:
                return i
        return None

    def _name_parts(self, name: str) -> list[tuple[int, str]]:
        """(sentence index, context piece) of every mention of ``name``, in mention order."""
        if name in self._parts:
            return self._parts[name]
        parts: list[tuple[int, str]] = []
        for m in self.index.by_name.get(name, []):
            i = self._sent_index(m.start)
            if i is None:
                continue
            a, b = self.sents[i]
            parts.append((i, self.text[max(a, m.start - 60):b]))
            if i + 1 < len(self.sents):
                na, nb = self.sents[i + 1]
                nxt = self.text[na:nb]
                if re.match(r"\s*(He|She)\b", nxt):
                    parts.append((i, nxt))
        self._parts[name] = parts
        return parts

    def _context(self, name: str, skip_sent: int | None = None) -> str:
        parts = self._name_parts(name)
        if skip_sent is not None and not any(i == skip_sent for i, _ in parts):
            skip_sent = None    # nothing skipped: the same text as the unfiltered context
        key = f"{name}\x00{skip_sent}"
        if key in self._ctx:
            return self._ctx[key]
        ctx = " ".join(p for i, p in parts if i != skip_sent).lower()
        self._ctx[key] = ctx
        return ctx

    # -- resolution
    def resolve(self, span: tuple[int, int] | None, ref: tuple[int, int] | None = None) -> dict[str, Any] | None:
        """Resolve a speaker span; ``ref`` is the antecedent span of a relative pronoun ("who")."""
        if span is None:
            return None
        s, e = span
        surface = self.text[s:e]
        if ref is not None:
            res = self._resolve(ref[0], ref[1], self.text[ref[0]:ref[1]])
            res.update({"text": surface, "start": s, "end": e})
        else:
            res = self._resolve(s, e, surface)
        kind = "person" if res.pop("_person", False) else "group"
        self.history.append((s, res, kind))
        unresolved = res.get("resolution") == "pronoun" and res.get("name") == res.get("text")
        if not unresolved:
            self._ante_dicts.append(res)
            bisect.insort(self._antes[kind == "person"], (s, len(self._ante_dicts) - 1))
        return res

    def _resolve(self, s: int, e: int, surface: str) -> dict[str, Any]:
        base = {"text": surface, "start": s, "end": e}
        low = surface.lower().strip()
        # pronouns first: a pronoun never "overlaps" a useful mention
        if low in PERSON_PRONOUNS:
            kind = PERSON_PRONOUNS[low]
            if kind in ("m", "f"):
                ante = self._antecedent(s, person=True)
            elif kind in ("p", "n"):
                ante = self._antecedent(s, person=False)
            else:
                ante = None
            if ante is not None:
                out = {**base, "name": ante["name"], "resolution": "pronoun", "_person": kind in ("m", "f")}
                if ante.get("entity_id"):
                    out["entity_id"] = ante["entity_id"]
                return out
            return {**base, "name": surface, "resolution": "pronoun", "_person": kind in ("m", "f")}
        hits = [m for m in self.index.near(s, e) if _overlap((s, e), (m.start, m.end)) > 0]
        # the mention must be the speaker's head (at the span's end) or most of the span:
        # "South Korea's top spy agency" is not South Korea
        hits = [m for m in hits if m.end >= e - 1 or _overlap((s, e), (m.start, m.end)) * 2 > e - s]
        if hits:
            # prefer persons, then the largest overlap
            m = max(hits, key=lambda m: (m.label in _PERSON_LABELS, _overlap((s, e), (m.start, m.end))))
            resolution = "explicit" if m.text.strip().lower() == m.name.strip().lower() else "alias"
            out = {**base, "name": m.name, "resolution": resolution, "_person": m.label in _PERSON_LABELS}
            if m.entity_id:
                out["entity_id"] = m.entity_id
            return out
        words = re.findall(r"[\w’'-]+", low)
        head = words[-1] if words else ""
        if _DET.match(surface) and head in ROLE_HINTS and not any(c.isupper() for c in surface[1:]):
            ante = self._describe(s, e, head, definite=low.startswith(("the ", "this ", "that ")))
            if ante is not None:
                out = {**base, "name": ante.name, "resolution": "description", "_person": True}
                if ante.entity_id:
                    out["entity_id"] = ante.entity_id
                return out
        is_person = bool(_TITLES.match(surface))
        return {**base, "name": _DET.sub("", surface), "resolution": "explicit", "_person": is_person}

    def _antecedent(self, pos: int, person: bool) -> dict[str, Any] | None:
        """The most recent earlier speaker (resolved) or mention of the kind; on equal positions
        the earliest-resolved speaker, then the first mention, wins."""
        best: tuple[int, dict[str, Any]] | None = None
        antes = self._antes[person]
        k = bisect.bisect_left(antes, (pos, -1)) - 1
        if k >= 0:
            p = antes[k][0]
            first = antes[bisect.bisect_left(antes, (p, -1))]
            best = (p, self._ante_dicts[first[1]])
        m = self.index.last_before(pos, person)
        if m is not None and (best is None or m.start > best[0]):
            best = (m.start, {"name": m.name, "entity_id": m.entity_id})
        return None if best is None else best[1]

    def _describe(self, s: int, e: int, role: str, definite: bool) -> Mention | None:
        hints = ROLE_HINTS.get(role) or (role,)
        persons, starts = self.index.by_kind[True]

        def inside(m: Mention) -> bool:
            return m.start >= s and m.end <= e

        def before() -> Any:   # persons ending at or before s, latest first
            for k in range(bisect.bisect_right(starts, s) - 1, -1, -1):
                m = persons[k]
                if m.end <= s and not inside(m):
                    yield m

        def after() -> Any:    # persons starting at or after e, in order
            for k in range(bisect.bisect_left(starts, e), len(persons)):
                m = persons[k]
                if not inside(m):
                    yield m

        order = itertools.chain(before(), after()) if definite else itertools.chain(itertools.islice(after(), 6), before())
        seen: set[str] = set()
        own = self._sent_index(s)
        for m in order:
            if m.name in seen:
                continue
            seen.add(m.name)
            ctx = self._context(m.name, own)
            if any(h in ctx for h in hints):
                return m
        return None
