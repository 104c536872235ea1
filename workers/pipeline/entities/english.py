"""English mentions: spaCy ents from the shared parse plus document-level consistency rules.

* spans are cleaned (:func:`.spans.clean_span`); only named labels are kept (no DATE/CARDINAL …);
  spans without Latin letters or without a capital are dropped (no English NER on stray CJK or
  Cyrillic text), and so are lone generic words ("Men", "July") and a capitalised plural common
  noun at a sentence start ("Paramedics said …");
* honorific rule: "Mr"/"Dr"/… before a span (or inside it) makes it a PERSON, and capitalised
  words after an honorific that the model missed become a PERSON;
* initials and first names join a PERSON span ("M. Butcher", "Didier Deschamps");
* layout (:mod:`.layout`): datelines are places, names in results/standings tables are teams,
  and so are places followed by a score in a document full of scores;
* untagged capitalised abbreviations ("RUSI") and proper-noun runs ending in an organisation word
  ("Yahoo News") are weak ORG candidates;
* all-caps headlines are not trusted: entities found only there are dropped, and names known from
  the rest of the document are looked up in them instead (case-insensitively);
* PERSON clean-up (:mod:`.person_names`): titles ("Gov", "Sen.", "Vice President") leave the
  name and make the next span a PERSON, headline fragments and epithets are cut, spans ending in
  an organisation/facility word are relabelled;
* a one-word PERSON the document only puts where places go ("left Busan", "arrived in Busan"),
  with no person evidence (title, full name, subject of a verb), is a place (GPE);
* propagation: a name tagged somewhere in the document — or the surname of a full PERSON name —
  is tagged at its other untagged occurrences too (weak vote; the merger takes the majority label).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..document import AnalysisDoc
from ..nlp import language_spans, parsed_chunks
from .canonical import NAMED_LABELS, lookup_alias
from .layout import allcaps_lines, datelines, table_teams
from .person_names import clean_people, is_title, title_before
from .spans import HONORIFIC_BEFORE, NUMBERED_LABELS, PERSON_HONORIFICS, Mention, clean_span, has_latin

_HONORIFIC_NAME = re.compile(
    r"(?<![\w])(Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Mme|Mlle|Herr|Frau)\.?\s+((?:[A-Z][\w'’\-]*[a-z][\w'’\-]*\s?){1,3})"
)


def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Is ``[start, end)`` inside one of the sorted, non-overlapping ``ranges``?"""
    i = bisect_right(ranges, (start, float("inf"))) - 1
    return i >= 0 and ranges[i][0] <= start and end <= ranges[i][1]


def _model_mentions(doc: AnalysisDoc) -> list[Mention]:
    text = doc.text
    out: list[Mention] = []
    for offset, parsed in parsed_chunks(doc):
        for ent in parsed.ents:
            if ent.label_ not in NAMED_LABELS:
                continue
            cleaned = clean_span(text, offset + ent.start_char, offset + ent.end_char,
                                 ent.label_ not in NUMBERED_LABELS)
            if not cleaned:
                continue
            start, end, had_honorific = cleaned
            surface = text[start:end]
            if not has_latin(surface) or surface.islower():
                continue
            if " " not in surface and surface in GENERIC_WORDS:
                continue
            if ent.label_ != "NORP" and _common_plural_at_sentence_start(text, parsed, ent, start, end):
                continue
            if had_honorific or HONORIFIC_BEFORE.search(text, max(0, start - 8), start):
                out.append(Mention(start, end, "PERSON", "honorific", 3.0))
            elif ent.label_ != "PERSON" and title_before(text, start):     # "Sen. X", "Gov X"
                out.append(Mention(start, end, "PERSON", "model", 2.0))
            elif ent.label_ == "PERSON":
                out.append(Mention(_first_names_before(parsed, ent, offset, start), end, "PERSON"))
            else:
                out.append(Mention(start, end, ent.label_))
    return out


def _common_plural_at_sentence_start(text: str, parsed, ent, start: int, end: int) -> bool:
    """"Firefighters arrived …", "Officials said …": a single capitalised plural at the start of a
    sentence is a common noun, not an entity, when the parse says so (a plural common noun, or a
    lemma that differs from the word) or the document uses the word in lower case — and the
    document never writes it capitalised inside a sentence ("Rangers" the team stays)."""
    tokens = [t for t in parsed[ent.start:ent.end] if not t.is_punct]
    if len(tokens) != 1:
        return False
    t = tokens[0]
    word = text[start:end]
    if not (t.is_sent_start and word.istitle() and word.isalpha() and word.endswith("s") and len(word) > 3):
        return False
    lower = word.lower()
    common = t.tag_ == "NNS" or (t.lemma_.lower() != lower and t.lemma_.islower())
    if not (common or re.search(r"(?<![\w'’])%s(?![\w'’])" % re.escape(lower), text)):
        return False
    inside = re.compile(r"[a-z,;]\s+%s(?![\w'’])" % re.escape(word))    # capitalised mid-sentence
    return not inside.search(text)


# Capitalised words that are never a name on their own, and titles that are never part of one.
GENERIC_WORDS = frozenset(
    """January February March April May June July August September October November December Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday Men Women Man Woman Boys Girls Today Yesterday""".split()
)
TITLES = frozenset(
    """president vice prime minister king queen prince princess pope chancellor premier governor senator
    general judge justice coach captain secretary leader chairman chairwoman director speaker sheikh lord
    mayor ambassador envoy officer commander colonel major sergeant bishop cardinal father sister brother
    emperor sultan emir ayatollah archbishop reverend defender striker goalkeeper midfielder manager
    chief spokesman spokeswoman minister""".split()
)


def _first_names_before(parsed, ent, offset: int, start: int) -> int:
    """Extend a PERSON span left over capitalised proper nouns the model left out ("Didier [Deschamps]")."""
    i = ent.start
    new_start = start
    while i > 0 and ent.start - i < 2:
        t = parsed[i - 1]
        if (t.pos_ != "PROPN" or not t.is_title or t.ent_iob_ != "O" or t.is_sent_start
                or t.lower_ in TITLES or t.lower_ in PERSON_HONORIFICS or t.text in GENERIC_WORDS or is_title(t.text)
                or offset + t.idx + len(t.text) + 1 != new_start):
            break
        new_start = offset + t.idx
        i -= 1
    return new_start


_ROMAN = re.compile(r"^[IVXLCDM]+$")
# Head words that make a run of capitalised proper nouns an organisation ("Yahoo News").
ORG_HEADS = frozenset(
    """News Times Post Press Agency Party Council Institute Ministry Bank Group Corp Corporation Inc Ltd
    University Association Union Company Committee Foundation Journal Herald Tribune Airlines Bureau
    Commission Federation Fund Service Services Organisation Organization Network Television Radio""".split()
)


def _org_runs(parsed, offset: int) -> list[Mention]:
    """Untagged runs of title-case proper nouns ending in an organisation head word → ORG."""
    out, run = [], []
    for t in list(parsed) + [None]:
        if t is not None and t.ent_iob_ == "O" and t.is_title and t.pos_ == "PROPN" and t.text not in GENERIC_WORDS:
            run.append(t)
            continue
        if len(run) >= 2 and run[-1].text in ORG_HEADS and run[0].text not in ORG_HEADS:
            out.append(Mention(offset + run[0].idx, offset + run[-1].idx + len(run[-1].text), "ORG", "acronym", 0.5))
        run = []
    return out


def _acronym_mentions(doc: AnalysisDoc, caps: list[tuple[int, int]]) -> list[Mention]:
    """Capitalised abbreviations the model left untagged ("RUSI documented …") → ORG."""
    out = []
    for offset, parsed in parsed_chunks(doc):
        out.extend(m for m in _org_runs(parsed, offset) if not _inside(caps, m.start, m.end))
        for t in parsed:
            w = t.text
            if (t.pos_ == "PROPN" and not t.ent_type_ and 3 <= len(w) <= 6 and w.isalpha() and w.isupper()
                    and not _ROMAN.match(w)):
                start = offset + t.idx
                if not _inside(caps, start, start + len(w)):
                    out.append(Mention(start, start + len(w), "ORG", "acronym", 0.5))
    return out


def _honorific_mentions(text: str) -> list[Mention]:
    out = []
    for m in _HONORIFIC_NAME.finditer(text):
        cleaned = clean_span(text, m.start(2), m.end(2))
        if cleaned:
            out.append(Mention(cleaned[0], cleaned[1], "PERSON", "honorific", 3.0))
    return out


_INITIALS_BEFORE = re.compile(r"(?<![\w.])((?:[A-Z]\.\s?){1,3})$")
_INITIAL_NAME = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,3}(?:[a-z]{1,3}\s)?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?\b")


def _with_initials(text: str, mentions: list[Mention]) -> list[Mention]:
    """"M. Butcher", "J.R. Smith": initials before a name belong to a PERSON span; a single name word
    after initials that the model tagged otherwise (or not at all) is a PERSON."""
    out = []
    for m in mentions:
        before = _INITIALS_BEFORE.search(text, max(0, m.start - 8), m.start)
        if before and " " not in text[m.start:m.end] and not lookup_alias(before.group(1).strip()):
            m = Mention(before.start(1), m.end, "PERSON", "initials", 2.0)
        out.append(m)
    for found in _INITIAL_NAME.finditer(text):
        initials = found.group(0).split()[0]
        if not lookup_alias(initials):
            out.append(Mention(found.start(), found.end(), "PERSON", "initials", 1.0))
    return out


def _propagate(text: str, mentions: list[Mention], caps: list[tuple[int, int]]) -> list[Mention]:
    """Untagged occurrences of names tagged elsewhere (and their capitalised forms in headlines)."""
    known: dict[str, Mention] = {}
    for m in mentions:
        s = text[m.start:m.end]
        if len(s) >= 2 and s[0].isupper() and not _inside(caps, m.start, m.end):
            prev = known.get(s)
            if prev is None or m.weight > prev.weight:
                known[s] = m
    for m in list(known.values()):                 # surnames of full names: "Woods" → Tiger Woods
        words = text[m.start:m.end].split()
        if m.label == "PERSON" and len(words) >= 2:
            last = words[-1]
            if len(last) >= 3 and last[0].isupper() and last not in known and last.lower() not in TITLES:
                known[last] = Mention(m.start, m.end, "PERSON", "name-part", 0.5)
    if not known:
        return []
    forms = sorted(known, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’])(?:%s)(?![\w])" % "|".join(re.escape(f) for f in forms))
    found = [Mention(m.start(), m.end(), known[m.group(0)].label, "propagated", 0.5)
             for m in pattern.finditer(text)]
    if caps:
        upper = {f.upper(): known[f] for f in forms}
        cap_pattern = re.compile(r"(?<![\w'’])(?:%s)(?![\w])" % "|".join(re.escape(f) for f in sorted(upper, key=len, reverse=True)))
        for s, e in caps:
            for m in cap_pattern.finditer(text, s, e):
                found.append(Mention(m.start(), m.end(), upper[m.group(0)].label, "headline", 0.5))
    return found


_SCORE_AFTER = re.compile(r"\s*(?:\(\s*)?\d{1,3}(?:[-/]\d{1,3})?(?!\d|[-/]\d)")
MIN_SCORE_PAIRS = 3
_INITIAL_BEFORE = re.compile(r"\b[A-Z]\.\s*$")
_VERSUS_AFTER = re.compile(r"\s+(?:v|vs)\.?\s+[A-Z]")
_VERSUS_BEFORE = re.compile(r"\b(?:v|vs)\.?\s+$")


def _sports_teams(text: str, mentions: list[Mention]) -> None:
    """Results tables ("Durham 114 ( S. Watkin 4-28 )", "Arsenal 2 Chelsea 1"): places followed by
    a score are teams. Only in documents with at least ``MIN_SCORE_PAIRS`` such pairs."""
    scored = [m for m in mentions if _SCORE_AFTER.match(text, m.end) and (
        m.label in ("GPE", "LOC", "NORP", "ORG", "FAC")
        or (m.label == "PERSON" and m.source == "model" and " " not in text[m.start:m.end]
            and not _INITIAL_BEFORE.search(text, max(0, m.start - 4), m.start)))]
    if len(scored) >= MIN_SCORE_PAIRS:
        for m in scored:
            m.label, m.source, m.weight = "ORG", "team", 3.0
    for m in mentions:  # fixtures: "Surrey v Kent"
        if m.label in ("GPE", "LOC", "ORG", "NORP") and (_VERSUS_AFTER.match(text, m.end)
                                                         or _VERSUS_BEFORE.search(text, max(0, m.start - 6), m.start)):
            m.label, m.source, m.weight = "ORG", "team", 3.0


def _resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep non-overlapping mentions: model/honorific first, then longer spans."""
    rank = {"layout": 0, "team": 0, "honorific": 0, "initials": 1, "model": 1, "headline": 2, "acronym": 2,
            "propagated": 3}
    chosen: list[Mention] = []
    taken = bytearray(max((m.end for m in mentions), default=0))   # 1 = character already in a mention
    for m in sorted(mentions, key=lambda m: (rank.get(m.source, 4), -(m.end - m.start), m.start)):
        if any(taken[m.start:m.end]):
            continue
        chosen.append(m)
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    return sorted(chosen, key=lambda m: m.start)


def _layout_mentions(text: str, model: list[Mention]) -> list[Mention]:
    people = [m for m in model if m.label == "PERSON" and " " in text[m.start:m.end]]
    teams = [t for t in table_teams(text) if not any(p.start < t.end and t.start < p.end for p in people)]
    return [m for m in datelines(text) + teams if text[m.start:m.end] not in GENERIC_WORDS]


# Where a place goes: the object of these verbs ("left Busan") …
_PLACE_OBJECT_VERBS = frozenset("leave reach visit enter depart tour".split())
# … or of a preposition after these verbs ("arrived in Busan", "sailed from Busan"; not verbs whose
# "to" goes to people or things: "went to Smith", "took to Twitter") …
_MOTION_VERBS = frozenset(
    "arrive leave depart travel sail fly return head move dock land flee drive evacuate relocate".split()
)
_MOTION_PREPS = frozenset("in into from to at near toward towards".split())
# … or of a place preposition after any word but these ("a port in Busan"; not "faith in Smith").
_PLACE_PREPS = frozenset("in near outside".split())
_NOT_PLACE_HEADS = frozenset("believe faith trust confidence interest belief invest investment stake".split())


def _place_slot(t) -> bool:
    if t.dep_ == "dobj":
        return t.head.lemma_ in _PLACE_OBJECT_VERBS
    if t.dep_ != "pobj" or t.head.dep_ != "prep":
        return False
    prep, head = t.head.lower_, t.head.head
    if prep in _MOTION_PREPS and head.pos_ == "VERB" and head.lemma_ in _MOTION_VERBS:
        return True
    return prep in _PLACE_PREPS and head.lemma_.lower() not in _NOT_PLACE_HEADS


def _places_tagged_as_people(doc: AnalysisDoc, mentions: list[Mention]) -> None:
    """"The ships left Busan on Monday": a one-word PERSON that the document only ever puts where
    places go (the object of "left"/"reached", of "in"/"from" after a verb of motion) is a place
    (GPE), when nothing in the document says it is a person: no title or honorific, no longer
    PERSON name containing it, never the subject of a verb or in apposition."""
    text = doc.text
    people = [m for m in mentions if m.label == "PERSON"]
    single = {text[m.start:m.end] for m in people if " " not in text[m.start:m.end]}
    if not single:
        return
    in_names = {w for m in people for w in text[m.start:m.end].split() if " " in text[m.start:m.end]}
    vouched = {text[m.start:m.end] for m in people if m.weight >= 2.0}
    candidates = single - in_names - vouched
    place, person = set(), set()
    for offset, parsed in parsed_chunks(doc):
        for t in parsed:
            if t.text not in candidates:
                continue
            if t.dep_ in ("nsubj", "nsubjpass", "appos") or any(c.dep_ == "appos" for c in t.children):
                person.add(t.text)
            elif _place_slot(t):
                place.add(t.text)
            elif t.dep_ != "poss":
                person.add(t.text)            # anywhere else: no evidence either way, leave it
    for m in people:
        if text[m.start:m.end] in place - person:
            m.label, m.weight = "GPE", max(m.weight, 1.0)


def english_mentions(doc: AnalysisDoc) -> list[Mention]:
    text = doc.text
    caps = allcaps_lines(text)
    all_model = _model_mentions(doc)
    layout = _layout_mentions(text, all_model)
    model = [m for m in all_model if not _inside(caps, m.start, m.end)]
    honorific = [m for m in _honorific_mentions(text) if not _inside(caps, m.start, m.end)]
    acronyms = _acronym_mentions(doc, caps)
    base = _resolve_overlaps(_with_initials(text, layout + model + honorific + acronyms))
    _sports_teams(text, base)
    english = language_spans(doc, lambda code: code.split("-")[0] == "en")
    extra = [m for m in _propagate(text, base, caps) if _inside(english, m.start, m.end)]
    out = clean_people(text, _resolve_overlaps(base + extra))
    _places_tagged_as_people(doc, out)
    return out
