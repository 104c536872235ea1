"""Learned cue detector: is this token the cue of an attribution?

A logistic regression over sparse features of one token in the shared spaCy parse (its lemma,
part of speech, dependency, what hangs off it: a clausal complement, a subject and its kind, the
prepositions it takes, whether it sits inside a quote, …). Trained by ``eval/train_cues.py`` on
PolNeAR train and shipped as ``models/cues.json`` (feature → weight). Inference is a dict lookup
and a sum per candidate token — no extra model, no second parse.

``cue_probability(token, in_quote)`` returns the probability, or ``None`` when no model is
shipped (the rules then run on the lexicon alone). :func:`features` is the one definition used
for training and inference.
"""

from __future__ import annotations

from typing import Any

from .lexicon import adj_stance, verb_stance
from .options import CUE_MODEL_PATH
from .weights import load_weights, probability

# the shipped weights; ``ClaimOptions.cue_model`` points at another file (experiments), "none"
# disables the detector
MODEL_PATH = CUE_MODEL_PATH
CANDIDATE_POS = frozenset({"VERB", "NOUN", "ADJ", "AUX"})



def features(t: Any, in_quote: bool) -> list[str]:
    lem = t.lemma_.lower()
    f = [f"l={lem}", f"p={t.pos_}", f"t={t.tag_}", f"d={t.dep_}", f"ld={lem}|{t.dep_}", f"lp={lem}|{t.pos_}",
         f"hd={t.head.lemma_.lower()}|{t.dep_}", f"q={in_quote}", f"lq={lem}|{in_quote}"]
    if verb_stance(lem):
        f.append("lex=verb")
    if adj_stance(lem):
        f.append("lex=adj")
    deps = set()
    for c in t.children:
        deps.add(c.dep_)
        if c.dep_ in ("prep", "agent", "prt"):
            f.append(f"prep={c.lower_}")
            f.append(f"lprep={lem}|{c.lower_}")
        if c.dep_ in ("nsubj", "nsubjpass"):
            kind = c.ent_type_ or c.pos_
            if c.lower_ in ("he", "she", "they", "who", "i", "we", "you", "it"):
                kind = c.lower_
            f.append(f"subj={kind}")
            f.append(f"lsubj={lem}|{kind}")
        if c.dep_ == "mark":
            f.append(f"mark={c.lower_}")
        if c.dep_ == "poss":
            f.append(f"poss={c.ent_type_ or c.pos_}")
    for d in sorted(deps):
        f.append(f"c={d}")
        if d in ("ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "poss", "acl", "relcl", "neg"):
            f.append(f"lc={lem}|{d}")
    doc = t.doc
    if t.i + 1 < len(doc):
        nxt = doc[t.i + 1]
        f.append(f"n={nxt.lower_ if nxt.is_punct or nxt.pos_ in ('ADP', 'SCONJ', 'PART') else nxt.pos_}")
    if t.i > 0:
        prv = doc[t.i - 1]
        f.append(f"b={prv.lower_ if prv.is_punct or prv.pos_ in ('ADP', 'AUX', 'PART', 'DET') else prv.pos_}")
    return f


# weights set by a training script (eval/train_claim_filter.py cross-fits the detector: each
# article's attributions are extracted with a detector that did not see it); None: the shipped file
_override: dict[str, float] | None = None


def use_weights(weights: dict[str, float] | None) -> None:
    """Training only: run the detector with ``weights`` instead of the shipped file (None: back)."""
    global _override
    _override = weights


def cue_probability(t: Any, in_quote: bool, model: str = str(MODEL_PATH)) -> float | None:
    """The detector's probability that ``t`` is a cue; None when no weights (``model`` "none" or unreadable)."""
    w = _override if _override is not None else load_weights(model.strip() or str(MODEL_PATH))
    return None if w is None else probability(w, features(t, in_quote))
