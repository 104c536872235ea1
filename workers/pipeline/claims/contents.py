"""What is said: the content tokens of a cue in the shared spaCy parse.

Pure functions over spaCy tokens, used by the attribution rules in ``extract.py``: a cue verb's
clausal complement, xcomp, content preposition or object (``_content_tokens``), "as X reported"
clauses, objects of non-speech cues, and the tests for inverted ("X is Y, he said") and
parenthetical ("The plan, he said, will …") cues.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from .lexicon import (ADDRESSEE_VERBS, NAMING_VERBS, REQUEST_VERBS, CLAIM_NOUNS, DOBJ_CONTENT_VERBS, GERUND_VERBS, OPRD_VERBS, PREP_CONTENT, XCOMP_VERBS,
                      verb_stance)
from .subjects import _SUBJ


def _subtree_minus(head: Any, exclude: Iterable[Any]) -> list[Any]:
    ex = set()
    for t in exclude:
        ex.update(t.subtree)
    return [t for t in head.subtree if t not in ex]


def relative_that(w: Any) -> bool:
    """"said something that shocked everyone", "reports that track …": "that" is the relative
    pronoun of a clause on the noun before it (the clause's subject or object, or its mark when
    the clause has no subject of its own), not a complementizer: the clause is no content."""
    if w.lower_ != "that" or w.head.dep_ not in ("relcl", "acl") or w.head.head.i >= w.i:
        return False
    if w.dep_ in ("nsubj", "nsubjpass", "dobj"):
        # "his request that the United States extradite Gulen": a clause with a subject (or an
        # object) of its own has no room for a relative "that" there, the parse went astray
        same = _SUBJ if w.dep_ != "dobj" else {"dobj"}
        return not any(c.dep_ in same and c.i != w.i for c in w.head.children)
    return w.dep_ == "mark" and not any(c.dep_ in _SUBJ or c.dep_ == "expl" for c in w.head.children)


# "on condition that his name not be printed", "on the understanding that …": a clause of a noun
# of terms, the terms of an interview, never what was said
_TERMS_NOUNS = frozenset("condition understanding proviso".split())


def terms_clause(w: Any) -> bool:
    """"that" opening the clause of a noun of terms ("on condition that …")."""
    if w.lower_ != "that" or w.dep_ != "mark" or w.head.dep_ not in ("acl", "relcl", "ccomp"):
        return False
    return w.head.head.lemma_.lower() in _TERMS_NOUNS and w.head.head.i < w.i


def _is_cue_verb(t: Any) -> str | None:
    if t.pos_ not in ("VERB", "AUX") and not (t.tag_.startswith("VB")):
        return None
    return verb_stance(t.lemma_)


def _speech_participle(t: Any) -> bool:
    """", telling reporters that X" hanging off a content clause: a second attribution of its
    own (the participle's clause is not part of the outer content)."""
    return (t.dep_ == "advcl" and t.tag_ == "VBG" and t.i > t.head.i and t.i > 0 and t.doc[t.i - 1].text == ","
            and verb_stance(t.lemma_) is not None and any(c.dep_ == "ccomp" for c in t.children))


def _content_tokens(v: Any, learned: bool = False) -> tuple[list[Any], str] | None:
    """Content of cue verb ``v`` from its dependents; (tokens, how): the first of the
    ``CONTENT_STEPS`` that finds one. A ``learned`` cue (outside the lexicon) takes its xcomp, a
    content preposition or its object like the lexicon verbs do."""
    lemma = v.lemma_.lower()
    for step in CONTENT_STEPS:
        found = step(v, lemma, learned)
        if found is not None:
            return found
    return None


Content = tuple[list[Any], str] | None


def _from_ccomp(v: Any, lemma: str, learned: bool) -> Content:
    """The clausal complement. Two complements, one on each side ("A is seen as X - 60 percent
    said B would be …"): the one after the cue is its content, the one before a clause the parse
    hung on it. A clause before the cue is none when the cue has a complement of its own, an
    infinitive after it or a "what" before it ("confession: … I've never learned to like the stuff",
    "how they think about this, what they suggest"): the parse hung the sentence before on it."""
    ccomps = sorted((c for c in v.children if c.dep_ == "ccomp"), key=lambda c: (c.i < v.i, c.i))
    if not ccomps:
        return None
    c = ccomps[0]
    if c.i < v.i and any(x.dep_ == "xcomp" and x.i > v.i or x.dep_ == "dobj" and x.i < v.i and x.tag_ in ("WP", "WDT")
                         for x in v.children):
        return None   # "…, I've never learned to like it", "…, what they suggest": the cue's complement is its own
    toks = _subtree_minus(c, [p for p in c.children if _speech_participle(p)])
    # "reported Beijing had returned …": the clause's subject parsed as the cue's object
    first = min(x.i for x in c.subtree)
    if lemma not in ADDRESSEE_VERBS and not any(x.dep_ in _SUBJ or x.dep_ == "expl" for x in c.children) \
            and any(x.dep_ == "aux" for x in c.children):
        obj = next((o for o in v.children if o.dep_ == "dobj" and v.i < o.i < c.i
                    and max(x.i for x in o.subtree) == first - 1), None)
        if obj is not None:
            toks = list(obj.subtree) + toks
    if lemma in ADDRESSEE_VERBS and c.i > v.i and not any(x.dep_ in _SUBJ or x.dep_ == "expl" for x in c.children) \
            and any(x.dep_ == "aux" for x in c.children) \
            and any(o.dep_ == "dobj" and v.i < o.i < c.i and max(x.i for x in o.subtree) < first - 1
                    and any(x.dep_ == "relcl" for x in o.subtree)
                    and any(x.text == "," for x in v.doc[max(x.i for x in o.subtree) + 1:first]) for o in v.children):
        return None   # "ordered the confiscation of coats which the vendor, 41, was trading …": the cue's
        # object is its own (an addressee verb's), and the subjectless clause after the comma is the rest
        # of the object's relative clause, not the cue's content ("said Rubio, 44, hasn't been tested …"
        # is the clause's subject parsed as the object: not this)
    return toks, "ccomp"


def _from_oprd(v: Any, lemma: str, learned: bool) -> Content:
    """"called X “Y”", "described X as Y": the object and its predicate."""
    if lemma in OPRD_VERBS:
        obj = [c for c in v.children if c.dep_ == "dobj"]
        # "called the office asking questions": a participle is no name given ("called it a farce")
        pred = [c for c in v.children if c.dep_ == "oprd" and c.tag_ != "VBG" or (c.dep_ == "prep" and c.lower_ == "as")]
        if obj and pred:
            return list(obj[0].subtree) + [x for p in pred for x in p.subtree], "oprd"
        # "called both Trump and Clinton “crazy”", "called the frontrunner “ISIS’ best recruiter”":
        # the parse hung the object on the predicate (nmod), leaving no dobj
        if not obj and len(pred) == 1 and pred[0].dep_ == "oprd" and pred[0].i > v.i \
                and any(x.dep_ in ("nmod", "nsubj") and x.i < pred[0].i for x in pred[0].subtree):
            return list(pred[0].subtree), "oprd"
        if lemma in NAMING_VERBS:
            return _named_quote(v)
    return None


_OPEN_QUOTES = frozenset("“\"‘")
_CLOSE_QUOTES = frozenset("”\"’")


def _named_quote(v: Any) -> Content:
    """"called her “third-rate”", "calling Trump’s charge “pathetic” and “dangerous”": a naming verb,
    a short noun phrase (no verb, no punctuation) and a quotation right after it, however the parse
    hung them: the noun phrase and the quotation (and a second one joined by "and"/"or"); "oprd"."""
    doc, j, end = v.doc, v.i + 1, min(v.sent.end, v.i + 14)
    if j < end and doc[j].pos_ in ("ADP", "ADV", "PART"):
        return None   # "called for “…”", "called on", "called back"
    while j < end and doc[j].text not in _OPEN_QUOTES:
        w = doc[j]
        if w.pos_ in ("VERB", "AUX") or w.is_punct and w.text != "-" or w.lower_ == "that":
            return None
        j += 1
    if j == v.i + 1 or j >= end:
        return None
    k = _closing_quote(doc, j + 1, v.sent.end)
    if k >= v.sent.end or k == j + 1:
        return None
    if k + 2 < v.sent.end and doc[k + 1].lower_ in ("and", "or") and doc[k + 2].text in _OPEN_QUOTES:
        k2 = _closing_quote(doc, k + 3, v.sent.end)
        if k2 < v.sent.end:
            k = k2
    return [doc[x] for x in range(v.i + 1, k + 1)], "oprd"


def _closing_quote(doc: Any, k: int, end: int) -> int:
    """The index of the first closing quotation mark from token ``k`` on, ``end`` when none is before it."""
    while k < end and doc[k].text not in _CLOSE_QUOTES:
        k += 1
    return k


_OBJECT_XCOMP = frozenset({"push", "press"})   # a request only with its addressee: "pushed X to Y"
_AGENT_NOUN = re.compile(r"(?:er|or|ist|ian|ant|ent|ee|ary|ity|people|staff|board|team|group|union|police|public|"
                         r"coach|chief|head|expert|analyst|scientist|official)s?$")


def _agentive(t: Any) -> bool:
    """Someone who can be asked to act: a person or organisation name, a personal pronoun, an
    agent noun ("the retailer", "doctors", "the government")."""
    if t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or t.lower_ in ("him", "her", "them", "us", "me", "you"):
        return True
    return t.pos_ in ("NOUN", "PROPN") and bool(_AGENT_NOUN.search(t.lemma_.lower()))


def _from_xcomp(v: Any, lemma: str, learned: bool) -> Content:
    """The infinitive of an ``XCOMP_VERBS`` cue ("urged lawmakers to …"), on the verb or its object."""
    if lemma in GERUND_VERBS and not learned:   # "admitted making X", "admitted to lying" (not "to hospital")
        g = next((c for c in v.children if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i > v.i), None)
        if g is None:
            to = next((c for c in v.children if c.dep_ == "prep" and c.lower_ == "to" and c.i > v.i), None)
            g = next((c for c in to.children if c.dep_ == "pcomp" and c.tag_ == "VBG"), None) if to is not None else None
        return (list(g.subtree), "xcomp") if g is not None else None
    if lemma in _OBJECT_XCOMP and not any(c.dep_ == "dobj" and _agentive(c) for c in v.children):
        return None   # "pushed the mound to make room": no one was pushed to do anything
    if lemma in XCOMP_VERBS or learned:
        preps = PREP_CONTENT.get(lemma, ())
        for c in v.children:
            if c.dep_ == "xcomp" or (c.dep_ == "advcl" and c.i > v.i and any(x.lower_ == "to" and x.dep_ == "aux" for x in c.children)):
                if any(p.dep_ == "prep" and p.lower_ in preps and p.lower_ != "for" and v.i < p.i < c.i
                       for p in v.children):
                    # "warn against X … to Y": the content preposition comes first ("called for X
                    # to Y" is one for-to infinitive, the xcomp's)
                    return None
                obj = next((o for o in v.children if o.dep_ == "dobj" and v.i < o.i < c.i), None)
                if obj is not None and lemma not in ADDRESSEE_VERBS and obj.pos_ in ("NOUN", "PROPN") \
                        and max(x.i for x in obj.subtree) == min(x.i for x in c.subtree) - 1:
                    # "announced a deal to sell X": the infinitive completes the object
                    return list(obj.subtree) + list(c.subtree), "xcomp"
                return list(c.subtree), "xcomp"
        for c in v.children:  # "urged X to …": xcomp hangs off the object sometimes
            if c.dep_ in ("dobj",):
                for cc in c.children:
                    if cc.dep_ in ("xcomp", "acl", "relcl") and cc.i > c.i and any(x.lower_ == "to" for x in cc.children):
                        if lemma not in ADDRESSEE_VERBS and c.pos_ in ("NOUN", "PROPN"):
                            return list(c.subtree), "xcomp"   # "announced a deal to sell X": the object's
                        return list(cc.subtree), "xcomp"
    return None


def _from_prep(v: Any, lemma: str, learned: bool) -> Content:
    """The object of the content preposition the cue takes (``PREP_CONTENT``), after the cue."""
    preps = PREP_CONTENT.get(lemma) or ({"for", "about", "of", "on", "to", "against", "with", "at"} if learned else None)
    if preps:
        for c in list(v.children) + [g for c in v.children if c.dep_ == "dobj" for g in c.children]:
            if c.dep_ in ("prep", "prt") and c.lower_ in preps and c.i > v.i:
                obj = [g for g in c.children if g.dep_ in ("pobj", "pcomp") and g.ent_type_ not in ("DATE", "TIME")]
                if obj:
                    # "referred to Rubio as “a bright leader”": the name given is part of it
                    as_ = [x for p in v.children if p.dep_ == "prep" and p.lower_ == "as" and p.i > c.i
                           for x in p.subtree] if lemma == "refer" else []
                    return list(obj[0].subtree) + as_ + _request_scene(v, c, obj[0], lemma), "prep"
    return None


# where a request holds: "called for calm in the camps of eastern Bavaria"
_SCENE_PREPS = frozenset("in across throughout within".split())
# a place named by a common noun ("in the camps", "across the border region")
_PLACE_NOUNS = frozenset("""area border camp capital city community country county district east north south west
    province region state street territory town village zone neighbourhood neighborhood school hospital prison port
    island coast valley land world continent nation""".split())
# where a request was made, not where it holds ("called for peace in his Christmas address")
_SCENE_EVENT_NOUNS = frozenset("""statement address speech rally meeting conference summit interview letter remark
    message sermon debate session hearing briefing broadcast post tweet article column video ceremony festival
    event talk visit appearance parliament""".split())


def _request_scene(v: Any, prep: Any, obj: Any, lemma: str) -> list[Any]:
    """"called on Saturday for calm [in refugee camps]": the in/across/throughout/within phrase the parse
    hung on a request verb right after what it asks for, when its object is or holds a place (a GPE/LOC/FAC
    name or a place noun) and no speech or event ("in his Christmas address", "at a rally": where it was
    asked, not where it holds); a "during"/"at" phrase or a date inside it ends it."""
    if prep.lower_ != "for" or lemma not in REQUEST_VERBS:
        return []
    out: list[Any] = []
    last = max(x.i for x in obj.subtree)
    for p in sorted(v.children, key=lambda x: x.i):
        if p.i <= last:
            continue
        if not (p.i == last + 1 and p.dep_ == "prep" and p.lower_ in _SCENE_PREPS):
            break
        toks = list(p.subtree)
        cut = [t.i for t in toks if t.i > p.i and ((t.dep_ == "prep" and t.lower_ in ("during", "at"))
                                                   or t.ent_type_ in ("DATE", "TIME"))]
        toks = [t for t in toks if not cut or t.i < min(cut)]
        if len(toks) < 2 or not any(t.ent_type_ in ("GPE", "LOC", "FAC") or t.lemma_.lower() in _PLACE_NOUNS
                                    for t in toks[1:]) \
                or any(t.lemma_.lower() in _SCENE_EVENT_NOUNS for t in toks):
            break
        out += toks
        if cut:
            break
        last = toks[-1].i
    return out


def _from_object(v: Any, lemma: str, learned: bool) -> Content:
    """The clause of a claim noun as object ("repeated the claim that X"), or the object itself
    (two words or more) of a verb whose object is what it says (``DOBJ_CONTENT_VERBS``)."""
    for c in v.children:
        if c.dep_ == "dobj":
            for cc in c.children:
                if cc.dep_ in ("acl", "ccomp", "relcl") and c.lemma_.lower() in CLAIM_NOUNS and cc.i > c.i:
                    toks = list(cc.subtree)
                    return toks, "claimnoun"
            if (lemma in DOBJ_CONTENT_VERBS or learned) and lemma not in ADDRESSEE_VERBS:
                toks = list(c.subtree)
                if len([t for t in toks if not t.is_punct]) >= 2:
                    return toks, "dobj"
    return None


def _from_addressee(v: Any, lemma: str, learned: bool) -> Content:
    """"told a meeting of leaders that few people understood …": the complement parsed as a
    relative clause of the addressee ("that" its mark, the clause with a subject of its own)."""
    if lemma in ADDRESSEE_VERBS:
        for c in v.children:
            if c.dep_ == "dobj":
                for x in c.subtree:
                    if x.dep_ == "relcl" and any(m.lower_ == "that" and m.dep_ == "mark" for m in x.children) \
                            and any(m.dep_ in _SUBJ for m in x.children):
                        return list(x.subtree), "ccomp"
    return None


def _from_agent(v: Any, lemma: str, learned: bool) -> Content:
    """Passive with an agent: "X was endorsed by Y", "the issue was first reported by the Post"."""
    if any(c.dep_ == "agent" for c in v.children):
        sp = [c for c in v.children if c.dep_ == "nsubjpass"]
        if sp:
            return list(sp[0].subtree), "passive"
    return None


def _from_bare_that(v: Any, lemma: str, learned: bool) -> Content:
    """A bare "that" clause shortly after the cue when the parse went astray ("predicts going
    forward that …", "said after the recording became public that …": the parse hung the clause
    on the time clause)."""
    sent_end = v.sent.end
    skipped: int | bool = False   # "said in a statement after the recording became public that …"
    # "said earlier on Friday during a news conference that …": adverbials of the cue only (its
    # prepositional phrases and adverbs) may stretch the gap, and then only to a complementizer
    gap_deps = ("prep", "advmod", "npadvmod", "dobj") if lemma in ADDRESSEE_VERBS else ("prep", "advmod", "npadvmod")
    adverbial = {x.i for c in v.children if c.i > v.i and c.dep_ in gap_deps for x in c.subtree}
    after_terms, terms = -1, None   # an "on condition that …" clause passed over, and its end
    for j in range(v.i + 1, min(sent_end - 2, v.i + 14)):
        w = v.doc[j]
        if j <= after_terms:
            if w.lower_ == "that" and w.dep_ == "mark" and w.head.i != terms.i and w.head.i > w.i:
                return [x for x in w.head.subtree if x.i > w.i], "that"   # the parse hung the content on the terms
            continue
        if relative_that(w):
            break   # "said something that shocked everyone": a relative clause, no content
        if terms_clause(w):
            terms, after_terms = w.head, max(x.i for x in w.head.subtree)   # "said on condition that …, that X"
            continue
        if j >= v.i + 6 and skipped is False:
            if w.lower_ == "that" and w.dep_ == "mark" and w.head.i in adverbial and w.head.dep_ in ("relcl", "acl") \
                    and any(c.dep_ in _SUBJ and c.i > w.i for c in w.head.children) \
                    and all(k in adverbial for k in range(v.i + 1, j)):
                return [x for x in w.head.subtree if x.i > w.i], "that"
            if j not in adverbial or w.pos_ in ("VERB", "AUX") and any(c.dep_ in _SUBJ for c in w.children):
                break   # a verb with a subject of its own in the gap ("told Bharara, who would recognize that …")
            continue
        if w.lower_ == "that" and w.dep_ in ("mark", "nsubj", "det", "dobj", "advmod"):
            if skipped is not False and w.dep_ == "mark":
                return [x for x in w.head.subtree if x.i > w.i], "that"
            return [v.doc[k] for k in range(j + 1, sent_end)], "that"
        if w.is_punct and w.text not in ",":
            break
        if w.dep_ == "mark" and w.lower_ in _TIME_MARKS and w.head.dep_ == "advcl" and w.head.head.i == v.i:
            skipped = w.head.i   # a time clause between the cue and its "that"
            continue
        if w.pos_ in ("VERB", "AUX") and any(c.dep_ in _SUBJ for c in w.children) and w.i != skipped:
            break
    return None


_TIME_MARKS = frozenset("after before when once since until while as".split())


# verbs that take a clause, never an infinitive or gerund of their own
_CLAUSE_VERBS = frozenset("say add argue insist note explain state contend maintain write tell believe think".split())


def _from_gerund_subject(v: Any, lemma: str, learned: bool) -> Content:
    """"He said legalizing it could put thousands to work": a clause whose subject is a gerund, the
    parse made the gerund an xcomp of the cue (and the clause's verb its ccomp): the gerund's
    subtree, when it holds a finite verb; "ccomp"."""
    if lemma not in _CLAUSE_VERBS:
        return None
    g = next((c for c in v.children if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i > v.i), None)
    if g is None or any(c.dep_ == "dobj" and v.i < c.i < g.i for c in v.children):
        return None
    toks = list(g.subtree)
    if not any(x.tag_ in ("MD", "VBZ", "VBD", "VBP") and x.i > g.i for x in toks):
        return None
    return toks, "ccomp"


_ASKING = frozenset("ask wonder question inquire enquire".split())


def _from_if_question(v: Any, lemma: str, learned: bool) -> Content:
    """"asked workers if they planned to attend": an indirect yes/no question the parse took for a
    conditional (an "if"/"whether" advcl right after the cue or its addressee); "ccomp"."""
    if lemma not in _ASKING:
        return None
    for c in v.children:
        if c.dep_ == "advcl" and c.i > v.i and any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children):
            first = min(x.i for x in c.subtree)
            if all(x.dep_ == "dobj" or x.head.dep_ == "dobj" or x.i == v.i for x in v.doc[v.i:first]) or first == v.i + 1:
                return list(c.subtree), "ccomp"
    return None


# the cascade, in order: the first step that finds a content wins
CONTENT_STEPS = (_from_ccomp, _from_if_question, _from_gerund_subject, _from_oprd, _from_xcomp, _from_prep,
                 _from_object, _from_addressee, _from_agent, _from_bare_that)


def _as_clause_content(v: Any) -> tuple[list[Any], str] | None:
    """"As the Post reported, X": a cue in an "as" clause with its own subject attributes the
    clause it modifies (the head's subtree without the "as" clause); "as"."""
    if v.dep_ != "advcl" or v.head.i == v.i or not any(c.dep_ == "mark" and c.lower_ == "as" for c in v.children):
        return None
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children) or any(c.dep_ in ("dobj", "ccomp") for c in v.children):
        return None
    toks = _subtree_minus(v.head, [v])
    return (toks, "as") if len([t for t in toks if not t.is_punct]) >= 3 else None


# pronoun objects name no content of their own ("cited it", "attacked him")
_PRONOUN_OBJECTS = frozenset("me you him her it us them this that these those what which who whom one".split())
_OBJECT_PREPS = frozenset("for about of on against as over at with to".split())


def _object_content(v: Any) -> tuple[list[Any], str] | None:
    """Fallback content of a cue verb that none of the rules above gave one: what the action is
    aimed at — its direct object ("attacked [Machado]", "cited [the report]"; "obj", or "obj1"
    for a one-word object) or, for an addressee verb or a verb without object, the object of a
    preposition after it ("chastised Clinton [for …]", "describing as [“unhinged”]"; "objprep").
    A pronoun object is no content. The claim filter weighs these (PolNeAR annotates many such
    non-speech attributions, and many more such objects are not attributions)."""
    lemma = v.lemma_.lower()
    if v.tag_ == "VBN" and v.dep_ == "amod":   # "the so-called X"
        return None
    kids = [c for c in v.children if c.i > v.i]
    obj = next((c for c in kids if c.dep_ == "dobj"), None)
    if obj is not None and (lemma in ADDRESSEE_VERBS or obj.lower_ in _PRONOUN_OBJECTS or obj.ent_type_ == "PERSON"
                            or obj.pos_ == "PRON"):
        obj_is_target = obj.lower_ not in _PRONOUN_OBJECTS and obj.pos_ != "PRON" and lemma not in ADDRESSEE_VERBS
        prep = next((c for c in kids if c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS and c.i > obj.i), None)
        pobj = next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None) if prep is not None else None
        if pobj is not None:
            return list(pobj.subtree), "objprep"
        if not obj_is_target:
            return None
    if obj is not None:
        toks = list(obj.subtree)
        return toks, ("obj1" if len([t for t in toks if not t.is_punct]) == 1 else "obj")
    for c in kids:
        if c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS:
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):   # "on June 2" is when, not what
                return list(pobj.subtree), "objprep"
    return None


def _is_inverted(v: Any) -> bool:
    """"X is Y, he said": a cue with its own subject hanging after the clause it reports. A cue
    in a subordinate clause ("…, because many disagreed with …") reports nothing of the main
    clause ("as he said" does)."""
    if not any(c.dep_ == "nsubj" for c in v.children):
        return False
    if any(c.dep_ == "mark" and c.lower_ != "as" for c in v.children):
        return False
    if v.dep_ == "advcl" and not any(c.dep_ == "mark" for c in v.children):
        lo = min(x.i for x in v.subtree)
        if lo > v.sent.start and not v.doc[lo - 1].is_punct and not v.doc[lo].is_punct:
            return False   # "… were ready in case the president ordered …": joined with no comma, a subordinate clause
    if v.lemma_.lower() not in ADDRESSEE_VERBS and any(c.dep_ == "dobj" and c.i > v.i for c in v.children):
        return False   # "…, but she still says things such as …": the cue's own object is its content
    return v.dep_ in ("parataxis", "ccomp", "advcl", "conj") and v.head.i < v.i and v.head.pos_ in ("VERB", "AUX")


def _is_parenthetical(v: Any) -> bool:
    """"The plan, he said, will cost more": a cue with its own subject set off by commas inside
    the clause it reports (parsed as parataxis of the later main verb); the content is the whole
    clause on both sides."""
    if v.dep_ != "parataxis" or v.head.i <= v.i or v.head.pos_ not in ("VERB", "AUX"):
        return False
    if not any(c.dep_ == "nsubj" for c in v.children):
        return False
    sub = sorted(v.subtree, key=lambda x: x.i)
    doc = v.doc
    lo, hi = sub[0].i, sub[-1].i
    before = doc[lo - 1] if lo > 0 and doc[lo].text != "," else doc[lo]
    after = doc[hi] if doc[hi].text == "," else (doc[hi + 1] if hi + 1 < len(doc) else None)
    return (before.text == "," and after is not None and after.text == ","
            and lo > v.sent.start + 1 and any(x.i > hi for x in v.head.subtree))


def _split_parenthetical(v: Any) -> tuple[list[Any], str] | None:
    """"Using birch tar, the researchers note, requires complex thinking": a parenthetical cue the
    parse made the root (the clause's subject hung on it, its verb a subject-less conj after the
    second comma). The content is both sides: the words before the first comma and that verb's
    clause; "inverted"."""
    if v.dep_ != "ROOT":
        return None
    subj = next((c for c in v.children if c.dep_ == "nsubj" and c.i < v.i), None)
    if subj is None:
        return None
    doc, lo = v.doc, min(x.i for x in subj.subtree)
    if lo - 1 <= v.sent.start or doc[lo - 1].text != "," or v.i + 1 >= v.sent.end or doc[v.i + 1].text != ",":
        return None
    conj = next((c for c in v.children if c.dep_ == "conj" and c.i > v.i + 1 and c.pos_ in ("VERB", "AUX")
                 and not any(x.dep_ in _SUBJ for x in c.children)), None)
    if conj is None:
        return None
    pre = [x for x in v.sent if x.i < lo - 1]
    if len([x for x in pre if not x.is_punct]) < 2:
        return None
    return pre + list(conj.subtree), "inverted"


def _final_cue_clause(v: Any) -> tuple[list[Any], str] | None:
    """"While …, we must now “…,” as soon as possible, Dr Etienne said.": a root cue closing the
    sentence after a comma, its subject right before it, that the parse gave no complement (it
    hung the clause on a subordinate verb): the content is the sentence before that comma;
    "inverted"."""
    if v.dep_ != "ROOT" or v.lemma_.lower() not in _FINAL_CUES:
        return None
    subj = next((c for c in v.children if c.dep_ == "nsubj" and c.i < v.i), None)
    if subj is None or any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in v.children):
        return None
    doc, sent = v.doc, v.sent
    lo = min(x.i for x in subj.subtree)
    if lo - 1 <= sent.start or doc[lo - 1].text != "," or max(x.i for x in subj.subtree) != v.i - 1:
        return None
    rest = [x for x in doc[v.i + 1:sent.end] if not x.is_punct and not x.is_space]
    if len(rest) > 4 or rest and rest[0].pos_ != "ADP" and rest[0].ent_type_ not in ("DATE", "TIME"):
        return None   # the cue goes on ("Mexico said enough"): it is no closing "…, X said [on Monday]"
    toks = [x for x in doc[sent.start:lo - 1] if not x.is_space]
    if len([x for x in toks if not x.is_punct]) < 4:
        return None
    return toks, "inverted"


_FINAL_CUES = frozenset("say add tell write explain note state insist argue warn claim".split())


_ANSWER_VERBS = frozenset("say answer reply respond".split())
_ANSWERS = frozenset("yes no yeah nope".split())


def answer(t: Any) -> tuple[list[Any], str] | None:
    """"75 percent said yes", "the senator said no": a one-word answer right after a verb of
    saying, with nothing after it ("said no to the offer" turns an offer down: no answer)."""
    if t.lemma_.lower() not in _ANSWER_VERBS or t.i + 1 >= len(t.doc):
        return None
    w = t.doc[t.i + 1]
    if w.head.i != t.i or w.lower_ not in _ANSWERS or w.dep_ not in ("intj", "dobj", "advmod", "ccomp"):
        return None
    if any(not x.is_punct for x in w.children) or w.i + 1 < len(t.doc) and t.doc[w.i + 1].pos_ == "ADP":
        return None
    return [w], "answer"
