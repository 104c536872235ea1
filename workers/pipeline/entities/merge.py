"""Group a document's mentions into canonical entities.

Rules, in order (all within one document):

1. built-in aliases fix name and label ("U.N." → United Nations, ORG);
2. mentions with the same slug are one entity ("Thae Yong Ho" = "Thae Yong-ho");
3. a PERSON name whose words all occur in one longer PERSON name joins it, and so does a single
   capitalised word of any label ("Thae", "Mr Thae" → "Thae Yong Ho") when exactly one full name
   (or one clearly most frequent) contains it; when two full names share the surname, each bare
   surname is then re-assigned on its own evidence (title, gender, relatives: :mod:`.surnames`);
4. an acronym joins the multi-word name it abbreviates, by initials ("RUSI" ↔ "Royal United Services
   Institute") or by an explicit definition "Long Name (LN)";
5. the label of an entity is the weighted majority of its mentions' labels;
6. a plural nationality joins its singular in the same document ("Russians" → "Russian");
7. a compass word alone as a place ("the North") joins the one place of the document whose name
   it begins ("North Korea"); with none or several it stays as it is.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any, Sequence

from .canonical import acronym, entity_id, is_acronym, lookup_alias, slug
from .records import Entity, EntityMention
from .spans import Mention
from .surnames import shared_surname_moves

_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")


@lru_cache(maxsize=65536)
def _words(s: str) -> tuple[str, ...]:
    return tuple(w for w in map(slug, _WORD.findall(s)) if w)


class _Group:
    __slots__ = ("key", "mentions", "fixed")

    def __init__(self, key: str) -> None:
        self.key = key
        self.mentions: list[Mention] = []
        self.fixed: tuple[str, str] | None = None   # (name, label) from the alias table

    def label(self) -> str:
        if self.fixed:
            return self.fixed[1]
        votes: Counter[str] = Counter()
        for m in self.mentions:
            votes[m.label] += m.weight
        return max(votes.items(), key=lambda kv: (kv[1], kv[0] == "PERSON"))[0]


def _surface(text: str, m: Mention) -> str:
    """The form used for grouping: a backend's normalised form (Russian lemmas) or the text."""
    return m.meta.get("norm") or text[m.start:m.end]


_DIRECTIONS = frozenset("north south east west northern southern eastern western".split())


def _forms(text: str, g: _Group) -> set[str]:
    return {_surface(text, m) for m in g.mentions} | ({g.fixed[0]} if g.fixed else set())


def merge(text: str, mentions: list[Mention], chunks: Sequence[tuple[int, Any]] = ()) -> list[Entity]:
    """Canonical entities (without salience) from typed mentions of ``text`` (``chunks``: the
    shared parse, for the sentences and pronouns that tell two people with one surname apart)."""
    groups: dict[str, _Group] = {}

    def group(key: str) -> _Group:
        if key not in groups:
            groups[key] = _Group(key)
        return groups[key]

    # 1–2: aliases and identical slugs
    for m in mentions:
        s = _surface(text, m)
        alias = lookup_alias(s)
        if alias:
            g = group("alias:" + slug(alias[0]))
            g.fixed = alias
        else:
            g = group(slug(s))
        g.mentions.append(m)

    # 3: person name parts
    def is_person(g: _Group) -> bool:
        return not g.fixed and g.label() == "PERSON"

    full = [g for g in groups.values() if is_person(g) and len(_words(_surface(text, g.mentions[0]))) >= 2]
    full.sort(key=lambda g: -len(_words(_surface(text, g.mentions[0]))))
    for g in list(full):
        if g.key not in groups:
            continue
        words = set(_words(_surface(text, g.mentions[0])))
        longer = [h for h in full if h is not g and h.key in groups
                  and len(_words(_surface(text, h.mentions[0]))) > len(words)
                  and words <= set(_words(_surface(text, h.mentions[0])))]
        if len(longer) == 1:
            longer[0].mentions.extend(g.mentions)
            del groups[g.key]
    full = [g for g in groups.values() if is_person(g) and len(_words(_surface(text, g.mentions[0]))) >= 2]
    by_word: dict[str, list[_Group]] = defaultdict(list)
    for g in full:
        for w in {w for form in {_surface(text, m) for m in g.mentions} for w in _words(form)}:
            if len(w) > 1:
                by_word[w].append(g)
    for key, g in list(groups.items()):
        if g.fixed or g in full:
            continue
        words = _words(_surface(text, g.mentions[0]))
        if len(words) != 1 or words[0] not in by_word or is_acronym(_surface(text, g.mentions[0])):
            continue
        cands = by_word[words[0]]
        if len(cands) > 1:
            cands = sorted(cands, key=lambda h: -len(h.mentions))
            if len(cands[0].mentions) < 2 * len(cands[1].mentions):
                continue
        target = cands[0]
        for m in g.mentions:
            m.label, m.source = "PERSON", m.source if m.source != "model" else "name-part"
        target.mentions.extend(g.mentions)
        del groups[key]

    # a compass word alone ("the North") joins the one place of the document it begins ("North Korea")
    places = [h for h in groups.values() if h.label() in ("GPE", "LOC")]
    for key, g in list(groups.items()):
        if key not in _DIRECTIONS or g.fixed or g.label() not in ("GPE", "LOC", "ORG", "NORP"):
            continue
        longer = [h for h in places if h is not g and h.key in groups and any(
            len(w) >= 2 and w[0] == key for w in map(_words, _forms(text, h)))]
        if len(longer) == 1:
            for m in g.mentions:
                m.label = longer[0].label()
            longer[0].mentions.extend(g.mentions)
            del groups[key]

    # plural nationalities join the singular form of the same document ("Russians" → "Russian")
    for key, g in list(groups.items()):
        if key.endswith("s") and key[:-1] in groups and g.label() == "NORP" == groups[key[:-1]].label():
            groups[key[:-1]].mentions.extend(g.mentions)
            del groups[key]

    # 4: acronyms
    defined: dict[str, str] = {}
    for m in re.finditer(r"([A-Z][\w&.'’\- ]{3,80}?)\s+\(([A-Z][A-Za-z.&]{1,9})\)", text):
        defined[slug(m.group(2))] = slug(m.group(1))
    long_by_acr: dict[str, list[_Group]] = defaultdict(list)
    for g in groups.values():
        s = _surface(text, g.mentions[0])
        if len(_words(s)) >= 2 and g.label() != "PERSON":
            for form in {_surface(text, m) for m in g.mentions}:
                long_by_acr[slug(acronym(form))].append(g)
    for key, g in list(groups.items()):
        s = _surface(text, g.mentions[0])
        if g.fixed or not is_acronym(s):
            continue
        a = slug(s)
        cands = list({id(h): h for h in long_by_acr.get(a, []) if h is not g}.values())
        if a in defined:
            cands = [h for h in groups.values() if h is not g and (h.key == defined[a]
                     or any(slug(_surface(text, m)) == defined[a] for m in h.mentions))] or cands
        if len(cands) != 1:
            continue
        target = cands[0]
        for m in g.mentions:
            m.label = target.label()
            m.source = "acronym" if m.source == "model" else m.source
        target.mentions.extend(g.mentions)
        del groups[key]

    _split_surnames(text, groups, chunks)
    return [_entity(text, g) for g in groups.values()]


def _split_surnames(text: str, groups: dict[str, _Group], chunks: Sequence[tuple[int, Any]]) -> None:
    """3b: a bare surname that two full names share goes to the one its evidence names (:mod:`.surnames`)."""
    people = [(key, _canonical_name(text, g, "PERSON"), sorted({(m.start, m.end) for m in g.mentions}))
              for key, g in groups.items() if not g.fixed and g.label() == "PERSON"]
    moves = shared_surname_moves(text, people, chunks)
    if not moves:
        return
    for key, g in list(groups.items()):
        stay = []
        for m in g.mentions:
            target = moves.get((m.start, m.end))
            if target is None or target == key:
                stay.append(m)
                continue
            m.label, m.source = "PERSON", m.source if m.source != "model" else "name-part"
            if target not in groups:                 # a person named by the surname alone ("Mr. Obama")
                groups[target] = _Group(target)
            groups[target].mentions.append(m)
        g.mentions = stay
    for key in [k for k, g in groups.items() if not g.mentions]:
        del groups[key]


def _canonical_name(text: str, g: _Group, label: str) -> str:
    if g.fixed:
        return g.fixed[0]
    forms = Counter(_surface(text, m) for m in g.mentions)
    if label == "PERSON":
        return max(forms.items(), key=lambda kv: (len(_words(kv[0])), kv[1], -len(kv[0])))[0]
    if label == "NORP":  # the singular names the nationality: "North Korean", not "North Koreans"
        slugs = {slug(f) for f in forms}
        singular = [f for f in forms if not (slug(f).endswith("s") and slug(f)[:-1] in slugs)]
        forms = Counter({f: forms[f] for f in singular}) or forms
        best = max(forms.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
        return best[:-1] if best.endswith("ans") else best     # "Russians" alone → "Russian"
    # prefer a full form over an acronym, then the most frequent, then the longer
    return max(forms.items(), key=lambda kv: (not is_acronym(kv[0]), kv[1], len(kv[0])))[0]


def _entity(text: str, g: _Group) -> Entity:
    label = g.label()
    name = _canonical_name(text, g, label)
    eid = entity_id(label, name)
    mentions = sorted({(m.start, m.end) for m in g.mentions})
    aliases = sorted({slug(text[s:e]) for s, e in mentions} - {eid.split(":", 1)[1]})
    return Entity(id=eid, text=name, label=label,
                  mentions=[EntityMention(start=s, end=e, text=text[s:e]) for s, e in mentions],
                  count=len(mentions), aliases=aliases)
