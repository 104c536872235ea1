"""What counts as an attribution (issue 17): the cue classes, and the candidates that are refused.

An attribution is a source's speech, writing or publication, or its belief, estimate or finding;
also its requests and demands, its evaluative speech acts, its denials and admissions. Each
candidate the rules found gets one **cue class** (``Cue.cls``, ``cue.class`` in the JSON):

- ``speech``: said, told, wrote, tweeted, announced, warned; "according to", report(s) that;
  "<Speaker>: <statement>" lines, signed and block quotations;
- ``belief``: believes, thinks, estimates, expects, predicted, the study found; "in her view";
  "is optimistic that";
- ``request``: called for, asked X to, demanded, urged;
- ``evaluative``: condemned, criticised, welcomed, praised, accused X of;
- ``denial`` / ``admission``: denied, rejected, disputed / admitted, conceded, acknowledged;
- ``stance``: backed, supported, opposed, endorsed; "is unhappy with", "supportive of" — a
  position taken, not a statement. PolNeAR annotates these as attributions; here they are kept
  with ``cue.class = "stance"`` (``cue.stance`` says which: support / oppose / other) and are
  not speech: the evaluation does not score them as attributions.

Refused (:func:`classify` returns None, the candidate is dropped): actions (seeking, offering,
naming someone to a post, planning, voting, deflecting), wishes ("would like to see", "wants"),
perception ("see his friend's face", "heard"), "declined to comment" and "did not say whether",
topic-only mentions
("discussed the deal", "spoke about the war"), and passives with no source ("is believed",
"This deal, thought to be worth …"). Also refused: a disclosure withheld ("could not confirm the
meeting", "would not comment on …": verbs of disclosure only, not "could not stress enough that …");
a role played ("portrays Henry Baxter in the film": portray/depict with no "as" that goes with the
verb and its object, "portrays him as weak" characterises); a thing that judges, admits or takes a
side ("the algorithms compare my face to …": a thing as the subject of an evaluative, admission or
stance cue, as of a belief, denial or request; a document, a publication or a film is no such thing;
an evaluative, admission or stance cue is judged so through a relative pronoun, by its antecedent: "a
solution that acknowledges the realities", and through a passive's agent: "is backed by cheap cardboard");
and a comparison made ("Drug A compared with placebo": a participle with "with"/"to"). A verb outside these lists that introduces a direct
quotation ("“We lost,” he sighed") is speech; anywhere else it is refused.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .records import Attribution
from .refusals import content_text, preposition_gap, refused
from .sources import MINDED_CLASSES, document_source, implausible_source, statement_object, subject_of_cue, thing_relative, \
    thing_speaker

CLASSES = ("speech", "belief", "request", "evaluative", "denial", "admission", "stance", "other")
SPEECH_LIKE = frozenset(CLASSES) - {"stance", "other"}

_VERBS: dict[str, str] = {}


def _add(cls: str, words: str) -> None:
    for w in words.split():
        _VERBS.setdefault(w.replace("_", " "), cls)


_add("denial", """deny dismiss reject refute dispute rebut contradict disavow repudiate deride scoff
    challenge question disagree""")
_add("admission", "admit concede acknowledge confess grant recognize recognise")
_add("request", """ask urge demand call appeal request plead order instruct encourage implore beg press
    push""")
_add("evaluative", """condemn criticize criticise welcome praise accuse blame charge denounce attack slam
    fault blast castigate chastise rebuke decry assail lambaste berate mock ridicule applaud hail thank
    congratulate credit defend laud commend lament complain""")
_add("stance", "support back oppose endorse favor favour approve")
_add("belief", """believe think feel consider suspect hope doubt worry assume reckon figure guess imagine
    suppose understand know realize realise fear trust presume sense regard conclude find determine
    judge deem expect estimate predict forecast project anticipate foresee calculate show learn discover
    establish demonstrate prove uncover document speculate wonder agree attribute""")
_add("speech", """say tell add explain note state claim argue insist write declare announce confirm stress
    emphasize emphasise maintain assert contend testify reply respond answer tweet post remark comment
    observe point mention recall recount describe repeat reiterate boast joke quip counter retort
    suggest propose concur specify clarify elaborate assure promise pledge vow swear guarantee signal
    indicate reaffirm recommend advise caution underscore highlight proclaim tout brag insinuate imply
    hint characterize characterise dub label term brand stipulate affirm aver allege report reveal
    disclose inform brief detail publish leak cite quote continue go begin start warn threaten
    weigh predict express echo remind""")
_VERBS["hop"] = "belief"   # spaCy's lemma of "hoping"
# outside the cue lexicon, taken when the learned cue detector picks them (PolNeAR train review):
# voiced speech, a speech act's evaluation or comparison, an apology, advocacy
_add("speech", "shout yell chant articulate profess preach trumpet email lie refer reference invoke")
_add("evaluative", "bemoan rail liken compare insult lambast downplay swipe vouch portray")
_add("admission", "apologize apologise")
_add("request", "advocate")

# lemmas that are never cues whatever the rules or the learned detector say: actions, wishes,
# perception, topic-only verbs
REFUSED = frozenset("""seek offer name appoint nominate send buy sell give plan intend decide refuse decline
    vote want wish like love prefer see hear watch notice look view deflect pursue try attempt aim
    discuss debate talk speak address raise reflect meet visit sign pass file""".split())

# verbs whose bare-object or prepositional content is a topic, not a statement: "discussed the
# deal", "commented on the plan", "mentioned the meeting", "testified about the call"
_TOPIC_VERBS = frozenset("comment mention describe testify recall recount detail brief respond reply answer "
                         "highlight underscore stress note quote publish point weigh echo learn "
                         "post blog refer reference invoke".split())
_TOPIC_HOWS = frozenset({"dobj", "obj", "obj1", "objprep", "prep"})
# an xcomp ("agreed to pay", "hoped to win") is an intention or a wish, not a belief
_NO_XCOMP = frozenset("agree hope hop feel know find learn wonder understand realize realise figure".split())
_SOURCELESS = frozenset({"passive0", "reduced"})
# "found a tool", "discovered the body": a finding of an object is no proposition, unless an
# inquiry found it ("the investigation discovered a route …") or the object is evidence-like
# ("found a link between …", "uncovered evidence of …")
_FIND_VERBS = frozenset("find discover uncover detect".split())
_OBJ_HOWS = frozenset({"dobj", "obj", "obj1"})
_INQUIRY = re.compile(r"\b(?:stud(?:y|ies)|research|report|investigations?|inquir(?:y|ies)|enquir(?:y|ies)|review|"
                      r"analys[ie]s|surveys?|probe|audit|tests?|data|polls?|experiments?|paper|trials?|autops(?:y|ies)|"
                      r"examinations?|post[- ]mortem)\W*$", re.I)
_EVIDENCE = re.compile(r"\W*(?:\w+\W+){0,3}?(?:evidence|links?|associations?|correlations?|connections?|"
                       r"relationships?|increases?|decreases?|rises?|declines?|drops?|differences?|effects?|"
                       r"signs?|traces?|patterns?|trends?|risks?)\b", re.I)
_PICTURE = re.compile(r"\b(?:video|videos|footage|photo|photos|photograph|photographs|image|images|picture|"
                      r"pictures|clip|clips|camera|cameras|recording|recordings|livestream)\W*$", re.I)
# "determine whether …", "assess how …": a wh-complement of these is an open question, no belief
# ("know what …", "consider what …" stay: PolNeAR annotates them; a rule refusing "consider how/whether/what
# …" after the verb took the PolNeAR dev gold item "might stop to consider what it could look like")
_WH_OPEN = frozenset("determine establish decide assess investigate examine".split())
_QUOTE_HOWS = frozenset({"quote", "colon", "dash", "dash_line", "block", "continued"})
# "declined to disclose", "refused to comment", "would not confirm": a refusal, no statement
_REFUSING = re.compile(r"\b(?:declin\w*|refus\w*|fail\w*|unwilling|reluctant|unable|(?:not|n['’]t)\s+(?:want\w*|willing))"
                       r"\s+to\s+$", re.I)
# "could not confirm the call", "would not comment on …": a disclosure withheld (not "can't say I'm …",
# nor "couldn't stress enough that …": only verbs of disclosure are withheld)
_WITHHELD = re.compile(r"\b(?:could|would|will)(?:\s+not|n['’]t|not)\s+(?:\w+ly\s+)?$|\bwon['’]t\s+(?:\w+ly\s+)?$", re.I)
_WITHHELD_VERBS = frozenset("""confirm comment say disclose discuss specify elaborate reveal identify detail name
    explain""".split())
# "asked not to be named", "requested anonymity": a condition of the interview, no statement
_ANONYMITY = re.compile(r"\W*(?:not\s+to\s+be\s+(?:named|identified|quoted)|anonymity)\b", re.I)
# speech verbs whose bare noun-phrase object is as often an act or a thing shown as a statement:
# "revealed an algorithm", "touting the energy efficiency", "declared a state of emergency",
# "claimed victory", "the hospital reported the incident" (kept when the object is a statement
# noun, a clause or a figure, or a document speaks: "figures revealed a surge of cases",
# "reported 25 new cases")
_OBJ_ACTS = frozenset("reveal unveil tout declare claim report email".split())   # "emailed supporters": an addressee

# verbs of depicting: with a bare object and no "as …" a role played or a picture made, no statement
_PORTRAY = frozenset("portray depict".split())
# "portrayed protestors as …": an "as" before the sentence ends that belongs to the verb and its object,
# not a conjunction ("portrays Lincoln in the film, just as he did on stage", "…, as they did")
_AS_AFTER = re.compile(r"[^.;!?\n]*?(?<!\bjust )(?<!\beven )\bas\b(?!\s+(?:I|you|he|she|it|we|they|did|does|do|has|had|"
                       r"was|were|is|are|if|though|well|long|soon|ever|usual|always|before|expected|such)\b)", re.I)

NOUN_CLASSES: dict[str, str] = {}
for _cls, _words in (
        ("speech", """claim statement assertion announcement comments remarks suggestion argument contention
            insistence warning promise pledge vow threat word message advice"""),
        ("belief", "belief view opinion assessment conclusion finding concern fear hope prediction evidence question verdict"),
        ("request", "call demand request plea"),
        ("evaluative", "allegation accusation criticism critique praise"),
        ("denial", "denial"), ("admission", "admission"),
        ("stance", "support endorsement opposition position")):
    for _w in _words.split():
        NOUN_CLASSES[_w] = _cls

ADJ_CLASSES: dict[str, str] = {}
for _cls, _words in (
        ("belief", """optimistic pessimistic confident convinced sure certain hopeful doubtful skeptical
            sceptical concerned worried afraid aware unaware fearful positive wary upbeat suspicious assured"""),
        ("speech", "adamant clear insistent vocal"),
        ("evaluative", "critical"), ("denial", "dismissive"),
        ("stance", """supportive opposed appreciative proud angry furious frustrated unhappy happy pleased
            disappointed enthusiastic excited tired""")):
    for _w in _words.split():
        ADJ_CLASSES[_w] = _cls

_SUPPORT = frozenset("support back endorse favor favour approve supportive endorsement".split())
_OPPOSE = frozenset("oppose opposed opposition".split())


def verb_class(lemma: str) -> str | None:
    """The class of a verb cue lemma; None when it is no cue under the definition."""
    lemma = lemma.lower()
    return None if lemma in REFUSED else _VERBS.get(lemma)


_NEGATED = re.compile(r"(?:\bnot|n['’]t|\bnever)\s+(?:\w+\s+)?$", re.I)
_WH = re.compile(r"\W*(?:how|whether|if|what|when|where|why|who|which)\b", re.I)
_WH_GAP = re.compile(r"\b(?:how|whether|if|what|when|where|why|who|which)\W*$", re.I)


def _unsaid(a: Attribution, text: str) -> bool:
    """"did not say how many …", "would not say whether …": no statement was made."""
    if not a.content or a.direct:
        return False
    c0 = a.content[0][0]
    wh = bool(_WH.match(text, c0)) or c0 > a.cue.end and bool(_WH_GAP.search(text[a.cue.end:c0]))
    return wh and bool(_NEGATED.search(text, max(0, a.cue.start - 24), a.cue.start))


def classify(a: Attribution, text: str | None = None) -> str | None:
    """The cue class of candidate ``a``, or None when the definition refuses it (``text``, when
    given, lets it see a negated cue: "did not say whether …")."""
    how, lem = a.how, a.cue.lemma.lower()
    if text is not None and _unsaid(a, text):
        return None
    if how in _SOURCELESS:
        return None
    if text is not None and refused(a, text):
        return None   # questions, no one in particular, topics, acts, names (refusals.py)
    if how in ("colon", "dash", "dash_line", "citation", "pointback", "answer") or how == "according":
        return "speech"
    if how == "perspective":
        return "belief"
    if how in ("noun", "nounlight", "viewof"):
        return NOUN_CLASSES.get(lem)
    if how == "adj":
        if lem in ("aware", "unaware") and text is not None and preposition_gap(a, text, "of"):
            return None   # "is keenly aware of the risks": a topic, no proposition
        return ADJ_CLASSES.get(lem)
    if lem == "make" and how == "ccomp":   # "made clear that …"
        return "speech"
    if lem in REFUSED:
        return None
    cls = _VERBS.get(lem)
    if cls is None:
        # a verb outside the lists (the learned cue detector's pick) only as a quotation's cue
        return "speech" if a.direct and how in _QUOTE_HOWS else None
    if text is not None and not a.direct and cls != "stance" and _refusal(a, text):
        return None   # "declined to disclose the amount", "asked not to be named"
    if not a.direct and how not in _QUOTE_HOWS and implausible_source(a, text):
        return None   # "smoke threatens …", "the regrowth demonstrates …": a thing is no source
    if lem in _OBJ_ACTS and how in _OBJ_HOWS and not a.direct and text is not None and not document_source(a) \
            and not statement_object(content_text(a, text)):
        return None   # "revealed an algorithm", "declared a state of emergency": an act or a topic
    if lem in _PORTRAY and how in _OBJ_HOWS and not a.direct and text is not None \
            and not _AS_AFTER.match(text, a.cue.end):
        return None   # "Quinn portrays Harry Boland": a role played ("portrays the mayor as weak" characterises)
    if lem in ("apologize", "apologise") and text is not None and preposition_gap(a, text, "to"):
        return None   # "apologized to his supporters": to whom, not for what
    if lem == "tweet" and how in ("prep", "objprep") and not a.direct and not (text is not None and _quotes_words(a, text)):
        return None   # "who tweeted about the deal": a topic ("tweeted a photo" publishes it)
    if how in _TOPIC_HOWS and lem in _TOPIC_VERBS and not a.direct and not (text is not None and _quotes_words(a, text)):
        return None   # "highlighted the report" is a topic; "highlighting the “alarming rise of …”" quotes
    if text is not None and lem in _FIND_VERBS and how in _OBJ_HOWS and not _inquiry_finding(a, text):
        return None
    if text is not None and lem in _WH_OPEN and _wh_content(a, text):
        return None
    if text is not None and lem in ("show", "capture") and a.speaker and a.content and not a.direct \
            and _PICTURE.search(text, a.speaker[0], a.speaker[1]) \
            and not re.search(r"\bthat\W*$", text[a.cue.end:a.content[0][0]]):
        return None   # "Video shows the man entering the shop": a recording depicts ("shows that …" states)
    if how == "xcomp" and lem in _NO_XCOMP or how == "prep" and lem in ("hope", "hop"):
        return None   # "agreed to pay", "hoped to win", "hoping for better": intentions and wishes
    if lem == "call" and how == "oprd":   # "called the plan “a disaster”"
        return "speech"
    if lem == "call" and how in ("dobj", "obj", "obj1", "objprep"):   # "called the sheriff's office": a phone call
        # … unless the object is named in quotation: "called his executive actions “a crucial step”"
        return "speech" if how in _OBJ_HOWS and text is not None and _quotes_words(a, text) else None
    if cls in _THING_REFUSED and not a.direct and how not in _QUOTE_HOWS and text is not None and thing_speaker(a, text) \
            and subject_of_cue(a, text):
        return None   # "neoliberalism rejects …", "the drip … urges me on": a thing holds, rejects or asks nothing;
        # "algorithms compare my face to …": it judges, admits or takes a side on nothing either
    if cls in _JUDGING and not a.direct and how not in _QUOTE_HOWS and text is not None and thing_relative(a, text):
        return None   # "a solution that acknowledges the realities": judged by the relative pronoun's antecedent
    if cls in _JUDGING and how == "passive" and not a.direct and text is not None and thing_speaker(a, text):
        return None   # "the map is backed by cheap cardboard": a thing as the agent takes no side
    if lem == "compare" and a.cue.tag == "VBN" and how == "prep" and not a.direct and text is not None \
            and _COMPARED.match(text, a.cue.end):
        return None   # "Febuxostat compared with allopurinol": a comparison made, no one's evaluation
    return cls


# cue classes a thing as the subject cannot hold (``sources.MINDED_CLASSES`` and the judging ones)
_THING_REFUSED = MINDED_CLASSES | {"evaluative", "admission", "stance"}
# … and those a thing cannot hold through a relative pronoun either ("a solution that acknowledges …"; PolNeAR
# annotates a thing's belief or request so: "a picture that showed …", "a race that would call for …")
_JUDGING = frozenset({"evaluative", "admission", "stance"})
_COMPARED = re.compile(r"\s+(?:with|to)\b", re.I)
_QUOTED = re.compile(r"[“\"][^”\"]*\w+\W+\w+[^”\"]*[”\"]")


def _refusal(a: Attribution, text: str) -> bool:
    """A refused speech act ("declined to comment on …") or an interview's condition ("asked not to
    be named")."""
    if _REFUSING.search(text, max(0, a.cue.start - 40), a.cue.start):
        return True
    if a.cue.lemma.lower() in _WITHHELD_VERBS and _WITHHELD.search(text, max(0, a.cue.start - 24), a.cue.start):
        return True
    return a.cue.lemma.lower() in ("ask", "request") and bool(a.content) \
        and bool(_ANONYMITY.match(text, a.content[0][0], a.content[0][1]))


def _quotes_words(a: Attribution, text: str) -> bool:
    """The content quotes the source's own words (two or more)."""
    return any(_QUOTED.search(text, c0, c1) for c0, c1 in a.content)


def _wh_content(a: Attribution, text: str) -> bool:
    """The content is a wh-clause: "whether …", "how …" (the wh-word inside it or just before it)."""
    if not a.content or a.direct:
        return False
    c0 = a.content[0][0]
    return bool(_WH.match(text, c0)) or c0 > a.cue.end and bool(_WH_GAP.search(text[a.cue.end:c0]))


def _inquiry_finding(a: Attribution, text: str) -> bool:
    spk = text[a.speaker[0]:a.speaker[1]] if a.speaker else ""
    return bool(_INQUIRY.search(spk)) or bool(a.content and _EVIDENCE.match(text, a.content[0][0], a.content[0][1]))


def stance_of(a: Attribution, cls: str) -> str:
    """``cue.stance`` for a stance-class cue: support / oppose / other."""
    lem = a.cue.lemma.lower()
    return "support" if lem in _SUPPORT else "oppose" if lem in _OPPOSE else "other"


def _reporter_only(a: Attribution) -> Attribution:
    """The attribution of ``a``'s first reporter: its cue and speaker, the whole of ``a`` (speaker,
    cue and content) as its content."""
    sp, cue = a.reported_by[0]
    starts = [a.cue.start, a.content[0][0]] + ([a.speaker[0]] if a.speaker else [])
    return replace(a, cue=replace(cue), speaker=sp, content=[(min(starts), a.content[-1][1])], direct=False,
                   reported_by=a.reported_by[1:], speaker_ref=None, how="according", spk_kind="other")


def _reporter_class(lemma: str) -> str:
    """The class of a reporting source's cue ("according to", a colon, a dash, or a verb): speech
    unless the verb has a class of its own."""
    return "speech" if lemma in ("according to", ":", "dash", "citation") else verb_class(lemma) or "speech"


def apply(atts: list[Attribution], text: str | None = None, refuse: bool = True) -> list[Attribution]:
    """The candidates the definition accepts, each with its cue class set (stance-class cues also
    get their ``cue.stance``). ``refuse=False`` (``NEWSFLOW_CLAIM_DEFINITION=polnear``) keeps the
    candidates the definition refuses, with class ``other``: PolNeAR's broader scheme."""
    out = []
    for a in atts:
        cls = classify(a, text)
        if cls is None and not refuse:
            cls = "other"
        if cls is None and a.reported_by and a.content:
            # "A plans to X, according to B": A's act is no statement, B's report of it is one
            a = _reporter_only(a)
            cls = _reporter_class(a.cue.lemma)
        if cls is None:
            continue
        a.cue.cls = cls
        if cls == "stance":
            a.cue.stance = stance_of(a, cls)
        for _, rc in a.reported_by:
            if rc is not None and not rc.cls:
                rc.cls = _reporter_class(rc.lemma)
        out.append(a)
    return out


__all__ = ["ADJ_CLASSES", "CLASSES", "NOUN_CLASSES", "REFUSED", "SPEECH_LIKE", "apply", "classify", "verb_class"]
