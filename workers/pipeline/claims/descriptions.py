"""Person descriptions ("the lawmaker", "The Indiana governor", "a spokesman") → the person the
text itself describes with that role, or nobody.

A description links to a named person only on the text's own evidence that the person holds the
role: the role word (one of its hints, ``mentions.role_hints``) — and every other capitalised word
of the description ("*Indiana* governor", "*GOP* candidate") — stands in a phrase *attached* to one
of the person's mentions in the parse:

- the words before the name in its noun phrase: "Indiana Gov. Mike Pence", "President Barack
  Obama", "Republican nominee Donald Trump";
- an appositive, a relative clause or a prepositional phrase of the name: "Pence, the governor of
  Indiana,", "Harlan, who has served in Congress since 2014,", "Sen. Nora Quint of Vermont";
- the noun the name is in apposition to: "The state's campaign chairman, Peter Vollmer,";
- a copular predicate: "Holt is a senator".

Words inside another person's mention (and what hangs from it) never count for this one: "Tina
Houchins had a question for *the president*" says nothing about Houchins. A generic person noun
("the woman", "a source") has no role to look for and links to nobody here. Abbreviated titles
count as their words ("Gov." is "governor", "Sen." "senator"); a "vice president" is not a
"president". Definite descriptions look back first, indefinite ones ("a lawmaker who …") look
ahead first; of two fitting persons in one sentence the subject wins.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import cached_property
from typing import Any, Callable

from .chunks import ChunkTokens
from .mentions import PERSON_LABELS, Mention, MentionIndex, span_root

# abbreviated titles → the words the role hints look for
_ABBREV = {"gov": "governor", "sen": "senator", "rep": "representative congressman", "pres": "president",
           "gen": "general", "sec": "secretary", "atty": "attorney", "lt": "lieutenant", "supt": "superintendent",
           "cmdr": "commander", "amb": "ambassador", "prof": "professor", "dr": "doctor"}
_ABBREV["justice"] = "justice judge"


def _sentence_end(w: str) -> bool:
    """A capitalised word with a full stop that is no abbreviation or initial ("Ohio." not "Gov.", "F.", "U.S.")."""
    return w.endswith(".") and len(w) > 2 and "." not in w[:-1] and w[:-1].lower() not in _ABBREV \
        and w[:-1].lower() not in ("mr", "mrs", "ms", "st", "jr", "sr", "mt", "ft")
_ABBREV_RE = re.compile(r"\b(" + "|".join(_ABBREV) + r")\b\.?")
_VICE = re.compile(r"\bvice[- ]+(?=presiden)")
# capitalised words of a description that name the same thing in other words
_SAME = {"gop": ("gop", "republican"), "republican": ("republican", "gop"), "us": ("us", "u.s", "american"),
         "u.s.": ("u.s", "us", "american"), "uk": ("uk", "british"), "british": ("british", "uk")}
# a role noun phrase with an article of its own names another person ("… attacked the governor")
_THE_ROLE = re.compile(r"\b(?:the|a|an|this|that|another|their|its)\s+(?:(?!(?:as|for|of|in|at|on|to|by|with|that|"
                       r"who|while|and|or)\b)[\w.’'-]+\s+){0,4}")
_LEFT = {"compound", "amod", "nmod", "nummod", "poss", "npadvmod"}
_OF = frozenset("of from at for".split())            # "Quint of Vermont", "Ekberg from Lund University"
# verbs that say what a person is or does as a role: "Hasib runs the business", "who has served in
# Congress", "who heads the agency" (a relative clause with another verb describes an act, not a role)
_ROLE_VERBS = frozenset("be become serve run own head lead chair found direct represent manage govern "
                        "command coach edit sit".split())
# the capitalised words right before a name: "Pan American Health Organization (PAHO) Director"
_CAPS_BEFORE = re.compile(r"((?:(?:[A-Z][\w.&’'-]*|\([A-Z][\w.]{1,12}\))[ \t]+){1,6})$")
# ", the governor of Indiana," / ", an analyst at …" right after a name (the parse may miss the apposition)
_APPOS = re.compile(r"\s*,\s+((?:the|a|an|its|his|her|their|one of)\s[^,;:.()“”\"\n]{1,80})")


def norm(s: str) -> str:
    s = _ABBREV_RE.sub(lambda m: _ABBREV[m.group(1)], s.lower())
    return _VICE.sub("vice-", s)


def has_word(text: str, stem: str) -> bool:
    """Does a word of ``text`` begin with ``stem`` ("senat" in "the senator"; not "president" in
    "vice-president")?"""
    stem = stem.strip()
    return bool(stem) and re.search(r"(?<![\w-])" + re.escape(stem) + r"[\w-]*(?!['’]s\b)", text) is not None


def fits(evidence: str, hints: tuple[str, ...] | None, need: list[str]) -> bool:
    """``evidence`` holds one of the ``hints`` (None: no role asked) and every ``need`` word."""
    return (hints is None or any(has_word(evidence, h) for h in hints)) and all(
        any(has_word(evidence, w) for w in _SAME.get(w, (w,))) for w in need)


class PersonDescriptions:
    """Role evidence attached to each person's mentions, and the person a description means."""

    def __init__(self, text: str, index: MentionIndex, tokens: ChunkTokens, has_parse: bool,
                 sents: list[tuple[int, int]], sent_index: Callable[[int], int | None],
                 is_subject: Callable[[int, int], bool]):
        self.sents = sents
        self.text = text
        self.index = index
        self.tokens = tokens
        self.has_parse = has_parse
        self.sent_index = sent_index
        self.is_subject = is_subject
        self._evidence: dict[int, str] = {}

    def _head(self, m: Mention) -> tuple[Any, set[int]] | None:
        """The syntactic head of mention ``m`` and the indexes of its tokens; None without a parse."""
        h = span_root(self.tokens, m.start, m.end) if self.has_parse else None
        return None if h is None else (h, {t.i for t in self.tokens.tokens(m.start, m.end)})

    def _other_person(self, t: Any, name: str) -> bool:
        p = self.tokens.start_of(t)
        return any(h.start <= p < h.end and h.label in PERSON_LABELS and h.name != name
                   for h in self.index.near(p, p + 1))

    def evidence(self, m: Mention) -> str:
        """The phrase attached to mention ``m`` in the parse (module docstring), normalised."""
        if m.start in self._evidence:
            return self._evidence[m.start]
        found = self._head(m)
        keep: set[int] = set()
        doc = None
        if found is not None:
            h, ids = found
            doc = h.doc

            def add(t: Any) -> None:     # t's subtree, not entering another person's mention
                stack = [t]
                while stack:
                    x = stack.pop()
                    if x.i in ids or x.i in keep or self._other_person(x, m.name):
                        continue
                    keep.add(x.i)
                    stack.extend(x.children)
            for c in h.children:
                if c.i in ids:
                    continue
                if (c.i < h.i and c.dep_ in _LEFT) or c.dep_ == "appos" or (c.dep_ == "prep" and c.lower_ in _OF):
                    add(c)
                elif c.dep_ in ("relcl", "acl") and c.lemma_ in _ROLE_VERBS:
                    add(c)
            if h.dep_ == "appos" and h.head.i not in ids:      # "the campaign chairman, Peter Vollmer"
                keep.add(h.head.i)
                for c in h.head.children:
                    if c.i != h.i and c.i not in ids and (c.i < h.head.i or c.dep_ in ("appos", "prep")):
                        add(c)
            x = h.head if h.dep_ == "appos" else h                  # "…'s son, Usman Hasib, runs the business"
            v = x.head
            if x.dep_ in ("nsubj", "nsubjpass") and v.lemma_ in _ROLE_VERBS:   # "Holt is a senator"
                keep.add(v.i)
                for c in v.children:
                    if c.dep_ in ("attr", "dobj", "prep", "acomp"):
                        add(c)
        cap = _CAPS_BEFORE.search(self.text, max(0, m.start - 80), m.start)   # "… (PAHO) Director Carissa"
        words = cap.group(1).split() if cap is not None else []
        ends = [k for k, w in enumerate(words) if _sentence_end(w)]                 # "… in Ohio. Gov. Rita"
        before = " ".join(words[ends[-1] + 1:] if ends else words)
        ap = _APPOS.match(self.text, m.end)
        tail = " " + ap.group(1) if ap and not any(
            x.label in PERSON_LABELS for x in self.index.near(ap.start(1), ap.end(1))
            if x.start >= ap.start(1) and x.name != m.name) else ""
        parsed = " ".join(doc[i].text for i in sorted(keep)) if doc is not None else ""
        out = norm(re.sub(r" (['’]s)\b", r"\1", parsed) + tail + " " + before)
        self._evidence[m.start] = out
        return out

    def person_fits(self, name: str, hints: tuple[str, ...] | None, need: list[str], vice: bool = False) -> bool:
        """Does one mention of ``name`` carry the role (and all ``need`` words) in its attached
        phrase? A "vice-president" fits only a description that says "vice"."""
        for x in self.index.by_name.get(name, []):
            ev = self.evidence(x)
            if (vice or "vice-" not in ev) and fits(ev, hints, need):
                return True
        return False

    def role_for_other(self, name: str, hints: tuple[str, ...]) -> bool:
        """Does a sentence naming ``name`` give the role to someone else: an object with an article
        ("Orton attacked *the governor*", "Houchins had a question for *the president*")? Only for a
        plain role noun: an epithet ("disdain for the Republican nominee") is often the person himself."""
        if not self.has_parse:
            return False
        for m in self.index.by_name.get(name, []):
            i = self.sent_index(m.start)
            if i is None:
                continue
            for t in self.tokens.tokens(*self.sents[i]):
                if t.dep_ in ("dobj", "pobj", "dative") and t.pos_ == "NOUN" and fits(norm(t.text), hints, []) \
                        and any(c.dep_ == "det" and c.lower_ in ("the", "a", "an") for c in t.children):
                    return True
        return False

    @cached_property
    def main_name(self) -> str | None:
        """The name of the person the document is about: three mentions or more, twice as many as
        anyone else (found once per document)."""
        counts = sorted(((len(ms), n) for n, ms in self.index.by_name.items()
                         if ms and ms[0].label in PERSON_LABELS), reverse=True)
        if not counts or counts[0][0] < 3 or (len(counts) > 1 and counts[0][0] < 2 * counts[1][0]):
            return None
        return counts[0][1]

    def main_person(self, s: int, e: int, hints: tuple[str, ...], need: list[str], vice: bool = False) -> Mention | None:
        """The person the document is about (:attr:`main_name`) when one sentence that names them
        also holds the role and the ``need`` words ("… that Bloomberg championed during his tenure as
        mayor" → "the former mayor") — for a plain role noun, outside a noun phrase with an article of
        its own ("Bloomberg attacked the governor"); not the description's own sentence."""
        name = self.main_name
        if name is None:
            return None
        own = self.sent_index(s)
        for m in self.index.by_name[name]:
            i = self.sent_index(m.start)
            if i is None or i == own:
                continue
            a, b = self.sents[i]
            piece = norm(self.text[a:b]) + " "
            if not need:          # "attacked the governor": someone else (an epithet may be the person)
                piece = _THE_ROLE.sub(" ", piece)
            if (vice or "vice-" not in piece) and fits(piece, hints, need):
                return m
        return None

    def describe(self, s: int, e: int, hints: tuple[str, ...], definite: bool,
                 need: list[str] | None = None, vice: bool = False) -> Mention | None:
        """The person the description at ``[s, e)`` means (module docstring), or None."""
        if not hints:
            return None
        persons, starts = self.index.by_kind[True]

        def before() -> Any:   # persons ending at or before s, latest first
            for k in range(bisect.bisect_right(starts, s) - 1, -1, -1):
                if persons[k].end <= s:
                    yield persons[k]

        def after() -> Any:    # persons starting at or after e, in order
            for k in range(bisect.bisect_left(starts, e), len(persons)):
                yield persons[k]

        order = itertools.chain(before(), after()) if definite else itertools.chain(itertools.islice(after(), 6), before())
        seen: set[str] = set()
        found: Mention | None = None
        for m in order:
            if found is not None and self.sent_index(m.start) != self.sent_index(found.start):
                break
            if m.name in seen:
                continue
            seen.add(m.name)
            if self.person_fits(m.name, hints, need or [], vice):
                if self.is_subject(m.start, m.end):
                    return m        # of two in one sentence, the subject ("Crane, the MP for Epsom, …")
                found = found or m
        return found


__all__ = ["PersonDescriptions", "fits", "has_word", "norm"]
