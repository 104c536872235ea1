"""Noun cues owned by a speaker: "Trump's claim that X", "her call for X"; a possessed noun
outside the lexicon the learned cue detector picks ("Trump's disdain for X"); a lexicon noun that
is the object of a light verb, voiced by the verb's subject ("Biden joined growing calls for X",
"has turned up evidence of X") or coming "from" its source ("faced criticism from its employees
for X"): ``how = "nounlight"``; "That is the view of X" after a sentence: that sentence is X's
(``view_of_rule``, a document rule)."""

from __future__ import annotations

from typing import Any

from ..context import ChunkContext, DocContext
from ..definition import NOUN_CLASSES, SPEECH_LIKE
from ..lexicon import NOUN_CUES
from ..records import Attribution, Cue
from ..spans import runs, word_count
from ..contents import _agentive, relative_that
from ..subjects import _bad_speaker, _subject

_LEARNED_PREPS = {"that", "of", "for", "on", "about", "to", "against"}


# verbs whose subject voices the cue noun they take as object: "joined calls for X", "voiced
# concern that X", "has turned up evidence of X"
LIGHT_VERBS = frozenset("""join echo renew repeat reiterate issue make voice express lead raise share
    add amplify find turn uncover provide present produce gather""".split())
# verbs whose cue noun comes "from" its source: "faced criticism from X for Y"
_FROM_VERBS = frozenset("face draw attract receive meet".split())


def light_verb_speaker(t: Any) -> tuple[Any | None, Any | None]:
    """(speaker token, verb) of a cue noun that is the object of a light verb: the verb's subject
    ("Biden joined growing calls for X"), or the object of "from" ("faced criticism from its
    employees"); (None, None)."""
    v = t.head
    if t.dep_ != "dobj" or v.pos_ != "VERB":
        return None, None
    lem = v.lemma_.lower()
    if lem in _FROM_VERBS:
        for p in list(t.children) + list(v.children):
            if p.dep_ == "prep" and p.lower_ == "from" and p.i > t.i:
                obj = next((g for g in p.children if g.dep_ == "pobj"), None)
                if obj is not None:
                    return obj, v
        return None, None
    if lem not in LIGHT_VERBS:
        return None, None
    return _subject(v), v


# nouns whose "to" takes an infinitive ("calls to resign"); "a call to his mother" is no content
_TO_INFINITIVE = frozenset("call promise pledge vow refusal decision plan proposal".split())
_WH = frozenset("whether if how why what who when where which".split())


def _open_doubt(verb: Any | None, spk: Any, toks: list[Any]) -> bool:
    """"Critics raised questions about whether X": a doubt cast by someone, on a wh-clause; "his
    question about race" or "the decision raised questions" is none."""
    first = min(toks, key=lambda x: x.i)
    return verb is not None and (_agentive(spk) or spk.tag_ == "NNS") and first.lower_ in _WH


_OWNER_ENTS = frozenset({"PERSON", "ORG", "GPE"})


def colon_statement(t: Any) -> list[Any] | None:
    """"Carrier's message: Moving jobs south is …", "Their argument: Only a Democratic Senate can
    …": a statement noun of the definition (speech, belief, request, …) owned by a possessive and
    set before a colon; the rest of the sentence (three words or more) is what was said; None."""
    doc = t.doc
    if t.i + 4 >= t.sent.end or doc[t.i + 1].text != ":" or not any(x.dep_ == "poss" for x in t.children) \
            or NOUN_CLASSES.get(t.lemma_.lower()) not in SPEECH_LIKE:
        return None
    toks = [doc[k] for k in range(t.i + 2, t.sent.end)]
    return toks if sum(1 for x in toks if not x.is_punct) >= 3 else None


def named_owner(t: Any) -> Any | None:
    """The source of a lexicon cue noun named without a possessive: a name compounded before it
    ("the DOJ demand that …", "the Pentagon statement that …") or the object of "by" or "from"
    after it ("a demand, by House leader Nancy Pelosi, that …", "calls from her rivals to break up
    the banks"); None."""
    doc = t.doc
    for x in t.children:
        if x.dep_ == "compound" and x.i < t.i and (x.ent_type_ in _OWNER_ENTS or x.pos_ == "PROPN"):
            return x
    # "by" on the noun, or set off by commas right after it (the parse may hang it on the verb)
    by = next((x for x in t.children if x.dep_ == "prep" and x.lower_ in ("by", "from") and x.i > t.i), None)
    if by is None and t.i + 2 < t.sent.end and doc[t.i + 1].text == "," and doc[t.i + 2].lower_ == "by":
        by = doc[t.i + 2]
    obj = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
    if obj is not None and (obj.ent_type_ in ("PERSON", "ORG") or _agentive(obj)):
        return obj
    return None


def that_clause_after(t: Any) -> list[Any] | None:
    """The "that" clause right after cue noun ``t`` — at most a short phrase between ("his
    statement on Wednesday that …") — when the parse hung it on another word: its tokens from
    "that" on, or None."""
    doc = t.doc
    for k in range(t.i + 1, min(t.i + 9, t.sent.end)):
        w = doc[k]
        if w.lower_ == "that" and w.dep_ == "mark" and w.head.i > k and w.head.pos_ in ("VERB", "AUX"):
            return [x for x in w.head.subtree if x.i >= k]
        if w.is_punct and w.text not in (",",) or w.pos_ in ("VERB", "AUX"):
            return None
    return None


def rule(c: ChunkContext) -> list[Attribution]:
    d, off, text = c.doc, c.off, c.text
    out: list[Attribution] = []
    for t in c.sdoc:
        spec = NOUN_CUES.get(t.lemma_.lower()) if t.pos_ == "NOUN" else None
        colon = colon_statement(t) if spec is None and t.pos_ == "NOUN" else None   # None: not asked yet
        if colon:
            spec = ("assert", {":"})   # "Carrier's message: …", "Their argument: …"
        if spec is None and t.pos_ == "NOUN" and any(x.dep_ == "poss" for x in t.children):
            p = d.cue_probability(t, off)
            if p is not None and p >= d.options.cue_add_other:
                spec = ("other", _LEARNED_PREPS)
        if spec is None:
            continue
        lemma = t.lemma_.lower()
        poss = next((x for x in t.children if x.dep_ == "poss"), None)
        verb = None
        if poss is None and spec is NOUN_CUES.get(t.lemma_.lower()):
            poss, verb = light_verb_speaker(t)
            if poss is None:
                poss = named_owner(t)   # "the DOJ demand that …", "a demand, by Nancy Pelosi, that …"
        if poss is None or _bad_speaker(poss) or poss.lower_ in ("its",):
            continue
        toks = None
        # the content's preposition hangs on the noun, or on the light verb after the noun
        # ("joined calls on Thursday for X")
        kids = list(t.children) + ([x for x in verb.children if x.i > t.i and x.dep_ in ("prep", "advcl", "xcomp")]
                                   if verb is not None else [])
        for x in kids:
            if x.i < t.i:
                continue
            if x.dep_ in ("acl", "ccomp", "relcl") and "that" in spec[1] \
                    and any(y.lower_ == "that" and y.dep_ == "mark" and not relative_that(y) for y in x.children):
                toks = list(x.subtree)
            elif x.dep_ in ("acl", "advcl", "xcomp") and "to" in spec[1] \
                    and any(y.lower_ == "to" and y.dep_ == "aux" for y in x.children):
                toks = list(x.subtree)
            elif x.dep_ == "prep" and x.lower_ in spec[1] and not (x.lower_ == "to" and lemma in _TO_INFINITIVE):
                obj = [g for g in x.children if g.dep_ in ("pobj", "pcomp")]
                toks = list(obj[0].subtree) if obj else None
                if toks and x.head.i == t.i:   # "evidence of Neanderthals | using tar": the parse hangs the
                    toks += [y for g in t.children if g.dep_ == "acl" and g.i > x.i for y in g.subtree]
            if toks:
                break
        if not toks and verb is None:
            toks = colon if colon is not None else colon_statement(t)
        if not toks and "that" in spec[1] and verb is None:
            toks = that_clause_after(t)   # "his statement on Wednesday that …" hung elsewhere by the parse
        if not toks:
            continue
        if t.lemma_.lower() == "question" and not _open_doubt(verb, poss, toks):
            continue
        spans = runs(toks, off, text)
        if not spans or word_count(text, spans) < 2:
            continue
        cue = Cue(off + t.idx, off + t.idx + len(t), t.text, t.lemma_.lower(), spec[0])
        # "Thursday's announcement that …": a date owns no statement, its source is not named
        owner = None if poss.ent_type_ in ("DATE", "TIME") else d.spk(poss, off)
        out.append(Attribution(cue, owner, spans, d.all_quoted(spans),
                               sent_start=off + t.sent.start_char, anchor=t.i, chunk=c.ci,
                               how="noun" if verb is None else "nounlight"))
    return out


# "That is the view of X": a stance noun naming the previous sentence as X's
_VIEW_NOUNS = frozenset("view opinion verdict assessment conclusion belief warning message argument position "
                        "claim contention advice word".split())
_DEMONSTRATIVES = frozenset("that this such those these".split())


def previous_sentence(text: str, sents: list[tuple[int, Any]], k: int) -> tuple[int, int] | None:
    """The span of sentence ``k - 1`` of ``sents`` ((chunk offset, sentence) pairs), the one a
    sentence pointing back at it names ("That is the view of X", "That's according to X"): None
    when it has fewer than four words or a section break lies between."""
    if k == 0:
        return None
    poff, prev = sents[k - 1]
    off, s = sents[k]
    a, b = poff + prev.start_char, poff + prev.end_char
    while b > a and text[b - 1].isspace():
        b -= 1
    if word_count(text, [(a, b)]) < 4 or "\n\n\n" in text[b:off + s.start_char]:
        return None
    return a, b


def view_of_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """"It will be a hard task. That is the view of coach Ann Lee …": a sentence whose subject is
    "that"/"this" and whose predicate is "the view of X" (``_VIEW_NOUNS``, "of" or "from") makes
    the sentence before it X's (``how = "viewof"``)."""
    text = d.text
    sents = d.sentences
    out: list[Attribution] = []
    for k, (off, s) in enumerate(sents):
        first = next((x for x in s if not x.is_space), None)
        if k == 0 or first is None or first.lower_ not in _DEMONSTRATIVES or s.root.lemma_ != "be":
            continue
        attr = next((x for x in s.root.children if x.dep_ == "attr" and x.lemma_.lower() in _VIEW_NOUNS), None)
        if attr is None or not any(x.dep_ == "nsubj" and x.i == first.i for x in s.root.children):
            continue
        preps = ("of",) if attr.lemma_.lower() in ("view", "position") else ("of", "from")   # "the view from the top"
        prep = next((x for x in attr.children if x.dep_ == "prep" and x.lower_ in preps), None)
        spk = next((g for g in prep.children if g.dep_ == "pobj"), None) if prep is not None else None
        if spk is None or _bad_speaker(spk) or not _agentive(spk):
            continue
        # "the view of former coach | Ana Lopez": the name in apposition is who
        spk = next((x for x in spk.children if x.dep_ == "appos" and x.pos_ == "PROPN"), spk)
        prev = previous_sentence(text, sents, k)
        if prev is None:
            continue
        a, b = prev
        c0, c1 = off + first.idx, off + attr.idx + len(attr)
        cue = Cue(c0, c1, text[c0:c1], attr.lemma_.lower(), NOUN_CUES.get(attr.lemma_.lower(), ("belief",))[0])
        out.append(Attribution(cue, d.spk(spk, off), [(a, b)], d.all_quoted([(a, b)]), sent_start=a,
                               anchor=-1, chunk=-1, how="viewof"))
    return out
