"""Direct quotes attached to an adjacent cue ("“…,” said X", "X said: “…”"), continued by later
quote pieces that carry no cue of their own ("“…,” said X. “…”", quotes over two paragraphs);
``continued_rule``: a whole quoted sentence with no cue right after a quote someone was given
("X warned that data “is our eyes and ears.” “We must adjust …”") is that speaker's too, and a
quote right after an inverted cue ("X, Levy said, but “…”") joins that attribution's content."""

from __future__ import annotations

import bisect
import re
from typing import Any

from ..contents import Content, _content_tokens, answer
from ..context import MIN_QUOTE_WORDS, ChunkContext, DocContext
from ..quotes import Quote
from ..records import Attribution, Span
from ..sentences import Covered
from ..subjects import _bad_speaker, _subject

_WORD = re.compile(r"\w")


def rule(c: ChunkContext) -> list[Attribution]:
    d, off, text = c.doc, c.off, c.text
    chunk_len = c.chunk_len
    attached: dict[int, list[int]] = {}
    contents: dict[int, Content] = {}   # cue token index -> the content the parse gave it
    q_lo = bisect.bisect_left(d.qstarts, off) if d.qsorted else 0
    q_hi = bisect.bisect_left(d.qstarts, off + chunk_len) if d.qsorted else len(d.quotes)
    for n in range(q_lo, q_hi):   # the quotes starting inside this chunk
        q = d.quotes[n]
        if q.continues is not None or not (off <= q.start < off + chunk_len) or not d.speechlike(n):
            continue
        best = cue_for_quote(d, n, q, off, c.sdoc, c.cue_tokens, contents)
        if best is not None:
            attached.setdefault(best.i, []).append(n)
    out: list[Attribution] = []
    for t, stance in c.cue_tokens:
        if t.i not in attached:
            continue
        qs = attached[t.i]
        spans: list[Span] = []
        for n in qs:
            spans.extend(d.quote_chain(n))
        # continuation: following quotes with no cue of their own
        last_end = max(clause_end(d, t, off, spans, _own_after(t, contents)), spans[-1][1])
        k = max(qs) + 1
        while k < len(d.quotes):
            k2 = k
            while k2 < len(d.quotes) and d.quotes[k2].continues is not None:
                k2 += 1
            if k2 >= len(d.quotes):
                break
            nq = d.quotes[k2]
            gap = text[last_end:nq.start]
            if _WORD.search(gap) or gap.count("\n") > 2 or any(k2 in v for v in attached.values()):
                break
            if nq.words(text) < MIN_QUOTE_WORDS:
                break
            spans.extend(d.quote_chain(k2))
            last_end = spans[-1][1]
            k = k2 + 1
        spk = _subject(t)
        if spk is not None and _bad_speaker(spk):
            continue
        spk_span = d.spk(spk, off) if spk is not None else None
        # "said that “…”" and quotes that open mid-sentence (lowercase: “has consistently
        # demonstrated …”) are quoted fragments inside reported speech: mixed, not direct
        direct = not (any(n in d.that_quotes for n in qs) or d.fragment(qs[0]))
        if off + t.idx >= d.quotes[qs[0]].end:
            led = lead_in(d, t, off, qs[0], spans)
            if led != spans:
                spans, direct = led, False
        out.append(d.verb_att(t, stance, off, c.ci, spk_span, sorted(set(spans)), direct, "quote"))
        c.done_cues.add(t.i)
    return out


def _content_of(t: Any, contents: dict[int, Content]) -> Content:
    """``_content_tokens(t)``, found once per cue token of a chunk (``contents``: what was found)."""
    if t.i not in contents:
        contents[t.i] = _content_tokens(t)
    return contents[t.i]


def _own_after(t: Any, contents: dict[int, Content]) -> set[int]:
    """The tokens of the content the parse gave cue ``t`` after it (a clause the quote before the
    cue took the place of: "“…,” Kiedis said, mentioning …")."""
    own = _content_of(t, contents)
    return {x.i for x in own[0] if x.i > t.i} if own is not None else set()


def clause_end(d: DocContext, t: Any, off: int, spans: list[Span], skip: set[int] = frozenset()) -> int:
    """End of the attribution clause of cue ``t``: its subtree tokens outside any quote (and
    outside ``skip``)."""
    end = off + t.idx + len(t)
    for x in t.subtree:
        if x.i not in skip and not d.inside_quote(x, off) and x.text not in "“”\"":
            end = max(end, off + x.idx + len(x))
    return end


def cue_for_quote(d: DocContext, n: int, q: Quote, off: int, sdoc: Any, cue_tokens: list[tuple[Any, str]],
                  contents: dict[int, Content]) -> Any | None:
    """The cue token a speech-like quote attaches to: right after it (only punctuation and the
    speaker's own words between) or right before it ("X said: “…”"); None. ``contents``: the
    chunk's cue contents found so far (see :func:`_content_of`), shared with the caller."""
    text = d.text
    # last piece of a multi-paragraph quote
    last = n
    while last + 1 < len(d.quotes) and d.quotes[last + 1].continues == last:
        last += 1
    q_end = d.quotes[last].end
    best = None
    for t, _ in cue_tokens:
        if d.inside_quote(t, off):
            continue
        ts = off + t.idx
        if ts >= q_end and answer(t) is not None:
            continue   # "Asked if X is “…,” 72 percent said yes": the quote is the question, the answer theirs
        if ts >= q_end:
            # after the quote: only punctuation and the speaker's own words in between
            if ts - q_end > 200 or "\n" in text[q_end:ts]:
                continue
            spk = _subject(t)
            allowed = set()
            if spk is not None:
                allowed.update(x.i for x in spk.subtree)
                allowed.update(_frame(t, spk))
            # a cue with its own content after it ("“…” She says they will go on") does
            # not take the quote before it
            own = _content_of(t, contents)
            if own is not None and any(x.i > t.i and not d.inside_quote(x, off) and not x.is_punct
                                       for x in own[0]) and not (_closes_sentence_part(text, q.start, q_end, spk, off)
                                                                 and _detached(t, own[0])):
                continue
            between = []
            k = t.i - 1
            while k >= 0 and off + sdoc[k].idx >= q_end:
                between.append(sdoc[k])
                k -= 1
            if any(d.quote_at(off + x.idx) is not None for x in between):
                continue
            if all(x.is_punct or x.is_space or x.i in allowed or x.pos_ in ("ADV", "AUX", "PART") for x in between):
                if "\n" in text[q_end:ts] and spk is not None and spk.i > t.i:
                    continue
                best = t
                break
        elif ts < q.start:
            gap = text[ts + len(t):q.start]
            if len(gap) > 60 or "\n\n\n" in gap:
                continue
            g = gap.strip()
            spk = _subject(t)
            if spk is not None and spk.i > t.i:
                # "said Mr X: “…”" — drop the inverted speaker from the gap
                sp = d.spk(spk, off)
                if sp and sp[0] >= ts:
                    g = text[sp[1]:q.start].strip()
            if g.rstrip(",:; ").endswith("that") and spk is not None:
                d.that_quotes.add(n)
            if (g == "" or g in (":", ",", "that", ", that", "that,") or (g.endswith(":") and not re.search(r"\b(is|are|was|were)\b", g))) and spk is not None:
                best = t
    return best


def _detached(t: Any, own: list[Any]) -> bool:
    """The content the parse gave the cue does not follow it directly ("said, mentioning …", "said
    in February of …"; "said Clinton’s judgment is …" or "said that …" does)."""
    first = min((x.i for x in own if x.i > t.i), default=t.i)
    return first > t.i + 1 and not (first == t.i + 2 and t.doc[t.i + 1].lower_ == "that")


def _closes_sentence_part(text: str, q_start: int, q_end: int, spk: Any, off: int) -> bool:
    """"“We lost,” Kiedis said, mentioning …": a quotation opening its sentence, closed by a comma,
    "?" or "!" inside its marks and followed by its speaker is the cue's content, whatever the parse
    hung after the cue ("“We lost.” She says they will go on" is not, nor a show's name: "On Fox's
    “Hannity,” Gingrich said …")."""
    before = text[max(0, q_start - 3):q_start].rstrip(" \t")
    return (spk is not None and off + spk.idx >= q_end
            and (before == "" or before[-1] in ".!?\n”\"")
            and bool(re.search(r"[,?!]\s*[”\"’']\s*$", text[max(0, q_end - 4):q_end])))


_JOIN = re.compile(r"[ \t]*,?[ \t]*(?:but|and)?[ \t]*[:,]?[ \t]*")


def _after_clause(text: str, owners: list[Attribution], tails: list[tuple[int, int]], tail_pos: list[int],
                  q0: int) -> Attribution | None:
    """"X happened, Levy said, but “I want …”": a quote right after an inverted attribution's
    clause (its content before the cue; only a comma and "but"/"and" between) goes on with it: the
    quote joins that attribution's content (PolNeAR annotates one content on both sides)."""
    k = bisect.bisect_right(tail_pos, q0) - 1
    while k >= 0 and q0 - tails[k][0] <= 12:
        tail, i = tails[k]
        if _JOIN.fullmatch(text, tail, q0) and "\n" not in text[tail:q0]:
            return owners[i]
        k -= 1
    return None


def _frame(t: Any, spk: Any) -> set[int]:
    """The verbs and prepositions between a cue and the speaker it climbed to ("“…,” he was
    quoted as saying", "“…,” the man could be heard saying"): part of the attribution clause."""
    out: set[int] = set()
    x = t
    for _ in range(4):
        if x.dep_ not in ("xcomp", "pcomp", "prep", "advcl") or x.head.i == x.i:
            break
        x = x.head
        out.add(x.i)
        if any(c.i == spk.i for c in x.children):
            return out
    return set()


def lead_in(d: DocContext, t: Any, off: int, n: int, spans: list[Span]) -> list[Span]:
    """"The campaign grew out of the belief that “…,” added X", "In past campaigns, “we felt
    …,” he said": words before a quote whose cue comes after it (from the sentence start, same
    line, no other quote, not a frame ending in a colon) are the content too, which makes it
    mixed. PolNeAR annotates them so (train 500–684: direct/indirect 0.973/0.979 → 0.975/0.980)."""
    q = d.quotes[n]
    text = d.text
    s0 = off + t.sent.start_char
    lo = max(s0, text.rfind("\n", 0, q.start) + 1)
    lead = text[lo:q.start]
    if not _WORD.search(lead) or d.quote_at(lo) is not None or re.search(r"[“”\"]", lead):
        return spans
    if lead.rstrip().endswith(":"):
        return spans   # "… of all: “It's about time …,” she said": the colon frames the quote
    before = text[max(0, lo - 3):lo].rstrip()
    if before and before[-1] not in ".!?”\"’'\n":
        return spans   # not a real sentence start (the parse split the sentence)
    while lo < q.start and text[lo].isspace():
        lo += 1
    return [(lo, spans[0][1])] + spans[1:] if spans and spans[0][0] == q.start else spans


_SENTENCE_START = re.compile(r"(?:^|[.!?:”\"’'…)]|\n)[ \t\u00a0]*$")


def continued_rule(d: DocContext, found: list[Attribution]) -> list[Attribution]:
    """A quoted sentence with no cue of its own, not in any attribution, right after a quote that
    lies in an attribution's content (only spaces and at most one paragraph break between): the
    same speaker's direct speech, with that attribution's cue (``how = "continued"``). Linear in
    the quotes and attributions (bisect over sorted offsets)."""
    text = d.text
    owners = [a for a in found if a.speaker is not None and a.content]
    covered = Covered([sp for a in owners for sp in a.content])
    # quote index -> the first attribution whose content overlaps it
    starts = [q.start for q in d.quotes]
    owner_of: dict[int, Attribution] = {}
    for a in owners:
        for x0, x1 in a.content:
            k = max(0, bisect.bisect_right(starts, x0) - 1)
            while k < len(d.quotes) and d.quotes[k].start < x1:
                if d.quotes[k].end > x0:
                    owner_of.setdefault(k, a)
                k += 1
    # inverted attributions by the end of their cue clause
    tails = sorted((max(a.cue.end, a.speaker[1] if a.speaker else 0), i) for i, a in enumerate(owners)
                   if a.content[-1][1] <= a.cue.start)
    tail_pos = [t for t, _ in tails]
    out: list[Attribution] = []
    for k, q in enumerate(d.quotes):
        if q.continues is not None or not q.closed or q.words(text) < MIN_QUOTE_WORDS:
            continue
        chain = d.quote_chain(k)
        c0, c1 = chain[0][0], chain[-1][1]
        if covered.overlaps(c0, c1) or k in owner_of:
            continue   # already someone's
        after = text[c1:c1 + 3].lstrip(" \t")
        if after[:1].islower() or after[:1] in (",", ";"):
            continue   # the sentence goes on: "“…” was the message"
        prev = _after_clause(text, owners, tails, tail_pos, q.start)
        if prev is not None:   # one attribution, its content on both sides of the cue
            prev.content = prev.content + chain
            continue
        line0 = text.rfind("\n", 0, q.start) + 1
        if k == 0 or not _SENTENCE_START.search(text[max(line0, q.start - 3):q.start]) and text[line0:q.start].strip():
            continue
        p = d.quotes[k - 1]
        gap = text[p.end:q.start]
        if _WORD.search(gap) or gap.count("\n") > 2:
            continue
        prev = owner_of.get(k - 1)
        if prev is None:
            continue
        att = Attribution(prev.cue, prev.speaker, chain, True, speaker_ref=prev.speaker_ref,
                          sent_start=q.start, anchor=-1, chunk=-1, how="continued")
        out.append(att)
        for j in range(k, k + len(chain)):
            owner_of[j] = att
    return out


