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


class Resolver:
    def __init__(self, text: str, mentions: list[Mention], chunks: list[tuple[int, Any]]):
        self.text = text
        self.mentions = mentions
        self.sents: list[tuple[int, int]] = []
        for off, sdoc in chunks:
            for s in sdoc.sents:
                self.sents.append((off + s.start_char, off + s.end_char))
        self.history: list[tuple[int, dict[str, Any], str]] = []   # (pos, speaker dict, kind person|group)
        self._ctx: dict[str, str] = {}

    # -- contexts for description matching
    def _sent_index(self, pos: int) -> int | None:
        for i, (a, b) in enumerate(self.sents):
            if a <= pos < b:
                return i
        return None

    def _context(self, name: str, skip_sent: int | None = None) -> str:
        key = f"{name}\x00{skip_sent}"
        if key in self._ctx:
            return self._ctx[key]
        parts = []
        for m in self.mentions:
            if m.name != name:
                continue
            i = self._sent_index(m.start)
            if i is None or i == skip_sent:
                continue
            a, b = self.sents[i]
            parts.append(self.text[max(a, m.start - 60):b])
            if i + 1 < len(self.sents):
                na, nb = self.sents[i + 1]
                nxt = self.text[na:nb]
                if re.match(r"\s*(He|She)\b", nxt):
                    parts.append(nxt)
        ctx = " ".join(parts).lower()
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
        hits = [m for m in self.mentions if _overlap((s, e), (m.start, m.end)) > 0]
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
        cands: list[tuple[int, dict[str, Any]]] = []
        for p, sp, kind in self.history:
            unresolved = sp.get("resolution") == "pronoun" and sp.get("name") == sp.get("text")
            if p < pos and (kind == "person") == person and not unresolved:
                cands.append((p, sp))
        for m in self.mentions:
            if m.start >= pos:
                break
            if (m.label in _PERSON_LABELS) == person:
                cands.append((m.start, {"name": m.name, "entity_id": m.entity_id}))
        if not cands:
            return None
        return max(cands, key=lambda c: c[0])[1]

    def _describe(self, s: int, e: int, role: str, definite: bool) -> Mention | None:
        hints = ROLE_HINTS.get(role) or (role,)
        persons = [m for m in self.mentions if m.label in _PERSON_LABELS and not (m.start >= s and m.end <= e)]
        before = [m for m in reversed(persons) if m.end <= s]
        after = [m for m in persons if m.start >= e]
        order = before + after if definite else after[:6] + before
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
