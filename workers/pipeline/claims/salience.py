"""Pronoun salience: which person a he/she speaker means (step 2 of ``coref.py``, whose
docstring describes the costs); ``speakers.Resolver`` collects the candidates."""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from .chunks import ChunkTokens
from .quotes import find_quotes
from .sentences import Covered

_SUBJ = {"nsubj", "nsubjpass"}
ROLE_COST = {"addressee": -0.2, "speaker": 0.0, "subject": 0.3, "other": 0.8, "unnamed": 1.0, "embedded": 1.6,
             "own": 4.0}
UNKNOWN_GENDER_COST = 0.3
LEAN_AGAINST_COST = 1.2
_ASK = frozenset("ask question quiz interview press".split())
_CONTINUATION = frozenset("add continue reiterate elaborate insist repeat conclude".split())
MAX_SENTENCES = 8


class Salience:
    """Ranks the he/she antecedents a :class:`speakers.Resolver` collects (module docstring, step 2)."""

    def __init__(self, text: str, chunks: Sequence[tuple[int, Any]], sent_index: Callable[[int], int | None],
                 tokens: ChunkTokens | None = None, contents: Sequence[tuple[int, int]] = (),
                 sents: Sequence[tuple[int, int]] = ()) -> None:
        self.text = text
        self.sents = sents
        self.chunks = chunks
        self.tokens = tokens if tokens is not None else ChunkTokens(list(chunks))
        self.sent_index = sent_index
        self._embedded = Covered([(q.start, q.end) for q in find_quotes(text)] + list(contents))
        self._subject: dict[int, bool] = {}

    def embedded(self, pos: int) -> bool:
        """Is ``pos`` inside a quotation or an attribution's content?"""
        return self._embedded.overlaps(pos, pos + 1)

    def is_subject(self, pos: int, end: int) -> bool:
        """Does the mention at ``[pos, end)`` head (or name, in a compound / appositive) a subject?"""
        if pos not in self._subject:
            found = False
            if self.chunks:
                for t in self.tokens.tokens(pos, end):
                    x = t
                    for _ in range(3):
                        if x.dep_ in _SUBJ:
                            found = True
                            break
                        if x.dep_ not in ("compound", "flat", "appos", "poss") or x.head.i == x.i:
                            break
                        x = x.head
                    if found:
                        break
            self._subject[pos] = found
        return self._subject[pos]

    def plural_subject(self, pos: int, keep: Callable[[str], bool] | None = None) -> tuple[int, str, str] | None:
        """"They" with no plural antecedent among the entities and speakers: the nearest plural
        common-noun subject ("The farmers' unions protested …") of this sentence (before ``pos``)
        or the two before it, outside quotations: ``(start, text without the article, head lemma)``;
        with ``keep``, only a subject whose head lemma it keeps."""
        here = self.sent_index(pos)
        if here is None or not self.chunks:
            return None
        best = None
        for t in self._tokens_back(pos, here):
            if t.tag_ not in ("NNS", "NNPS") or t.dep_ not in _SUBJ or keep is not None and not keep(t.lemma_.lower()):
                continue
            a = self.tokens.start_of(t.left_edge)
            b = self.tokens.start_of(t) + len(t)
            if b <= pos and not self.embedded(a) and (best is None or a > best[0]):
                best = (a, re.sub(r"^(?:the|these|those|some|many)\s+", "", self.text[a:b], flags=re.I), t.lemma_.lower())
        return best

    def _tokens_back(self, pos: int, here: int) -> list[Any]:
        """The tokens from the start of the sentence two before ``here`` up to ``pos`` (one chunk)."""
        start = self.sents[max(0, here - 2)][0] if self.sents else pos
        if self.tokens.chunk_at(start) != self.tokens.chunk_at(pos):
            start = self.sents[here][0]
        return self.tokens.tokens(start, pos)

    def addressee(self, pos: int) -> bool:
        """Is the mention at ``pos`` the one a question was put to ("Winfrey asked *Meghan* whether …")?"""
        for t in self.tokens.tokens(pos, pos + 1) if self.chunks else ():
            x = t
            while x.dep_ in ("compound", "flat") and x.head.i != x.i:
                x = x.head
            v = x.head
            return (x.dep_ == "dobj" and v.lemma_.lower() in _ASK
                    and not any(c.dep_ == "xcomp" for c in v.children))   # "asked him to leave": a request
        return False

    def pick(self, pos: int, gender: str | None, cands: list[tuple[int, Any, str | None, bool]],
             own: Sequence[tuple[int, int]] = (), continuation: bool = False,
             lean: Callable[[Any, int], int] | None = None, near: bool = False) -> Any | None:
        """The antecedent of a he/she (``gender`` "m"/"f") speaker at ``pos``. ``cands`` are
        ``(position, antecedent, its gender or None, is an earlier speaker)``, nearest first;
        ``lean(antecedent, pos)`` is the net gender weight below certainty (> 0 male, < 0 female).
        ``near``: for a definite description, a named speaker or subject at most a sentence back."""
        here = self.sent_index(pos)
        best: tuple[float, int] | None = None
        choice = None
        previous = True                  # the first speaker met (nearest first) is the previous one
        for at, ante, g, speaker in cands:
            was_previous, previous = previous and speaker, previous and not speaker
            if g is not None and gender is not None and g != gender:
                continue
            there = self.sent_index(at)
            dist = (here - there) if here is not None and there is not None else 0
            if dist > (1 if near else MAX_SENTENCES):
                continue
            if continuation and was_previous and dist <= 3:
                return ante                                  # "…," he added: the previous speaker
            if any(a <= at < b for a, b in own):
                role = "own"
            elif speaker:
                role = "speaker"
            elif getattr(ante, "unnamed", False):
                role = "unnamed"                             # "there was an officer who …": weaker than a name
            elif self.embedded(at):
                role = "embedded"
            elif self.addressee(at):
                role = "addressee"
            elif self.is_subject(at, at + 1):
                role = "subject"
            else:
                role = "other"
            if near and (role not in ("speaker", "subject") or not getattr(ante, "entity_id", None)):
                continue                                     # a description: only a named speaker / subject
            cost = dist + ROLE_COST[role]
            if g is None and gender is not None:
                w = lean(ante, pos) if lean is not None else 0
                w = w if gender == "m" else -w
                cost += UNKNOWN_GENDER_COST if w == 0 else LEAN_AGAINST_COST if w < 0 else 0.0
            key = (cost, -at)
            if best is None or key < best:
                best, choice = key, ante
        return choice


def continuation_cue(lemma: str | None) -> bool:
    return bool(lemma) and lemma in _CONTINUATION


__all__ = ["MAX_SENTENCES", "Salience", "continuation_cue"]
