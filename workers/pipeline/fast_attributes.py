"""The English model's ``attribute_ruler`` and ``lemmatizer``, same output, a fraction of the cost.

In ``en_core_web_sm`` these two rule components cost as much as the dependency parser (the
ruler's ``Matcher`` tries 179 patterns at every token; the lemmatizer makes a Python ``Token``
per token). Both results depend on a few attributes of one token only, so they are cached:

* **attribute ruler** — a single-token pattern reads ``LOWER``, ``TAG``, ``DEP`` and ``IS_SPACE``;
  the attributes it leaves on a token are a function of that key (``LOWER`` reduced to "not a word
  any pattern names"). The first token with a new key goes through the original ``Matcher`` (on a
  one-token span) and the rules are applied in the ruler's order (later rules win); the other
  tokens get the cached values through ``Doc.to_array``/``from_array``. The few multi-token
  patterns ("gon na", "let 's") run as a small ``Matcher`` over the whole doc; a token they touch
  replays every rule that targets it, in the ruler's order.
* **lemmatizer** (rule mode) — a lemma is a function of ``(ORTH, POS, MORPH)`` (the key spaCy's
  own cache uses); tokens the ruler gave a lemma keep it.

:func:`install` puts one component (``newsflow_attributes``) where the two were and disables them;
when the model's rules do not fit these assumptions it changes nothing. The output is identical
token for token (``tests/e2e/workers/pipeline/test_fast_attributes.py`` compares every attribute).
"""

from __future__ import annotations

import re
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens._retokenize import set_token_attrs

NAME = "newsflow_attributes"
_KEY_ATTRS = {"LOWER", "TAG", "DEP", "IS_SPACE"}
_COLS = [POS, MORPH, LEMMA, TAG, DEP]
_COL = {a: i for i, a in enumerate(_COLS)}


class FastAttributes:
    """``attribute_ruler`` then ``lemmatizer`` of one loaded pipeline, cached (see the module)."""

    def __init__(self, ruler: Any, lemmatizer: Any) -> None:
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.vocab = ruler.vocab
        self.multi = Matcher(self.vocab)
        words: set[str] = set()
        regexes: list[re.Pattern[str]] = []
        for i, p in enumerate(ruler.patterns):
            for pattern in p["patterns"]:
                if len(pattern) > 1:
                    self.multi.add(str(i), [pattern])
                    continue
                for attr, want in pattern[0].items():
                    if attr == "LOWER":
                        if isinstance(want, str):
                            words.add(want)
                        elif set(want) == {"IN"}:
                            words.update(want["IN"])
                        elif set(want) == {"REGEX"}:
                            regexes.append(re.compile(want["REGEX"]))
                        else:
                            raise ValueError(f"unsupported LOWER predicate {want!r}")
        self.words = {self.vocab.strings.add(w) for w in words}
        self.regexes = regexes
        self.lower_key: dict[int, int] = {}
        self.rules: dict[tuple[int, ...], list[int]] = {}        # token key → rule ids, in order
        self.values: dict[tuple[int, ...], dict[int, int]] = {}  # token key → {attr: value}
        self.lemmas: dict[tuple[int, int, int], int] = {}

    @staticmethod
    def fits(ruler: Any) -> bool:
        """Whether every single-token pattern reads only the attributes of the token key."""
        for p in ruler.patterns:
            for pattern in p["patterns"]:
                if len(pattern) == 1 and not set(pattern[0]) <= _KEY_ATTRS:
                    return False
                if len(pattern) == 1 and p.get("index", 0) not in (0, -1):
                    return False
                lower = pattern[0].get("LOWER") if len(pattern) == 1 else None
                if isinstance(lower, dict) and not (set(lower) <= {"IN"} or set(lower) <= {"REGEX"}):
                    return False
        return True

    def _lower(self, lower: int) -> int:
        """``lower`` if some pattern could match it, else 0."""
        k = self.lower_key.get(lower)
        if k is None:
            s = self.vocab.strings[lower]
            k = lower if lower in self.words or any(r.search(s) for r in self.regexes) else 0
            self.lower_key[lower] = k
        return k

    def _single(self, doc: Any, i: int, key: tuple[int, ...]) -> list[int]:
        rules = self.rules.get(key)
        if rules is None:
            found = self.ruler.matcher(doc[i:i + 1], allow_missing=True, as_spans=False)
            rules = sorted(int(self.vocab.strings[m]) for m, _, _ in found)
            values: dict[int, int] = {}
            for r in rules:
                values.update(self.ruler.attrs[r])
            if not set(values) <= set(_COLS):
                raise ValueError(f"unsupported attribute ruler attributes {sorted(values)}")
            self.rules[key] = rules
            self.values[key] = values
        return rules

    def __call__(self, doc: Any) -> Any:
        n = len(doc)
        if not n:
            return doc
        keys_arr = doc.to_array([LOWER, TAG, DEP, IS_SPACE])
        arr = doc.to_array(_COLS)
        keys: list[tuple[int, ...]] = []
        lower = self._lower
        for i, (lo, tag, dep, space) in enumerate(keys_arr.tolist()):
            key = (lower(lo), tag, dep, space)
            keys.append(key)
            if key not in self.values:
                self._single(doc, i, key)
            for attr, value in self.values[key].items():
                arr[i, _COL[attr]] = value
        doc.from_array(_COLS, arr)
        # multi-token patterns: every rule on the tokens they touch, replayed in the ruler's order
        touched: dict[int, list[int]] = {}
        for m, start, end in self.multi(doc, allow_missing=True, as_spans=False):
            r = int(self.vocab.strings[m])
            j = doc[start:end][self.ruler.indices[r]].i
            touched.setdefault(j, []).append(r)
        for j, extra in touched.items():
            for r in sorted(self._single(doc, j, keys[j]) + extra):
                set_token_attrs(doc[j], self.ruler.attrs[r])
        self._lemmatize(doc)
        return doc

    def _lemmatize(self, doc: Any) -> None:
        lm = self.lemmatizer
        if lm is None:
            return
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = arr[:, 3].copy()
        cache = self.lemmas
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma and not lm.overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = cache[key] = self.vocab.strings.add(lm.lemmatize(doc[i])[0])
            lemmas[i] = value
            changed = True
        if changed:
            doc.from_array([LEMMA], lemmas.astype(numpy.uint64))


@Language.factory(NAME)
def make_fast_attributes(nlp: Language, name: str) -> FastAttributes:
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.component_names else None
    return FastAttributes(nlp.get_pipe("attribute_ruler"), lemmatizer)


def install(nlp: Language) -> bool:
    """Replace ``attribute_ruler`` + rule ``lemmatizer`` of ``nlp`` by :class:`FastAttributes`
    (same output); False (nothing changed) when the model does not fit its assumptions."""
    names = nlp.pipe_names
    if "attribute_ruler" not in names or "lemmatizer" not in names:
        return False
    ruler, lm = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    if names.index("lemmatizer") < names.index("attribute_ruler") or getattr(lm, "mode", None) != "rule":
        return False
    if not FastAttributes.fits(ruler):
        return False
    nlp.add_pipe(NAME, after="lemmatizer")
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")
    return True
