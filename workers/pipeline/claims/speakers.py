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
- description: "the lawmaker", "a high-profile defector" → the person the text itself gives that
  role, in a phrase attached to one of their mentions (``descriptions.py``: "Indiana Gov. Mike
  Pence", "Pence, the governor of Indiana"); else, definite only, a named speaker or subject a
  sentence back or the article's main person, when nothing says the role is someone else's
  (``_person_description``); else the description itself, with no entity. A definite
  organisation description ("the agency", "the ministry") → the nearest earlier organisation
  mention or speaker whose text carries a hint of that noun (``groups.py``).

Entities come from ``doc.entities`` (the entity stage) through ``mentions.entity_mentions``.
Coordination is in ``coordination.py``, gender evidence in ``gender.py``. ``Resolver.resolve``
returns a :class:`records.Speaker`.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from .chunks import ChunkTokens
from .coordination import DET as _DET, TITLES as _TITLES, coordinated
from .descriptions import PersonDescriptions, has_word, norm
from .gender import GenderVotes, noun_gender
from .groups import Antecedent, GroupDescriptions
from .lexicon import NAME_PARTICLES as _NAME_PARTICLES, PERSON_PRONOUNS
from .salience import MAX_SENTENCES, Salience, continuation_cue
from .source_nouns import GROUP_HINTS, ROLE_HINTS, person_noun, source_noun
from .mentions import (
    MUTE_LABELS as _MUTE_LABELS, PERSON_LABELS as _PERSON_LABELS, Mention, MentionIndex, display_names,
    entity_mentions, head_mention as _head_mention, overlap as _overlap, plural_noun as _plural_noun, role_hints,
    root_person, span_root, surface_gender as _surface_gender,
)
from .records import Speaker
from .sentences import Covered

_HE_SHE = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
# an organisation's title word(s) between a cut speaker span and a name: " (PAHO) Director "
# offices a phrase may give a person ("Gov.", "Mayor", "Rep."): one of them rules out another role
_OFFICES = ("governor", "senator", "representative", "congressman", "congresswoman", "mayor", "president",
            "secretary", "minister", "ambassador", "judge", "justice", "general", "attorney general")
# how many sentences back a person brought in without a name is a he/she antecedent by itself
_UNNAMED_SENTENCES = 2
_TITLE_GAP = re.compile(r"\s?(?:\([A-Z][\w.]{1,12}\)\s)?((?:[A-Z][\w.’'-]*\s){1,3})")


def _common_noun(t: Any | None) -> bool:
    """A common noun, or a lower-case word the tagger took for a proper noun ("the Party's
    *chancellor* of the Exchequer": NNP among capitalised neighbours)."""
    return t is not None and (t.pos_ == "NOUN" or t.pos_ == "PROPN" and t.is_lower and t.is_alpha)


def _mention_result(surface: str, s: int, e: int, m: Mention) -> Speaker:
    resolution = "explicit" if m.text.strip().lower() == m.name.strip().lower() else "alias"
    return Speaker(surface, s, e, m.name, resolution, entity_id=m.entity_id, person=m.label in _PERSON_LABELS,
                   plural=m.label == "NORP" and _plural_noun(m.text.split()[-1].lower()))


_LOCATIVE = re.compile(r"\b(?:in|at|across|near|from|around|throughout|outside|inside)\s+(?:the\s+)?$", re.I)


class Resolver(GroupDescriptions):
    def __init__(self, text: str, mentions: list[Mention], chunks: list[tuple[int, Any]],
                 index: MentionIndex | None = None, contents: list[tuple[int, int]] | None = None):
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
        self.history: list[tuple[int, Speaker, str]] = []   # (pos, speaker, kind person|group)
        self._done: dict[tuple[tuple[int, int], tuple[int, int] | None], Speaker] = {}
        # usable antecedents per kind, sorted by (pos, resolution order): bisect instead of scans
        self._antes: dict[bool, list[tuple[int, int]]] = {True: [], False: []}
        self._ante_dicts: list[Speaker] = []
        self._ante_meta: list[tuple[str | None, bool]] = []   # (gender, plural) of each antecedent
        self._speaker_at: set[int] = set()
        self._chain: dict[int, tuple[int, Any, str | None, bool] | None] = {}
        self._unnamed: dict[int, list[tuple[int, Any, str | None, bool]]] = {}
        self._fitting: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Mention]] = {}
        self.chunks = chunks
        self.tokens = ChunkTokens(chunks)
        self._genders = GenderVotes(text, self.index, self.sents, self._sent_index)
        # he/she by salience (coref.py): sentence distance and the candidate's role
        self._salience = Salience(text, chunks, self._sent_index, self.tokens, contents or (), self.sents)
        self._contents = Covered(list(contents or ()))
        self._people = PersonDescriptions(text, self.index, self.tokens, bool(chunks), self.sents, self._sent_index,
                                          self._salience.is_subject)

    def _in_content(self, pos: int) -> bool:
        return self._contents.overlaps(pos, pos + 1)

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

    # -- resolution
    def resolve(self, span: tuple[int, int] | None, ref: tuple[int, int] | None = None,
                cue: str | None = None, own: list[tuple[int, int]] | None = None, remember: bool = True) -> Speaker | None:
        """Resolve a speaker span; ``ref`` is the antecedent span of a relative pronoun ("who");
        ``cue`` (the cue lemma) and ``own`` (the attribution's content spans) help a he/she speaker."""
        if span is None:
            return None
        if (span, ref) in self._done:    # a speaker shared by two cues ("he said, adding …"): one answer
            return self._done[(span, ref)].copy()
        s, e = span
        surface = self.text[s:e]
        if ref is not None:
            res = self._resolve(ref[0], ref[1], self.text[ref[0]:ref[1]])
            res.text, res.start, res.end = surface, s, e
        else:
            res = self._resolve(s, e, surface, cue, own or ())
        self._done[(span, ref)] = res.copy()
        self._speaker_at.add(s)
        kind = "person" if res.person else "group"
        self.history.append((s, res, kind))
        unresolved = res.resolution == "pronoun" and res.name == res.text
        if not unresolved and remember:       # a quote's quoted speaker is no antecedent outside it
            self._ante_dicts.append(res)
            self._ante_meta.append((res.gender or _surface_gender(surface), res.plural))
            bisect.insort(self._antes[kind == "person"], (s, len(self._ante_dicts) - 1))
        return res

    def _resolve(self, s: int, e: int, surface: str, cue: str | None = None,
                 own: list[tuple[int, int]] | tuple[()] = ()) -> Speaker:
        low = surface.lower().strip()
        # pronouns first: a pronoun never "overlaps" a useful mention
        if low == "we" and not self._in_content(s):
            # the writer's or the publication's own "we" ("as we said in our review"): no third party
            # it could refer to (inside a quotation it is the quoted speaker's side, resolved below)
            return Speaker(surface, s, e, surface, "pronoun")
        if low in PERSON_PRONOUNS:
            kind = PERSON_PRONOUNS[low]
            if kind in ("m", "f"):
                ante = self._salience.pick(s, kind, self._ranked(s, True, chain=True), own, continuation_cue(cue),
                                           self._lean)
            else:
                ante = self._pronoun_antecedent(s, kind) if kind in ("p", "n") else None
            if ante is not None:
                return Speaker(surface, s, e, ante.name, "pronoun", entity_id=ante.entity_id or None,
                               entity_ids=list(ante.entity_ids) if ante.entity_ids else None,
                               person=kind in ("m", "f"), gender=kind if kind in ("m", "f") else None,
                               plural=kind == "p")
            return Speaker(surface, s, e, surface, "pronoun", person=kind in ("m", "f"))
        if low == "one" and not self._in_content(s):
            # "Dealers said … . “…,” one said": one of the plural source just named
            ante = self._pronoun_antecedent(s, "p")
            name = str(ante.name) if ante is not None else ""
            if name and _plural_noun(name.split()[-1].lower()):
                if " " not in name and not ante.entity_id:
                    name = name[:1].lower() + name[1:]   # "Dealers said" opening its sentence
                return Speaker(surface, s, e, f"one of the {name}", "description", person=True)
        hits = [m for m in self.index.near(s, e) if _overlap((s, e), (m.start, m.end)) > 0]
        if not hits:   # a span cut before the name its role words introduce ("director | Bong Joon Ho")
            hits = [m for m in self.index.near(e, e + 2) if m.label in _PERSON_LABELS
                    and e <= m.start <= e + 1 and not surface.rstrip().endswith((",", "."))]
        if not hits and _DET.match(surface):   # "The campaign chairman, Phil Lovas, said": the appositive
            hits = [m for m in self.index.near(e, e + 3) if m.label in _PERSON_LABELS and m.start == e + 2
                    and self.text[e:e + 2] == ", " and self.text[m.end:m.end + 1] == ","]
        if len(hits) == 1 and hits[0].label not in _PERSON_LABELS and hits[0].end >= e - 1:
            hits = self._titled_person_after(e) or hits
        coord = coordinated(self.text, self.tokens if self.chunks else None, s, e, surface, hits)
        if coord is not None:
            return coord
        root = span_root(self.tokens, s, e) if self.chunks else None
        hit = root_person(self.tokens, root, hits) or _head_mention([m for m in hits if not self._placed(m, s)], s, e)
        words = re.findall(r"[\w’'-]+", low)
        head = words[-1] if words else ""
        definite = low.startswith(("the ", "this ", "that "))
        # "the Conservative MP": a person-role head the mentions do not cover is a description
        rpos = self.tokens.start_of(root) if root is not None else -1
        role = root.lower_ if root is not None and role_hints(root.lower_) is not None and not any(
            h.start <= rpos < h.end for h in hits) else None
        if hit is not None and hit.label not in _PERSON_LABELS and self._modifies_people(root, hits):
            hit = None   # "Singapore dealers", "California growers": the place or body is no speaker
        if hit is not None and definite and len(words) == 2 and cue != "report" and self._demonym(hit, s, e):
            # ("The Tennessean first reported": a paper named like its readers)
            ante = self._nearby_person(s, self.text[hit.start:hit.end])
            if ante is not None:
                return Speaker(surface, s, e, ante.name, "description", entity_id=ante.entity_id or None, person=True)
        if hit is not None and not (role and _DET.match(surface) and hit.label not in _PERSON_LABELS):
            res = _mention_result(surface, s, e, hit)
            rest = self.text[hit.end:e].split()
            lead = _DET.sub("", self.text[s:hit.start]).split()
            if hit.label not in _PERSON_LABELS and (rest and all(w[:1].isupper() for w in rest) or lead and any(
                    w[:1].isupper() for w in lead) and all(w[:1].isupper() and not w.endswith(("'s", "’s", "'", "’"))
                                                          or w.lower() in _NAME_PARTICLES for w in lead)):
                # "OBSERVER ONLINE" (the mention: "OBSERVER"), "The Gazzetta dello Sport" (the mention: "Sport")
                res.name = _DET.sub("", surface).strip()
            return res
        if role and definite and role_hints(role):
            # its other capitalised words must fit too: "the *Indiana* governor", "the *FBI* director";
            # a party or nationality word may not fit a named speaker/subject a sentence back
            need = [w.lower() for w in re.findall(r"[A-Z][\w’'.-]*", surface) if w.lower() not in ("the", "this", "that", role)]
            places = [w for w in need if not any(h.label == "NORP" and w in h.text.lower() for h in hits)]
            nouns = self._modifiers(root, s, e)
            ante = self._person_description(s, e, role, True, need + nouns, places + nouns)
            states = [w for w in places if any(h.label in ("GPE", "LOC") and w in h.text.lower() for h in hits)]
            if ante is None and states and len(states) == len(places) and not nouns and not self._salience.embedded(s):
                # "Bernie Sanders is choosing …. Instead, the Vermont senator is sticking …": when no
                # phrase names the state, the named speaker or subject a sentence back, unless their
                # phrases give them another place or another office ("Gov. Rita Vance of Kentucky")
                cands = self._ranked(s, True)
                near = self._salience.pick(s, None, cands, near=True)
                at = next((p for p, d, _, _ in cands if d is near), None)
                if near is not None and self._main_subject(at) and not self._other_place(str(near.name), states) \
                        and not self._other_office(str(near.name), role_hints(role)):
                    ante = near
            if ante is not None:
                return Speaker(surface, s, e, ante.name, "description", entity_id=ante.entity_id or None,
                               person=True)
        if _DET.match(surface) and not any(c.isupper() for c in surface[1:]):
            if head in ROLE_HINTS:
                nouns = self._modifiers(root, s, e)     # "the *band* leader": not any leader
                ante = self._person_description(s, e, head, definite, nouns, nouns)
                if ante is not None:
                    return Speaker(surface, s, e, ante.name, "description", entity_id=ante.entity_id or None,
                                   person=True)
            elif head in GROUP_HINTS and definite and len(words) == 2:
                grp = self._describe_group(s, head)
                if grp is not None:
                    return Speaker(surface, s, e, grp.name, "description", entity_id=grp.entity_id or None,
                                   entity_ids=grp.entity_ids or None, person=False)
        if head in GROUP_HINTS:
            found = self._possessed_group(s, e, surface, head, hits)
            if found is not None:
                return Speaker(surface, s, e, found.name, "description", entity_id=found.entity_id, person=False)
        # "a spokesperson for X", "a police officer", "the unnamed corporal": he/she
        is_person = bool(_TITLES.match(surface)) or role is not None or (
            _common_noun(root) and not _plural_noun(root.lower_) and person_noun(root.lemma_.lower()))
        # "human rights groups", "media reports and analysts": plural antecedents for "they"
        plural = bool(re.search(r"\s(?:and|&)\s", surface)) or (
            not is_person and _plural_noun(head) and not surface.split()[-1][:1].isupper())
        return Speaker(surface, s, e, _DET.sub("", surface), "explicit", person=is_person, plural=plural)

    def _placed(self, m: Mention, s: int) -> bool:
        """A place named after a locative preposition inside the speaker span says where the speaker is,
        not who ("Most of the nurses at hospitals in Ohio", "officials from Kent")."""
        return m.label in ("GPE", "LOC", "FAC") and m.start > s and _LOCATIVE.search(self.text, max(s, m.start - 20), m.start) is not None

    def _other_place(self, name: str, states: list[str]) -> bool:
        """Does a phrase attached to ``name`` hold a place the document names, other than ``states``?"""
        places = {m.text.lower() for m in self.index.by_kind[False][0] if m.label in ("GPE", "LOC")} - set(states)
        return any(has_word(self._people.evidence(x), p) for x in self.index.by_name.get(name, []) for p in places)

    def _main_subject(self, at: int | None) -> bool:
        """Is the mention at ``at`` the subject of its sentence's main verb (not "hours after *Delmar* attacked …")?"""
        toks = self.tokens.tokens(at, at + 1) if at is not None and self.chunks else []
        t = toks[0] if toks else None
        while t is not None and t.dep_ in ("compound", "flat", "appos") and t.head.i != t.i:
            t = t.head
        return t is not None and t.dep_ == "nsubj" and t.head.dep_ == "ROOT"

    def _other_office(self, name: str, hints: tuple[str, ...]) -> bool:
        """Does a phrase attached to ``name`` give them an office that is not the role (``hints``)?"""
        ev = " ".join(self._people.evidence(x) for x in self.index.by_name.get(name, []))
        return any(has_word(ev, o) for o in _OFFICES if not any(o.startswith(h) or h.startswith(o) for h in hints))

    def _demonym(self, hit: Mention, s: int, e: int) -> bool:
        """"The Briton", "the American": one singular capitalised word after the article, tagged as a
        nationality or as a person no other name of the document holds (a person's name takes no article)."""
        word = self.text[hit.start:hit.end]
        if hit.start <= s or hit.end != e or " " in word or not word[:1].isupper() or _plural_noun(word.lower()) \
                or word.endswith("s"):     # "the Saudis", "the Swiss": a people
            return False
        if hit.label == "NORP":
            return True
        low = word.lower()
        return hit.label in _PERSON_LABELS and not any(
            low in (w.lower() for w in m.name.split()) for m in self.index.by_kind[True][0] if m.name != hit.name)

    def _nearby_person(self, s: int, word: str) -> Speaker | Antecedent | Mention | None:
        """The person a nationality description ``word`` means: one named two sentences back whose
        attached phrase holds the word ("American Oliver McCall"), else a named speaker or subject a sentence back
        (``Salience.pick`` with ``near``), else the one person named in that stretch, else the person
        the document is about."""
        if self._salience.embedded(s):
            return None
        cands = self._ranked(s, True)
        i = self._sent_index(s)
        lo = self.sents[max(0, i - 2)][0] if i is not None else s
        said = next((d for p, d, _, _ in cands if p >= lo and getattr(d, "entity_id", None)
                     and self._people.person_fits(str(d.name), None, [word.lower()])), None)
        if said is not None:      # "… beating American Oliver McCall. … the American said"
            return said
        near = self._salience.pick(s, None, cands, near=True)
        if near is not None:
            return near
        lo = self.sents[max(0, i - 1)][0] if i is not None else s
        named = {str(d.name): d for p, d, _, _ in cands if p >= lo and getattr(d, "entity_id", None)}
        if len(named) == 1:
            return next(iter(named.values()))
        name = self._people.main_name
        return next((m for m in self.index.by_name.get(name, []) if m.start < s), None) if name else None

    def _modifies_people(self, root: Any | None, hits: list[Mention]) -> bool:
        """The span's head is a common noun of people that no mention covers ("Singapore *dealers*",
        "Representatives of First Bank and Norwest", "the Labour Party's chancellor of the Exchequer"):
        a mention in it only says which people."""
        if not _common_noun(root) or not person_noun(root.lemma_.lower()):
            return False
        p = self.tokens.start_of(root)
        return not any(h.start <= p < h.end for h in hits)

    def _titled_person_after(self, e: int) -> list[Mention]:
        """"warns Pan American Health Organization | (PAHO) Director Carissa F. Etienne": a span cut
        at the organisation whose title word and the person's name follow."""
        x = next((x for x in self.index.near(e, e + 40) if x.start >= e and x.label in _PERSON_LABELS), None)
        gap = _TITLE_GAP.fullmatch(self.text, e, x.start) if x is not None else None
        if gap is None or not any(role_hints(w.strip(".")) is not None or _TITLES.match(w + " ")
                                  for w in gap.group(1).lower().split()):
            return []
        return [x]

    def _modifiers(self, root: Any, s: int, e: int) -> list[str]:
        """The lower-case noun modifiers of a description's head ("the *campaign* chairman")."""
        if root is None:
            return []
        return [c.lower_ for c in root.children if c.dep_ == "compound" and c.is_lower and c.is_alpha
                and not c.n_lefts and s <= self.tokens.start_of(c) < e]   # not "high-*profile*"

    def _person_description(self, s: int, e: int, role: str, definite: bool, need: list[str],
                            places: list[str]) -> Speaker | Antecedent | Mention | None:
        """The person a description means (``descriptions.py``), else — definite only — a named
        speaker or subject a sentence back ("Martin Crane warned …. Speaking in the Commons, the
        Conservative MP said") whose attached phrases hold the ``places`` words, when the text
        between does not use the role word for someone else ("… had a question for the president.
        … the president said"); else the person the document is about, when a sentence naming
        them holds the role (``PersonDescriptions.main_person``)."""
        hints = role_hints(role)
        if not hints:
            return None     # "the woman", "a source": no role to look for
        vice = "vice" in self.text[s:e].lower()
        ante = self._people.describe(s, e, hints, definite, need, vice)
        if ante is not None or not definite or self._salience.embedded(s):
            return ante          # inside a quotation "the minister" is the quoted speaker's, not the last subject
        cands = self._ranked(s, True)
        near = self._salience.pick(s, None, cands, near=True)
        if near is not None:
            at = next(p for p, d, _, _ in cands if d is near)
            name = str(near.name)
            if (not places or self._people.person_fits(name, None, places, vice)) and not any(
                    has_word(norm(self.text[at:s]), h) for h in hints) and (need or not self._people.role_for_other(name, hints)):
                return near
        return self._people.main_person(s, e, hints, need, vice)

    # -- gender / number evidence for pronouns
    def _gender(self, name: str, exclude: int = -2) -> str | None:
        return self._genders.gender(name, exclude)

    def _candidates(self, pos: int, person: bool, limit: int = 40) -> list[tuple[Speaker | Antecedent, str | None, bool | None]]:
        """Antecedents of the kind before ``pos``, nearest first (equal positions: earliest-resolved
        speaker, then the first mention): (speaker-like dict, gender, plural)."""
        return [(d, g, pl) for _, _, d, g, pl in self._ranked_all(pos, person, limit)]

    def _ranked(self, pos: int, person: bool, chain: bool = False) -> list[tuple[int, Any, str | None, bool]]:
        """(position, antecedent, gender, is an earlier speaker), nearest first, for ``Salience``;
        with ``chain`` the earlier he/she subjects that speak no attribution, too (``_links``)."""
        out = [(p, d, g, k == 0) for p, k, d, g, _ in self._ranked_all(pos, person)]
        return sorted(out + self._links(pos), key=lambda c: -c[0]) if chain else out

    def _lean(self, d: Any, pos: int) -> int:
        return self._genders.score(str(d.name), pos)

    def _links(self, pos: int) -> list[tuple[int, Any, str | None, bool]]:
        """A pronoun chain ("Voss left. *He* drove to meet Sam Ortiz. *He* was angry. He said …"):
        the he/she subjects before ``pos`` (at most eight sentences back, outside quotations and
        contents) that are no attribution's speaker, each resolved in text order like a speaker,
        as antecedents at their own position: ``(position, antecedent, gender, False)``."""
        i = self._sent_index(pos)
        lo = self.sents[max(0, i - MAX_SENTENCES)][0] if i is not None else max(0, pos - 2000)
        out = []
        for m in _HE_SHE.finditer(self.text, lo, pos):
            q = m.start()
            if q not in self._chain:
                g = PERSON_PRONOUNS[m.group().lower()]
                ante = None
                if q not in self._speaker_at and not self._salience.embedded(q) and self._salience.is_subject(q, m.end()):
                    ante = self._salience.pick(q, g, self._ranked(q, True, chain=True), (), False, self._lean)
                self._chain[q] = (q, ante, g, False) if ante is not None else None
            if self._chain[q] is not None:
                out.append(self._chain[q])
        if self.chunks and i is not None:
            for k in range(max(0, i - _UNNAMED_SENTENCES), i + 1):
                out.extend(c for c in self._unnamed_people(k) if c[0] < pos)
            out.sort(key=lambda c: c[0])
        return out[-6:]

    def _unnamed_people(self, k: int) -> list[tuple[int, Any, str | None, bool]]:
        """The people sentence ``k`` introduces without a name, as he/she antecedents like ``_links``':
        a singular person noun with an indefinite article that is a subject or the pivot of "there
        was" ("there was *an officer* who …", "*A man* was arrested …"), outside quotations and
        contents and no mention's part. An indefinite noun phrase brings in someone new, so it never
        stands for a person named before; its name is the phrase without the article ("officer").
        It ranks below a named person at the same distance (``Salience``'s "unnamed" role) and is
        met at most ``_UNNAMED_SENTENCES`` back: further on, only a he/she chain through it carries it."""
        if k in self._unnamed:
            return self._unnamed[k]
        a, b = self.sents[k]
        found = []
        for t in self.tokens.tokens(a, b):
            if t.tag_ != "NN" or not _common_noun(t) or not person_noun(t.lemma_.lower()):
                continue
            if not (t.dep_ in ("nsubj", "nsubjpass") or t.dep_ == "attr" and any(c.dep_ == "expl" for c in t.head.children)):
                continue
            if not any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in t.children):
                continue
            at = self.tokens.start_of(t)
            left = self.tokens.start_of(t.left_edge)
            if self._salience.embedded(at) or any(m.start <= at < m.end for m in self.index.near(at, at + 1)):
                continue
            name = _DET.sub("", self.text[left:at + len(t)])
            found.append((left, Antecedent(name, None, text=name, unnamed=True), noun_gender(t.lemma_), False))
        self._unnamed[k] = found
        return found

    def _ranked_all(self, pos: int, person: bool, limit: int = 40
                    ) -> list[tuple[int, int, Speaker | Antecedent, str | None, bool | None]]:
        cands: list[tuple[int, int, int, Speaker | Antecedent, str | None, bool | None]] = []
        antes = self._antes[person]
        k = bisect.bisect_left(antes, (pos, -1))
        for p, idx in antes[max(0, k - limit):k]:
            g, pl = self._ante_meta[idx]
            d = self._ante_dicts[idx]
            cands.append((p, 0, idx, d, g or self._gender(str(d.name), pos), pl))
        ms, starts = self.index.by_kind[person]
        k = bisect.bisect_left(starts, pos)
        for j in range(max(0, k - limit), k):
            m = ms[j]
            if m.label in _MUTE_LABELS:
                continue       # "the Iraq War", "May 2019": never what an it / they speaker means
                # (PRODUCT is kept: the tagger gives it to companies too, "FoodCorp")
            a = Antecedent(m.name, m.entity_id)
            pl = m.label == "NORP" and _plural_noun(m.text.split()[-1].lower()) if m.text else False
            cands.append((m.start, 1, j, a, self._gender(m.name, pos) if person else None,
                          pl if m.label != "NORP" or pl else None))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        return [(p, k, d, g, pl) for p, k, _, d, g, pl in cands]

    def _pronoun_antecedent(self, pos: int, kind: str) -> Speaker | Antecedent | None:
        """it: the nearest singular group (not a NORP adjective); they: a plural among the nearest
        few, else the nearest group; we: the nearest group (he/she: ``coref.Salience``). Mentions of
        things that never speak (``MUTE_LABELS``: an event, a date, an amount) are no candidates."""
        cands = self._candidates(pos, False)
        if kind == "n":
            return next((d for d, _, pl in cands if pl is False), None)
        if kind == "p":
            near = next((d for d, _, pl in cands[:6] if pl), None)
            if near is not None:
                return near
            phrase = self._salience.plural_subject(pos)    # "The unions protested … They said"
            if phrase is not None and not source_noun(phrase[2]):
                # "City plans rely on …, according to officials. … , they said": a plural subject
                # that cannot speak loses to the nearest earlier plural speaker
                spoke = next((d for _, k, d, _, pl in self._ranked_all(pos, False) if k == 0 and pl), None)
                if spoke is not None:
                    return spoke
                phrase = self._salience.plural_subject(pos, source_noun) or phrase   # "The dock workers walked out after the talks collapsed"
            if phrase is not None:
                return Antecedent(phrase[1], None, text=phrase[1])
            if cands:
                return next((d for d, _, pl in cands if pl is not None), cands[0][0])
        return cands[0][0] if cands else None


__all__ = ["Antecedent", "Mention", "MentionIndex", "Resolver", "display_names", "entity_mentions"]
