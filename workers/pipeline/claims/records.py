"""Typed shapes of the claim stage's internal paths, serialised to the document's JSON at the
stage boundary (``Claim.to_dict``; the ``claims`` list of a document):

- :class:`Cue` — a cue word or phrase ("said", "according to", ":") with its lemma, stance and cue
  class (``definition.py``);
- :class:`Attribution` — a candidate the rules found: cue, speaker span, content spans;
- :class:`Speaker` — a resolved speaker (or ``reported_by`` source): the surface span, the
  canonical name, how it was resolved, its entity id(s); ``person`` / ``gender`` / ``plural`` are
  what pronoun resolution learns from it and never leave the stage;
- :class:`Reporter` — a ``reported_by`` source: a speaker and its cue;
- :class:`Claim` — one claim of the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

Span = tuple[int, int]

# the ``Attribution.how`` of a cue whose content is its object ("announced the team", "boasts a lead")
OBJECT_HOWS = frozenset({"dobj", "obj", "obj1", "objprep"})


@dataclass
class Cue:
    start: int
    end: int
    text: str
    lemma: str
    stance: str
    tag: str = ""                            # fine POS tag of the cue head (tense/aspect, for the claim filter)
    cls: str = ""                            # cue class (definition.py): speech / belief / request / … / stance

    def to_dict(self) -> dict[str, Any]:
        out = {"text": self.text, "start": self.start, "end": self.end, "lemma": self.lemma, "stance": self.stance}
        if self.cls:
            out["class"] = self.cls
        return out


@dataclass
class Attribution:
    cue: Cue
    speaker: Span | None                     # surface span of the speaker (may be a pronoun)
    content: list[Span]                      # content spans, document order
    direct: bool = False                     # content is quoted speech
    reported_by: list[tuple[Span, Cue]] = field(default_factory=list)
    speaker_ref: Span | None = None          # antecedent of a relative-pronoun speaker
    sent_start: int = 0                      # sentence of the cue (for resolution context)
    anchor: int = 0                          # token index of the cue head, for ordering/dedupe
    chunk: int = 0
    how: str = ""                            # which rule found it (features for the claim filter)
    cue_p: float = -1.0                      # learned cue probability of the cue token (-1: none)
    spk_kind: str = "none"                   # speaker head: pronoun / entity label / POS
    spk_lemma: str = ""                      # speaker head's lemma (sources.py: can it be a source?)


@dataclass
class Speaker:
    text: str
    start: int
    end: int
    name: str
    resolution: str                          # explicit / alias / pronoun / description
    entity_id: str | None = None
    entity_ids: list[str] | None = None      # coordinated speakers ("Norway and Chile") only
    # what pronoun resolution learns from this speaker (internal, never serialised)
    person: bool = False
    gender: str | None = None                # "m" / "f" when a resolved he/she shows it
    plural: bool = False

    def copy(self) -> "Speaker":
        return replace(self)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end, "name": self.name,
                               "resolution": self.resolution}
        if self.entity_id:
            out["entity_id"] = self.entity_id
        if self.entity_ids:
            out["entity_ids"] = self.entity_ids
        return out


@dataclass
class Reporter:
    speaker: Speaker
    cue: Cue | None

    def to_dict(self) -> dict[str, Any]:
        s = self.speaker
        out: dict[str, Any] = {"name": s.name, "text": s.text, "start": s.start, "end": s.end,
                               "resolution": s.resolution, "cue": self.cue.to_dict() if self.cue else None}
        if s.entity_id:
            out["entity_id"] = s.entity_id
        if s.entity_ids:
            out["entity_ids"] = s.entity_ids
        return out


@dataclass
class Claim:
    id: str
    text: str
    spans: list[Span]
    kind: str                                # direct / indirect / mixed / unattributed
    speaker: Speaker | None
    cue: Cue | None
    reported_by: list[Reporter]
    quantities: list[Any]                    # quantities.Quantity
    entity_ids: list[str]
    checkworthiness: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "spans": [{"start": s, "end": e} for s, e in self.spans],
            "kind": self.kind,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "reported_by": [r.to_dict() for r in self.reported_by],
            "quantities": [q.to_dict() for q in self.quantities],
            "entity_ids": self.entity_ids,
            "checkworthiness": self.checkworthiness,
        }


__all__ = ["Attribution", "Claim", "Cue", "Reporter", "Span", "Speaker"]
