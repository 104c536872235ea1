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

# cue verbs whose subject is often a thing or an event: the source check applies to them
SOFT_VERBS = frozenset("""show demonstrate prove indicate suggest signal reveal confirm highlight underscore
    threaten add expect find predict project forecast estimate anticipate calculate echo mean reflect point
    warn note mark""".split())

_SOURCE_NOUNS = frozenset("""
    official spokesman spokeswoman spokesperson representative rep minister president premier leader chief
    head director secretary governor mayor senator lawmaker legislator congressman congresswoman politician
    candidate diplomat ambassador envoy negotiator adviser advisor aide staff staffer member chairman
    chairwoman chair ceo executive exec manager founder owner boss employee worker officer police cop
    detective investigator inspector prosecutor attorney lawyer judge court jury panel committee commission
    council board agency department ministry government administration authority regulator office bureau
    service company firm group organization organisation association union party campaign team club league
    university college school institute hospital center centre lab laboratory bank fund network newspaper
    paper magazine outlet channel station broadcaster website site blog media press journal publication
    study report survey poll data analysis research review document letter memo statement filing
    complaint lawsuit suit indictment record figure statistic estimate model projection forecast finding
    evidence test trial audit investigation inquiry probe assessment release email message post tweet
    note sign label author researcher scientist expert analyst economist scholar academic professor
    doctor physician nurse surgeon witness source insider observer critic supporter opponent proponent
    advocate activist resident citizen voter people person man woman boy girl child kid parent mother
    father family friend neighbor neighbour colleague partner wife husband son daughter brother sister
    victim survivor player coach fan user customer consumer reader viewer audience public community
    respondent participant majority minority percent many most some other others everyone anyone
    industry market investor trader country nation state city military army force navy troop operator
    provider maker manufacturer developer producer publisher writer journalist reporter correspondent
    editor columnist commentator pollster forecaster meteorologist teacher student farmer owner dealer
    buyer seller seller landlord tenant driver pilot captain soldier veteran officer commander general
    admiral king queen prince princess pope bishop priest pastor rabbi imam cardinal official host
    guest speaker caller owner director counsel clerk auditor accountant engineer designer architect
    officer sheriff deputy trooper firefighter paramedic ranger warden guard official negotiator
    delegate delegation envoy caucus coalition alliance bloc faction camp side body firm startup
    giant carrier airline retailer insurer lender utility charity ngo foundation trust nonprofit
    dating scan sample measurement experiment simulation calculation projection tally count census
    chart graph map image footage video recording transcript minutes log diary book article story
    headline editorial op-ed column essay account version paper brief petition
    ruling verdict guidance guideline directive notice warning
    advisory bulletin alert announcement press_release website page feed account handle profile
    everybody somebody someone one few several all both each either neither datum average ad
    advertisement commercial slide presentation spot video clip submission brief motion petition
    result polling timeline star mogul actress actor celebrity front-runner frontrunner runner-up winner
""".split())
# a gerund clause with no name in it ("frisking them"; a parse that hung "Speaking from a stage,
# Chief Executive Satya Nadella" on the participle names a person)
_GERUND = re.compile(r"[A-Za-z]\w*ing\b(?:\W+[a-z0-9]\w*)*\W*")
# verbs of a mind: a person or a group believes or expects; a document or data does not
MIND_VERBS = frozenset("expect anticipate believe think hope hop feel fear worry doubt suspect".split())
# person nouns by their suffix ("photographer", "moderator", "actress", "economist", "trustee",
# "billionaire", "councilmember", "businessman"), less the common things and events that end so
_PERSON_SUFFIX = re.compile(r"(?:er|or|ess|ist|ian|eer|ee|aire|member|man|woman|person|official)$")
_NOT_PERSONS = frozenset("""water weather number disaster matter power order border error factor cancer fever
    river winter summer flower tower computer meter monster thunder shower layer filter chamber chapter
    quarter corner paper character behavior behaviour color colour favor favour horror terror rumor rumour
    humor humour vigor labor labour error mirror motor sector interior exterior anchor tremor vapor vapour
    odor odour process business progress stress mess success access address excess loss
    ocean median fee tree free knee degree coffee
    human german""".split())

# entity labels that are things, places, times, events, amounts: no source for a soft verb
_THING_LABELS = frozenset("EVENT DATE TIME PRODUCT FAC LOC LAW MONEY QUANTITY ORDINAL LANGUAGE".split())
# demonstratives as a soft verb's subject: the writer's own inference ("This suggests …")
_THING_PRONOUNS = frozenset("this that these those what which whatever something everything nothing".split())


def implausible_source(a: Attribution, text: str | None = None) -> bool:
    """The speaker cannot be a source: a gerund clause for any cue ("frisking them explains why …"),
    and for a soft-verb cue (``SOFT_VERBS``) a common noun that is no source noun, a thing / place /
    time / event entity, a demonstrative. No speaker: not judged."""
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
    return lem not in _SOURCE_NOUNS and (lem in _NOT_PERSONS or not _PERSON_SUFFIX.search(lem))


_DOCUMENT_NOUNS = frozenset("""study report survey poll data datum analysis research review document letter
    memo statement filing complaint record figure statistic estimate model projection forecast finding
    evidence test trial audit investigation inquiry probe assessment release average tally count census
    chart graph image footage video recording transcript scan sample measurement experiment dating""".split())


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
