"""Reported speech after a cue verb: its ccomp / xcomp / content preposition / claim-bearing
object, inverted cues ("X is Y, he said"), a bare "that" clause after a cue when the parse went
astray; chains ("A believes X, B said": one attribution by A reported by B); reduced passives
("This deal, thought to be worth X, …") and agentless passives ("X was criticized for Y") with no
named source (speaker None)."""

from __future__ import annotations

import re
from typing import Any

from ..contents import (_as_clause_content, _content_tokens, answer, _is_inverted, _is_parenthetical, _object_content,
                        _final_cue_clause, _split_parenthetical)
from ..context import ChunkContext, DocContext
from ..lexicon import ADDRESSEE_VERBS, NAMING_VERBS, QUOTE_ONLY_VERBS, REQUEST_NOUNS, REQUEST_VERBS, verb_stance
from ..passives import is_agentless_passive, passive_content
from ..records import Attribution
from ..spans import runs, word_count
from ..subjects import _bad_speaker, _reduced_passive, _speaker_tokens, _stranded_subject, _subject

_POINTER = re.compile(r"(?:the\s+)?(?:following|same|above)(?:\s+(?:statement|comment|remarks?|words|story|report))?|as\s+follows", re.I)
# verbs after which "it" is an organisation or document speaking ("It says the campaign violated …")
_IT_SPEAKS = frozenset("say report note state claim add write argue deny accuse announce warn allege insist "
                       "explain acknowledge confirm reply respond tweet call urge recommend".split())

# … and after which "it" is one asking for something ("It calls on the regulator to …")
_IT_ASKS = frozenset("call urge recommend".split())

Found = tuple[Attribution, Any] | None    # (attribution, the inner cue token of a chain or None)


def rule(c: ChunkContext) -> list[Attribution]:
    out: list[Attribution] = []
    for t, stance in c.cue_tokens:
        if t.i in c.done_cues or t.i in c.chained:
            continue
        att = reported(c, t, stance)
        if att is None:
            continue
        inner = att[1]
        if inner is not None:
            c.chained.add(inner.i)
        out.append(att[0])
        c.done_cues.add(t.i)
    return out


def reported(c: ChunkContext, t: Any, stance: str) -> Found:
    """The attribution of cue verb ``t`` by its reported-speech content, or None."""
    d, off, ci, text = c.doc, c.off, c.ci, c.text
    if t.lemma_.lower() in QUOTE_ONLY_VERBS:
        return None
    if _reduced_passive(t):
        return reduced(d, t, stance, off, ci)
    if is_agentless_passive(t):
        return passive(d, t, stance, off, ci)
    if _coordinated_passive(t):
        return None   # "she had been hired … and told to read out notes": told by no one named
    spk = c.second_acts.get(t.i) or _subject(t) or _stranded_subject(t)
    if _named_participle(t):
        # "Thatcher, dubbed the “Iron Lady”, …": the one named is no speaker; only an agent names
        spk = next((p for a in t.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"), None)
        if spk is None:
            return None
    # "Asked whether …, 75 percent said yes": the answer, not the question before it
    res = answer(t) or _content_tokens(t, learned=(ci, t.i) in d.learned)
    inner_cue = None
    if res is None:
        inverted = _is_inverted(t)
        if inverted:
            # "…, Clinton attacked Machado": a cue with its own object is not a parenthetical
            # "X is Y, he said" — what it is aimed at is its content, not the clause before it
            res = _object_content(t)
        if res is None and (inverted or _is_parenthetical(t)):
            # the clause around the cue (an inverted cue: only the part before it)
            own = set(t.subtree) | (set(spk.subtree) if spk is not None else set())
            res = ([x for x in t.head.subtree if x not in own and (not inverted or x.i < t.i)], "inverted")
    if res is None:
        res = _split_parenthetical(t) or _final_cue_clause(t)
    if res is None:
        res = _as_clause_content(t) or _request_object(t) or _object_content(t)
    if res is None:
        return None
    toks, how = res
    if spk is None:
        return None
    if how == "ccomp" and _small_clause(t):
        how = "obj"   # "discovered her slumped on the floor": an object found in a state, no proposition
    if _bad_speaker(spk) and not (spk is not None and spk.lower_ == "it" and t.lemma_.lower() in _IT_SPEAKS
                                  and (how == "ccomp" or how == "xcomp" and t.lemma_.lower() in _IT_ASKS)):
        return None
    if how in ("ccomp", "inverted"):
        found, inner_cue = _chain(d, t, stance, off, ci, spk, toks)
        if found is not None:
            return found
    spk_toks = set(_speaker_tokens(spk))
    toks = [x for x in toks if x not in spk_toks and x.i != t.i]
    # a clause joined to the content that carries its own attribution ("…, while the ministry
    # confirmed that …") is that attribution's, not part of this content
    cue_ids = {x.i for x, _ in c.cue_tokens}
    cut: set[Any] = set()
    for x in toks:
        if x.i in cue_ids and x.dep_ in ("advcl", "conj", "parataxis") and x.head in toks \
                and any(y.dep_ == "nsubj" for y in x.children):
            cut.update(x.subtree)
        elif x.i in cue_ids and x.dep_ == "conj" and x.head in toks and x.head.dep_ == "ccomp" and x.tag_ == t.tag_ \
                and x.tag_ in ("VBD", "VBZ") and not any(y.dep_ in ("nsubj", "nsubjpass") for y in x.children) \
                and any(y.lower_ in ("and", "but") for y in x.head.children if y.dep_ == "cc" and y.i < x.i):
            # "said the warning was X, and accused Y of Z": the speaker's second act, which the parse
            # hung on the content clause (same tense as the cue, no subject of its own)
            cut.update(y for y in x.subtree if y.i >= min(z.i for z in x.head.children if z.dep_ == "cc" and z.i < x.i))
            c.second_acts[x.i] = spk
    if cut:
        toks = [x for x in toks if x not in cut]
    spans = runs(toks, off, text)
    if not spans:
        return None
    # a content made only of a short fragment is noise ("said so", "told him"), and so is a
    # pointer to text elsewhere ("reported the following:")
    words = word_count(text, spans)
    pointer = len(spans) == 1 and _POINTER.fullmatch(text[spans[0][0]:spans[0][1]].strip(" :."))
    if words < (1 if how in ("obj1", "answer") or _one_word_request(t, toks) else 2) or pointer:
        return None
    sp = d.spk(spk, off)
    whole = d.quote_covering(spans)
    if whole is not None and not d.inside_quote(t, off):
        spans = [whole]
    elif not d.inside_quote(t, off):
        spans = d.quote_opened(spans, off + t.idx) or spans
    return d.verb_att(t, stance, off, ci, sp, spans, d.all_quoted(spans), how), inner_cue


def _coordinated_passive(t: Any) -> bool:
    """An addressee verb coordinated with a passive, with an infinitive but no subject and no
    addressee of its own ("was hired without an interview and told to …"): passive too, told by
    no one named ("was arrested and told police that …" has its addressee: active)."""
    h = t.head
    kids = list(t.children)
    return (t.lemma_.lower() in ADDRESSEE_VERBS and t.tag_ in ("VBN", "VBD") and t.dep_ == "conj"
            and h.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in h.children)
            and any(c.dep_ == "xcomp" for c in kids)
            and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass", "agent", "dobj", "dative") for c in kids))


_FINDING = frozenset("find discover uncover".split())


def _small_clause(t: Any) -> bool:
    """The ccomp of a finding verb is a verbless small clause ("found the door forced", "discovered
    him slumped"): a participle head with no auxiliary, mark or passive auxiliary. An adjective
    head is an evaluation ("finds the plan compelling"), a belief: kept. "Called the office asking
    questions" is a phone call (``definition`` refuses "call" with an object)."""
    lemma = t.lemma_.lower()
    if lemma not in _FINDING and lemma != "call":
        return False
    c = next((c for c in t.children if c.dep_ == "ccomp" and c.i > t.i), None)
    return (c is not None and c.tag_ in (("VBN", "VBG") if lemma != "call" else ("VBG",))
            and not any(x.dep_ in ("aux", "auxpass", "mark", "cop") for x in c.children))


def _request_object(t: Any) -> tuple[list[Any], str] | None:
    """"urged calm and patience": a request verb whose object is what it asks for (an abstract
    noun of ``REQUEST_NOUNS``), not its addressee."""
    if t.lemma_.lower() not in REQUEST_VERBS:
        return None
    obj = next((c for c in t.children if c.dep_ == "dobj" and c.i > t.i), None)
    if obj is None or obj.lemma_.lower() not in REQUEST_NOUNS or any(c.dep_ == "xcomp" for c in t.children):
        return None
    return list(obj.subtree), "dobj"


def _one_word_request(t: Any, toks: list[Any]) -> bool:
    """"called for calm": a one-word content is enough for a request of a ``REQUEST_NOUNS`` noun."""
    words = [x for x in toks if not x.is_punct]
    return (t.lemma_.lower() in REQUEST_VERBS and len(words) == 1
            and words[0].lemma_.lower() in REQUEST_NOUNS)


def _chain(d: DocContext, t: Any, stance: str, off: int, ci: int, spk: Any, toks: list[Any]) -> tuple[Found, Any]:
    """A content headed by a cue with its own (non-pronoun) subject: the inner cue's attribution,
    reported by ``t``'s speaker, and the inner cue token (which no other rule then takes, even
    when its content came out empty); (None, None) when the content is no chain."""
    roots = [x for x in toks if x.head not in toks or x.head.i == x.i]
    r = roots[0] if roots else None
    if r is None or not verb_stance(r.lemma_) or r.pos_ not in ("VERB", "AUX"):
        return None, None
    inner_spk = _subject(r)
    inner = _content_tokens(r)
    if inner_spk is None or inner is None or inner[1] not in ("ccomp", "that") or inner_spk.pos_ == "PRON":
        return None, None
    spans = runs(inner[0], off, d.text)
    if not spans:
        return None, r
    outer_sp = d.spk(spk, off)
    att = d.verb_att(r, verb_stance(r.lemma_) or "other", off, ci, d.spk(inner_spk, off),
                     spans, d.all_quoted(spans), "chain")
    if outer_sp:
        att.reported_by.append((outer_sp, d.cue(t, off, stance)))
    return (att, r), r




def _named_participle(t: Any) -> bool:
    """"Thatcher, dubbed the “Iron Lady” for …": a naming verb with a name (``oprd``) but no one
    named (no direct object), right after "<noun>,": a reduced passive participle hanging on the
    noun, which the parse read as a finite verb with that noun as its subject."""
    if t.lemma_.lower() not in NAMING_VERBS or t.i < 2 or t.doc[t.i - 1].text != ",":
        return False
    kids = list(t.children)
    if not any(c.dep_ == "oprd" for c in kids) or any(c.dep_ in ("dobj", "obj", "auxpass", "aux") for c in kids):
        return False
    subj = next((c for c in kids if c.dep_ == "nsubj"), None)
    return subj is not None and max(x.i for x in subj.subtree) <= t.i - 1 and subj.pos_ in ("PROPN", "NOUN")


def reduced(d: DocContext, t: Any, stance: str, off: int, ci: int) -> Found:
    """"This deal, thought to be worth X, …": an attribution whose source is left unnamed
    (speaker None); the content is the noun phrase and the infinitive ("This deal … to be worth X")."""
    x = next((c for c in t.children if c.i > t.i and any(y.i == t.i + 2 for y in c.subtree)), None)
    if x is None:
        return None
    noun = _reduced_noun(t)
    toks = list(x.subtree)
    if noun is not None:   # its own words only: an "acl" participle is not part of them
        toks += _speaker_tokens(noun)
    spans = runs(toks, off, d.text)
    if not spans:
        return None
    return d.verb_att(t, stance, off, ci, None, spans, False, "reduced"), None


def passive(d: DocContext, t: Any, stance: str, off: int, ci: int) -> Found:
    """"X has been criticized for Y": an agentless passive cue, speaker None, content the
    subject and complement (``passives.passive_content``); "passive0"."""
    toks = passive_content(t)
    spans = runs(toks, off, d.text) if toks else None
    if not spans or word_count(d.text, spans) < 2:
        return None
    return d.verb_att(t, stance, off, ci, None, spans, d.all_quoted(spans), "passive0"), None


def _reduced_noun(t: Any) -> Any | None:
    for c in t.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i < t.i:
            return c
    return t.head if t.dep_ == "acl" and t.head.pos_ in ("NOUN", "PROPN") else None
