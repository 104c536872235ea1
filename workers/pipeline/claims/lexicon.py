"""Attribution cue lexicon: which words introduce a reported statement, and with what stance.

Stances (issue 5): assert | belief | report | deny | accuse | predict | other.
Verb cues are matched on spaCy lemmas; adjective cues ("is optimistic that") on the adjective's
lemma; prepositional cues ("according to", "from his experience") are handled in ``extract``.
"""

from __future__ import annotations

_STANCE_VERBS: dict[str, str] = {}


def _add(stance: str, words: str) -> None:
    for w in words.split():
        _STANCE_VERBS[w.replace("_", " ")] = stance


_add("assert", """say tell add explain note state claim argue insist write declare announce confirm
    stress emphasize emphasise maintain assert contend testify acknowledge admit concede reply respond answer
    tweet post remark comment observe point mention recall recount describe repeat reiterate
    conclude agree disagree boast complain lament joke quip answer counter retort suggest propose
    concur specify clarify elaborate argue assure promise pledge vow swear guarantee signal indicate
    reaffirm recommend advise caution underscore highlight proclaim tout brag insinuate imply hint
    characterize characterise dub label call term brand concede grant stipulate affirm aver allege""")
_add("belief", """believe think feel consider suspect hope doubt worry assume reckon figure guess imagine
    suppose understand know realize realise fear wish want prefer trust presume sense view regard
    conclude find decide determine judge deem""")
_add("report", """report learn reveal disclose show find document record cite quote inform brief detail
    publish leak uncover discover establish demonstrate prove suggest""")
_add("deny", """deny dismiss reject refute dispute rebut contradict disavow repudiate rule_out deride
    scoff challenge question""")
_add("accuse", """accuse blame charge criticize criticise condemn denounce attack slam fault blast
    castigate chastise rebuke decry accuse assail lambaste lambast berate mock ridicule""")
_add("predict", """predict expect forecast warn estimate project anticipate foresee calculate
    caution threaten vow""")
_add("other", """ask urge demand call appeal request plead order instruct encourage implore beg
    praise defend support endorse back oppose applaud welcome thank congratulate credit
    announce plan intend seek refuse decline offer agree promise pledge discuss debate
    acknowledge recognize recognise question wonder speculate insist""")

# Measured on PolNeAR train: these fire far more often than annotators mark them (precision < 0.3).
for _w in "want know understand offer prefer view intend back congratulate mention think oppose wish".split():
    _STANCE_VERBS.pop(_w, None)

# The first assignment above wins where a word is listed twice, except these explicit fixes.
_STANCE_VERBS.update({
    "say": "assert", "tell": "assert", "add": "assert", "claim": "assert", "find": "report",
    "suggest": "assert", "conclude": "belief", "warn": "predict", "caution": "predict",
    "announce": "assert", "promise": "predict", "vow": "predict", "pledge": "predict",
    "agree": "assert", "acknowledge": "assert", "insist": "assert", "question": "deny",
    "expect": "predict", "estimate": "predict", "call": "other",
})

# Verbs that take a person as direct object: their dobj is the addressee, not the content.
# Cues that only introduce quoted speech ("Caddell continued: “…”"), never reported speech.
QUOTE_ONLY_VERBS = frozenset("continue go begin start".split())
for _w in QUOTE_ONLY_VERBS:
    _STANCE_VERBS.setdefault(_w, "assert")

ADDRESSEE_VERBS = frozenset("""tell ask urge inform assure brief warn remind advise encourage order
    instruct implore beg call thank congratulate caution persuade convince push press""".split())

# Verbs whose object and its predicate are the content: "called X “unhinged”", "described X as Y".
OPRD_VERBS = frozenset("call label dub term brand describe characterize characterise name deem consider portray".split())
# verbs that give someone or something a name or label: "called the senator “the next George
# Washington”" (contents: the quoted name given), "X, dubbed Y" (verb_cues: a participle naming X)
NAMING_VERBS = frozenset("dub nickname label term brand call name christen".split())

# Verbs whose xcomp ("vowed to …", "urged X to …") is the content.
XCOMP_VERBS = frozenset("""tell warn remind advise encourage promise pledge vow swear threaten plan intend seek refuse decline offer agree
    urge ask call encourage want wish hope expect demand order instruct appeal plead beg
    claim vow decide announce propose push press""".split())
# Verbs whose gerund complement is the content: "admitted making remarks", "denied taking bribes".
GERUND_VERBS = frozenset("admit deny confess acknowledge concede recall".split())

# Verbs whose bare direct object may be the content ("denied the allegations", "praised the deal").
DOBJ_CONTENT_VERBS = frozenset("""deny dismiss reject refute dispute rebut contradict disavow repudiate
    confirm announce acknowledge admit predict propose recommend praise defend support endorse oppose
    criticize criticise condemn denounce applaud welcome discuss question reveal disclose report
    demand request cite describe suggest estimate forecast project blame dispute
    promise pledge vow publish mock ridicule tout highlight unveil offer""".split())

# Prepositions that carry the content for a verb: "called for X", "warned of X", "accused Y of X".
PREP_CONTENT = {
    "call": {"for"}, "warn": {"of", "about", "against"}, "accuse": {"of"}, "charge": {"with"},
    "blame": {"for"}, "criticize": {"for"}, "criticise": {"for"}, "praise": {"for"}, "talk": {"about"},
    "speak": {"about", "of"}, "complain": {"about", "of"}, "point": {"to", "out"}, "refer": {"to"},
    "argue": {"for", "against"}, "appeal": {"for"}, "plead": {"for"}, "push": {"for"}, "press": {"for"},
    "boast": {"of", "about"}, "worry": {"about"}, "joke": {"about"}, "testify": {"about"},
    "comment": {"on"}, "insist": {"on"}, "attack": {"for"}, "slam": {"for"}, "fault": {"for"},
    "condemn": {"for"}, "thank": {"for"}, "credit": {"for", "with"}, "hint": {"at"}, "respond": {"to", "by", "with"},
    "vote": {"for", "against"}, "speculate": {"about", "on"}, "weigh": {"in"}, "attribute": {"to"},
}

# Adjectives that introduce a stance clause: "is optimistic that …".
ADJ_CUES: dict[str, str] = {
    "optimistic": "belief", "pessimistic": "belief", "confident": "belief", "convinced": "belief",
    "sure": "belief", "certain": "belief", "hopeful": "belief", "doubtful": "belief", "skeptical": "belief",
    "sceptical": "belief", "concerned": "belief", "worried": "belief", "afraid": "belief",
    "adamant": "assert", "clear": "assert", "aware": "belief", "unaware": "belief", "fearful": "belief",
    "positive": "belief", "insistent": "assert", "critical": "accuse", "dismissive": "deny",
}

# Adjectives whose preposition carries an attitude's target: "critical of X", "upbeat about X".
ADJ_PREP_CUES: dict[str, tuple[str, set[str]]] = {
    "critical": ("accuse", {"of"}), "supportive": ("other", {"of"}), "skeptical": ("belief", {"of", "about"}),
    "sceptical": ("belief", {"of", "about"}), "wary": ("belief", {"of"}), "tired": ("other", {"of"}),
    "appreciative": ("other", {"of"}), "proud": ("other", {"of"}), "upbeat": ("belief", {"about"}),
    "optimistic": ("belief", {"about"}), "pessimistic": ("belief", {"about"}), "confident": ("belief", {"in", "of", "about"}),
    "concerned": ("belief", {"about", "by", "over"}), "worried": ("belief", {"about", "by", "over"}),
    "opposed": ("other", {"to"}), "committed": ("other", {"to"}), "dedicated": ("other", {"to"}),
    "focused": ("other", {"on"}), "adamant": ("assert", {"about", "on"}), "vocal": ("assert", {"about", "on"}),
    "angry": ("other", {"about", "at", "over", "with"}), "furious": ("other", {"about", "at", "over", "with"}),
    "frustrated": ("other", {"with", "by", "about"}), "unhappy": ("other", {"with", "about"}),
    "happy": ("other", {"with", "about"}), "pleased": ("other", {"with", "by"}), "disappointed": ("other", {"with", "by", "in"}),
    "enthusiastic": ("other", {"about"}), "excited": ("other", {"about"}), "sure": ("belief", {"of", "about"}),
    "certain": ("belief", {"of", "about"}), "aware": ("belief", {"of"}), "fearful": ("belief", {"of"}),
    "afraid": ("belief", {"of"}), "dismissive": ("deny", {"of"}), "suspicious": ("belief", {"of"}),
    "hopeful": ("belief", {"about", "of"}), "assured": ("belief", {"of"}), "convinced": ("belief", {"of"}),
}

# Nouns that are themselves cues when owned by a speaker: "Trump's claim that X", "her call for X".
NOUN_CUES: dict[str, tuple[str, set[str]]] = {
    "claim": ("assert", {"that", "of"}), "statement": ("assert", {"that"}), "assertion": ("assert", {"that"}),
    "allegation": ("accuse", {"that", "of"}), "evidence": ("report", {"that", "of"}), "accusation": ("accuse", {"that", "of"}),
    "announcement": ("assert", {"that", "of"}), "call": ("other", {"for", "to"}),
    "question": ("belief", {"about", "over"}), "criticism": ("accuse", {"of", "for"}),
    "critique": ("accuse", {"of"}), "support": ("other", {"for", "of"}), "warning": ("predict", {"that", "of", "about"}),
    "promise": ("predict", {"that", "to", "of"}), "pledge": ("predict", {"that", "to"}), "suggestion": ("assert", {"that"}),
    "argument": ("assert", {"that", "for", "against"}), "belief": ("belief", {"that", "in"}),
    "view": ("belief", {"that", "on", "of"}), "opinion": ("belief", {"that", "on", "of"}),
    "insistence": ("assert", {"that", "on"}), "denial": ("deny", {"that", "of"}), "admission": ("assert", {"that"}),
    "prediction": ("predict", {"that", "of"}), "assessment": ("belief", {"that", "of"}),
    "conclusion": ("belief", {"that"}), "finding": ("report", {"that"}), "contention": ("assert", {"that"}),
    "opposition": ("other", {"to"}), "endorsement": ("other", {"of"}), "praise": ("other", {"for", "of"}),
    "demand": ("other", {"for", "that"}), "request": ("other", {"for", "that"}), "plea": ("other", {"for"}),
    "proposal": ("other", {"to", "for", "that"}), "plan": ("other", {"to", "for"}), "comments": ("assert", {"on", "about"}),
    "remarks": ("assert", {"on", "about"}), "concern": ("belief", {"that", "about", "over"}),
    "fear": ("belief", {"that", "of"}), "hope": ("belief", {"that", "of"}), "threat": ("predict", {"to"}),
    "vow": ("predict", {"to"}), "refusal": ("other", {"to"}), "decision": ("other", {"to"}),
}

# Line-initial labels that are not speakers in "<label>: <text>".
COLON_NON_SPEAKERS = frozenset("""update updated note related watch read editor editors video photo photos latest
    breaking exclusive correction source sources disclosure listen see also more advertisement warning
    q a question answer caption credit image images follow subscribe share published posted modified
    edit report""".split())

# What a request asks for when it is one abstract noun: "called for calm", "urged restraint".
REQUEST_NOUNS = frozenset("""calm patience restraint caution unity dialogue vigilance compliance moderation
    tolerance cooperation peace de-escalation deescalation transparency accountability ceasefire
    reform reforms action justice""".split())
REQUEST_VERBS = frozenset("call urge appeal plead demand press push".split())

# Nouns that, as "the <noun> that X" objects of a deny/dispute verb, carry the content clause.
CLAIM_NOUNS = frozenset("""claim claims allegation allegations report reports accusation accusations
    suggestion suggestions assertion assertions charge charges rumor rumors rumour rumours idea notion
    assessment view belief statement statements speculation""".split())

# "From his experience, …", "In her view, …": preposition + noun with a possessive owner.
PERSPECTIVE_NOUNS = frozenset("""experience view opinion estimate estimation assessment analysis
    judgment judgement words telling account reckoning calculation mind eyes understanding""".split())

# lower-case words a name may hold between its capitalised ones ("Gazzetta dello Sport", "Aravinda de Silva",
# "Bank of England", "Osama bin Laden"): speaker labels (structure.py) and cut speaker spans (speakers.py)
NAME_PARTICLES = frozenset("""of the and for & de di da del della dello dei degli des du dos das la le van von der den
    ter y e al bin ibn""".split())

PERSON_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f",
                   "i": "1", "me": "1", "we": "p", "they": "p", "them": "p", "their": "p",
                   "it": "n", "its": "n", "you": "2"}


for _w in PREP_CONTENT:  # "voted for X", "talked about X", "reflected on X"
    _STANCE_VERBS.setdefault(_w, "other")
_STANCE_VERBS.setdefault("reflect", "belief")
_STANCE_VERBS.setdefault("attribute", "belief")   # "attribute the rise to X"
PREP_CONTENT.setdefault("reflect", {"on"})
# Measured on PolNeAR train (precision < 0.35 as cues): attitudes more than statements.
for _w in "vote speak talk support expect".split():
    _STANCE_VERBS.pop(_w, None)


def verb_stance(lemma: str) -> str | None:
    return _STANCE_VERBS.get(lemma.lower())


def adj_stance(lemma: str) -> str | None:
    return ADJ_CUES.get(lemma.lower())
