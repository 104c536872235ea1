""""From his experience, …", "in her view …": a perspective noun owned by a speaker, in a
prepositional phrase on a verb; the clause (sentence-initial: the rest of the sentence) is the
speaker's belief."""

from __future__ import annotations

from ..context import ChunkContext
from ..contents import _subtree_minus
from ..lexicon import PERSPECTIVE_NOUNS
from ..records import Attribution, Cue
from ..spans import runs


def rule(c: ChunkContext) -> list[Attribution]:
    off, text = c.off, c.text
    out: list[Attribution] = []
    for t in c.sdoc:
        if not (t.dep_ == "pobj" and t.lemma_.lower() in PERSPECTIVE_NOUNS and t.head.lower_ in ("from", "in", "by")):
            continue
        poss = next((x for x in t.children if x.dep_ == "poss"), None)
        prep = t.head
        if poss is None or prep.head.i == prep.i or prep.i > t.i:
            continue
        head = prep.head
        if head.pos_ not in ("VERB", "AUX"):
            continue
        sent = t.sent
        if prep.i == sent.start:   # sentence-initial: the whole rest of the sentence
            excl = set(prep.subtree)
            toks = [x for x in sent if x not in excl]
        else:
            toks = _subtree_minus(head, [prep])
        spans = runs(toks, off, text)
        if not spans:
            continue
        cue = Cue(off + prep.idx, off + t.idx + len(t), text[off + prep.idx: off + t.idx + len(t)],
                  f"{prep.lower_} {t.lemma_.lower()}", "belief")
        out.append(Attribution(cue, (off + poss.idx, off + poss.idx + len(poss)), spans,
                               sent_start=off + t.sent.start_char, anchor=head.i, chunk=c.ci,
                               how="perspective"))
    return out
