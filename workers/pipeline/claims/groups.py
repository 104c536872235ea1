"""Organisation descriptions for :class:`speakers.Resolver` (a mixin over its mentions and
resolved speakers): "the agency" → the nearest earlier organisation whose text has a hint of that
noun (``source_nouns.GROUP_HINTS``), "the company" → the one organisation named just before, "South
Korea's top spy agency" → the organisation whose name holds the possessor and the role."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from .coordination import DET as _DET
from .source_nouns import GROUP_HINTS, ORG_NOUNS as _ORG_NOUNS
from .mentions import PERSON_LABELS as _PERSON_LABELS, Mention
from .records import Speaker

# "South Korea's top spy agency": a possessor, up to three modifiers, a group role noun
_POSSESSED = re.compile(r"^(.+?)['’]s\s+(?:[\w-]+\s+){0,3}[\w-]+$")


@dataclass
class Antecedent:
    """A mention as a pronoun's or description's antecedent (a resolved :class:`Speaker` is one too)."""
    name: str
    entity_id: str | None
    entity_ids: list[str] | None = None
    text: str = ""
    unnamed: bool = False       # a person brought in without a name ("an officer"), not a mention


def _has_hint(text: str, hints: tuple[str, ...]) -> bool:
    """Does a word of ``text`` (lower case) begin with one of the ``hints`` ("organi", "agency")?"""
    return any(re.search(r"\b" + re.escape(h), text) for h in hints)


class GroupDescriptions:
    """Needs ``self.index``, ``self.mentions``, ``self.sents``, ``self._sent_index``,
    ``self._candidates`` and ``self._fitting`` (a dict) from the resolver."""
    index: Any
    mentions: list[Mention]
    sents: list[tuple[int, int]]
    _fitting: dict[Any, list[Mention]]

    def _describe_group(self, s: int, role: str) -> Speaker | Antecedent | None:
        """ "the agency" → the nearest earlier organisation mention or speaker whose text has a hint."""
        hints = GROUP_HINTS.get(role) or (role,)
        cands = [d for d, _, _ in self._candidates(s, False)]
        for d in cands:
            txt = f"{d.text} {d.name}".lower()
            if d.text and _DET.match(d.text) and not d.entity_id:
                words = d.text.lower().split()
                if words[0] == "the" and len(words) > 2 and _has_hint(words[-1], hints) \
                        and self._named_other(cands, words):
                    return d   # "…, the defence ministry said. …, the ministry said": the nearest one that says which
                continue   # another bare description
            if _has_hint(txt, hints):
                return d
        return self._lone_organisation(s) if role in _ORG_NOUNS else None

    @staticmethod
    def _named_other(cands: list[Any], words: list[str]) -> bool:
        """Is a named candidate of the same head noun there with another modifier ("German Foreign
        Ministry" beside "the defence ministry")? Only then does the description say which one is
        meant; otherwise ("Samsung …, the South Korean company said") the named one comes first."""
        head, mods = words[-1], words[1:-1]
        for d in cands:
            if not d.entity_id:
                continue
            named = f"{d.text or d.name}".lower().split()
            if named and named[-1] == head and [w for w in named[:-1] if w != "the"][-len(mods):] != mods:
                return True
        return False

    def _lone_organisation(self, s: int) -> Antecedent | None:
        """ "Shares of Brightwell Foods fell. The company said …": the one organisation named in this
        sentence or the two before it, when it is the only one there."""
        i = self._sent_index(s)
        if i is None:
            return None
        lo = self.sents[max(0, i - 2)][0]
        ms, starts = self.index.by_kind[False]
        found = {m.entity_id: m for m in ms[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, s)]
                 if m.label == "ORG" and m.entity_id and m.end <= s}
        if len(found) != 1:
            return None
        m = next(iter(found.values()))
        return Antecedent(m.name, m.entity_id, text=m.text)

    def _possessed_group(self, s: int, e: int, surface: str, role: str, hits: list[Mention]) -> Mention | None:
        """"South Korea's top spy agency" → the organisation the document names whose name has a
        hint of the role and the possessor's name ("South Korean National Intelligence Service"):
        the nearest such mention before the description, else the first after it (a lead often
        describes before it names)."""
        m = _POSSESSED.match(surface)
        if m is None:
            return None
        owner_end = s + m.end(1)
        owner = [h for h in hits if h.start >= s and h.end <= owner_end and h.label not in _PERSON_LABELS]
        if not owner:
            return None
        owner_words = [w[:4] for w in re.findall(r"\w+", owner[0].name.lower())]
        hints = GROUP_HINTS.get(role) or (role,)

        def fits(x: Mention) -> bool:   # owner words by their first four letters: Norway ~ Norwegian
            low = x.name.lower()
            stems = {w[:4] for w in re.findall(r"\w+", low)}
            return (x.label == "ORG" and x.entity_id is not None and len(stems) > len(owner_words)
                    and all(w in stems for w in owner_words)
                    and _has_hint(low, hints))

        key = (tuple(owner_words), hints)   # the fitting mentions once per owner and role, not per description
        fitting = self._fitting.get(key)
        if fitting is None:
            fitting = self._fitting[key] = [x for x in self.mentions if fits(x)]
        before = [x for x in fitting if x.end <= s]
        if before:
            return before[-1]
        return next((x for x in fitting if x.start >= e), None)


__all__ = ["Antecedent", "GroupDescriptions"]
