"""Speaker resolution: a speaker span → the entity (and canonical name) it refers to.

- explicit / alias: the span overlaps an entity mention (``alias`` when the surface differs from
  the entity's canonical text, e.g. "Thae" → "Thae Yong Ho");
- pronoun: "he", "she", "his" → the most recent person before it (a person-like speaker or a
  PERSON mention) whose gender, where the document shows one, agrees: an honorific ("Mr", "Ms",
  "Mrs") on one of its mentions or speaker spans, a gendered role noun ("spokeswoman"), or a net
  two of the first he/she/his (possessive her) after each of its mentions with no other person
  between (never counting the pronoun being resolved); no first-name lists. When every candidate
  contradicts, the pronoun stays unresolved. "they" → the most recent plural antecedent (a
  coordinated speaker, a plural noun, a plural NORP) if one is near, else the most recent
  organisation/place; "it" → the most recent singular organisation/place speaker or mention;
- coordination: a speaker whose head noun has ``conj`` nouns in the parse ("Both Norway and
  Chile") keeps its whole span as the speaker text; each conjunct is resolved on its own, ``name``
  joins the conjuncts' names ("Norway and Chile"), ``entity_id`` is the first conjunct's entity and
  ``entity_ids`` lists them all (the key is present only on coordinated speakers);
- description: "the lawmaker", "a high-profile defector" → the person the text describes with that
  role: the nearest PERSON whose context (its mentions' sentences, the sentence after that starts
  with he/she, appositives and relative clauses inside them) contains a hint of the role word.
  Definite descriptions look back first, indefinite ones ("a lawmaker who …") look ahead first.
  A definite organisation description ("the agency", "the ministry") → the nearest earlier
  organisation mention or speaker whose text carries a hint of that noun (``GROUP_HINTS``).

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

from .chunks import ChunkTokens
from .lexicon import GROUP_HINTS, PERSON_PRONOUNS, ROLE_HINTS
from ..entities.spans import HONORIFIC_BEFORE

_TITLES = re.compile(r"^(mr|mrs|ms|miss|dr|prof|professor|sen|senator|rep|gov|governor|president|gen|general|"
                     r"judge|justice|sir|dame|lord|lady|rev|mayor|secretary|minister|prime minister)\.?\s", re.I)
_DET = re.compile(r"^(the|a|an|this|that|one|another|some)\s+", re.I)
_PERSON_LABELS = {"PERSON", "PER"}
# "South Korea's top spy agency": a possessor, up to three modifiers, a group role noun
_POSSESSED = re.compile(r"^(.+?)['’]s\s+(?:[\w-]+\s+){0,3}[\w-]+$")
_HONORIFIC = re.compile(r"\b(?:(Mr|Sir|Lord|Mister)|(Mrs|Ms|Miss|Madam|Dame|Lady))\.?\s+(?=[A-Z])")
# gendered role nouns by their ending, in an appositive right after a name ("Jones, a spokeswoman")
_ROLE_GENDER = re.compile(r"\s*,\s+(?:a|an|the)\s+(?:(?!(?:of|for|with|to|his|her|their|whose)\s)[\w’'.-]+\s+){0,4}?"
                          r"\w*?(?:(spokes|chair|congress|business|council|police|anchor|sales)(wo)?m[ae]n|"
                          r"(actress|mother|wife|daughter|sister|widow|queen|princess|duchess)|"
                          r"(father|husband|son|brother|widower|king|prince|duke))\b", re.I)
# subject / possessive forms only: an object "him"/"her" after a name is mostly someone else
# ("Lee invited him to visit her")
_PRONOUN_GENDER = re.compile(r"\b(?:(he|his|himself)|(she|hers|herself|her(?=\s+(?!(?:to|in|at|on|for|with|from|by|and|or|as|"
                             r"that|than|about|into|after|before|over|up|out|off|back|again|down)\b)[\w’'-])))\b", re.I)
_COORD = re.compile(r"\s*,\s*(?:and|or)\s+|\s*,\s*|\s+(?:and|or|&)\s+")
_BOTH = re.compile(r"^(?:both|either|neither)\s+", re.I)
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


def display_names(mentions: list[Mention], text: str) -> dict[str, str]:
    """entity id → "Dr Lewis" for a person the document names by one word only and writes with a
    title ("Dr Lewis said …", later "Lewis"): the canonical entity name drops titles so that mentions
    merge, but a bare surname is a poor speaker name. The title most used before its mentions wins;
    a person with a full name ("Thae Yong Ho") keeps it."""
    seen: dict[str, dict[str, int]] = {}
    for m in mentions:
        if not m.entity_id or m.label not in _PERSON_LABELS or len(m.name.split()) != 1:
            continue
        hit = HONORIFIC_BEFORE.search(text, max(0, m.start - 8), m.start)
        if hit:
            title = hit.group(1)[0].upper() + hit.group(1)[1:].lower() + hit.group(2)
            votes = seen.setdefault(m.entity_id, {})
            votes[f"{title} {m.name}"] = votes.get(f"{title} {m.name}", 0) + 1
    return {eid: max(v.items(), key=lambda kv: kv[1])[0] for eid, v in seen.items()}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _head_mention(hits: list[Mention], s: int, e: int) -> Mention | None:
    """The mention that is the span's head (at its end) or most of it, persons first, then the
    largest overlap: "South Korea's top spy agency" is not South Korea."""
    hits = [m for m in hits if m.end >= e - 1 or _overlap((s, e), (m.start, m.end)) * 2 > e - s]
    if not hits:
        return None
    return max(hits, key=lambda m: (m.label in _PERSON_LABELS, _overlap((s, e), (m.start, m.end))))


def _mention_result(base: dict[str, Any], m: Mention) -> dict[str, Any]:
    resolution = "explicit" if m.text.strip().lower() == m.name.strip().lower() else "alias"
    out = {**base, "name": m.name, "resolution": resolution, "_person": m.label in _PERSON_LABELS,
           "_plural": m.label == "NORP" and _plural_noun(m.text.split()[-1].lower())}
    if m.entity_id:
        out["entity_id"] = m.entity_id
    return out


def _has_hint(text: str, hints: tuple[str, ...]) -> bool:
    """Does a word of ``text`` (lower case) begin with one of the ``hints`` ("organi", "agency")?"""
    return any(re.search(r"\b" + re.escape(h), text) for h in hints)


def _plural_noun(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s"))


def _surface_gender(text: str, tail: bool = False) -> str | None:
    """Gender shown by an honorific at the start of a speaker span ("Mr Byrne") or, with ``tail``,
    anywhere in ``text`` (a few characters before a mention plus the mention: "said Ms Ortiz")."""
    m = _HONORIFIC.search(text) if tail else _HONORIFIC.match(text.lstrip("“\"‘' "))
    if m is None:
        return None
    return "m" if m.group(1) else "f"


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
        self._ante_meta: list[tuple[str | None, bool]] = []   # (gender, plural) of each antecedent
        self._votes: dict[str, list[tuple[int, str, int]]] | None = None
        self._ctx: dict[str, str] = {}
        self._parts: dict[str, list[tuple[int, str]]] = {}
        self.chunks = chunks
        self.tokens = ChunkTokens(chunks)

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
        gender = res.pop("_gender", None)
        plural = res.pop("_plural", False)
        self.history.append((s, res, kind))
        unresolved = res.get("resolution") == "pronoun" and res.get("name") == res.get("text")
        if not unresolved:
            self._ante_dicts.append(res)
            self._ante_meta.append((gender or _surface_gender(surface), plural))
            bisect.insort(self._antes[kind == "person"], (s, len(self._ante_dicts) - 1))
        return res

    def _resolve(self, s: int, e: int, surface: str) -> dict[str, Any]:
        base = {"text": surface, "start": s, "end": e}
        low = surface.lower().strip()
        # pronouns first: a pronoun never "overlaps" a useful mention
        if low in PERSON_PRONOUNS:
            kind = PERSON_PRONOUNS[low]
            ante = self._pronoun_antecedent(s, kind) if kind in ("m", "f", "p", "n") else None
            if ante is not None:
                out = {**base, "name": ante["name"], "resolution": "pronoun", "_person": kind in ("m", "f")}
                if ante.get("entity_id"):
                    out["entity_id"] = ante["entity_id"]
                if ante.get("entity_ids"):
                    out["entity_ids"] = list(ante["entity_ids"])
                if kind in ("m", "f"):
                    out["_gender"] = kind
                out["_plural"] = kind == "p"
                return out
            return {**base, "name": surface, "resolution": "pronoun", "_person": kind in ("m", "f")}
        hits = [m for m in self.index.near(s, e) if _overlap((s, e), (m.start, m.end)) > 0]
        coord = self._coordinated(s, e, surface, hits)
        if coord is not None:
            return coord
        hit = _head_mention(hits, s, e)
        if hit is not None:
            return _mention_result(base, hit)
        words = re.findall(r"[\w’'-]+", low)
        head = words[-1] if words else ""
        definite = low.startswith(("the ", "this ", "that "))
        if _DET.match(surface) and not any(c.isupper() for c in surface[1:]):
            if head in ROLE_HINTS:
                ante = self._describe(s, e, head, definite=definite)
                if ante is not None:
                    out = {**base, "name": ante.name, "resolution": "description", "_person": True}
                    if ante.entity_id:
                        out["entity_id"] = ante.entity_id
                    return out
            elif head in GROUP_HINTS and definite and len(words) == 2:
                grp = self._describe_group(s, head)
                if grp is not None:
                    out = {**base, "name": grp["name"], "resolution": "description", "_person": False}
                    for key in ("entity_id", "entity_ids"):
                        if grp.get(key):
                            out[key] = grp[key]
                    return out
        if head in GROUP_HINTS:
            grp = self._possessed_group(s, e, surface, head, hits)
            if grp is not None:
                return {**base, "name": grp.name, "entity_id": grp.entity_id, "resolution": "description",
                        "_person": False}
        is_person = bool(_TITLES.match(surface))
        # "human rights groups", "media reports and analysts": plural antecedents for "they"
        plural = bool(re.search(r"\s(?:and|&)\s", surface)) or (
            not is_person and _plural_noun(head) and not surface.split()[-1][:1].isupper())
        return {**base, "name": _DET.sub("", surface), "resolution": "explicit", "_person": is_person, "_plural": plural}

    def _coordinated(self, s: int, e: int, surface: str, hits: list[Mention]) -> dict[str, Any] | None:
        """ "Both Pyongyang and Moscow", "Russia, China and Iran": a speaker whose head noun has
        ``conj`` nouns in the parse; each conjunct is resolved on its own. ("Polls in Ohio and Iowa"
        coordinates a modifier, not the head: one speaker.) Without a parse, only a plain list of
        mentions counts ("A and B", "A, B and C")."""
        if not _COORD.search(surface):
            return None
        parts = self._conjunct_spans(s, e) if self.chunks else self._mention_list(s, e, surface, hits)
        if not parts:
            return None
        names: list[str] = []
        ids: list[str] = []
        resolved = 0
        explicit = True
        for a, b in parts:
            m = _head_mention([h for h in hits if _overlap((a, b), (h.start, h.end)) > 0], a, b)
            if m is None:
                names.append(_DET.sub("", _BOTH.sub("", self.text[a:b])))
                continue
            resolved += 1
            names.append(m.name)
            explicit = explicit and m.text.strip().lower() == m.name.strip().lower()
            if m.entity_id and m.entity_id not in ids:
                ids.append(m.entity_id)
        if not resolved:
            return None
        last = re.findall(r"\b(and|or)\b|&", self.text[parts[-2][1]:parts[-1][0]])
        conj = last[-1] if last and last[-1] else "and"
        name = ", ".join(names[:-1]) + f" {conj} " + names[-1] if len(names) > 2 else f"{names[0]} {conj} {names[1]}"
        out: dict[str, Any] = {"text": surface, "start": s, "end": e, "name": name,
                               "resolution": "explicit" if explicit and resolved == len(parts) else "alias",
                               "_person": False, "_plural": True}
        if ids:
            out["entity_id"] = ids[0]
            out["entity_ids"] = ids
        return out

    def _conjunct_spans(self, s: int, e: int) -> list[tuple[int, int]] | None:
        toks = self.tokens.tokens(s, e)
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
            a = self.tokens.start_of(k0)
            parts.append((a, self.tokens.start_of(k1) + len(k1.text)))
        # each conjunct its own stretch of text ("Developers and supporters in Congress" hangs
        # "in Congress" on the first: not a clean split)
        ok = all(a < b for a, b in parts) and all(b0 <= a1 for (_, b0), (a1, _) in zip(parts, parts[1:]))
        return parts if ok else None

    def _mention_list(self, s: int, e: int, surface: str, hits: list[Mention]) -> list[tuple[int, int]] | None:
        lead = _BOTH.match(surface)
        a0 = s + (lead.end() if lead else 0)
        seps = [m for m in _COORD.finditer(self.text, a0, e)
                if not any(h.start < m.start() and m.end() < h.end for h in hits)]
        if not seps or not re.search(r"\b(?:and|or)\b|&", seps[-1].group()):
            return None
        parts, pos = [], a0
        for m in seps:
            parts.append((pos, m.start()))
            pos = m.end()
        parts.append((pos, e))
        for a, b in parts:
            a = a + (_TITLES.match(self.text[a:b]).end() if _TITLES.match(self.text[a:b]) else 0)
            if not any(h.start <= a and h.end >= b - 1 for h in hits):
                return None
        return parts

    # -- gender / number evidence for pronouns
    def _gender_votes(self) -> dict[str, list[tuple[int, str, int]]]:
        """name → [(pronoun position or -1, "m"/"f", weight)]: honorifics and gendered role nouns
        (weight 3) and the first he/she after a mention with no other person between (weight 1)."""
        if self._votes is not None:
            return self._votes
        votes: dict[str, list[tuple[int, str, int]]] = {}
        persons, starts = self.index.by_kind[True]
        for k, m in enumerate(persons):
            v = votes.setdefault(m.name, [])
            g = _surface_gender(self.text[max(0, m.start - 8):m.start] + m.text, tail=True)
            if g:
                v.append((-1, g, 3))
            r = _ROLE_GENDER.match(self.text, m.end, min(len(self.text), m.end + 80))
            if r:
                v.append((-1, "f" if r.group(2) or r.group(3) else "m", 3))
            i = self._sent_index(m.start)
            if i is None:
                continue
            limit = self.sents[min(i + 1, len(self.sents) - 1)][1]
            p = _PRONOUN_GENDER.search(self.text, m.end, limit)
            if p is None:
                continue
            nxt = bisect.bisect_right(starts, m.start)
            while nxt < len(persons) and persons[nxt].name == m.name:
                nxt += 1
            if nxt < len(persons) and persons[nxt].start < p.start():
                continue   # another person between: the pronoun may be theirs
            if re.search(r"[“\"]", self.text[m.end:p.start()]):
                continue   # a quote opened between: the pronoun is the quoted speaker's
            if not any(pos == p.start() for pos, _, _ in v):   # one vote per pronoun, however many mentions
                v.append((p.start(), "m" if p.group(1) else "f", 1))
        self._votes = votes
        return votes

    def _gender(self, name: str, exclude: int = -2) -> str | None:
        score = 0
        for pos, g, w in self._gender_votes().get(name, ()):
            if pos != exclude:
                score += w if g == "m" else -w
        # one stray pronoun is not evidence enough ("Warren told Stumpf, after he admitted …"):
        # an honorific or role noun (3), or two pronouns more for one gender than the other
        return "m" if score >= 2 else "f" if score <= -2 else None

    def _candidates(self, pos: int, person: bool, limit: int = 40) -> list[tuple[dict[str, Any], str | None, bool]]:
        """Antecedents of the kind before ``pos``, nearest first (equal positions: earliest-resolved
        speaker, then the first mention): (speaker-like dict, gender, plural)."""
        cands: list[tuple[int, int, int, dict[str, Any], str | None, bool]] = []
        antes = self._antes[person]
        k = bisect.bisect_left(antes, (pos, -1))
        for p, idx in antes[max(0, k - limit):k]:
            g, pl = self._ante_meta[idx]
            d = self._ante_dicts[idx]
            cands.append((p, 0, idx, d, g or self._gender(str(d.get("name")), pos), pl))
        ms, starts = self.index.by_kind[person]
        k = bisect.bisect_left(starts, pos)
        for j in range(max(0, k - limit), k):
            m = ms[j]
            d = {"name": m.name, "entity_id": m.entity_id}
            pl = m.label == "NORP" and _plural_noun(m.text.split()[-1].lower()) if m.text else False
            cands.append((m.start, 1, j, d, self._gender(m.name, pos) if person else None,
                          pl if m.label != "NORP" or pl else None))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        return [(d, g, pl) for _, _, _, d, g, pl in cands]

    def _pronoun_antecedent(self, pos: int, kind: str) -> dict[str, Any] | None:
        """he/she: the nearest person whose known gender does not contradict; it: the nearest
        singular group (not a NORP adjective); they: a plural among the nearest few, else the
        nearest group; we: the nearest group."""
        if kind in ("m", "f"):
            for d, g, _ in self._candidates(pos, True):
                if g is None or g == kind:
                    return d
            return None
        cands = self._candidates(pos, False)
        if kind == "n":
            return next((d for d, _, pl in cands if pl is False), None)
        if kind == "p" and cands:
            return next((d for d, _, pl in cands[:6] if pl), None) or next((d for d, _, pl in cands if pl is not None), cands[0][0])
        return cands[0][0] if cands else None

    def _describe_group(self, s: int, role: str) -> dict[str, Any] | None:
        """ "the agency" → the nearest earlier organisation mention or speaker whose text has a hint."""
        hints = GROUP_HINTS.get(role) or (role,)
        for d, _, _ in self._candidates(s, False):
            txt = f"{d.get('text', '')} {d.get('name', '')}".lower()
            if d.get("text") and _DET.match(d["text"]) and not d.get("entity_id"):
                continue   # another bare description
            if _has_hint(txt, hints):
                return d
        return None

    def _possessed_group(self, s: int, e: int, surface: str, role: str, hits: list[Mention]) -> Mention | None:
        """"South Korea's top spy agency" → the organisation the document names whose name has a
        hint of the role and the possessor's name ("South Korean National Intelligence Service"):
        the nearest such mention before the description, else the first after it (a lead often
        describes before it names)."""
        m = _POSSESSED.match(surface)
        if m is None:
            return None
        owner_end = s + m.end(1)
        owner = [h for h in hits if h.start >= s and h.end <= owner_end and h.label not in _PERSON_LABELS]
        if not owner:
            return None
        owner_words = [w[:4] for w in re.findall(r"\w+", owner[0].name.lower())]
        hints = GROUP_HINTS.get(role) or (role,)

        def fits(x: Mention) -> bool:   # owner words by their first four letters: Norway ~ Norwegian
            low = x.name.lower()
            stems = {w[:4] for w in re.findall(r"\w+", low)}
            return (x.label == "ORG" and x.entity_id is not None and len(stems) > len(owner_words)
                    and all(w in stems for w in owner_words)
                    and _has_hint(low, hints))

        before = [x for x in self.mentions if x.end <= s and fits(x)]
        if before:
            return before[-1]
        return next((x for x in self.mentions if x.start >= e and fits(x)), None)

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
