"""More candidates the definition refuses (issue 17, "What counts"), found by a precision audit on
real pages no gold had seen (``eval/claims_audit.py``): each is a rule a reader applies without
knowing the page.

- **Open questions are no belief**: "wondered whether …", "wonder what he thinks …" and "is not
  sure whether …" hold nothing true. (A reported cue inside a question — "Did she say Melas?",
  "has he called for changing …?" — asserts nothing either, but PolNeAR annotates it and the
  audit met it twice, in fiction and a writer's aside: not refused. A rule refusing the cue of an
  aux-first question's main clause outside quotation marks took four PolNeAR train gold items
  inside the definition: "Does he know what that entails?", "Did the investigation find …?", "Why
  had he asserted that …?", "is Trump lying about …?".)
- **The publication's own turns**: in an interview set out as "<Label>: <turn>" lines, the turns
  of the publication itself ("The Economist: What do you mean by …?", "L.A. WEEKLY: …") are the
  article's own voice, not a source's (:func:`publication_turn`, by the page's domain).
- **No one in particular is no source**: "Everyone knows …", "Whoever said …", "anyone who thinks
  …" (a universal pronoun as the speaker: the writer's own generalisation); "it is hard to say …",
  "it is fair to say …" (an expletive subject: the writer's own hedge). ("No one expected …"
  stays: PolNeAR annotates it.)
- **Topics, not statements**: a mind verb with a prepositional object ("thought about digital
  communications", "worry about getting in trouble") and a stance adjective with one ("happy with
  the dish", "less enthusiastic about the taco") name what a thought or a feeling is about, not
  what is held true (kept when the object holds a clause or a statement noun; "complained about",
  "critical of" stay: evaluative speech acts on a topic, like "criticised"). "hinted at the
  possibilities", "complained about its absence", "is skeptical about X" stay too: refusing them
  took 13 PolNeAR train gold items ("hinting at his playbook", "complained about the dour tone",
  "are skeptical of free trade"). So does advocacy for people ("advocating for female fans"):
  PolNeAR train annotates "a non-profit that advocates for families of Americans …".
- **Acts on a plain noun phrase**: "is adding the Terminator as a playable character", "the firm
  added 500 jobs", "repeated the pattern" (kept when the object is something said: "repeated the
  claim", "added a note of caution"); in the passive, "the result was explained by the measure", "the case is being
  considered by the court". ("wrote a memoir", "granted an extension", "the film explains the
  history" are topics too, but PolNeAR annotates them: not refused.)
- **A content cut to a fragment**: "the groups that they claim to support" (a relative pronoun and
  an infinitive: what is claimed is the gap), "experts foreseeing AI being used to …" (the subject
  of a clause cut from its verb), "configure it to get the most out of it, according to …" (an
  infinitive of purpose cut from its clause): no statement is left.
- **A view that is asked about**: "I wonder what he thinks about …", "asked whether she believes
  …": a cue inside the wh-complement of wondering or asking reports no view, it asks for one.
- **Writing a quantity of texts**: "wrote a series of tweets giving advice on …", "wrote dozens of
  letters to the council": an act of writing, no statement ("wrote a memoir" stays: PolNeAR
  annotates a single text written).
- **Requests and wishes to the reader**: a cue under an imperative "let" ("lemme know what's up",
  "let me know", "let's hope he can answer") and a cue that is itself an imperative, opening its
  sentence or its clause after "so", "then" or "please" ("… so ask them to come with you"): the
  writer addresses the reader; no one is reported (a subject the parse lends it from the clause
  before is none).
- **An interviewer's prompt**: a "<Label>: <turn>" line whose turn is an imperative addressed to the
  guest ("Tell us about the new album.", "Talk me through the first week.", "Describe the moment
  …") asks, like a question without its question mark; it states nothing.
- **A box or a menu**: a "<Label>: <body>" line whose label heads a summary ("US systems at a
  glance: …", "The season in numbers: …", "Related: …") or whose body is a list of three or more
  short capitalised items set out with a separator ("iBuyPower | Alienware | Falcon Northwest") is
  the page's furniture, no one's statement.
- **Recommending a named thing**: "would recommend Dezuka Suisan to anyone", "was recommended to us
  by the Ezuras": a place, a product or a person recommended is an endorsement, no proposition (a
  recommendation with a clause or a common noun stays: "recommended that …", "recommended a ban").
- **A content cut at its gap**: "if he was what he said he was": the content of a cue inside a free
  relative ends where the extracted word was, on a stranded copula: what was said is not in the
  text. ("what Trump says his plan would do" stays: PolNeAR annotates it.)
- **Announcing one's own act, feeling a need**: "announced his presidential bid", "announced her
  resignation" (the announcement is the act itself; "announced the arrest of a man", "announced its
  plans to cut jobs" stay: news, statements); "felt the need to obtain …", "felt the pressure" (a
  sensation; "felt that …" stays a belief).
- **A quality shown, a deal agreed**: a person who "showed flashes of compassion" or "showed his
  dexterity" displays a quality (a study or data that "shows a rise" states a finding and stays);
  "agreed a 10-month moratorium" is an act ("agreed that …" stays a statement).
- **Saying with a setting for content**: "say" and "tell" whose prepositional object says where,
  when or on what terms ("he said, on condition of anonymity", "as she said at the outset", "saying
  at one point", "said during the debate"): what was said, if anything, is elsewhere ("told of her
  escape", "said of the war" stay: PolNeAR annotates such topics).
- **A cue verb acting on a thing** (issue 17, acts): the object is no message but what the act
  is done to: "will defend the title" (a title, a seat or a territory kept; "defended the
  decision" stays), "announced the team" (a team named: naming is an act; "announced the closure
  of …" stays news), "wrote a patch to the parser" (code is no message; "wrote a memoir", "wrote a
  code of conduct" stay). ("denied his application", "rejected the request", "granted an
  extension", "found it difficult to …" are acts too, but PolNeAR annotates them: not refused; a
  rule refusing "grant" with a plain object — "the Court granted our case priority status" — took
  the PolNeAR dev gold item "granted Mr. Clarke an extension".)
- **Writing a creative work**: "had never written a short story", "wrote a song about her father",
  "has written three novels": a story, a novel, a poem or a song written (the whole object, with
  no clause, participle or quotation on it) is a work made; what it says, if anything, is not
  there ("wrote a story saying …", "wrote a memoir", "wrote a code of conduct" stay).
- **Coining a term**: "what we might call the technocratic ideology" (a name the writer offers, no
  one's statement; "what he called a brazen breach" stays). A term of art named by people in
  general ("what statisticians call the standard error") stays too: PolNeAR train annotates "what
  economists call spending" and "in what officials called a hate crime".
- **A hypothetical**: a speaker or cue right after "as if" or "as though" ("almost as if she
  believed that …"): a supposition, which no one is reported to hold (a plain "if" stays: as often
  "whether", and PolNeAR annotates conditionals).
- **The reader's experience**: "You might guess that from your own experience: …" (a perspective
  phrase owned by "your"): the writer addresses the reader; no source.
- **A feeling about a topic, as a noun**: "their fear of causing a fuss", "hopes for a quick
  win": a feeling noun whose content hangs on a preposition with no clause names what the feeling
  is about, as "fear for the safety of …" does for the verb ("the fear that …" stays; "his
  assessment of X", "her view of X" stay: PolNeAR annotates them).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .news_refusals import refused_in_news
from .records import OBJECT_HOWS as _OBJ_HOWS
from .records import Attribution
from .sources import _STATEMENT_NOUNS, document_source

_NEG = re.compile(r"(?:\bnot|n['’]t|\bnever|\bno\s+longer)\b", re.I)
_WH_START = re.compile(r"\W*(?:how|whether|if|what|when|where|why|who|which)\b", re.I)
_WH_END = re.compile(r"\b(?:how|whether|if|what|when|where|why|who|which)\W*$", re.I)
_UNIVERSAL = frozenset("everyone everybody anyone anybody whoever whomever whosoever".split())
_EXPLETIVE_ADJ = re.compile(r"\b(?:hard|difficult|easy|fair|safe|impossible|tough|accurate|reasonable|premature|"
                            r"early|possible|unfair|wrong|right)\s+to\s*$", re.I)
# mind and complaint verbs whose prepositional object is what the thought or the feeling is about
_PREP_TOPIC = frozenset("think worry care fear feel".split())
_ADJ_PREPS = "about|with|of|over|at|for|on|toward|towards"
# belief nouns that are feelings: "their fear of causing a fuss" is about a topic ("his assessment
# of X", "her view of X" judge it: PolNeAR annotates them)
_FEELING_NOUNS = frozenset("fear hope concern worry".split())
# speech verbs whose plain noun-phrase object is an act or a thing made, not a statement
_OBJ_ACT_VERBS = frozenset("add repeat".split())
_OBJ_CLAUSE = re.compile(r"\b(?:that|whether)\b|[“”\"]", re.I)
_OBJ_STATEMENT = re.compile(r"\b(?:notes?|caution|caveats?|reminders?|qualifiers?|words?)\b", re.I)
# and those whose subject in the passive is a topic whatever it is ("the results were explained by
# …", "the case is being considered by …")
_PASSIVE_TOPIC_VERBS = frozenset("explain consider".split())
_CLAUSE_START = re.compile(r"\W*(?:that|whether|if|how|what|why|when|who)\b", re.I)
_NAMING_WH = re.compile(r"\W*(?:what|which|whatever)\W*$", re.I)
_MODAL = re.compile(r"\b(?:might|could|may|would|can)\s+$", re.I)
# "let me know", "lemme know", "let's hope", "let us say" right before the cue
_LET = re.compile(r"(?:\blet(?:\s*['’]s|\s+me|\s+us)|\blemme)\s+(?:\w+ly\s+|just\s+)?$", re.I)
# what opens an imperative clause: the sentence start, a colon or semicolon, "so", "then", "please"
_IMPERATIVE_OPEN = re.compile(r"(?:^|[.!?;:(\n“\"]|\b(?:so|then|please|just|simply)\b)[\s,]*"
                              r"(?:\b(?:please|just|simply|also|always|never|now|then)\s+)?$", re.I)
# contents that are fragments: a relative gap ("that to support"), an infinitive of purpose alone
_REL_GAP = re.compile(r"\W*(?:that|which|whom?)\s+to\s+\w+(?:\s+\w+)?\W*", re.I)
_TO_ALONE = re.compile(r"\W*to\s+[a-z]\w*\b")
_CUT_SMALL_CLAUSE = re.compile(r"\s+(?:being|having|getting)\b")
# "I wonder what | he thinks …", "asked whether | she believes …" right before the speaker
_ASKED_ABOUT = re.compile(r"\b(?:wonder(?:s|ed|ing)?|ask(?:s|ed|ing)?|curious(?:\s+(?:about|as\s+to))?|"
                          r"question(?:s|ed|ing)?)\s+(?:what|whether|if|how|why)\s+$", re.I)
# "a series of tweets", "dozens of letters": a quantity of texts
_TEXTS = re.compile(r"\W*(?:(?:a|an|the|several|many|two|three|four|five|\d+)\s+)?(?:\w+\s+)?(?:series|number|couple|lot|"
                    r"lots|dozens?|hundreds|thousands|thread|string|flurry|barrage|stream|handful|raft|slew|bunch)\s+of\b",
                    re.I)
_OWN_ACT = re.compile(r"\W*(?:his|her|their|its|our|my|your)\s+(?:(?!that\b|whether\b)[\w’'-]+\s+){0,3}?"
                      r"(?:bid|candidacy|campaign|run|resignation|retirement|departure|engagement|marriage|divorce|"
                      r"intention|decision|return|comeback|withdrawal|endorsement|nomination|pick|choice|"
                      r"appointment|selection)\b", re.I)
# a speaker that is a person: a personal pronoun or a PERSON entity
_PERSON_KINDS = frozenset("PERSON he she i we they you".split())
# an interviewer's imperative prompt opening a colon turn
_PROMPT = re.compile(r"\W*(?:please\s+)?(?:tell|talk|walk|take|describe|explain|give|share|run)\s+"
                     r"(?:us|me|our\s+readers|the\s+readers|about|through|what|how|why|a\s+bit|a\s+little)\b", re.I)
_RECOMMEND = frozenset("recommend".split())
_NAME = re.compile(r"\W*(?:the\s+)?(?:[A-Z][\w'’.&-]*\s*){1,6}\W*")
_FREE_RELATIVE = re.compile(r"\bwhat(?:ever)?\s+$", re.I)
# "say" and "tell" with a prepositional object of a setting (place, time, terms): no statement
_SAY_TELL = frozenset("say tell".split())
_SETTING_PREPS = "at|on|in|during|after|before|since|until|amid|amidst|throughout|within|near|inside|outside|across|via|aboard"
# a content that ends on a copula whose complement was extracted ("what he said he was")
# "as if" / "as though" right before the speaker (or the cue): a supposition contrary to fact (a
# plain "if" is as often "whether" — "no idea if I would have told her …" — and PolNeAR annotates
# conditionals: "if Carson implied that …")
_AS_IF = re.compile(r"\bas\s+(?:if|though)\s+(?:to\s+)?$", re.I)
# … unless a verb of seeming takes it: "it seems as though X believes …" is "it appears that …"
_SEEMS_AS_IF = re.compile(r"\b(?:seem|look|appear|sound)(?:s|ed|ing)?\s+(?:\w+ly\s+|just\s+|almost\s+)?"
                          r"as\s+(?:if|though)\s+$", re.I)
_STRANDED = re.compile(r"\b(?:am|is|are|was|were|be|been|being)\W*$", re.I)
# acts on a thing: the head of the object (up to four words before it, none a preposition or
# "that") is a title or a territory defended, code written, a team named
_HEAD = r"\W*(?:(?!(?:of|to|for|that|whether|on|about|in)\b)[\w'’.&-]+\s+){0,4}?"
_ACT_OBJECTS = {
    "defend": "titles?|crowns?|championships?|belts?|trophy|trophies|cups?|ashes|seats?|lead|borders?|frontiers?|"
              "territory|territories|goal|net|homeland|capital",
    "write": r"patch(?:es)?|code(?!\s+of\b)|programs?|scripts?|software|apps?|functions?|plugins?|plug-ins?|drivers?|"
             r"modules?|commits?|compilers?|bots?",
    "announce": r"(?:team|squad|side|line-?up|roster|cast|eleven|XI)(?=\W*$|\s+(?:to|for|against|in|at|on)\b)",
}
# a creative work as the whole object of "write" (no clause, participle or quotation on it): "wrote a
# short story", "has written three novels before", "wrote a song about her father"
_WORK = re.compile(_HEAD + r"(?:stor(?:y|ies)|novels?|novellas?|poems?|poetry|songs?|lyrics|screenplays?|plays|"
                   r"fiction|fan\s+fiction|fairy\s+tales?|short\s+stor(?:y|ies)|symphon(?:y|ies)|operas?|musicals?)\b"
                   r"(?:\s+(?:before|since|in|for|about|at|during|with|after|of|on)\b(?:(?!\b(?:that|whether|which|who)\b)"
                   r"[^\"“”,;:.])*)?\W*", re.I)
_ACT_OBJECT = {k: re.compile(_HEAD + rf"(?:{v})\b(?!-)", re.I) for k, v in _ACT_OBJECTS.items()}


def refused(a: Attribution, text: str) -> bool:
    """True when the candidate is no attribution by one of the rules above."""
    lem, how = a.cue.lemma.lower(), a.how
    if _open_question(a, text, lem):
        return True
    if _hypothetical(a, text):
        return True
    if a.speaker is not None and _no_source(a, text):
        return True
    if how == "colon" and a.content and _PROMPT.match(text, a.content[0][0], a.content[-1][1]):
        return True
    if how == "colon" and a.content and _colon_furniture(a, text):
        return True
    if refused_in_news(a, text):
        return True
    if a.direct or not a.content:
        return False
    content = content_text(a, text)
    if _fragment(a, text, content):
        return True
    if a.speaker is not None and _ASKED_ABOUT.search(text, max(0, a.speaker[0] - 40), a.speaker[0]):
        return True
    if lem == "write" and how in _OBJ_HOWS and _TEXTS.match(text, a.content[0][0], a.content[-1][1]):
        return True
    if _to_the_reader(a, text):
        return True
    if lem in _RECOMMEND and _named_thing(content):
        return True
    if _cut_at_gap(a, text):
        return True
    if how in ("prep", "objprep") and lem in _PREP_TOPIC:
        return True
    if lem in _SAY_TELL and how in ("prep", "objprep") and preposition_gap(a, text, _SETTING_PREPS, re.I):
        return True
    if (how == "adj" and _adj_class(lem) == "stance" or how == "noun" and lem in _FEELING_NOUNS) \
            and preposition_gap(a, text, _ADJ_PREPS, re.I) \
            and not _CLAUSE_START.match(text, a.content[0][0]) \
            and not _STATEMENT_NOUNS.search(content):
        return True
    if lem in _OBJ_ACT_VERBS and how in _OBJ_HOWS and not document_source(a) and not _said_object(content):
        return True
    if lem == "announce" and how in _OBJ_HOWS and _OWN_ACT.match(text, a.content[0][0]) \
            and not _OBJ_CLAUSE.search(content):
        return True
    if lem in ("show", "display") and how in _OBJ_HOWS and a.spk_kind in _PERSON_KINDS \
            and not _OBJ_CLAUSE.search(content):
        return True
    if lem in ("agree", "feel") and how in _OBJ_HOWS and not _OBJ_CLAUSE.search(content):
        return True
    if lem in _PASSIVE_TOPIC_VERBS and how == "passive":
        return True
    if (how in _OBJ_HOWS or lem == "announce" and how in ("ccomp", "xcomp")) and _act_on_thing(lem, content):
        return True
    if lem == "call" and how == "oprd" and _NAMING_WH.fullmatch(text, *a.content[0]) \
            and _MODAL.search(text, max(0, a.cue.start - 12), a.cue.start):
        return True
    if lem == "write" and how in _OBJ_HOWS and _WORK.fullmatch(content):
        return True   # "had never written a short story": a work made, no statement (what it says is elsewhere)
    return False


# a colon label that heads a summary box, not a source: "… at a glance:", "The week in numbers:"
_BOX_LABEL = re.compile(r"\b(?:at\s+a\s+glance|in\s+brief|in\s+numbers|by\s+the\s+numbers|in\s+short|(?:key|fast|quick)\s+"
                        r"facts|see\s+also|related(?:\s+\w+)?|read\s+more|more\s+on\s+this)\W*$", re.I)
# the items of a list set out with a separator: "Acme | Bolt | Cobalt", "Oslo • Bergen • Tromsø", "A I B I C"
_LIST_SEP = re.compile(r"\s+(?:[|•·/]|I)\s+")
_ITEM = re.compile(r"[A-Z0-9][\w'’.&-]*(?:\s+[\w'’.&-]+){0,3}\W*")


def _colon_furniture(a: Attribution, text: str) -> bool:
    """A colon line that is a page's box or menu, not a source's statement: its label heads a
    summary ("US Systems at a glance: …"), or its body is a list of three or more short capitalised
    items set out with a separator ("iBuyPower | Alienware | Falcon Northwest")."""
    if a.speaker is not None and _BOX_LABEL.search(text, a.speaker[0], max(a.speaker[1], a.cue.start)):
        return True
    items = _LIST_SEP.split(content_text(a, text).strip())
    return len(items) >= 3 and all(_ITEM.fullmatch(i) for i in items)


def _hypothetical(a: Attribution, text: str) -> bool:
    """"as if she believed that …", "as though he had said …", "shrugged as if to say …": a
    comparison with what is not so; no one holds or says it. After seem/look/appear/sound ("it looks
    as if the board believes …") it means "it appears that": kept."""
    first = min(a.cue.start, a.speaker[0]) if a.speaker is not None else a.cue.start
    return bool(_AS_IF.search(text, max(0, first - 24), first)) \
        and not _SEEMS_AS_IF.search(text, max(0, first - 48), first)


def _act_on_thing(lem: str, content: str) -> bool:
    """"will defend the title", "announced the team", "wrote a patch that made it faster": the head
    of the cue's object is what the act is done to, no message (a relative clause on it changes
    nothing)."""
    pat = _ACT_OBJECT.get(lem)
    return pat is not None and bool(pat.match(content))


def _fragment(a: Attribution, text: str, content: str) -> bool:
    """"that to support", "AI" (of "AI being used to …"), "to get the most out of it" (according to …).
    ``content``: :func:`content_text` of ``a``."""
    c0, c1 = a.content[0][0], a.content[-1][1]
    if _REL_GAP.fullmatch(content):
        return True
    if a.how == "according" and _TO_ALONE.match(text, c0, c1):
        return True
    return len(re.findall(r"\w+", text[c0:c1])) <= 2 and bool(_CUT_SMALL_CLAUSE.match(text, c1))


def _to_the_reader(a: Attribution, text: str) -> bool:
    """"lemme know …", "let's hope …", "… so ask them to come with you": a request or a wish the
    writer addresses to the reader (an imperative cue, or one under an imperative "let")."""
    before = text[max(0, a.cue.start - 40):a.cue.start]
    if _LET.search(before) and a.cue.lemma.lower() != "say":
        return True   # ("let's say you think …" sets up a supposition: PolNeAR annotates it)
    if a.cue.tag != "VB" or a.speaker is not None and a.speaker[0] > a.cue.start:
        return False
    line0 = max(text.rfind("\n", 0, a.cue.start) + 1, a.cue.start - 40)
    return bool(_IMPERATIVE_OPEN.search(text, line0, a.cue.start)) if line0 < a.cue.start else True


def _named_thing(content: str) -> bool:
    """The content is a bare name ("Harbour Noodle House")."""
    return bool(_NAME.fullmatch(content))


def _cut_at_gap(a: Attribution, text: str) -> bool:
    """"what he said he was": the speaker opens a free relative and the content ends on the gap."""
    if a.speaker is None or a.content[-1][0] < a.cue.end \
            or not _FREE_RELATIVE.search(text, max(0, a.speaker[0] - 12), a.speaker[0]):
        return False
    return bool(_STRANDED.search(text, a.content[-1][0], a.content[-1][1]))


def _said_object(content: str) -> bool:
    """An added or repeated object that is something said: a statement noun, a clause, a quotation
    ("added a note of caution", "repeated the claim that …"); a figure is no statement here
    ("the firm added 500 jobs", "the cards repeated the pattern of the 3000 series")."""
    return bool(_STATEMENT_NOUNS.search(content) or _OBJ_STATEMENT.search(content) or _OBJ_CLAUSE.search(content))


def _adj_class(lem: str) -> str | None:
    from .definition import ADJ_CLASSES   # definition.py imports this module
    return ADJ_CLASSES.get(lem)


def content_text(a: Attribution, text: str) -> str:
    """The text of ``a``'s content spans, joined."""
    return " ".join(text[s:e] for s, e in a.content)


@lru_cache(maxsize=None)
def _gap(preps: str, flags: int) -> re.Pattern[str]:
    return re.compile(rf"\W*(?:\w+\W+)?(?:{preps})\W*", flags)


def preposition_gap(a: Attribution, text: str, preps: str, flags: int = 0) -> bool:
    """Between the cue and the content after it stand at most one word and then one of ``preps`` (a
    regex alternation, "of|about"): "is keenly aware of the risks", "apologized to his supporters",
    "less enthusiastic about the taco"."""
    c0 = a.content[0][0] if a.content else -1
    return c0 > a.cue.end and bool(_gap(preps, flags).fullmatch(text, a.cue.end, c0))


def _open_question(a: Attribution, text: str, lem: str) -> bool:
    """"wondered whether …", "is not sure what …": a wh-complement of wondering or of a negated
    certainty is a question, no belief."""
    if not a.content or a.direct:
        return False
    c0 = a.content[0][0]
    wh = bool(_WH_START.match(text, c0)) or c0 > a.cue.end and bool(_WH_END.search(text[a.cue.end:c0]))
    if not wh:
        return False
    if lem == "wonder":
        return True
    return a.how == "adj" and bool(_NEG.search(text, max(0, a.cue.start - 12), a.cue.end))


def _no_source(a: Attribution, text: str) -> bool:
    s0, s1 = a.speaker
    spk = re.sub(r"\s+", " ", text[s0:s1].strip().lower())
    if spk in _UNIVERSAL:
        return True   # "Everyone knows …", "Whoever said …": nobody in particular
    if spk in ("you", "your") and a.how == "perspective":
        return True   # "You might guess that from your own experience: …": the reader, no source
    if spk == "it" and _EXPLETIVE_ADJ.search(text, max(0, a.cue.start - 40), a.cue.start):
        return True   # "it is hard to say …": the writer's hedge
    return False


def _site_words(url: str | None) -> set[str]:
    """The names a page's domain gives its publication: "www.laweekly.com" → {"laweekly"}."""
    host = re.sub(r"^[a-z]+://", "", (url or "").lower()).split("/", 1)[0].split(":", 1)[0]
    parts = [p for p in host.split(".") if p not in ("www", "m", "amp", "edition", "news")]
    return {parts[-2]} if len(parts) >= 2 else set()


def publication_turn(a: Attribution, text: str, url: str | None) -> bool:
    """A "<Label>: <turn>" line whose label is the publication of the page ("The Economist:" on
    economist.com, "L.A. WEEKLY:" on laweekly.com): the interviewer's turn, the article's own voice."""
    if a.how != "colon" or a.speaker is None:
        return False
    label = re.sub(r"[^a-z0-9]", "", re.sub(r"^\W*the\s+", "", text[a.speaker[0]:a.speaker[1]].lower()))
    return bool(label) and label in _site_words(url)


def without_publication_turns(atts: list[Attribution], text: str, url: str | None) -> list[Attribution]:
    """``atts`` less the publication's own turns and what is cued inside them ("L.A. WEEKLY: What
    do you say to people who ask …?")."""
    turns = [(a.content[0][0], a.content[-1][1]) for a in atts if a.content and publication_turn(a, text, url)]
    if not turns:
        return atts
    return [a for a in atts if not any(s <= a.cue.start < e or a.cue.end <= s and a.content and a.content[0][0] == s
                                       for s, e in turns)]


__all__ = ["publication_turn", "refused", "without_publication_turns"]
