"""English mentions: spaCy ents from the shared parse plus document-level consistency rules.

* spans are cleaned (:func:`.spans.clean_span`); only named labels are kept (no DATE/CARDINAL …);
  spans without Latin letters are dropped (no English NER on stray CJK/Cyrillic text);
* honorific rule: "Mr"/"Dr"/… before a span (or inside it) makes it a PERSON, and capitalised
  words after an honorific that the model missed become a PERSON;
* all-caps lines (headlines) are not trusted: entities found only there are dropped, and names
  known from the rest of the document are looked up in them instead (case-insensitively);
* propagation: a name tagged somewhere in the document is tagged at its other untagged
  occurrences too (same label vote).
"""

from __future__ import annotations

import re
from ..document import AnalysisDoc
from ..nlp import language_spans, parsed_chunks
from .canonical import NAMED_LABELS
from .layout import allcaps_lines, datelines, table_teams
from .spans import NUMBERED_LABELS, PERSON_HONORIFICS, Mention, clean_span, has_latin

_HONORIFIC_BEFORE = re.compile(r"(?:^|(?<=[\s(\"“'‘]))(%s)\.?\s+$" % "|".join(sorted(PERSON_HONORIFICS)), re.I)
_HONORIFIC_NAME = re.compile(
    r"(?<![\w])(Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Mme|Mlle|Herr|Frau)\.?\s+((?:[A-Z][\w'’\-]*[a-z][\w'’\-]*\s?){1,3})"
)


def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


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
            if had_honorific or _HONORIFIC_BEFORE.search(text, max(0, start - 8), start):
                out.append(Mention(start, end, "PERSON", "honorific", 3.0))
            else:
                out.append(Mention(start, end, ent.label_))
    return out


_ROMAN = re.compile(r"^[IVXLCDM]+$")


def _acronym_mentions(doc: AnalysisDoc, caps: list[tuple[int, int]]) -> list[Mention]:
    """Capitalised abbreviations the model left untagged ("RUSI documented …") → ORG."""
    out = []
    for offset, parsed in parsed_chunks(doc):
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


def _propagate(text: str, mentions: list[Mention], caps: list[tuple[int, int]]) -> list[Mention]:
    """Untagged occurrences of names tagged elsewhere (and their capitalised forms in headlines)."""
    known: dict[str, Mention] = {}
    for m in mentions:
        s = text[m.start:m.end]
        if len(s) >= 2 and s[0].isupper() and not _inside(caps, m.start, m.end):
            prev = known.get(s)
            if prev is None or m.weight > prev.weight:
                known[s] = m
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
    rank = {"layout": 0, "team": 0, "honorific": 0, "model": 1, "headline": 2, "acronym": 2, "propagated": 3}
    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for m in sorted(mentions, key=lambda m: (rank.get(m.source, 4), -(m.end - m.start), m.start)):
        if any(m.start < e and s < m.end for s, e in taken):
            continue
        chosen.append(m)
        taken.append((m.start, m.end))
    return sorted(chosen, key=lambda m: m.start)


def _layout_mentions(text: str, model: list[Mention]) -> list[Mention]:
    people = [m for m in model if m.label == "PERSON" and " " in text[m.start:m.end]]
    teams = [t for t in table_teams(text) if not any(p.start < t.end and t.start < p.end for p in people)]
    return datelines(text) + teams


def english_mentions(doc: AnalysisDoc) -> list[Mention]:
    text = doc.text
    caps = allcaps_lines(text)
    all_model = _model_mentions(doc)
    layout = _layout_mentions(text, all_model)
    model = [m for m in all_model if not _inside(caps, m.start, m.end)]
    honorific = [m for m in _honorific_mentions(text) if not _inside(caps, m.start, m.end)]
    acronyms = _acronym_mentions(doc, caps)
    base = _resolve_overlaps(layout + model + honorific + acronyms)
    _sports_teams(text, base)
    english = language_spans(doc, lambda code: code.split("-")[0] == "en")
    extra = [m for m in _propagate(text, base, caps) if _inside(english, m.start, m.end)]
    return _resolve_overlaps(base + extra)
