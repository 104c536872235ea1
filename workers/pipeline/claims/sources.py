"""Can this speaker be a source, and is this object a statement? (issue 17, "What counts").

A source is a person, an organisation, a group, a document / study / report / data / poll, a
medium, or a pronoun for one of those. Verbs that are not speech-only ("show", "add", "threaten",
"expect", "suggest", …) take things and events as subjects just as often ("smoke threatens the
valley", "COVID-19 added a new level of …", "the regrowth demonstrates …"): for those verbs
:func:`implausible_source` refuses a common-noun speaker whose head is no source noun (a list, and
person suffixes) and a speaker whose entity label is a thing, a place, a time or an event. Speech
verbs ("said", "told", "wrote") keep any speaker ("signs state that …").

:func:`statement_object` tells a speech verb's bare noun-phrase object that is a statement itself
("announced estimates that …", "confirmed the report") from one that is a topic or an act
("announced his bid", "revealed an algorithm", "declared a state of emergency").
"""

from __future__ import annotations

import re

from .records import Attribution
from .source_nouns import DOCUMENT_NOUNS as _DOCUMENT_NOUNS, source_noun

# cue verbs whose subject is often a thing or an event: the source check applies to them
SOFT_VERBS = frozenset("""show demonstrate prove indicate suggest signal reveal confirm highlight underscore
    threaten add expect find predict project forecast estimate anticipate calculate echo mean reflect point
    warn note mark""".split())

# a gerund clause with no name in it ("frisking them"; a parse that hung "Speaking from a stage,
# Chief Executive Satya Nadella" on the participle names a person)
_GERUND = re.compile(r"[A-Za-z]\w*ing\b(?:\W+[a-z0-9]\w*)*\W*")
# verbs of a mind: a person or a group believes or expects; a document or data does not
MIND_VERBS = frozenset("expect anticipate believe think hope hop feel fear worry doubt suspect".split())
# entity labels that are things, places, times, events, amounts: no source for a soft verb
_THING_LABELS = frozenset("EVENT DATE TIME PRODUCT FAC LOC LAW MONEY QUANTITY ORDINAL LANGUAGE".split())
# demonstratives as a soft verb's subject: the writer's own inference ("This suggests …")
_THING_PRONOUNS = frozenset("this that these those what which whatever something everything nothing".split())


def implausible_source(a: Attribution, text: str | None = None) -> bool:
    """The speaker cannot be a source: a gerund clause for any cue ("frisking them explains why …"),
    and for a soft-verb cue (``SOFT_VERBS``) a common noun that is no source noun, a thing / place /
    time / event entity, a demonstrative (the nouns: ``source_nouns``). No speaker: not judged."""
    if a.speaker is None:
        return False
    if a.spk_kind == "VERB" and text is not None and _GERUND.fullmatch(text[a.speaker[0]:a.speaker[1]]):
        return True
    cue = a.cue.lemma.lower()
    if cue not in SOFT_VERBS and cue not in MIND_VERBS:
        return False
    kind, lem = a.spk_kind, a.spk_lemma
    if kind in _THING_LABELS:
        return True
    if kind in _THING_PRONOUNS and a.speaker_ref is None:
        return True
    if kind not in ("NOUN", "ADJ") or not lem:   # "The pandemic" is sometimes tagged ADJ
        return False
    if cue in MIND_VERBS and lem in _DOCUMENT_NOUNS:
        return True   # "the data can expect …": data shows and finds, it does not expect or believe
    if cue not in SOFT_VERBS:
        return False   # "believe", "think", … : only a document is judged (a typo'd name stays)
    return not source_noun(lem)


def document_source(a: Attribution) -> bool:
    """The speaker is a document, a study, data or a test ("figures revealed …", "the poll shows …")."""
    return a.speaker is not None and a.spk_kind == "NOUN" and a.spk_lemma in _DOCUMENT_NOUNS


# nouns that are statements, findings or figures themselves: "announced estimates that …",
# "confirmed the reports", "expressed concern"
_STATEMENT_NOUNS = re.compile(
    r"\b(?:claims?|statements?|assertions?|announcements?|comments?|remarks?|allegations?|accusations?|"
    r"reports?|findings?|estimates?|figures?|data|results?|numbers?|statistics?|projections?|forecasts?|"
    r"predictions?|warnings?|concerns?|fears?|hopes?|doubts?|views?|opinions?|beliefs?|assessments?|"
    r"conclusions?|news|details?|plans? to|proposals?|demands?|requests?|calls?|appeals?|denials?|"
    r"admissions?|criticism|praise|support|opposition|regret|sympathy|condolences|gratitude|thanks|"
    r"confidence|frustration|disappointment|anger|optimism|skepticism|scepticism|death|deaths|"
    r"identity|diagnosis|cause|verdict|decision|rumou?rs?|suspicions?|theory|theories|commitments?|"
    r"positions?|stance|intentions?|messages?|points?|arguments?|need|importance|necessity|urgency|risks?|"
    r"dangers?|threats?|benefits?)\b", re.I)
_CLAUSE = re.compile(r"\b(?:that|whether|which)\b|[“”\"]", re.I)
# a figure is a statement ("reported 25.9 new cases per 100,000 people", "reported a loss of $3m")
_FIGURE = re.compile(r"\d|\b(?:hundreds?|thousands?|millions?|billions?|dozens?|percent|no\s+\w+|zero)\b", re.I)


def statement_object(content: str) -> bool:
    """Is a bare-object content a statement in itself (a statement noun, a clause, a quotation)?"""
    return bool(_STATEMENT_NOUNS.search(content) or _CLAUSE.search(content) or _FIGURE.search(content))


__all__ = ["MIND_VERBS", "SOFT_VERBS", "document_source", "implausible_source", "statement_object"]
