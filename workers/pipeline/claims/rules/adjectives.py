"""Adjective cues: "is optimistic that …", "was critical of …"; an adjective outside the lexicon
the learned cue detector picks ("willing to …", "eager for …")."""

from __future__ import annotations

from typing import Any

from ..context import ChunkContext
from ..lexicon import ADJ_PREP_CUES, adj_stance
from ..records import Attribution, Cue
from ..spans import runs
from ..subjects import _bad_speaker


def advcl_that(t: Any) -> bool:
    """"Aides toured the state, confident that voters would turn out", "Confident that the vote
    would pass, the mayor left early": an adjective clause on the main verb, its subject the
    holder; only with a "that" clause (a state of mind about a proposition)."""
    return t.dep_ == "advcl" and t.pos_ == "ADJ" and any(
        x.dep_ == "ccomp" and any(y.lower_ == "that" and y.dep_ == "mark" for y in x.children) for x in t.children)


def rule(c: ChunkContext) -> list[Attribution]:
    d, off, sdoc, text = c.doc, c.off, c.sdoc, c.text
    out: list[Attribution] = []
    for t in sdoc:
        st = (adj_stance(t.lemma_) or ADJ_PREP_CUES.get(t.lemma_.lower(), (None,))[0]) if t.pos_ in ("ADJ", "VERB") and t.dep_ == "acomp" or t.pos_ == "ADJ" else None
        learned_adj = False
        if not st and t.pos_ == "ADJ" and t.dep_ == "acomp":
            p = d.cue_probability(t, off)
            if p is not None and p >= d.options.cue_add_other:
                st, learned_adj = "other", True
        if not st or t.dep_ not in ("acomp", "ROOT", "amod") and not advcl_that(t):
            continue
        head = t.head if t.dep_ in ("acomp", "advcl") else t
        spk = next((x for x in head.children if x.dep_ == "nsubj"), None)
        if _bad_speaker(spk):
            continue
        toks = None
        for x in list(t.children) + list(head.children):
            if x.dep_ == "ccomp" and (x.i > t.i or st in ("belief", "assert")):   # "…, she was simply happy":
                # a feeling, not a view of the clause before it ("…, he is confident" holds it)
                toks = list(x.subtree)
                break
        if toks is None and t.i + 2 < t.sent.end and sdoc[t.i + 1].lower_ == "that":
            toks = [sdoc[k] for k in range(t.i + 2, t.sent.end)]
        if toks is None and learned_adj:   # "willing to …", "eager for …"
            for x in t.children:
                if x.dep_ == "xcomp" or (x.dep_ == "prep" and x.i > t.i and x.lower_ in ("about", "of", "on", "for", "with", "to")):
                    obj = list(x.subtree) if x.dep_ == "xcomp" else [y for g in x.children if g.dep_ in ("pobj", "pcomp") for y in g.subtree]
                    if obj:
                        toks = obj
                        break
        if toks is None and t.lemma_.lower() in ADJ_PREP_CUES:
            preps = ADJ_PREP_CUES[t.lemma_.lower()][1]
            for x in t.children:
                if x.dep_ == "prep" and x.lower_ in preps and x.i > t.i:
                    obj = [g for g in x.children if g.dep_ in ("pobj", "pcomp")]
                    if obj:
                        toks = list(obj[0].subtree)
                        break
        if not toks:
            continue
        spans = runs(toks, off, text)
        if not spans:
            continue
        cue_text_end = off + t.idx + len(t)
        c0 = head.idx if head.i < t.i and t.dep_ != "advcl" else t.idx   # "is optimistic"; "…, confident"
        cue = Cue(off + c0, cue_text_end, text[off + c0:cue_text_end], t.lemma_.lower(), st)
        out.append(Attribution(cue, d.spk(spk, off), spans,
                               sent_start=off + t.sent.start_char, anchor=t.i, chunk=c.ci, how="adj"))
    return out
