"""Clean-up of PERSON mentions in news prose and headlines (moves offsets or relabels only).

* titles and honorifics, with or without a dot, are not part of a name: "Gov Mike Pence",
  "Sen. Lindsey Graham", "Vice President Joe Biden", "Secretary of State John Kerry" → the name;
  a title right before a span is evidence of PERSON (:func:`title_before`); a title alone is
  not a PERSON;
* a lower-case word inside a PERSON span (other than name particles: "de", "bin", "van" …) ends
  the name: "Hillary Clinton slams Donald Trump" → "Hillary Clinton" + "Donald Trump" (a function
  word — "at", "of", "v" — leaves the span alone: "Yorkshire at Headingley" is no pair of people);
* a span ending in an organisation or facility word is not a PERSON ("George W Bush Presidential
  Center" → FAC, "John Birch Society" → ORG), nor one beginning or ending with a street word
  ("Rue Lepic", "Abbey Road" → FAC);
* a WORK_OF_ART/ORG/PRODUCT span made of a title and a name ("Superintendent Maria Lopez") is that
  name as a PERSON when the document uses it as a person's name or it looks like one;
* headlines in title case ("Obama Says", "Lawmakers Rip Donald Trump"): a PERSON span there that
  is not itself a name of the document body is replaced by the body's PERSON names it contains
  ("Ted Cruz Refuses" ends at the body's "Cruz"; "Erik Breukink" is left alone);
* in the document's title line (title case), a PERSON span that shares no word with any entity
  of the body is dropped ("Will Run Ads Demanding");
* epithets and job titles before a full name ("Crooked Hillary Clinton", "Political Editor
  Matthew Boyle"): leading words before a PERSON name of 2+ words known in the document are
  dropped unless one of them is part of another PERSON name there.

Rules are general (word classes, document-internal evidence), measured with
``eval/entity_names.py`` (real news) and ``eval/ner_conll.py`` (must not drop).
"""

from __future__ import annotations

import re

from .spans import Mention

# Titles that precede a name (lower case, without the dot; "-elect" is ignored).
TITLE_WORDS = frozenset(
    """mr mrs ms miss mx dr prof sir dame lord lady rev fr sen sens rep reps gov govs gen lt col capt sgt
    maj adm cmdr supt atty pres sec insp det cllr president presidents senator senators governor
    governors secretary vice speaker chairman chairwoman minister prime judge justice representative
    representatives congressman congresswoman attorney general commissioner mayor ambassador former
    deputy acting majority minority leader chief lieutenant colonel sergeant captain major admiral
    inspector superintendent detective officer constable commander corporal marshal sheriff trooper
    brigadier commodore magistrate chancellor premier councillor councilman councilwoman alderman
    bishop archbishop cardinal father pastor rabbi imam""".split()
)
# Job words that are stripped before a name but are no evidence of a PERSON on their own.
JOB_WORDS = frozenset(
    """chair chairperson founder co-founder cofounder editor adviser advisor correspondent director spokesman
    spokeswoman spokesperson aide candidate nominee ceo anchor host professor coach billionaire
    businessman businesswoman reporter columnist analyst strategist pollster economist senior political
    investigative executive managing police fire""".split()
)
# Modifiers of a title: stripped with it, but no evidence of a PERSON on their own ("Former Yugoslavia").
_MODIFIERS = frozenset("former acting deputy majority minority vice prime general chief major".split())
_PARTICLES = frozenset("de da del della di du la le van von der den ter bin ibn al el y dos das st".split())
_FUNCTION_WORDS = frozenset("at in of on for from to by with v vs and or the a an".split())
ORG_ENDS = frozenset(
    """foundation institute university party committee council inc corp corporation company co llc ltd
    association society fund agency news media magazine department ministry bank group network college school academy
    administration commission campaign union league club trust""".split()
)
FAC_ENDS = frozenset("center centre library museum hospital airport stadium arena bridge hall".split())
# Street words: a span that begins ("Rue Lepic") or ends ("Abbey Road") with one names a place
# ("Lane" is no such end: Diane Lane, Nathan Lane).
STREET_HEADS = frozenset("rue avenue boulevard via calle rua viale".split())
STREET_ENDS = frozenset("street road avenue boulevard strasse straße".split())
STREET_WORDS = STREET_HEADS | STREET_ENDS

_WORDS = re.compile(r"\S+")
_TITLE_TOKEN = re.compile(r"[A-Z][A-Za-z]*\.?(?:-[Ee]lect)?")


def is_title(word: str) -> bool:
    if not _TITLE_TOKEN.fullmatch(word):
        return False
    w = word.lower().rstrip(".")
    return w.removesuffix("-elect") in TITLE_WORDS or w in JOB_WORDS


def strip_titles(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """Drop leading title words ("Gov", "Sen.", "Vice President", "Secretary of State") from a PERSON
    span; at least one capitalised word stays. ``(start, end, stripped)``."""
    words = list(_WORDS.finditer(text, start, end))
    i = 0
    while i < len(words) - 1:
        w = words[i].group(0)
        if is_title(w):
            i += 1
        elif i and w == "of" and i + 2 < len(words) and words[i + 1].group(0)[:1].isupper():
            i += 2                                    # "Secretary of State John Kerry"
        else:
            break
    if i == 0 or i >= len(words) or not words[i].group(0)[:1].isupper():
        return start, end, False
    return words[i].start(), end, True


_TITLE_BEFORE = re.compile(r"(?:^|(?<=[\s(\"“'‘]))([A-Z][A-Za-z]*)\.?\s+$")


def title_before(text: str, start: int) -> bool:
    """Is the span at ``start`` right after a title word ("Sen. X", "Gov X", "President X")?"""
    m = _TITLE_BEFORE.search(text, max(0, start - 16), start)
    return bool(m) and m.group(1).lower() in TITLE_WORDS - _MODIFIERS


def _split_lowercase(text: str, m: Mention) -> list[Mention]:
    """Cut a PERSON span at an inner lower-case word: the capitalised runs around it are names."""
    words = list(_WORDS.finditer(text, m.start, m.end))
    inner = [w.group(0) for w in words[1:-1] if w.group(0)[:1].islower() and w.group(0) not in _PARTICLES]
    if not inner or any(w in _FUNCTION_WORDS for w in inner):    # "Yorkshire at Headingley": not a split
        return [m]
    out, run = [], []
    for w in words + [None]:
        if w is not None and not (w.group(0)[:1].islower() and w.group(0).lower() not in _PARTICLES):
            run.append(w)
            continue
        if run and run[0].group(0)[:1].isupper():
            out.append(Mention(run[0].start(), run[-1].end(), "PERSON", m.source, m.weight, m.meta))
        run = []
    return out


def _non_person_label(text: str, m: Mention) -> str | None:
    words = text[m.start:m.end].split()
    if len(words) < 2:
        return None
    last = words[-1].lower().rstrip(".")
    if last in STREET_ENDS or (words[0].lower() in STREET_HEADS and words[1][:1].isupper()):
        return "FAC"                                   # "Rue Lepic", "Abbey Road"
    return "FAC" if last in FAC_ENDS else "ORG" if last in ORG_ENDS else None


class _HeadLines:
    """Which mentions lie in a headline: a line (≥ 3 words, ≤ 25) whose words are mostly
    capitalised. Lines are looked at lazily (only those holding a mention) and cached."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cache: dict[int, tuple[int, int] | None] = {}

    def line(self, start: int, end: int) -> tuple[int, int] | None:
        """The headline range holding ``[start, end)``, or ``None``."""
        text = self.text
        s = text.rfind("\n", 0, start) + 1
        if s not in self.cache:
            e = text.find("\n", s)
            e = len(text) if e < 0 else e
            words = [w for w in text[s:e].split() if w[:1].isalpha()]
            caps = sum(1 for w in words if w[0].isupper())
            self.cache[s] = (s, e) if 3 <= len(words) <= 25 and caps >= 0.75 * len(words) else None
        found = self.cache[s]
        return found if found and end <= found[1] else None


def _known_in_span(text: str, m: Mention, known: set[str], line_end: int) -> list[Mention]:
    """Non-overlapping occurrences (whole words, longest first) of known PERSON names that start in
    ``m`` (and may run past its end, up to ``line_end``: "[Hillary Clinton Slams Donald] Trump")."""
    found: list[Mention] = []
    span = text[m.start:line_end]
    for name in sorted(known, key=len, reverse=True):
        for hit in re.finditer(r"(?<![\w'’])%s(?![\w])" % re.escape(name), span):
            s, e = m.start + hit.start(), m.start + hit.end()
            if s < m.end and not any(f.start < e and s < f.end for f in found):
                found.append(Mention(s, e, "PERSON", m.source, m.weight, m.meta))
    return sorted(found, key=lambda f: f.start)


# Labels the model gives to "Superintendent Maria Lopez" when it misses the person.
_RELABELLED = frozenset({"WORK_OF_ART", "ORG", "PRODUCT"})
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]\.")


def _titled_person(text: str, m: Mention, people: set[str], others: set[str]) -> Mention | None:
    """A non-PERSON span made of a title and a person's name ("Superintendent Maria Lopez" as a
    WORK_OF_ART): the name as a PERSON when the document uses it as a person's name elsewhere, or
    when it looks like one — 2–3 capitalised name words, none an organisation/facility/street word,
    none a non-PERSON entity of the document ("Captain America" stays)."""
    start, end, stripped = strip_titles(text, m.start, m.end)
    if not stripped:
        return None
    titles = [w.lower().rstrip(".") for w in text[m.start:start].split()]
    if not any(t in TITLE_WORDS - _MODIFIERS or t in ("professor", "coach") for t in titles):
        return None
    rest = text[start:end]
    words = rest.split()
    looks = (2 <= len(words) <= 3 and all(_NAME_WORD.fullmatch(w) for w in words)
             and not any(w.lower() in ORG_ENDS | FAC_ENDS | STREET_WORDS or is_title(w) for w in words)
             and not any(w in others for w in words))
    if rest in people or looks:
        return Mention(start, end, "PERSON", m.source, max(m.weight, 2.0), m.meta)
    return None


def clean_people(text: str, mentions: list[Mention]) -> list[Mention]:
    """Apply the rules of this module to the final English mentions of a document."""
    people = {text[m.start:m.end] for m in mentions if m.label == "PERSON"}
    others = {text[m.start:m.end] for m in mentions if m.label not in ("PERSON", *_RELABELLED)}
    out: list[Mention] = []
    for m in mentions:
        if m.label in _RELABELLED:
            m = _titled_person(text, m, people, others) or m
        if m.label != "PERSON":
            out.append(m)
            continue
        if all(is_title(w) for w in text[m.start:m.end].split()):
            continue                                   # "President" alone names nobody
        start, end, stripped = strip_titles(text, m.start, m.end)
        if stripped:
            m = Mention(start, end, "PERSON", m.source, max(m.weight, 2.0), m.meta)
        label = _non_person_label(text, m)
        if label:
            out.append(Mention(m.start, m.end, label, m.source, m.weight, m.meta))
            continue
        out.extend(_split_lowercase(text, m))
    heads = _HeadLines(text)
    body = [m for m in out if m.label == "PERSON" and not heads.line(m.start, m.end)]
    known = {text[m.start:m.end] for m in body}
    first = len(text) - len(text.lstrip())
    title_line = heads.line(first, first) if any(m.label == "PERSON" for m in out) else None
    body_words = ({w for m in out if not heads.line(m.start, m.end) for w in text[m.start:m.end].lower().split()}
                  if title_line else set())
    result: list[Mention] = []
    replaced: list[Mention] = []
    for m in out:
        surface = text[m.start:m.end]
        if m.label == "PERSON" and " " in surface:
            line = heads.line(m.start, m.end)
            if line and surface not in known:
                inner = _known_in_span(text, m, known, line[1])
                if (len(inner) == 1 and m.start < inner[0].start and inner[0].end < m.end
                        and " " not in text[inner[0].start:inner[0].end]):
                    # "Ted Cruz Refuses" with the body's "Cruz": the name ends with the known word
                    replaced.append(Mention(m.start, inner[0].end, "PERSON", m.source, m.weight, m.meta))
                    continue
                if _headline_fragment(text, m, inner):
                    replaced.extend(inner)
                    continue
                if line == title_line and not inner and not set(surface.lower().split()) & body_words:
                    continue        # a title-case headline span sharing no word with the body's names
            elif not line:
                m = _drop_epithet(text, m, known)
        result.append(m)
    if replaced:
        result = [m for m in result if not any(r.start < m.end and m.start < r.end for r in replaced)]
        result = sorted(result + replaced, key=lambda m: m.start)
    return result


def _headline_fragment(text: str, m: Mention, inner: list[Mention]) -> bool:
    """Known names inside a headline span that make it a fragment: two names, a name followed by
    other words ("Obama Says"), or a full name after other words ("Lawmakers Rip Donald Trump") —
    not a surname alone after a first name ("Erik Breukink")."""
    if len(inner) >= 2:
        return True
    if len(inner) == 1:
        n = inner[0]
        return n.start == m.start or " " in text[n.start:n.end]
    return False


def _drop_epithet(text: str, m: Mention, known: set[str]) -> Mention:
    """"Crooked Hillary Clinton" → "Hillary Clinton", "Political Editor Matthew Boyle" → "Matthew Boyle":
    leading words before a known name of 2+ words are dropped when none of them is part of another
    PERSON name of the document (and the rest is not a surname with a particle: "Filip De Wilde")."""
    words = list(_WORDS.finditer(text, m.start, m.end))
    for k in range(1, len(words) - 1):
        prefix = [w.group(0) for w in words[:k]]
        if len(prefix[-1]) < 3 or prefix[-1].endswith(".") or not prefix[-1][:1].isupper():
            return m
        if words[k].group(0).lower() in _PARTICLES | {"abu", "mac", "st."}:       # "Filip [De Wilde]"
            continue
        rest = text[words[k].start():m.end]
        if rest in known and not any(p in k2.split() for k2 in known if not k2.endswith(rest) for p in prefix):
            return Mention(words[k].start(), m.end, "PERSON", m.source, m.weight, m.meta)
    return m
