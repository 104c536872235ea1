"""Who can be a source (issue 17, "What counts"): one lexicon of the nouns that name a person, a
group or organisation, a medium, a document, or a quantity of people, for every module that asks.

- :data:`ROLE_HINTS` (+ :data:`MORE_ROLE_HINTS`): person roles, each with the word stems that say a
  named person holds it ("the lawmaker" → a person described as a legislator);
- :data:`GROUP_HINTS`: organisation nouns, each with the stems of an organisation's name that fit it
  ("the agency" → "the National Intelligence Service"); :data:`ORG_NOUNS`: the ones that may name any
  organisation ("the company");
- :data:`PERSON_NOUNS`, :data:`GROUP_NOUNS`, :data:`MEDIA_NOUNS`: other people, bodies and media;
- :data:`DOCUMENT_NOUNS`: documents, studies, data (they show and find; they do not believe or
  expect); :data:`WRITTEN_NOUNS`: other things written, published or ruled;
- :data:`QUANTITY_SOURCES`: pronoun-like heads of people ("many", "most", "someone");
- :data:`SOURCE_NOUNS`: all of these; :func:`source_noun` adds person nouns known by their suffix
  ("photographer", "economist", "trustee").

Used by ``sources`` (can this subject be a source), ``mentions`` / ``descriptions`` / ``speakers``
(person descriptions), ``groups`` (organisation descriptions) and ``structure`` (speaker labels).
"""

from __future__ import annotations

import re

# Role nouns that make a bare description a speaker: "the lawmaker said", "a defector said".
# Each maps to word stems whose presence near a PERSON mention says that person is meant.
ROLE_HINTS: dict[str, tuple[str, ...]] = {
    "lawmaker": ("lawmaker", "legislat", "parliament", "assembly", "congress", "senat", "mp ", "member of"),
    "legislator": ("lawmaker", "legislat", "parliament", "assembly", "congress", "senat"),
    "senator": ("senat",), "congressman": ("congress",), "congresswoman": ("congress",),
    "defector": ("defect",), "diplomat": ("diplomat", "ambassador", "envoy", "embassy"),
    "ambassador": ("ambassador",), "envoy": ("envoy", "ambassador"), "minister": ("minister",),
    "president": ("president",), "official": ("official", "minist", "secretary", "spokes"),
    "spokesman": ("spokes",), "spokeswoman": ("spokes",), "spokesperson": ("spokes",),
    "analyst": ("analyst", "research", "expert"), "expert": ("expert", "analyst", "research"),
    "researcher": ("research",), "economist": ("economist",), "professor": ("professor", "universit"),
    "candidate": ("candidate", "campaign", "nominee"), "nominee": ("nominee", "candidate"),
    "governor": ("governor",), "mayor": ("mayor",), "chairman": ("chair",), "chairwoman": ("chair",),
    "director": ("director",), "author": ("author", "book", "wrote"), "activist": ("activist", "campaign"),
    "investigator": ("investigat",), "general": ("general", "army", "military"),
    "leader": ("leader",), "lawyer": ("lawyer", "attorney"), "attorney": ("attorney", "lawyer"),
    "advocate": ("advocate",), "executive": ("executive", "ceo", "chief"), "judge": ("judge",),
    "prosecutor": ("prosecut",), "politician": ("politic", "parliament", "lawmaker", "senat"),
    "strategist": ("strateg",), "pollster": ("poll",), "aide": ("aide", "adviser", "advisor"),
    "adviser": ("advis",), "advisor": ("advis",), "commander": ("command",), "founder": ("found",),
    "ceo": ("ceo", "chief executive"), "scientist": ("scien", "research"), "specialist": ("special",),
    "source": (), "woman": (), "man": (),
}


# Organisation nouns that make a definite description a speaker ("the agency said"): each maps to
# stems whose presence in an earlier organisation mention or speaker says that one is meant
# ("the agency" → "the National Intelligence Service").
GROUP_HINTS: dict[str, tuple[str, ...]] = {
    "agency": ("agency", "service", "bureau", "intelligence", "administration", "authority"),
    "service": ("service", "agency"), "bureau": ("bureau", "agency"),
    "ministry": ("ministry", "department"), "department": ("department", "ministry"),
    "company": ("company", "corp", "inc", "ltd", "plc", "group", "firm"), "firm": ("firm", "company", "corp", "inc", "ltd", "plc"),
    "newspaper": ("newspaper", "times", "post", "journal", "daily", "herald", "gazette", "tribune"),
    "paper": ("newspaper", "times", "post", "journal", "daily", "herald", "gazette", "tribune"),
    "broadcaster": ("broadcast", "tv", "television", "radio", "news"), "network": ("network", "tv", "news", "broadcast"),
    "court": ("court", "tribunal"), "commission": ("commission",), "committee": ("committee",), "council": ("council",),
    "party": ("party",), "bank": ("bank",), "union": ("union",), "organisation": ("organi",), "organization": ("organi",),
    "institute": ("institut",), "university": ("universit", "college"), "board": ("board",), "panel": ("panel",),
    "regulator": ("regulat", "authority", "commission"), "watchdog": ("watchdog", "regulat", "authority", "commission"),
    "military": ("military", "army", "forces", "defence", "defense"), "army": ("army", "military"), "police": ("police",),
}

# person-role nouns that ``ROLE_HINTS`` lacks (the resolver does not look them up as a bare
# description), with the hints that name the role in a person's context (``mentions.role_hints``)
MORE_ROLE_HINTS: dict[str, tuple[str, ...]] = {
    "mp": (" mp", "mps", "parliament", "lawmaker", "member of"), "owner": ("owner", "founder", "runs "),
    "spokesperson": ("spokes",), "representative": ("representative", "congress"), "secretary": ("secretary",),
}

# definite descriptions that may name any organisation ("the company", "the firm")
ORG_NOUNS = frozenset("company firm group organisation organization corporation business".split())

# people by their role, trade, rank or relation, and generic persons ("the woman", "residents")
PERSON_NOUNS = frozenset("""
    rep premier chief head negotiator staffer member chair exec manager boss employee worker officer cop
    detective inspector scholar academic doctor physician nurse surgeon witness insider observer critic
    supporter opponent proponent resident citizen voter people person boy girl child kid parent mother
    father friend neighbor neighbour colleague partner wife husband son daughter brother sister victim
    survivor player coach fan user customer consumer reader viewer respondent participant investor
    trader operator provider maker manufacturer developer producer publisher writer journalist reporter
    correspondent editor columnist commentator forecaster meteorologist teacher student farmer dealer
    buyer seller landlord tenant driver pilot captain soldier veteran admiral king queen prince princess
    corporal sergeant lieutenant colonel marshal
    pope bishop priest pastor rabbi imam cardinal host guest speaker caller counsel clerk auditor
    accountant engineer designer architect sheriff deputy trooper firefighter paramedic ranger warden
    guard delegate star mogul actress actor celebrity front-runner frontrunner runner-up winner
""".split())

# bodies, organisations and the places or groups that speak as one ("the government", "the team")
GROUP_NOUNS = frozenset("""
    staff family audience public community majority minority jury government administration authority
    office association campaign team club league college school hospital center centre lab laboratory
    fund industry market country nation state city force navy troop delegation caucus coalition alliance
    bloc faction camp side body startup giant carrier airline retailer insurer lender utility charity ngo
    foundation trust nonprofit
""".split())

# media and their outlets ("the magazine", "the website", "the account")
MEDIA_NOUNS = frozenset("""
    magazine outlet channel station website site blog media press journal publication page feed handle
    profile account
""".split())

# documents, studies and data: they show and find; they do not expect or believe
DOCUMENT_NOUNS = frozenset("""study report survey poll data datum analysis research review document letter
    memo statement filing complaint record figure statistic estimate model projection forecast finding
    evidence test trial audit investigation inquiry probe assessment release average tally count census
    chart graph image footage video recording transcript scan sample measurement experiment dating""".split())

# other things written, published, filed or ruled ("the lawsuit alleges", "a tweet said", "the ruling found");
# a film or a programme is a publication too ("the film portrays the war as a tragedy", "the documentary
# criticizes …": both kept)
WRITTEN_NOUNS = frozenset("""
    lawsuit suit indictment email message post tweet note sign label simulation calculation map minutes
    log diary book article story headline editorial op-ed column essay account version brief petition
    ruling verdict guidance guideline directive notice warning advisory bulletin alert announcement
    press_release ad advertisement commercial slide presentation spot clip submission motion result
    polling timeline film movie documentary programme podcast broadcast novel memoir biography
""".split())

# pronoun-like heads of people ("many said", "most believe", "someone wrote")
QUANTITY_SOURCES = frozenset("""
    percent many most some other others everyone anyone everybody somebody someone one few several all
    both each either neither
""".split())

SOURCE_NOUNS = (PERSON_NOUNS | set(ROLE_HINTS) | set(MORE_ROLE_HINTS) | GROUP_NOUNS | set(GROUP_HINTS)
                | ORG_NOUNS | MEDIA_NOUNS | DOCUMENT_NOUNS | WRITTEN_NOUNS | QUANTITY_SOURCES)
# not (yet) sources for a soft verb: the list these came from lacked them ("the watchdog warned"
# refused as a thing; "business" also ends no person noun)
SOURCE_NOUNS -= {"watchdog", "mp", "business", "corporation"}

# texts that state or require (a source for a thing-as-speaker check, not for a soft verb: "the plan
# rejects …", "federal law requires them to disclose …"; "the bill adds $3bn" stays an act)
TEXT_NOUNS = frozenset("""plan proposal bill law policy measure legislation platform agreement deal treaty
    constitution rule regulation budget contract manifesto resolution amendment act charter language
    wording text clause provision order decree ordinance code prompt popup pop-up dialog dialogue banner
    notification plank speech remarks address testimony interview disclosure""".split())
# heads of a quantity of something ("a wide array of artists", "a host of experts"): the source is
# what follows "of"
PARTITIVE_NOUNS = frozenset("""array number host lot lots couple range handful dozen dozens bunch variety
    multitude slew string series set score mix crowd plenty majority minority fraction portion share
    percentage proportion
    none some all many most few several each either neither one any both""".split())   # "none of his rivals attacked …"

# person nouns by their suffix ("photographer", "moderator", "actress", "economist", "trustee",
# "billionaire", "councilmember", "businessman"), less the common things and events that end so
PERSON_SUFFIX = re.compile(r"(?:er|or|ess|ist|ian|eer|ee|aire|member|man|woman|person|official)$")
NOT_PERSONS = frozenset("""water weather number disaster matter power order border error factor cancer fever
    river winter summer flower tower computer meter monster thunder shower layer filter chamber chapter
    quarter corner paper character behavior behaviour color colour favor favour horror terror rumor rumour
    humor humour vigor labor labour error mirror motor sector interior exterior anchor tremor vapor vapour
    odor odour process business progress stress mess success access address excess loss
    ocean median fee tree free knee degree coffee
    human german""".split())


# for refusing a thing as a source, a noun is given the benefit of the doubt when it may name people
# or a body by its ending ("operative", "consultant", "dignitary", "bureaucrat", "rival", "skeptic",
# "leadership", "chancellery") or is one of these
_MAYBE_PERSON = re.compile(r"(?:ive|ant|ent|ary|crat|al|ic|ie|ite|ship|ery)$")
MAYBE_SOURCES = frozenset("ally elite crowd mob gang squad crew cabinet regime junta establishment outfit".split())


def maybe_source(lemma: str) -> bool:
    """Could a common noun with this lemma name a source, leniently (for refusing a thing as the
    source of a cue that is no soft verb: only what surely names none is refused)?"""
    return (source_noun(lemma) or lemma in TEXT_NOUNS or lemma in PARTITIVE_NOUNS or lemma in MAYBE_SOURCES
            or _MAYBE_PERSON.search(lemma) is not None)


def person_noun(lemma: str) -> bool:
    """Does a common noun with this lemma (lower case) name a person or people ("dealer", "official",
    "representative"), not a body, a medium or a document?"""
    if lemma in GROUP_HINTS or lemma in ORG_NOUNS or lemma in GROUP_NOUNS or lemma in MEDIA_NOUNS \
            or lemma in DOCUMENT_NOUNS or lemma in WRITTEN_NOUNS:
        return False
    return (lemma in ROLE_HINTS or lemma in MORE_ROLE_HINTS or lemma in PERSON_NOUNS
            or (lemma not in NOT_PERSONS and PERSON_SUFFIX.search(lemma) is not None))


def source_noun(lemma: str) -> bool:
    """Can a common noun with this lemma (lower case) be a source: a listed source noun, or a person
    noun by its suffix that is no listed thing?"""
    return lemma in SOURCE_NOUNS or (lemma not in NOT_PERSONS and PERSON_SUFFIX.search(lemma) is not None)


__all__ = ["DOCUMENT_NOUNS", "GROUP_HINTS", "GROUP_NOUNS", "MEDIA_NOUNS", "MORE_ROLE_HINTS", "ORG_NOUNS",
           "PARTITIVE_NOUNS", "PERSON_NOUNS", "QUANTITY_SOURCES", "ROLE_HINTS", "SOURCE_NOUNS", "TEXT_NOUNS",
           "WRITTEN_NOUNS", "maybe_source", "person_noun", "source_noun"]
