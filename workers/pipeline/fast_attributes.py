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
  own cache uses); tokens the ruler gave a lemma keep it. A new key goes through spaCy's
  ``rule_lemmatize``, whose word lists (``lemma_index``) are turned into sets once.

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
from spacy.tokens import Doc
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
        # multi-token rules: (rule id, its Matcher, a per-position prefilter on LOWER and DEP)
        self.multi: list[tuple[int, Any, list[list[tuple[int, Any]]]]] = []
        words: set[str] = set()
        regexes: list[re.Pattern[str]] = []
        for i, p in enumerate(ruler.patterns):
            for pattern in p["patterns"]:
                if len(pattern) > 1:
                    matcher = Matcher(self.vocab)
                    matcher.add(str(i), [pattern])
                    self.multi.append((i, matcher, [self._prefilter(tok) for tok in pattern]))
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
        if lemmatizer is not None:
            # spaCy's rule lemmatizer tests ``form in index`` on lists of up to 57k words (≈0.4 ms
            # for each new (word, POS, morph)); the same words as sets give the same answers
            index = lemmatizer.lookups.get_table("lemma_index", None)
            for pos, words_of_pos in list((index or {}).items()):
                if isinstance(words_of_pos, list):
                    index[pos] = frozenset(words_of_pos)
        self.regex_hits: dict[tuple[str, int], bool] = {}

    def _prefilter(self, token_pattern: dict[str, Any]) -> list[tuple[int, Any]]:
        """Necessary conditions of one pattern token: ``(column, hashes | regex)``; column 0 is
        LOWER, 1 is DEP. Predicates it cannot read are left out (the Matcher decides)."""
        out: list[tuple[int, Any]] = []
        for attr, col in (("LOWER", 0), ("DEP", 1)):
            want = token_pattern.get(attr)
            if isinstance(want, str):
                out.append((col, [self.vocab.strings.add(want)]))
            elif isinstance(want, dict) and set(want) == {"IN"}:
                out.append((col, [self.vocab.strings.add(w) for w in want["IN"]]))
            elif isinstance(want, dict) and set(want) == {"REGEX"} and col == 0:
                out.append((col, re.compile(want["REGEX"])))
        return out

    def _mask(self, cols: Any, conditions: list[tuple[int, Any]]) -> Any:
        mask = numpy.ones(len(cols), dtype=bool)
        for col, want in conditions:
            if isinstance(want, re.Pattern):
                hits = []
                for h in numpy.unique(cols[:, col]).tolist():
                    k = (want.pattern, h)
                    if k not in self.regex_hits:
                        self.regex_hits[k] = bool(want.search(self.vocab.strings[h]))
                    if self.regex_hits[k]:
                        hits.append(h)
                want = hits
            mask &= numpy.isin(cols[:, col], numpy.asarray(want, dtype=numpy.uint64))
        return mask

    def _multi_matches(self, doc: Any, cols: Any) -> list[tuple[int, int, int]]:
        """``(rule id, start, end)`` of the multi-token rules: candidate windows by the
        prefilter, each confirmed by the rule's own Matcher."""
        n = len(doc)
        out = []
        for rule, matcher, conditions in self.multi:
            size = len(conditions)
            if size > n:
                continue
            ok = numpy.ones(n - size + 1, dtype=bool)
            for k, cond in enumerate(conditions):
                if cond:
                    ok &= self._mask(cols, cond)[k:n - size + 1 + k]
            for start in numpy.flatnonzero(ok).tolist():
                for span in matcher(doc[start:start + size], allow_missing=True, as_spans=True):
                    out.append((rule, span.start, span.end))
        return out

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
            # the token alone in a one-token Doc (the Matcher checks annotations doc-wide)
            tok = doc[i]
            alone = Doc(self.vocab, words=[tok.text], spaces=[False])
            alone[0].tag, alone[0].dep = tok.tag, tok.dep
            found = self.ruler.matcher(alone, allow_missing=True, as_spans=False)
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
        cols = doc.to_array([LOWER, DEP, TAG, IS_SPACE])
        # the token key: LOWER only when some single-token pattern could match it
        lowers = numpy.unique(cols[:, 0])
        for h in lowers.tolist():
            if h not in self.lower_key:
                self._lower(h)
        named = numpy.asarray([h for h in lowers.tolist() if self.lower_key[h]], dtype=numpy.uint64)
        keys = cols.copy()
        keys[~numpy.isin(cols[:, 0], named), 0] = 0
        uniq, first, inverse = numpy.unique(keys, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        arr = doc.to_array(_COLS)
        table = numpy.zeros((len(uniq), len(_COLS)), dtype=numpy.uint64)
        keep = numpy.ones((len(uniq), len(_COLS)), dtype=bool)
        for u, (key, i) in enumerate(zip(map(tuple, uniq.tolist()), first.tolist())):
            if key not in self.values:
                self._single(doc, i, key)
            for attr, value in self.values[key].items():
                table[u, _COL[attr]] = value
                keep[u, _COL[attr]] = False
        # multi-token rules (matched, like the ruler's, before any attribute is set)
        touched: dict[int, list[int]] = {}
        for r, start, end in self._multi_matches(doc, cols):
            j = doc[start:end][self.ruler.indices[r]].i
            touched.setdefault(j, []).append(r)
        doc.from_array(_COLS, numpy.where(keep[inverse], arr, table[inverse]))
        # the tokens multi-token rules touch: every rule targeting them, in the ruler's order
        for j, extra in touched.items():
            key = tuple(keys[j].tolist())
            for r in sorted(set(self._single(doc, j, key) + extra)):
                set_token_attrs(doc[j], self.ruler.attrs[r])
        self._lemmatize(doc)
        return doc

    def _lemmatize(self, doc: Any) -> None:
        lm = self.lemmatizer
        if lm is None:
            return
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        todo = numpy.flatnonzero(arr[:, 3] == 0) if not lm.overwrite else numpy.arange(len(arr))
        if not len(todo):
            return
        uniq, first, inverse = numpy.unique(arr[todo, :3], axis=0, return_index=True, return_inverse=True)
        values = numpy.zeros(len(uniq), dtype=numpy.uint64)
        cache = self.lemmas
        for u, (key, i) in enumerate(zip(map(tuple, uniq.tolist()), first.tolist())):
            value = cache.get(key)
            if value is None:
                value = cache[key] = self.vocab.strings.add(lm.lemmatize(doc[int(todo[i])])[0])
            values[u] = value
        lemmas = arr[:, 3].copy()
        lemmas[todo] = values[inverse.reshape(-1)]
        doc.from_array([LEMMA], lemmas)


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
