"""Speaker coreference: which person a short name or a he/she speaker means, read like a careful reader.

Two steps, both inside one document and both before / during speaker resolution (``speakers.py``):

1. **Shared surnames** (:func:`split_shared_surnames`). The entity stage joins a one-word name
   ("Meadows") to the full name that contains it, by counts when several do ("Debbie Meadows",
   17 mentions, against "Mark Meadows", 2). Here every such one-word mention of a surname that two
   or more full names of the document share is re-linked on its own, to the full name that fits it:
   - its title: "Mr." / "Mrs." / "Ms" against each full name's gender (an honorific or a family /
     role noun next to a full mention: "his wife, Debbie Meadows", "Meadows, a spokeswoman", or two
     he/she more for one gender after its full mentions), and an office title ("Rep.", "Sen.",
     "Dr") against the titles written before each full name;
   - a he/she/his/her in the mention's own sentence with no other person named between ("Clinton
     told the audience that she …");
   - without such evidence: not a person the text introduces through the other ("his wife, Debbie
     Meadows", "his wife Naina" by her first name, "Ivanka Trump, the nominee's eldest daughter,"); then the entity stage's choice when it is still in the running; else the writer's
     convention (whom the first bare surname without evidence meant); else the most recent (a full
     mention or an earlier re-linked surname), else the first one after it.
   The entity stage runs this same step on its groups (``entities/surnames.py``; there "the entity
   stage's choice" is the merger's count-based one), so ``doc.entities`` already has them apart;
   here it runs again on the mentions the claim stage reads and mostly keeps what it finds.

2. **Pronoun salience** (:class:`Salience`, in ``salience.py``). A he/she speaker goes to the compatible person
   (gender never contradicted) with the lowest cost: the number of sentences back, plus a penalty
   by the role the candidate plays there — the speaker of an earlier attribution (0), a grammatical
   subject (0.3), any other mention (0.8: "Meghan told *Oprah Winfrey* that …; she added …"), a
   mention inside a quotation or another attribution's content (1.6: "“… Diana …,” Meghan said.
   “…,” she said"), a mention inside the pronoun's own content (4), a person brought in without a
   name ("there was *an officer* who …", 1.0: ``speakers.Resolver._unnamed_people``); the person a question was put
   to ("Winfrey asked *Meghan* whether …", −0.2: the answer is hers). A person of unknown gender
   costs 0.3 more than one whose gender agrees, 1.2 more when the little evidence there is (one
   he/his after a mention) leans the other way. A continuation cue ("…," he *added*; "she *went on*")
   keeps the previous attribution's speaker when compatible and at most three sentences back. Ties: the
   nearest. Earlier he/she subjects that speak no attribution are candidates too, resolved in turn
   (``speakers.Resolver._links``): "He drove to meet Sam Ortiz. He waited. He said …" follows the chain. "it" / "they" keep the nearest-antecedent rules of ``speakers.py``.

Descriptions ("the lawmaker", "the Conservative MP", "the company") are resolved in ``speakers.py``:
the person or organisation named nearby whose context fits the role, else — for a definite person
description — a named person who is the speaker or subject of this sentence or the one before
("Chris Grayling warned …. Speaking in the Commons, the Conservative MP said", :meth:`Salience.pick`
with ``near``); with none the description stays the name. No name lists and no first-name gender
tables: only the document's own evidence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

from .gender import _PRONOUN_GENDER, FEMALE_NOUNS, MALE_NOUNS, GenderVotes
from .mentions import PERSON_LABELS, Mention, MentionIndex, surface_gender

# office / courtesy titles right before a mention (the entity stage strips them off the span);
# equivalent spellings share a key
_TITLE_KEYS = {
    "mr": "mr", "mister": "mr", "mrs": "mrs", "ms": "ms", "miss": "ms", "dr": "dr", "prof": "dr", "professor": "dr",
    "rep": "rep", "representative": "rep", "congressman": "rep", "congresswoman": "rep",
    "sen": "sen", "senator": "sen", "gov": "gov", "governor": "gov", "president": "pres", "pres": "pres",
    "gen": "gen", "general": "gen", "judge": "judge", "justice": "judge", "mayor": "mayor",
    "secretary": "sec", "sec": "sec", "minister": "minister", "ambassador": "ambassador",
}
_COURTESY = {"mr", "mrs", "ms"}          # say a gender; never contradict an office title
_TITLE_BEFORE = re.compile(r"(?:^|(?<=[\s(\"“'‘—-]))([A-Za-z]+)(\.?)[ \t]+$")
# a title written with a full stop is an abbreviation; "… met the governor.\nHarlan" ends a sentence
_ABBREVIATED = frozenset("mr mrs ms dr prof rep sen gov pres gen sec".split())
# a family or role noun right before a full name: "his wife, Debbie Meadows", "her husband Tom Lund"
_ROLE_BEFORE = re.compile(rf"\b(?:({'|'.join(FEMALE_NOUNS)}|lady|spokeswoman|chairwoman|congresswoman|businesswoman)|"
                          rf"({'|'.join(MALE_NOUNS)}|spokesman|chairman|congressman|businessman))\s*,?\s*$", re.I)
_KIN = frozenset("wife widow mother daughter sister husband widower father son brother".split())
# a kin noun in an appositive after a full name: "Ivanka Trump, the Republican nominee's eldest daughter,"
_KIN_AFTER = re.compile(r"\s*,\s+(?:the\s+|a\s+)?[^,;.]{0,60}?(?:['’]s|\b(?:his|her|their))\s+(?:\w+\s+){0,2}?"
                        r"(?:wife|widow|mother|daughter|sister|husband|widower|father|son|brother)\b", re.I)
_POSSESSIVE = re.compile(r"['’]s?$")


def title_before(text: str, start: int) -> str | None:
    m = _TITLE_BEFORE.search(text, max(0, start - 16), start)
    if m is None or (m.group(2) and m.group(1).lower() not in _ABBREVIATED):
        return None
    return _TITLE_KEYS.get(m.group(1).lower())


def gender_of_title(title: str | None) -> str | None:
    return "m" if title == "mr" else "f" if title in ("mrs", "ms") else None


@dataclass
class _Person:
    """A full name of the document: its full mentions, titles, gender and how it is referred to."""
    name: str
    entity_id: str | None
    full: list[tuple[int, int]]        # (start, end) of each full mention
    titles: set[str]
    gender: str | None = None
    relative: bool = False             # introduced through another person: "his wife, Debbie Meadows"
    last: int = -1                     # most recent position assigned to it while scanning


def sentence_ranges(chunks: Sequence[tuple[int, Any]]) -> list[tuple[int, int]]:
    return [(off + s.start_char, off + s.end_char) for off, sdoc in chunks for s in sdoc.sents]


def sent_finder(sents: list[tuple[int, int]]) -> Callable[[int], int | None]:
    starts = [a for a, _ in sents]

    def find(pos: int) -> int | None:
        i = bisect.bisect_right(starts, pos) - 1
        return i if i >= 0 and pos < sents[i][1] else None
    return find


def split_shared_surnames(text: str, mentions: list[Mention], chunks: Sequence[tuple[int, Any]] = (),
                          guessed: set[int] | None = None, sents: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Mentions with every one-word person mention of a shared surname re-linked (see the module
    docstring); the others are returned as they are (the list stays sorted by start). ``guessed``
    collects the starts of the re-linked mentions that had no evidence of their own; ``sents``: the
    :func:`sentence_ranges` of ``chunks``, when the caller has them."""
    persons: dict[str, _Person] = {}
    for m in mentions:
        words = m.name.split()
        if m.label not in PERSON_LABELS or len(words) < 2:
            continue
        p = persons.get(m.name)
        if p is None:
            p = persons[m.name] = _Person(m.name, m.entity_id, [], set())
        if len(m.text.split()) >= 2:
            p.full.append((m.start, m.end))
            t = title_before(text, m.start)
            if t:
                p.titles.add(t)
    by_surname: dict[str, list[_Person]] = {}
    for p in persons.values():
        if p.full:
            by_surname.setdefault(p.name.split()[-1].lower(), []).append(p)
    shared = {k: v for k, v in by_surname.items() if len(v) >= 2}
    titled = [m for m in mentions if m.label in PERSON_LABELS and m.name in persons and len(m.text.split()) == 1
              and gender_of_title(title_before(text, m.start))]
    if not shared and not titled:
        return mentions
    if sents is None:
        sents = sentence_ranges(chunks)
    _person_genders(text, mentions, sents, [p for p in persons.values() if p.full])
    person_starts = [m.start for m in mentions if m.label in PERSON_LABELS]
    find = sent_finder(sents)
    out: list[Mention] = []
    convention: dict[str, _Person] = {}      # whom a bare surname without evidence meant first
    for m in mentions:
        words = m.text.split()
        key = _POSSESSIVE.sub("", words[0]).lower() if len(words) == 1 else ""
        cands = shared.get(key) if m.label in PERSON_LABELS else None
        if not cands:
            for p in persons.values():
                if len(words) >= 2 and m.name == p.name:
                    p.last = m.start
            out.append(_detached(text, m, persons.get(m.name)) if len(words) == 1 else m)
            continue
        i = find(m.start)
        sent = sents[i] if i is not None else (text.rfind("\n", 0, m.start) + 1, _line_end(text, m.end))
        p, evidence = _pick(text, m, cands, convention.get(key), local_gender(text, m, sent, person_starts))
        if not evidence:
            convention.setdefault(key, p)
            if guessed is not None:
                guessed.add(m.start)
        p.last = m.start
        out.append(replace(m, name=p.name, entity_id=p.entity_id))
    return _office_detached(text, out, persons)


def _office_detached(text: str, out: list[Mention], persons: dict[str, _Person]) -> list[Mention]:
    """Once "Mr. Obama" is someone other than "Michelle Obama" (``_detached``), a bare "President
    Obama" joined to her is him too: an office title her own full mentions never carry."""
    other: dict[str, str] = {}          # surname → the name its detached mentions got
    for m in out:
        if m.entity_id is None and m.label in PERSON_LABELS and len(m.text.split()) == 1 and m.name != m.text:
            other.setdefault(m.text.lower(), m.name)
    if not other:
        return out
    res = []
    for m in out:
        p, t = persons.get(m.name), title_before(text, m.start)
        if p is not None and m.text.lower() in other and len(m.text.split()) == 1 and t and t not in _COURTESY \
                and t not in p.titles:
            m = replace(m, name=other[m.text.lower()], entity_id=None)
        res.append(m)
    return res


def _detached(text: str, m: Mention, p: _Person | None) -> Mention:
    """"Mr Anderson" joined to "Zoe Anderson", a woman by her own mentions: someone else of that
    name — the titled surname is its own name, with no entity."""
    g = gender_of_title(title_before(text, m.start))
    if p is None or g is None or p.gender is None or p.gender == g:
        return m
    t = _TITLE_BEFORE.search(text, max(0, m.start - 16), m.start)
    return replace(m, name=" ".join(text[t.start(1) if t else m.start:m.end].split()), entity_id=None)


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def local_gender(text: str, m: Mention, sent: tuple[int, int], person_starts: list[int]) -> str | None:
    """The gender a he/she/his/her in the mention's own sentence shows, when no other person is
    named between them and no quotation opens between: "Clinton told the audience that she …",
    "In her 2003 book, Clinton noted …"."""
    a, b = sent
    k = bisect.bisect_right(person_starts, m.start)
    nxt = person_starts[k] if k < len(person_starts) else b
    after = _PRONOUN_GENDER.search(text, m.end, min(b, nxt))
    if after and not re.search(r"[“\"]", text[m.end:after.start()]):
        return "m" if after.group(1) else "f"
    prev = person_starts[k - 2] if k >= 2 else -1      # the person named before this mention
    if prev < a:
        before = list(_PRONOUN_GENDER.finditer(text, a, m.start))
        if before and not re.search(r"[“\"]", text[a:m.start]):
            return "m" if before[-1].group(1) else "f"
    return None


def _person_genders(text: str, mentions: list[Mention], sents: list[tuple[int, int]],
                    people: list[_Person]) -> None:
    """Each full name's gender from its mentions other than a bare surname (that is what is in doubt):
    the full name and a first name alone ("Zoe died … she took a shower")."""
    surnames = {p.name.split()[-1].lower() for p in people}
    full = [m for m in mentions if m.label in PERSON_LABELS
            and (len(m.text.split()) >= 2 or _POSSESSIVE.sub("", m.text).lower() not in surnames)]
    votes = GenderVotes(text, MentionIndex(full), sents, sent_finder(sents)) if sents else None
    for p in people:
        score = 0
        for pos, end in p.full:
            p.relative = p.relative or _KIN_AFTER.match(text, end) is not None
            g = gender_of_title(title_before(text, pos))
            r = _ROLE_BEFORE.search(text, max(0, pos - 30), pos)
            p.relative = p.relative or _kin_before(text, r)
            for x in (g, ("f" if r.group(1) else "m") if r else None):
                score += 3 if x == "m" else -3 if x == "f" else 0
        first = p.name.split()[0].lower()      # "his wife Naina": introduced through him by her first name
        p.relative = p.relative or any(
            _kin_before(text, _ROLE_BEFORE.search(text, max(0, m.start - 30), m.start)) for m in mentions
            if m.name == p.name and m.text.lower() == first)
        g = votes.gender(p.name) if votes is not None else None
        score += 3 if g == "m" else -3 if g == "f" else 0
        p.gender = "m" if score >= 2 else "f" if score <= -2 else None


def _kin_before(text: str, r: re.Match[str] | None) -> bool:
    """A kin noun after his/her/their right before a name (``_ROLE_BEFORE``'s match ``r``): "his wife, …"."""
    return bool(r and r.group(0)[:1].islower() and r.group(0).split()[0].lower().strip(",") in _KIN
                and re.search(r"\b(?:his|her|their)\s+$", text[max(0, r.start() - 8):r.start()], re.I))


def _pick(text: str, m: Mention, cands: list[_Person], convention: _Person | None,
          local: str | None) -> tuple[_Person, bool]:
    """(the full name a bare surname means, whether the mention's own evidence chose it)."""
    title = title_before(text, m.start)
    gender = gender_of_title(title) or surface_gender(text[max(0, m.start - 8):m.start] + m.text, tail=True)
    office = title if title and title not in _COURTESY else None
    gender = gender or local

    def fits(p: _Person) -> bool:
        if gender and p.gender and gender != p.gender:
            return False
        return not (office and p.titles - _COURTESY and office not in p.titles)
    ok = [p for p in cands if fits(p)] or cands

    def match(p: _Person) -> int:
        return (gender is not None and p.gender == gender) + (office is not None and office in p.titles)
    best = max(match(p) for p in ok)
    if len(ok) < len(cands) or best > 0:
        ok = [p for p in ok if match(p) == best]
        if len(ok) == 1:
            return ok[0], True
    plain = [p for p in ok if not p.relative] or ok
    given = next((p for p in plain if p.entity_id == m.entity_id), None)
    if given is not None:                 # the entity stage's choice stands without evidence against it
        return given, False
    if convention is not None and convention in plain:
        return convention, False
    ok = plain

    def rank(p: _Person) -> tuple[Any, ...]:
        before = p.last if p.last >= 0 else max((x for x, _ in p.full if x < m.start), default=-1)
        after = min((x for x, _ in p.full if x > m.start), default=len(text) + 1)
        return (before, -after)
    return max(ok, key=rank), False


__all__ = ["gender_of_title", "local_gender", "sent_finder",
           "sentence_ranges", "split_shared_surnames", "title_before"]
