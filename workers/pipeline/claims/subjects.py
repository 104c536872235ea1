"""Who speaks: the speaker token of a cue in the shared spaCy parse, and the speaker's span.

Pure functions over spaCy tokens, used by the attribution rules in ``extract.py``: the cue's
subject (climbing conj/advcl/xcomp chains and relative clauses, recovering subjects the parse
lost), reduced passives that name no source ("thought to be"), speakers that cannot be one
("it", "which"), and the tokens of a speaker's noun phrase.
"""

from __future__ import annotations

from typing import Any

from .lexicon import verb_stance

_SPEAKER_DROP = {"relcl", "acl", "appos", "punct", "advcl", "parataxis"}
_SUBJ = {"nsubj", "nsubjpass", "csubj"}
_NON_SPEAKERS = {"me", "you", "us", "it", "there", "this", "that", "which", "what", "something", "anything"}


# "This deal, thought to be worth …", "a man said to be ill": a bare participle of these verbs
# followed by "to" + verb is a reduced passive — a source left unnamed, not the noun's statement
_RAISING = frozenset("think believe rumour rumor allege suppose deem presume reckon know understand consider "
                     "estimate report".split())
_RAISING_BE = frozenset("say expect".split())      # only with "to be" / "to have": "said to wait" is active
# "after research from X, Y, indicated Z": the parse made the clause's subject the pobj of a
# preposition that is really a subordinator
_SUBORDINATORS = frozenset("after before as since because until while when though although once".split())


# occasions a participle may hang on that speak for no one ("a ceremony marking …")
_EVENTS = frozenset("conference meeting ceremony event rally session summit gathering party celebration "
                    "dinner reception vigil parade service festival hearing".split())


def _reduced_passive(v: Any) -> bool:
    lemma = v.lemma_.lower()
    if v.tag_ not in ("VBN", "VBD") or (lemma not in _RAISING and lemma not in _RAISING_BE):
        return False
    if any(c.dep_ in ("aux", "auxpass") for c in v.children) or v.i + 2 >= len(v.doc):
        return False
    to, verb = v.doc[v.i + 1], v.doc[v.i + 2]
    if to.lower_ != "to" or verb.pos_ not in ("VERB", "AUX") or not any(a.i == v.i for a in verb.ancestors):
        return False
    return lemma in _RAISING or verb.lemma_ in ("be", "have")


def _subject(v: Any) -> Any | None:
    """The speaker token of cue ``v`` (climbing conj/advcl/xcomp chains and relative clauses;
    a finite cue left without one by the parse may take a subordinator's object, ``_prep_subject``)."""
    sp = _subject_climb(v)
    if sp is None and v.tag_ in ("VBD", "VBZ", "VBP") and not any(c.dep_ in _SUBJ or c.dep_ in ("expl", "auxpass", "agent") for c in v.children):
        sp = _prep_subject(v)
    return sp


def _prep_subject(v: Any) -> Any | None:
    """"…, after research from activists and the envoy, Jane Doe, indicated there were …": the
    noun phrase right before the cue is the object of a subordinating preposition and ends there —
    it is the cue's subject. A name list between commas right before the cue is an appositive
    (skipped); one after a comma with none before the cue ("When …, as part of X, Obama and Clinton
    call …") is the subject itself."""
    doc, k = v.doc, v.i - 1
    sent_start = v.sent.start
    had_comma = False
    while k >= sent_start and doc[k].is_punct and doc[k].text == ",":
        k -= 1
        had_comma = True
    last = k                       # the phrase may end with the appositive
    names = None
    if k >= sent_start and doc[k].pos_ == "PROPN":
        j = k
        while j >= sent_start and (doc[j].pos_ == "PROPN" or doc[j].pos_ == "CCONJ"):
            j -= 1
        if j >= sent_start and doc[j].text == "," and doc[j + 1].pos_ == "PROPN":
            if had_comma:
                k = j - 1          # ", Jane Doe," skipped
            else:
                names = doc[j + 1]
    if k < sent_start:
        return None
    x = doc[k]
    for _ in range(8):
        if x.dep_ == "pobj" and x.head.lower_ in _SUBORDINATORS and x.head.dep_ == "prep":
            if max(t.i for t in x.subtree) not in (k, last):
                return None
            return names if names is not None else x
        if x.head.i == x.i or x.head.i > v.i:
            return None
        x = x.head
    return None


def _subject_climb(v: Any) -> Any | None:
    seen = 0
    while v is not None and seen < 4:
        seen += 1
        if _reduced_passive(v):
            return None
        for c in sorted(v.children, key=lambda c: abs(c.i - v.i)):
            if c.dep_ in ("nsubj", "csubj"):
                return _same_paragraph(c, v)
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        if seen > 1:
            # climbed from a participle: "After saying X, she was taken …", "she was criticised
            # for saying X" — the passive subject is the one who says
            sp = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
            if sp is not None:
                return _same_paragraph(sp, v)
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children):
            return None  # passive without an agent: "X has been accused of …" names no speaker
        if v.dep_ in ("acl",) and v.head.pos_ in ("PROPN", "NOUN", "PRON") and v.tag_ == "VBG":
            if v.head.lemma_.lower() in _EVENTS:
                # "Lynch spoke at a news conference announcing X": an occasion is no source; the
                # one who spoke at it is the subject of the verb before it ("At a news conference
                # announcing X, a reporter asked …": a fronted occasion names no one)
                x = v.head
                if x.dep_ == "pobj" and x.head.dep_ == "prep" and x.head.head.pos_ in ("VERB", "AUX") \
                        and x.head.head.i < x.head.i:
                    v = x.head.head
                    continue
                return None
            return v.head   # "Trump, speaking at …" — not "this deal, thought to be …"
        if v.dep_ in ("conj", "advcl", "xcomp", "dep") and v.head.i != v.i and v.head.pos_ in ("VERB", "AUX"):
            if _reporting_participle(v):
                v = v.head.head   # "X warned that Y had …, highlighting that …": X highlights
                continue
            v = v.head
            continue
        if v.dep_ == "pcomp" and v.head.dep_ == "prep" and v.head.head.pos_ in ("VERB", "AUX"):
            v = v.head.head
            continue
        return None
    return None


def _reporting_participle(v: Any) -> bool:
    """A participle at the end of a cue's reported clause (", highlighting that …", ", adding …"): it
    is the reporter's act, not the reported clause's subject's ("Etienne warned that some countries
    cut back, highlighting that …": Etienne highlights)."""
    from .contents import _is_cue_verb, _speech_participle   # contents imports this module
    h = v.head
    if h.dep_ != "ccomp" or h.head.i == h.i:
        return False
    if (v.dep_ == "advcl" and v.tag_ == "VBG" and v.i > h.i and v.doc[v.i - 1].text == ","
            and h.head.pos_ == "VERB" and verb_stance(h.head.lemma_) is not None
            and verb_stance(v.lemma_) is not None):
        return True
    return (_speech_participle(v) and _is_cue_verb(h.head) is not None
            and any(c.dep_ == "nsubj" for c in h.head.children))


def _stranded_subject(v: Any) -> Any | None:
    """"In a meeting with the board of the Post Trump said that …": without the comma the parse
    makes the name the last object of the opening phrase and leaves the cue without a subject.
    A subject-less root cue right after a person/organisation name takes that name."""
    if v.dep_ != "ROOT" or v.i == 0 or any(c.dep_ in _SUBJ or c.dep_ == "nsubjpass" for c in v.children):
        return None
    p = v.doc[v.i - 1]
    if p.pos_ == "PROPN" and p.dep_ == "pobj" and p.ent_type_ in ("PERSON", "ORG") and p.head.i < p.i:
        return p
    return None


def _same_paragraph(c: Any, v: Any) -> Any:
    """A subject parsed across a line break (title line + first sentence): use its appositive
    on the cue's side of the break, if any. (Token texts only: ``Doc.text`` rebuilds the string.)"""
    doc = c.doc
    lo, hi = sorted((c.i, v.i))
    breaks = [k for k in range(lo, hi) if "\n" in doc[k].text_with_ws]
    if not breaks:
        return c
    last_break = max(k for k in range(0, v.i) if "\n" in doc[k].text_with_ws)
    for t in c.subtree:
        if t.i > last_break and t.dep_ in ("appos", "nsubj", "conj") and t.head.i <= last_break:
            return t
    return c


def _is_relpron(t: Any) -> bool:
    return t.lower_ in ("who", "that", "which", "whom") and t.head.dep_ == "relcl" and t.head.head.i != t.head.i


def _bad_speaker(t: Any | None) -> bool:
    if t is None:
        return True
    pronoun_like = t.pos_ in ("PRON", "DET") or t.text == "I" or not t.text[:1].isupper() or t.i == t.sent.start
    return t.lower_ in _NON_SPEAKERS and pronoun_like and not _is_relpron(t)


def _speaker_tokens(s: Any) -> list[Any]:
    out = [s]
    stack = [c for c in s.children if c.dep_ not in _SPEAKER_DROP]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in _SPEAKER_DROP)
    # a preposition left without its object ("a report in | Japanese media claims": the parse hung
    # the object's words on the verb): take those words back, or drop the preposition
    for p in [t for t in out if t.dep_ == "prep" and not any(c.dep_ in ("pobj", "pcomp") for c in t.children)]:
        v = s.head
        gap = [s.doc[j] for j in range(p.i + 1, v.i)] if v.i > p.i else []
        if gap and all(x.dep_ in ("compound", "amod", "det", "nmod", "poss", "case", "nummod")
                       and p.i < x.head.i <= v.i for x in gap):
            out.extend(gap)
        elif max(t.i for t in out) == max(t.i for t in p.subtree):
            out = [t for t in out if t not in set(p.subtree)]
    return out
