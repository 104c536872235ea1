"""Attribution filter: how likely is an extracted attribution to be a real one?

A logistic regression over features of the whole attribution — which rule found it (the content's
shape: ccomp, xcomp, object, preposition, …), the cue lemma and stance, whether the cue is in the
lexicon, the cue detector's probability, the speaker's kind and animacy (person, organisation,
"it", …), the cue's tense/aspect tag, content length and first character, a "that" before the
content, quoting — trained by ``eval/train_claim_filter.py`` on PolNeAR train (label: the
attribution matches a gold one; the cue detector cross-fitted so its probabilities are those of
unseen text) and shipped as ``models/claim_filter.json``. The claim stage drops attributions whose probability is
below ``ClaimOptions.filter_keep_above`` (0.4). No model file → everything is kept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .lexicon import verb_stance
from .weights import load_weights, probability

MODEL_PATH = Path(__file__).with_name("models") / "claim_filter.json"
_MODEL_FILE = str(MODEL_PATH)
_WORD = re.compile(r"\w+")


def _bucket(n: int) -> str:
    for lim in (1, 2, 5, 10, 20, 40):
        if n <= lim:
            return str(lim)
    return "more"


_PERSONAL = {"he", "she", "i", "we", "they", "who", "you", "PERSON"}
_GROUPS = {"ORG", "NORP", "GPE"}
_THAT = re.compile(r"\bthat\W*$", re.I)


def _speaker_group(a: Any) -> str:
    """Animacy of the speaker head: a person, an organisation/group, "it", another noun, none."""
    if not a.speaker:
        return "none"
    k = a.spk_kind
    return "pers" if k in _PERSONAL else "org" if k in _GROUPS else k if k in ("it", "NOUN", "PROPN") else "other"


def _shape(text: str, a: Any) -> str:
    """The first content character: a quote, a capital, a digit, lower case."""
    c = text[a.content[0][0]] if a.content else ""
    return "q" if c in "“\"‘'" else "C" if c.isupper() else "d" if c.isdigit() else "l"


def _cp_bucket(p: float) -> str:
    return "none" if p < 0 else str(min(9, int(p * 10)))


def features(a: Any, text: str, in_quote: bool) -> list[str]:
    words = sum(len(_WORD.findall(text[s:e])) for s, e in a.content)
    lem = a.cue.lemma
    spk = a.spk_kind if a.speaker else "none"
    f = [f"how={a.how}", f"lem={lem}", f"lh={lem}|{a.how}", f"st={a.cue.stance}", f"dir={a.direct}",
         f"spk={spk}", f"ls={lem}|{spk}",
         f"w={_bucket(words)}", f"hw={a.how}|{_bucket(words)}", f"nsp={min(len(a.content), 3)}",
         f"q={in_quote}", f"hq={a.how}|{in_quote}", f"rb={bool(a.reported_by)}"]
    # the cue detector's probability: the filter is trained on it computed out of fold
    # (eval/train_claim_filter.py cross-fits the cue model), as it is on unseen text
    cp = _cp_bucket(a.cue_p)
    grp = _speaker_group(a)
    shape = _shape(text, a)
    lex = verb_stance(lem) is not None or a.how in ("according", "colon", "perspective", "adj", "noun")
    f += [f"cp={cp}", f"hcp={a.how}|{cp}", f"lex={lex}", f"lxh={lex}|{a.how}", f"lxcp={lex}|{cp}",
          f"sg={grp}", f"sgh={grp}|{a.how}", f"sgl={grp}|{lex}", f"lsg={lem}|{grp}",
          f"tag={a.cue.tag}", f"tagh={a.cue.tag}|{a.how}", f"sh={shape}", f"shh={shape}|{a.how}",
          f"that={bool(a.content) and bool(_THAT.search(text, max(0, a.content[0][0] - 8), a.content[0][0]))}",
          f"after={bool(a.content) and a.content[0][0] > a.cue.start}"]
    return f


def keep_probability(a: Any, text: str, in_quote: bool) -> float | None:
    w = load_weights(_MODEL_FILE)
    return None if w is None else probability(w, features(a, text, in_quote))
