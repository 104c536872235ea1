"""Structural attributions: who said a quotation, read off the layout rather than a cue verb.

- ``dash_sources``: a quotation paragraph signed by a dash line — the dash and name at the end of
  the same paragraph (“…” ― Ana Ruiz, 41, Tucson) or on the next line ("- Ana Ruiz."), as vox-pop
  collections, fact checks and pull-quotes print them. The quote is the content (direct speech),
  the name after the dash the speaker, the dash the cue.
- ``citation``: a parenthetical source closing a sentence, as science and policy writing cites
  ("… displacements (Otto, Imperial College London).", "… records (World Meteorological
  Organization, 2023)."): the sentence before it is the source's; the parenthesis is the cue.
- ``colon_lines``: "<Speaker>: <statement>" at the start of a line — headlines ("NY Daily News:
  Paris Attacks Highlight …") and transcript turns ("PENCE: Well, …"). The colon is the cue.

Functions return plain offsets (absolute, into the text); ``extract`` makes the records.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from .chunks import ChunkTokens
from .lexicon import COLON_NON_SPEAKERS, NAME_PARTICLES as _NAME_PARTICLES
from .source_nouns import GROUP_HINTS, ROLE_HINTS
from .quotes import Quote

# "―" (U+2015), em and en dashes, "--" and a lone hyphen (only before a space or a capital)
_DASH = r"(?:―|—|–|--|-(?=\s|[A-Z]))"
# a person or organisation name: capitalised words (initials, particles, hyphens and accented
# letters allowed), at most six
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|del|da|dos|la|le|van|von|bin|al)"
_NAME = rf"[A-Z][\w'’.-]*(?:[ \t]+{_NAME_WORD}){{0,5}}"
# the signature: dash, name, an optional handle and an optional ", 34, Phoenix" tail to line end
_SIGN = re.compile(rf"[ \t]*({_DASH})[ \t]*({_NAME}?)[.]?(?:[ \t]*\(@\w+\))?(?:[ \t]*,[^\n]{{0,80}})?[ \t.]*$")
_MAX_TAIL_WORDS = 12


_COLON_LINE = re.compile(r"(?m)^[ \t]*[\"“]?([A-Z][^:\n]{1,60}?)(:)[ \t]+(\S[^\n]*)$")
_LABEL_PARTICLES = ("of", "the", "and", "for", "&", "de", "van", "von")


class ColonLine(NamedTuple):
    cue: tuple[int, int]
    speaker: tuple[int, int]
    content: list[tuple[int, int]]
    line_start: int


class Structural(NamedTuple):
    cue: tuple[int, int]
    speaker: tuple[int, int]
    content: list[tuple[int, int]]
    how: str


def _line(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, len(text) if b == -1 else b


def _paragraph_quote(text: str, quotes: list[Quote], k: int) -> list[tuple[int, int]] | None:
    """The spans of quote ``k`` and the pieces it continues, when the quote is a whole paragraph
    (or the last paragraph of a multi-paragraph quote): it opens the paragraph and is closed."""
    q = quotes[k]
    if not q.closed or q.words(text) < 2:
        return None
    a, _ = _line(text, q.start)
    if text[a:q.start].strip():
        return None
    spans = [(q.start, q.end)]
    while q.continues is not None:
        q = quotes[q.continues]
        spans.insert(0, (q.start, q.end))
    return spans


def _name_ok(text: str, a: int, b: int) -> bool:
    return 0 < len(text[a:b].split()) <= 6


def dash_sources(text: str, quotes: list[Quote]) -> list[Structural]:
    """Quotation paragraphs signed by a dash line (see the module docstring). A quote that does
    not open its paragraph, a signature longer than a name and short tail, or a name-less dash
    is left alone."""
    out: list[Structural] = []
    for k, q in enumerate(quotes):
        if not q.closed:
            continue
        la, lb = _line(text, q.end)
        rest = text[q.end:lb]
        m = _SIGN.match(rest)
        how = "dash"
        if m is None and not rest.strip(" \t.,"):
            # the signature on the next non-empty line
            nxt = re.compile(r"\n[ \t]*\n?[ \t]*").match(text, lb)
            if nxt is None:
                continue
            na, nb = _line(text, nxt.end())
            if nb <= na:
                continue
            m2 = _SIGN.match(text, na, nb)
            if m2 is None or not text[na:m2.start(1)].strip() == "":
                continue
            m, base = m2, 0
            how = "dash_line"
        else:
            base = q.end
            if m is None:
                continue
        if not m.group(2):
            continue
        spans = _paragraph_quote(text, quotes, k)
        if spans is None:
            continue
        s0, s1 = base + m.start(2), base + m.end(2)
        while s1 > s0 and text[s1 - 1] in ".":
            s1 -= 1
        if not _name_ok(text, s0, s1) or len(re.findall(r"\w+", m.group(0))) > _MAX_TAIL_WORDS:
            continue
        c0, c1 = base + m.start(1), base + m.end(1)
        out.append(Structural((c0, c1), (s0, s1), spans, how))
    return out


def _transcript_label(label: str, repeated: set[str]) -> bool:
    """A speaker label of a transcript: all capitals ("WALLACE", "JAKE TAPPER") or a label that
    starts several lines of the text ("Matthews:" … "Matthews:")."""
    return (label.isupper() and len(re.findall(r"[A-Z]", label)) >= 2) or label in repeated


_SPEAKER_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


_SOURCE_HEADS = frozenset("poll polls survey study report analysis".split())


def _speaker_label(toks: list, named: set[str]) -> bool:
    """A label that can speak: it names a person, organisation, group or country (tagged so here,
    or a word of such a name elsewhere in the text: "Milbank:" after "Dana Milbank"), or its head is
    a role, a body or a published source ("Senator", "The ministry", "Poll")."""
    return any(t.ent_type_ in _SPEAKER_ENTS or t.lower_ in named or t.lemma_.lower() in ROLE_HINTS
               or t.lemma_.lower() in GROUP_HINTS or t.lemma_.lower() in _SOURCE_HEADS for t in toks)


def _named_words(tokens: ChunkTokens) -> set[str]:
    """Capitalised words of the text's person/organisation/group/place names."""
    return {t.lower_ for _, sdoc in tokens.chunks for t in sdoc
            if t.ent_type_ in _SPEAKER_ENTS and t.text[:1].isupper() and len(t.text) > 2}


def _table_row(btoks: list, names: bool = True) -> bool:
    """A colon line's body that states nothing: no verb, and either mostly figures ("Glamorgan 259
    and 207 (A. Dale 69)", "Vass 7-0-29-0, de Silva 4-0-25-0") or only a name ("Aravinda de Silva"):
    a results table's row or a label's value ("Man of the Match: …", "Venue: …") or a list of
    names ("Iowa: Tim Albrecht, Brad Anderson, …"), no speech. ``names=False`` (a transcript's turn,
    whose label repeats): figures only."""
    verbs = [t for t in btoks if t.pos_ in ("VERB", "AUX")]
    if not btoks or any(not t.text[:1].isupper() for t in verbs):
        return False   # (a capitalised "verb" among figures is a name the tagger missed: "Derbyshire 471")
    words = [t for t in btoks if re.search(r"\w", t.text)]
    figures = sum(bool(re.search(r"\d", t.text)) for t in words)
    if words and figures * 4 >= len(words):
        return True
    if verbs or not names or any(t.text in "\"“”‘’'" for t in btoks) or not words:
        return False   # a quoted headline ("WSJ editorial: 'Deport Nikki Haley.'") speaks
    # a name, or a list of names; a longer Title Case line is a headline the parse found no verb in
    # ("Poll: Wealthy Voters Abandon Republican Party for Hillary Clinton")
    return (len(words) <= 5 or sum(t.text == "," for t in btoks) >= 3) \
        and all(t.text[:1].isupper() or t.lower_ in _NAME_PARTICLES for t in words)


def _verbless_title(btoks: list) -> bool:
    """A colon line's body with no verb and no quotation mark: a title's noun phrase ("Netanyahu and
    Obama: A tortured relationship", "Monday's Morning Email: Putin's Potential Involvement In The
    DNC Email Hack"), naming a subject, stating nothing (PolNeAR train spurious-claim review). A
    negation or a figure makes one a statement: "Lynch: No outside influence on FBI probe", "Coach
    Ruiz: Three new players, 12 million euros, one goal: the title"."""
    words = [t for t in btoks if re.search(r"\w", t.text)]
    if words and words[0].lower_ in ("no", "not", "never", "nothing", "none") or any(re.search(r"\d", t.text) for t in words):
        return False
    return bool(btoks) and not any(t.pos_ in ("VERB", "AUX") or t.text in "\"“”‘’'" for t in btoks)


def colon_lines(text: str, tokens: ChunkTokens, taken: list[tuple[int, int]]) -> list[ColonLine]:
    """"<Speaker>: <statement>" lines, also inside an opening quote mark when a transcript is
    quoted paragraph by paragraph. The label must be a short name-like phrase (capitalised, no
    verb in the parse), the statement at least three words and not inside ``taken`` (the content
    of an attribution already found); a body with no verb that is mostly figures, or (outside a
    transcript) only a name, is a table's row or a label's value (:func:`_table_row`), unless a
    poll, a survey or a study is the label ("Poll: Hill 41%, Moreno 38%"); a body with no verb, no
    quotation mark, no figure and no opening negation is a title (:func:`_verbless_title`: "Netanyahu and
    Obama: A tortured relationship"; this also drops a verbless claim such as "Putin: Sanctions a
    mistake", while "Lynch: No outside influence on FBI probe" stays). A transcript turn (an
    all-caps label, or one that labels several lines) may be a question and keeps its whole line
    even when a verb inside it carries its own attribution (that one is then nested)."""
    # overlap test against ``taken`` by bisect: sorted starts, prefix max of the ends
    tk = sorted((s, e) for s, e in taken if e > s)
    tk_starts = [s for s, _ in tk]
    tk_max: list[int] = []
    for _, e in tk:
        tk_max.append(max(e, tk_max[-1]) if tk_max else e)
    counts: dict[str, int] = {}
    for m in _COLON_LINE.finditer(text):
        counts[m.group(1).strip()] = counts.get(m.group(1).strip(), 0) + 1
    repeated = {lab for lab, n in counts.items() if n > 1}
    caps_turns = any(_transcript_label(lab, set()) for lab in repeated)   # a transcript: "PENCE:" once is a turn too
    named: set[str] = set()
    named_done = False
    out: list[ColonLine] = []
    for m in _COLON_LINE.finditer(text):
        label, body = m.group(1).strip(), m.group(3)
        words = label.split()
        transcript = _transcript_label(label, repeated)
        # a column/section label, by its first or its head (last) word: "Update:", "The Latest:",
        # "Editor's Note:", "Delegate Update:"
        ends = {re.sub(r"['’]s$", "", w.lower().strip(".'’")) for w in (words[0], words[-1])}
        if len(words) > 6 or ends & COLON_NON_SPEAKERS or re.search(r"[\"“”]", label):
            continue   # a quoted label is a key of code or data ('"Value": "…"')
        if not all(w[:1].isupper() or w.lower() in _LABEL_PARTICLES for w in words):
            continue
        if len(re.findall(r"\w+", body)) < 3 or re.search(r"\d", label) or (body.rstrip().endswith("?") and not transcript):
            continue
        ltoks = tokens.tokens(m.start(1), m.end(1))
        if any(t.pos_ in ("VERB", "AUX") for t in ltoks) and not (transcript and label.isupper()):
            continue
        if not named_done and label not in repeated:
            named, named_done = _named_words(tokens), True
        # an all-caps label once: a turn when the text is a transcript or the line is a sentence
        # ("MORALES: Well, we will cut taxes."), a section head when it is not ("STRESS: How to cope")
        caps_turn = label.isupper() and (caps_turns or bool(re.search(r"[.!?][\"”’']?\s*$", body)))
        if label not in repeated and not caps_turn and not _speaker_label(ltoks, named):
            continue   # a headline set off with a colon ("Coronavirus: what we know", "CARD HIGHLIGHTS:") is no speech
        b0, b1 = m.start(3), m.end(3)
        while b1 > b0 and text[b1 - 1] in " \t.":
            b1 -= 1
        btoks = tokens.tokens(b0, b1)
        if (_table_row(btoks, names=not transcript) or not transcript and _verbless_title(btoks)) \
                and not any(t.lemma_.lower() in _SOURCE_HEADS for t in ltoks):
            continue
        k = bisect.bisect_left(tk_starts, b1) - 1
        if b1 > b0 and k >= 0 and tk_max[k] > b0 and not transcript:
            continue
        out.append(ColonLine((m.start(2), m.end(2)), (m.start(1), m.start(1) + len(label)), [(b0, b1)], m.start()))
    return out


# a parenthesis closing a sentence: "… (Name, Institution)." / "… (Author et al., 2023)."
_CITE_PAREN = re.compile(r"[ \t]*\(([^()\n]{2,90})\)[ \t]*[.!]?[”\"’']?\s*$")
_CITE_NAME = r"[A-Z][\w'’.&-]*(?:[ \t]+(?:[A-Z][\w'’.&-]*|of|for|the|and|on|de|du|van|von|&))*"
_CITE_YEAR = re.compile(rf"({_CITE_NAME}(?:(?:,[ \t]*|[ \t]+(?:and|&)[ \t]+){_CITE_NAME})*)(?:[ \t]+et[ \t]+al\.?)?,?[ \t]+(?:19|20)\d\d[a-z]?")
_CITE_INST = re.compile(rf"({_CITE_NAME}),[ \t]*({_CITE_NAME})")
_INSTITUTION = re.compile(r"\b(?:Universit(?:y|ät|é)|College|Institute|Institut|Organi[sz]ation|Agency|Service|"
                          r"Cent(?:re|er)|Society|Association|Laboratory|Observatory|Foundation|Council|"
                          r"Commission|Department|Ministry|School|Hospital|Academy|Survey|Bureau|Office)\b")


_NOT_SOURCE = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\b|"
                         r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|Q[1-4]\b|H[12]\b|FY\b|"
                         r"(?:Spring|Summer|Fall|Autumn|Winter|Figure|Fig|Table|Chart|Photo|Image|Updated|"
                         r"Founded|Born|Est|Pictured|File|Season|Class|Vol|Issue)\b")


def citation(text: str, a: int, b: int) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]] | None:
    """A parenthetical source closing the sentence ``text[a:b]`` (see the module docstring):
    (cue span = the parenthesis, speaker span, content span = the sentence before it), or None.
    The parenthesis holds an author or organisation and a year, or a name and an institution
    ("(Otto, Imperial College London)"); a place ("(Paris, France)"), a party tag ("(R-Texas)")
    or a photo credit is no citation."""
    m = _CITE_PAREN.search(text, a, b)
    if m is None:
        return None
    i0, i1 = m.start(1), m.end(1)
    inner = text[i0:i1]
    y = _CITE_YEAR.fullmatch(inner)
    if y is not None:
        if _NOT_SOURCE.match(y.group(1)):
            return None   # "(January 2019)", "(Q3 2019)", "(Figure 2, 2019)": a date or a pointer
        spk = (i0 + y.start(1), i0 + y.end(1))
    else:
        n = _CITE_INST.fullmatch(inner)
        if n is None or not _INSTITUTION.search(n.group(2)):
            return None
        spk = (i0 + n.start(1), i0 + n.end(1))
    c0, c1 = a, m.start()
    while c0 < c1 and text[c0].isspace():
        c0 += 1
    if len(re.findall(r"\w+", text[c0:c1])) < 4:
        return None
    return (i0 - 1, i1 + 1), spk, (c0, c1)


# "<Speaker> on|to|at <topic or audience>: <statement>", a headline's speaker with what or whom
# the words are about or for ("Gillibrand on Hillary's Transcripts: ‘I Think She Will.’",
# "Clinton to Planned Parenthood: Trump will reverse Roe v. Wade", "Mukasey at RNC: …")
_PREP_COLON_LINE = re.compile(r"(?m)^[ \t]*([A-Z][^:\n]{1,50}?)[ \t]+(?:on|to|at)[ \t]+[^:\n]{1,90}?(:)[ \t]+(\S[^\n]*)$")
_OPENS_QUOTE = re.compile(r"[‘'“\"]\w")


def prep_colon_lines(text: str, tokens: ChunkTokens, taken: list[tuple[int, int]]) -> list[ColonLine]:
    """Headline lines "<Speaker> on|to|at <…>: <statement>" (``_PREP_COLON_LINE``). Only when the
    words are speech: the statement is quoted, or the speaker is a person (a name tagged so here
    or elsewhere in the text); the speaker a short capitalised name-like phrase with no verb
    (labels such as "Update on Iowa:" or "Guide to the caucuses:" are page furniture: no person,
    no quotation). The statement has at least three words, is no question and is not inside
    ``taken`` (an attribution found already)."""
    out: list[ColonLine] = []
    persons: set[str] | None = None
    for m in _PREP_COLON_LINE.finditer(text):
        head, body = m.group(1).strip(), m.group(3)
        words = head.split()
        if len(words) > 6 or not all(w[:1].isupper() or w.lower() in _LABEL_PARTICLES for w in words) \
                or {re.sub(r"['’]s$", "", w.lower().strip(".'’")) for w in (words[0], words[-1])} & COLON_NON_SPEAKERS:
            continue
        if len(re.findall(r"\w+", body)) < 3 or body.rstrip().endswith("?") or re.search(r"\d", head):
            continue
        htoks = tokens.tokens(m.start(1), m.start(1) + len(head))
        if not htoks or any(t.pos_ in ("VERB", "AUX") for t in htoks):
            continue
        if persons is None:
            persons = {t.lower_ for _, sdoc in tokens.chunks for t in sdoc
                       if t.ent_type_ == "PERSON" and t.text[:1].isupper() and len(t.text) > 2}
        person = any(t.ent_type_ == "PERSON" or t.lower_ in persons for t in htoks)
        if not (person or _OPENS_QUOTE.match(body) and _speaker_label(htoks, set())):
            continue
        b0, b1 = m.start(3), m.end(3)
        while b1 > b0 and text[b1 - 1] in " \t.":
            b1 -= 1
        if any(s < b1 and b0 < e for s, e in taken):
            continue
        out.append(ColonLine((m.start(2), m.end(2)), (m.start(1), m.start(1) + len(head)), [(b0, b1)], m.start()))
    return out
