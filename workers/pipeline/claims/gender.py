"""Gender evidence for he/she resolution: an honorific ("Mr", "Ms", "Mrs") before one of a
person's mentions or a gendered role noun in an appositive ("Jones, a spokeswoman"), weight 3; the
first he/she/his (possessive her) after each mention with no other person between, weight 1 (a
vote per pronoun). A person is "m"/"f" when the weights differ by two or more; no first-name lists."""

from __future__ import annotations

import bisect
import re
from typing import Callable

from .mentions import MentionIndex, surface_gender

# the gendered family and role nouns, one list for the three rules that read them (this module's
# appositive and noun rules, coref's role before a name): female, male
FEMALE_NOUNS = ("actress", "mother", "wife", "daughter", "sister", "widow", "queen", "princess", "duchess")
MALE_NOUNS = ("father", "husband", "son", "brother", "widower", "king", "prince", "duke")
_F, _M = "|".join(FEMALE_NOUNS), "|".join(MALE_NOUNS)

# gendered role nouns by their ending, in an appositive right after a name ("Jones, a spokeswoman")
_ROLE_GENDER = re.compile(r"\s*,\s+(?:a|an|the)\s+(?:(?!(?:of|for|with|to|his|her|their|whose)\s)[\w’'.-]+\s+){0,4}?"
                          r"\w*?(?:(spokes|chair|congress|business|council|police|anchor|sales)(wo)?m[ae]n|"
                          rf"({_F})|({_M}))\b", re.I)
# subject / possessive forms only: an object "him"/"her" after a name is mostly someone else
# ("Lee invited him to visit her")
_PRONOUN_GENDER = re.compile(r"\b(?:(he|his|himself)|(she|hers|herself|her(?=\s+(?!(?:to|in|at|on|for|with|from|by|and|or|as|"
                             r"that|than|about|into|after|before|over|up|out|off|back|again|down)\b)[\w’'-])))\b", re.I)


_NOUN_GENDER = re.compile(rf"(?:(\w*wom[ae]n|{_F}|girl|lady)|"
                          r"((?!(?:hu|ger|ro|otto|talis|cai|sha|abdo|speci|o|a|regi|acu|ye|sta|se|hy|ra)m[ae]n$)"
                          rf"\w*m[ae]n|{_M}|boy))$")
# (not "human", "German", "Roman", "specimen", "omen", …: words that only end like "man"/"men")


def noun_gender(lemma: str) -> str | None:
    """The gender a person noun itself says ("spokeswoman", "a man", "his brother"), else None."""
    m = _NOUN_GENDER.fullmatch(lemma.lower())
    return None if m is None else "f" if m.group(1) else "m"


class GenderVotes:
    def __init__(self, text: str, index: MentionIndex, sents: list[tuple[int, int]],
                 sent_index: Callable[[int], int | None]):
        self.text = text
        self.index = index
        self.sents = sents
        self._sent_index = sent_index
        self._votes: dict[str, list[tuple[int, str, int]]] | None = None

    def votes(self) -> dict[str, list[tuple[int, str, int]]]:
        """name → [(pronoun position or -1, "m"/"f", weight)]: honorifics and gendered role nouns
        (weight 3) and the first he/she after a mention with no other person between (weight 1)."""
        if self._votes is not None:
            return self._votes
        votes: dict[str, list[tuple[int, str, int]]] = {}
        persons, starts = self.index.by_kind[True]
        for k, m in enumerate(persons):
            v = votes.setdefault(m.name, [])
            g = surface_gender(self.text[max(0, m.start - 8):m.start] + m.text, tail=True)
            if g:
                v.append((-1, g, 3))
            r = _ROLE_GENDER.match(self.text, m.end, min(len(self.text), m.end + 80))
            if r:
                v.append((-1, "f" if r.group(2) or r.group(3) else "m", 3))
            i = self._sent_index(m.start)
            if i is None:
                continue
            limit = self.sents[min(i + 1, len(self.sents) - 1)][1]
            p = _PRONOUN_GENDER.search(self.text, m.end, limit)
            if p is None:
                continue
            nxt = bisect.bisect_right(starts, m.start)
            while nxt < len(persons) and persons[nxt].name == m.name:
                nxt += 1
            if nxt < len(persons) and persons[nxt].start < p.start():
                continue   # another person between: the pronoun may be theirs
            if re.search(r"[“\"]", self.text[m.end:p.start()]):
                continue   # a quote opened between: the pronoun is the quoted speaker's
            if not any(pos == p.start() for pos, _, _ in v):   # one vote per pronoun, however many mentions
                v.append((p.start(), "m" if p.group(1) else "f", 1))
        self._votes = votes
        return votes

    def score(self, name: str, exclude: int = -2) -> int:
        """The net weight: > 0 leans male, < 0 female (the pronoun at ``exclude`` not counted)."""
        score = 0
        for pos, g, w in self.votes().get(name, ()):
            if pos != exclude:
                score += w if g == "m" else -w
        return score

    def gender(self, name: str, exclude: int = -2) -> str | None:
        score = self.score(name, exclude)
        # one stray pronoun is not evidence enough ("Warren told Stumpf, after he admitted …"):
        # an honorific or role noun (3), or two pronouns more for one gender than the other
        return "m" if score >= 2 else "f" if score <= -2 else None

