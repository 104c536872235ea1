"""Noun cues owned by a speaker: "Trump's claim that X", "her call for X"; a possessed noun
outside the lexicon the learned cue detector picks ("Trump's disdain for X")."""

from __future__ import annotations

from ..context import ChunkContext
from ..lexicon import NOUN_CUES
from ..records import Attribution, Cue
from ..spans import runs, word_count
from ..subjects import _bad_speaker

_LEARNED_PREPS = {"that", "of", "for", "on", "about", "to", "against"}


def rule(c: ChunkContext) -> list[Attribution]:
    d, off, text = c.doc, c.off, c.text
    out: list[Attribution] = []
    for t in c.sdoc:
        spec = NOUN_CUES.get(t.lemma_.lower()) if t.pos_ == "NOUN" else None
        if spec is None and t.pos_ == "NOUN" and any(x.dep_ == "poss" for x in t.children):
            p = d.cue_probability(t, off)
            if p is not None and p >= d.options.cue_add_other:
                spec = ("other", _LEARNED_PREPS)
        if spec is None:
            continue
        poss = next((x for x in t.children if x.dep_ == "poss"), None)
        if poss is None or _bad_speaker(poss) or poss.lower_ in ("its",):
            continue
        toks = None
        for x in t.children:
            if x.i < t.i:
                continue
            if x.dep_ in ("acl", "ccomp", "relcl") and "that" in spec[1] and any(y.lower_ == "that" and y.dep_ == "mark" for y in x.children):
                toks = list(x.subtree)
            elif x.dep_ == "acl" and "to" in spec[1] and any(y.lower_ == "to" for y in x.children):
                toks = list(x.subtree)
            elif x.dep_ == "prep" and x.lower_ in spec[1]:
                obj = [g for g in x.children if g.dep_ in ("pobj", "pcomp")]
                toks = list(obj[0].subtree) if obj else None
            if toks:
                break
        if not toks:
            continue
        spans = runs(toks, off, text)
        if not spans or word_count(text, spans) < 2:
            continue
        cue = Cue(off + t.idx, off + t.idx + len(t), t.text, t.lemma_.lower(), spec[0])
        out.append(Attribution(cue, d.spk(poss, off), spans, d.all_quoted(spans),
                               sent_start=off + t.sent.start_char, anchor=t.i, chunk=c.ci, how="noun"))
    return out
