"""Agentless passive cues: "X has been criticized for Y", "the plan was announced".

A passive cue verb without a "by" agent names no source: the claim stage gives it ``speaker``
None (as it does for the reduced passives "thought to be …"). What was asserted is the passive
subject together with the verb's complement — "[He] has been criticized [for his policies]",
"[Obama's veto] is expected [to come on Friday]", "[the city] was labeled [“a sanctuary”]" — or
the subject alone when there is no complement ("[a curfew] was announced"). PolNeAR annotates
these that way: content = subject + complement, no Source, in most such attributions.

With "it" as subject ("it was reported that X") the subject is no content and the that-clause
alone is (also ``how="passive0"``, speaker None).

Left out on purpose:
- passives with a clause ("Protesters were frustrated that X"): the subject is the one who
  holds the attitude, not part of what is held — not this rule's (no attribution);
- a negated passive ("X has not been charged with Y", "neither A nor B was …"): nothing is
  asserted of the subject;
- a passive whose complement is a speech participle ("X was criticised for saying Y"): the
  participle's own attribution (speaker X, content Y) is the claim, and this one would swallow it;
- a passive relative clause or participle ("the plan, announced on Monday, …"): its subject is
  the modified noun, handled (or not) elsewhere.
"""

from __future__ import annotations

from typing import Any

from .lexicon import verb_stance

# dependents after the verb that continue what is said of the subject
_COMPLEMENTS = frozenset("prep xcomp oprd attr dobj advcl".split())
# prepositions that only place or time the statement ("criticized on Monday", "in a speech")
_FRAME_PREPS = frozenset("on in at during after before since amid from by".split())
_PRONOUN_SUBJ = frozenset("it this that there what which who".split())


def is_agentless_passive(v: Any) -> bool:
    """``v`` is a finite/perfect passive (has an auxpass and an nsubjpass) with no agent."""
    kids = list(v.children)
    return (v.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in kids)
            and any(c.dep_ == "nsubjpass" for c in kids) and not any(c.dep_ == "agent" for c in kids))


def passive_content(v: Any) -> list[Any] | None:
    """Content tokens of an agentless passive cue ``v`` (see the module docstring), or None."""
    if not is_agentless_passive(v):
        return None
    kids = list(v.children)
    subj = next(c for c in kids if c.dep_ == "nsubjpass")
    if any(c.dep_ == "neg" for c in kids) or any(x.lower_ in ("neither", "no", "none") for x in subj.subtree):
        return None            # "X has not been charged with Y": nothing is asserted of X
    if any(c.dep_ == "ccomp" for c in kids):
        if subj.lower_ not in _PRONOUN_SUBJ:
            return None        # "X were frustrated that …": X holds the attitude
        c = next(c for c in kids if c.dep_ == "ccomp")
        return list(c.subtree)
    if subj.lower_ in _PRONOUN_SUBJ or subj.pos_ == "PRON" and subj.lower_ not in ("he", "she", "they", "we", "i", "you"):
        return None
    if subj.tag_ in ("WDT", "WP"):
        return None
    if any(c.dep_ == "prep" and any(g.dep_ == "pcomp" and g.tag_ == "VBG" and verb_stance(g.lemma_.lower())
                                    for g in c.children) for c in kids if c.i > v.i):
        return None            # "X was criticised for saying Y": X's own attribution is the claim
    toks = list(subj.subtree)
    for c in kids:
        if c.i < v.i or c.dep_ not in _COMPLEMENTS:
            continue
        if c.dep_ == "prep" and c.lower_ in _FRAME_PREPS:
            continue
        toks += list(c.subtree)
    return sorted(set(toks), key=lambda t: t.i)
