"""Can this speaker be a source, and is this object a statement? (issue 17, "What counts").

A source is a person, an organisation, a group, a document / study / report / data / poll, a
medium, or a pronoun for one of those. Verbs that are not speech-only ("show", "add", "threaten",
"expect", "suggest", …) take things and events as subjects just as often ("smoke threatens the
valley", "COVID-19 added a new level of …", "the regrowth demonstrates …"): for those verbs
:func:`implausible_source` refuses a common-noun speaker whose head is no source noun (a list, and
person suffixes) and a speaker whose entity label is a thing, a place, a time or an event. Speech
verbs ("said", "told", "wrote") keep any speaker ("signs state that …"), except in a participle or
an infinitive that takes its speaker from the noun it modifies or from a controlling clause ("a
docstring explaining …"). A cue that needs a mind (believing, rejecting, asking) refuses a thing
as its subject ("neoliberalism rejects …") or as its pronoun's antecedent ("They know …" said of
cameras): :func:`thing_speaker`, :func:`thing_antecedent`, leniently (``source_nouns.maybe_source``).
The nouns are ``source_nouns``' (one lexicon for the claims stage).

:func:`statement_object` tells a speech verb's bare noun-phrase object that is a statement itself
("announced estimates that …", "confirmed the report") from one that is a topic or an act
("announced his bid", "revealed an algorithm", "declared a state of emergency").
"""

from __future__ import annotations

import re

from .records import Attribution, Speaker
from .source_nouns import DOCUMENT_NOUNS as _DOCUMENT_NOUNS, maybe_source, source_noun

# cue verbs whose subject is often a thing or an event: the source check applies to them
SOFT_VERBS = frozenset("""show demonstrate prove indicate suggest signal reveal confirm highlight underscore
    threaten add expect find predict project forecast estimate anticipate calculate echo mean reflect point
    warn note mark""".split())

# a gerund clause with no name in it ("frisking them"; a parse that hung "Speaking from a stage,
# Chief Executive Satya Nadella" on the participle names a person); an adverb may open it ("just
# putting smart people together doesn't guarantee …")
_GERUND = re.compile(r"(?:(?:(?i:just|simply|merely|only|even)|[A-Za-z]\w*ly)\s+)?[A-Za-z]\w*ing\b(?:\W+[a-z0-9]\w*)*\W*")
# cue classes whose act needs a mind: believing, rejecting, asking (definition.py)
MINDED_CLASSES = frozenset({"belief", "denial", "request"})
_PRONOUN_WORDS = frozenset("i you he she it we they me him her us them who which that this these those".split())
# verbs of a mind: a person or a group believes or expects; a document or data does not
MIND_VERBS = frozenset("expect anticipate believe think hope hop feel fear worry doubt suspect".split())
# a cue in a non-finite form takes its speaker from the noun it modifies or from a controlling
# clause, not from a subject of its own ("a docstring explaining …", "have each module use __all__
# to specify …", "Games seek to …, by saying …"): that noun must be a source whatever the verb
_TO_BEFORE = re.compile(r"\bto\s+(?:\w+ly\s+)?$", re.I)
_ADVERBIAL_BEFORE = re.compile(r"\b(?:by|while|when|after|before|in)\s+(?:\w+ly\s+)?$", re.I)
_BE_TO = re.compile(r"\b(?:am|is|are|was|were|be|been|['’]s)\s+(?:\w+ly\s+|not\s+)?to\s+(?:\w+ly\s+)?$", re.I)
_DETERMINER = re.compile(r"\W*(?:the|a|an|this|that|these|those|its|their|his|her|our|my|your|each|every|some|any|no)\b", re.I)
_AUX_BEFORE = re.compile(r"\b(?:am|is|are|was|were|be|been|being|['’]s|['’]re|['’]m)\s+(?:\w+ly\s+|not\s+|n['’]t\s+)?$", re.I)


def _non_finite(a: Attribution, text: str) -> bool:
    """The cue is a participle right after its noun ("a docstring explaining") or after "by",
    "while", "when" ("by saying"), or a to-infinitive ("… to specify"; not a predicative one: "his
    best response may be to say", whose subject is anyone)."""
    before = text[max(0, a.cue.start - 24):a.cue.start]
    if a.cue.tag == "VBG":
        adjacent = a.speaker is not None and a.speaker[1] <= a.cue.start and not text[a.speaker[1]:a.cue.start].strip(" ,")
        return (adjacent or bool(_ADVERBIAL_BEFORE.search(before))) and not _AUX_BEFORE.search(before)
    return a.cue.tag == "VB" and bool(_TO_BEFORE.search(before)) and not _BE_TO.search(before)


# entity labels that are things, places, times, events, amounts: no source for a soft verb
_THING_LABELS = frozenset("EVENT DATE TIME PRODUCT FAC LOC LAW MONEY QUANTITY ORDINAL LANGUAGE".split())
# demonstratives as a soft verb's subject: the writer's own inference ("This suggests …")
_THING_PRONOUNS = frozenset("this that these those what which whatever something everything nothing".split())


def implausible_source(a: Attribution, text: str | None = None) -> bool:
    """The speaker cannot be a source: a gerund clause for any cue ("frisking them explains why …"),
    and for a soft-verb cue (``SOFT_VERBS``) a common noun that is no source noun, a thing / place /
    time / event entity, a demonstrative (the nouns: ``source_nouns``); for a non-finite cue of any
    verb ("a docstring explaining …") a common noun that is no source noun. No speaker: not judged."""
    if a.speaker is None:
        return False
    if a.spk_kind == "VERB" and text is not None and _GERUND.fullmatch(text[a.speaker[0]:a.speaker[1]]):
        return True
    cue = a.cue.lemma.lower()
    kind, lem = a.spk_kind, a.spk_lemma
    if text is not None and _non_finite(a, text) and thing_speaker(a, text):
        return True   # "a docstring explaining what the package does"
    if cue not in SOFT_VERBS and cue not in MIND_VERBS:
        return False
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


def subject_of_cue(a: Attribution, text: str) -> bool:
    """Is the speaker the cue's own subject: a finite cue, or a participle or infinitive that takes
    it by modification or control (``_non_finite``)? (Not "left Europe feeling …", "avoids
    condemning …": a parse may hand those a subject that is not theirs.)"""
    if a.cue.tag in ("VBD", "VBZ", "VBP"):
        return True
    if a.cue.tag == "VB" and not _TO_BEFORE.search(text, max(0, a.cue.start - 24), a.cue.start):
        return True
    return _non_finite(a, text)


def thing_speaker(a: Attribution, text: str) -> bool:
    """The speaker is a common noun that names no source ("neoliberalism", "the drip", "a docstring"),
    nor a text that states ("the plan", "federal law"), nor a quantity of something ("a wide array
    of artists"), nor a noun that may name people by its ending (``source_nouns.maybe_source``); a
    capitalised head with no article may be a name the tagger missed ("Wines believes") and a span
    with a name after its first word may hold the source ("the spectacle of Mr. Netanyahu"): not
    judged."""
    if a.speaker is None or a.spk_kind != "NOUN" or not a.spk_lemma:
        return False
    if maybe_source(a.spk_lemma):
        return False
    spk = text[a.speaker[0]:a.speaker[1]]
    words = re.findall(r"[^\W\d_][\w'’.-]*", spk)
    if any(w[:1].isupper() for w in words[1:]):
        return False   # "the spectacle of Mr. Netanyahu", "Mr. Obama's challenge": a name in it may be the source
    if _DETERMINER.match(spk):
        return True
    return any(w[:1].islower() for w in words)


def thing_relative(a: Attribution, text: str) -> bool:
    """A relative pronoun as the speaker ("a compromise that acknowledges …", "a tool which rejects
    …") whose antecedent is a common noun phrase that names no source (judged as
    :func:`thing_speaker` judges a speaker: a capitalised word in it, a noun that may name people,
    a text that states are never refused)."""
    if a.speaker is None or a.speaker_ref is None \
            or text[a.speaker[0]:a.speaker[1]].strip().lower() not in ("that", "which"):
        return False
    words = re.findall(r"[^\W\d_][\w'’.-]*", text[a.speaker_ref[0]:a.speaker_ref[1]])
    if not words or any(w[:1].isupper() for w in words) or words[-1].lower() in _PRONOUN_WORDS:
        return False
    head = words[-1].lower()
    forms = {head, head[:-1] if head.endswith("s") else head, head[:-2] if head.endswith("es") else head,
             head[:-3] + "y" if head.endswith("ies") else head}
    return not any(maybe_source(f) for f in forms)


def thing_antecedent(a: Attribution, speaker: Speaker | None) -> bool:
    """A pronoun for a minded cue ("They know …") resolved to a common noun phrase that names no
    source ("proprietary facial recognition algorithms"): a thing knows, rejects or asks nothing.
    A name, a person or an entity is never judged."""
    if speaker is None or speaker.resolution != "pronoun" or speaker.person or speaker.entity_id or speaker.entity_ids:
        return False
    if a.cue.cls not in MINDED_CLASSES:
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", speaker.name)
    if not words or words[-1][:1].isupper() or words[-1].lower() in _PRONOUN_WORDS:
        return False
    head = words[-1].lower()
    forms = {head, head[:-1] if head.endswith("s") else head, head[:-2] if head.endswith("es") else head,
             head[:-3] + "y" if head.endswith("ies") else head}
    return not any(maybe_source(f) for f in forms)


def document_source(a: Attribution) -> bool:
    """The speaker is a document, a study, data or a test ("figures revealed …", "the poll shows …")."""
    return a.speaker is not None and a.spk_kind == "NOUN" and a.spk_lemma in _DOCUMENT_NOUNS


# nouns that are statements, findings or figures themselves: "announced estimates that …",
# "confirmed the reports", "expressed concern"
_STATEMENT_NOUNS = re.compile(   # a whole word, not a piece of a hyphenated one ("six-point-six degrees")
    r"(?<!-)\b(?:claims?|statements?|assertions?|announcements?|comments?|remarks?|allegations?|accusations?|"
    r"reports?|findings?|estimates?|figures?|data|results?|numbers?|statistics?|projections?|forecasts?|"
    r"predictions?|warnings?|concerns?|fears?|hopes?|doubts?|views?|opinions?|beliefs?|assessments?|"
    r"conclusions?|news|details?|plans? to|proposals?|demands?|requests?|calls?|appeals?|denials?|"
    r"admissions?|criticism|praise|support|opposition|regret|sympathy|condolences|gratitude|thanks|"
    r"confidence|frustration|disappointment|anger|optimism|skepticism|scepticism|death|deaths|"
    r"identity|diagnosis|cause|verdict|decision|rumou?rs?|suspicions?|theory|theories|commitments?|"
    r"positions?|stance|intentions?|messages?|points?|arguments?|need|importance|necessity|urgency|risks?|"
    r"dangers?|threats?|benefits?)\b(?!-)", re.I)
_CLAUSE = re.compile(r"\b(?:that|whether|which)\b|[“”\"]", re.I)
# a figure is a statement ("reported 25.9 new cases per 100,000 people", "reported a loss of $3m")
_FIGURE = re.compile(r"\d|\b(?:hundreds?|thousands?|millions?|billions?|dozens?|percent|no\s+\w+|zero)\b", re.I)


def statement_object(content: str) -> bool:
    """Is a bare-object content a statement in itself (a statement noun, a clause, a quotation)?"""
    return bool(_STATEMENT_NOUNS.search(content) or _CLAUSE.search(content) or _FIGURE.search(content))


__all__ = ["MINDED_CLASSES", "MIND_VERBS", "SOFT_VERBS", "document_source", "implausible_source", "statement_object", "subject_of_cue",
           "thing_antecedent", "thing_relative", "thing_speaker"]
