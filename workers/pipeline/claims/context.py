"""What the attribution rules share: the document (:class:`DocContext` — text, quotes, token
lookup, the speaker spans and cue probabilities found so far, the options) and one parsed chunk
(:class:`ChunkContext` — its tokens, the cue tokens the lexicon and the learned detector chose,
its "according to" phrases, the attributions earlier rules found in it).

Every chunk rule (``rules/``) takes a :class:`ChunkContext` and returns new attributions."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .chunks import ChunkTokens
from .cues import cue_probability
from .options import DEFAULT_OPTIONS, ClaimOptions
from .quotes import Quote, find_quotes
from .records import Attribution, Cue, Span
from .spans import span_of, word_count
from .subjects import _is_relpron, _speaker_tokens

# what a content found inside a quote may have skipped after the opening mark: spaces, "[", an
# ellipsis, one complementiser ("“If you want …": the parse's clause starts after "If")
_QUOTE_LEAD = re.compile(r"[\s\[…]*(?:\.\.\.)?[\s\[…]*(?:(?:if|whether|when|because|although|though|while|as)\s+)?", re.I)
_THAT_BEFORE = re.compile(r"\bthat,?\s*$", re.I)
MIN_QUOTE_WORDS = 4


class DocContext:
    def __init__(self, text: str, chunks: list[tuple[int, Any]], options: ClaimOptions | None = None):
        self.text = text
        self.chunks = chunks
        self.options = options or DEFAULT_OPTIONS
        self.quotes = [q for q in find_quotes(text)]
        self.qstarts = [q.start for q in self.quotes]
        self.qsorted = all(a <= b for a, b in zip(self.qstarts, self.qstarts[1:]))
        self.tokens = ChunkTokens(chunks)
        self.refs: dict[Span, Span] = {}
        self.learned: set[tuple[int, int]] = set()          # cues found by the learned detector only
        self.cue_p: dict[tuple[int, int], float] = {}
        self.spk_kinds: dict[Span, str] = {}
        self.spk_lemmas: dict[Span, str] = {}
        self.that_quotes: set[int] = set()   # quotes introduced by "said that “…”": mixed speech

    @cached_property
    def sentences(self) -> list[tuple[int, Any]]:
        """Every sentence of the document as (chunk offset, spaCy sentence), in order: built once for
        the rules that look at the sentence before ("That is the view of X", "That's according to X")."""
        return [(off, s) for off, sdoc in self.chunks for s in sdoc.sents]

    # speakers and cues ----------------------------------------------------
    def spk(self, tok: Any, off: int) -> Span | None:
        """Surface span of a speaker token; a relative pronoun ("who said") is the surface and
        its antecedent noun phrase is remembered for resolution."""
        sp = span_of(_speaker_tokens(tok), off)
        if sp is not None:
            low = tok.lower_
            self.spk_kinds[sp] = low if tok.pos_ == "PRON" else (tok.ent_type_ or tok.pos_)
            # a capitalised head inside a sentence, or one capitalised inside a sentence elsewhere,
            # is a name the tagger took for a noun ("Wines believes …"): no lemma, so the source
            # check (sources.py) leaves it alone
            name = tok.is_title and (tok.i != tok.sent.start
                                     or re.search(r"[a-z,;]\s+" + re.escape(tok.text) + r"\b", self.text) is not None)
            self.spk_lemmas[sp] = "" if name else tok.lemma_.lower()
        if sp is not None and _is_relpron(tok):
            ref = span_of(_speaker_tokens(tok.head.head), off)
            if ref is not None:
                self.refs[sp] = ref
        return sp

    def cue_probability(self, t: Any, off: int) -> float | None:
        return cue_probability(t, self.inside_quote(t, off), self.options.cue_model)

    def cue(self, t: Any, off: int, stance: str) -> Cue:
        # multiword cue: particle / "for" preposition ("called for", "pointed out")
        end = t.idx + len(t)
        for c in t.children:
            if c.dep_ == "prt" and c.i == t.i + 1:
                end = c.idx + len(c)
        return Cue(off + t.idx, off + end, self.text[off + t.idx: off + end], t.lemma_.lower(), stance, t.tag_)

    def verb_att(self, t: Any, stance: str, off: int, ci: int, speaker: Span | None,
                 spans: list[Span], direct: bool, how: str) -> Attribution:
        """An attribution whose cue is the verb token ``t`` of chunk ``ci`` (its sentence, anchor
        and learned cue probability come from ``t``)."""
        return Attribution(self.cue(t, off, stance), speaker, spans, direct, sent_start=off + t.sent.start_char,
                           anchor=t.i, chunk=ci, how=how, cue_p=self.cue_p.get((ci, t.i), -1.0))

    # quotes ---------------------------------------------------------------
    def quote_at(self, pos: int) -> int | None:
        k = bisect.bisect_right(self.qstarts, pos) - 1
        if k >= 0 and self.quotes[k].start <= pos < self.quotes[k].end:
            return k
        return None

    def inside_quote(self, t: Any, off: int) -> bool:
        return self.quote_at(off + t.idx) is not None

    def fragment(self, n: int) -> bool:
        """A quote that continues the words before it: lowercase start, right after a word."""
        a, b = self.quotes[n].inner
        m = re.search(r"[^\W\d_]", self.text[a:b])
        before = self.text[max(0, self.quotes[n].start - 30):self.quotes[n].start].rstrip(" ")
        return bool(m and m.group().islower() and before and before[-1].isalpha())

    def speechlike(self, n: int) -> bool:
        q = self.quotes[n]
        if q.words(self.text) >= MIN_QUOTE_WORDS:
            return True
        a, b = q.inner
        return bool(re.search(r"[.!?,]\W*$", self.text[a:b]))

    def quote_chain(self, n: int) -> list[Span]:
        """Quote ``n`` and the pieces continuing it over the next paragraphs."""
        spans = [(self.quotes[n].start, self.quotes[n].end)]
        k = n + 1
        while k < len(self.quotes) and self.quotes[k].continues == k - 1:
            spans.append((self.quotes[k].start, self.quotes[k].end))
            k += 1
        return spans

    def quote_covering(self, spans: list[Span]) -> Span | None:
        """The quote that a dependency-found content mostly fills (the parse cut a quote short):
        content inside one quote of ≥ 4 words, covering ≥ 60 % of its words."""
        n = self.quote_at(spans[0][0])
        if n is None:
            return None
        q = self.quotes[n]
        if any(not (q.start <= a and b <= q.end) for a, b in spans) or q.words(self.text) < MIN_QUOTE_WORDS:
            return None
        got = word_count(self.text, spans)
        return (q.start, q.end) if got >= 0.6 * q.words(self.text) else None

    def quote_opened(self, spans: list[Span], cue_at: int) -> list[Span] | None:
        """A content that begins where a quote after the cue begins (“told Fox News, “So, X has
        nukes. …”", the parse's clause stopping at the first sentence or running past the closing
        mark) is that whole quote, with its later paragraphs."""
        a = spans[0][0]
        n = self.quote_at(a)
        if n is None:
            return None
        q = self.quotes[n]
        if q.start <= cue_at or q.continues is not None or q.words(self.text) < MIN_QUOTE_WORDS:
            return None
        if not _QUOTE_LEAD.fullmatch(self.text, q.inner[0], a):
            return None
        first = re.search(r"[^\W\d_]", self.text[q.inner[0]:q.end])
        if first is None or first.group().islower():   # “the current system …”: a fragment
            return None
        return self.quote_chain(n)

    def all_quoted(self, spans: list[Span]) -> bool:
        """Content found by dependency rules is direct only when every span is a whole quote of
        at least four words (a nested attribution inside a quote, or a quoted fragment after
        "called X", is not direct speech; nor is a quote after the complementiser, "said that “…”",
        which is quoted words inside reported speech: mixed)."""
        for a, b in spans:
            n = self.quote_at(a)
            if n is None or self.quotes[n].start != a or self.quotes[n].end < b - 1:
                return False
            if _THAT_BEFORE.search(self.text, max(0, a - 8), a):
                return False
            if self.quotes[n].words(self.text) < MIN_QUOTE_WORDS:
                return False
        return True


@dataclass
class ChunkContext:
    doc: DocContext
    ci: int                                   # chunk index
    off: int                                  # the chunk's offset in the text
    sdoc: Any                                 # the chunk's spaCy Doc
    cue_tokens: list[tuple[Any, str]]         # (cue token, stance), token order
    # "according to X": head token i -> (speaker span, cue, the "according" token)
    according: dict[int, tuple[Span | None, Cue, Any]]
    found: list[Attribution] = field(default_factory=list)   # this chunk's attributions so far
    done_cues: set[int] = field(default_factory=set)         # cue tokens that made an attribution
    chained: set[int] = field(default_factory=set)           # cue tokens heading a chain's content
    # a cue the parse hung on another cue's content clause ("said X, and accused Y"): token i -> the
    # outer cue's speaker token, whose second act it is
    second_acts: dict[int, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def chunk_len(self) -> int:
        sdoc = self.sdoc
        return sdoc[-1].idx + len(sdoc[-1].text_with_ws) if len(sdoc) else 0


__all__ = ["ChunkContext", "DocContext", "MIN_QUOTE_WORDS", "Quote"]
