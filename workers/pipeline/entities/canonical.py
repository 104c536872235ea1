"""Canonical names and cross-document-stable entity ids.

The id of an entity is ``"<kind>:<slug>"`` (e.g. ``person:thae-yong-ho``, ``org:united-nations``,
``place:north-korea``) computed from the canonical name only, so the same real entity gets the
same id in every document: the slug folds case, accents, dots ("U.N." = "UN"), hyphens and spaces ("Thae Yong-ho" =
"Thae Yong Ho"). A small built-in alias table maps very common short forms to one name and label
("U.S."/"US"/"United States"/"America" → ``place:united-states``). Acronyms defined in a document
are merged with their expansion by the merger (:mod:`.merge`), which also reports them as
``aliases`` so a cross-document store can link "RUSI" seen alone elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# label → id prefix. GPE and LOC share one ("place"): models swap them for the same place from one
# document to the next, and an id must not change with that.
PREFIX = {
    "PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "NORP": "norp", "FAC": "fac",
    "EVENT": "event", "PRODUCT": "product", "WORK_OF_ART": "work", "LAW": "law", "LANGUAGE": "language",
}
NAMED_LABELS = frozenset(PREFIX)

# slug of a surface form → (canonical name, label)
_ALIASES: dict[str, tuple[str, str]] = {}


def _alias(name: str, label: str, *forms: str) -> None:
    for form in (name, *forms):
        _ALIASES[slug(form)] = (name, label)


@lru_cache(maxsize=65536)
def slug(name: str) -> str:
    """Case/accent/punctuation-folded key of a name: "Thae Yong-ho" → "thae-yong-ho", "U.N." → "un"."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("&", " and ")
    s = re.sub(r"(?<=\w)[.'’](?=\w)", "", s)     # U.N. → UN., O'Neil → ONeil
    s = re.sub(r"[^\w]+", "-", s).strip("-_")
    return s.replace("_", "-")


def lookup_alias(name: str) -> tuple[str, str] | None:
    """``(canonical name, label)`` if ``name`` is a built-in alias."""
    return _ALIASES.get(slug(name))


def entity_id(label: str, name: str) -> str:
    return f"{PREFIX.get(label, label.lower())}:{slug(name)}"


_STOP = frozenset("of the and for de du des la le el in on at to a an und der die das".split())


def acronym(name: str) -> str:
    """Initials of the significant words: "Royal United Services Institute" → "RUSI"."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    letters = [w[0] for w in words if w.lower() not in _STOP and w[0].isalpha()]
    return "".join(letters).upper()


def is_acronym(name: str) -> bool:
    """"UN", "U.N.", "RUSI" — short all-capital forms."""
    core = name.replace(".", "").replace("&", "")
    return 2 <= len(core) <= 8 and core.isalpha() and core.isupper()


# Very common aliases only (not a gazetteer).
_alias("United States", "GPE", "U.S.", "US", "U.S.A.", "USA", "America", "United States of America")
_alias("United Kingdom", "GPE", "U.K.", "UK", "Britain", "Great Britain")
_alias("United Nations", "ORG", "U.N.", "UN")
_alias("UN Security Council", "ORG", "U.N. Security Council", "United Nations Security Council",
       "Security Council")
_alias("European Union", "ORG", "EU", "E.U.")
_alias("NATO", "ORG", "Nato", "North Atlantic Treaty Organization", "North Atlantic Treaty Organisation")
_alias("North Korea", "GPE", "DPRK", "Democratic People's Republic of Korea")
_alias("South Korea", "GPE", "Republic of Korea", "ROK")
_alias("Soviet Union", "GPE", "USSR", "U.S.S.R.")
_alias("United Arab Emirates", "GPE", "UAE", "U.A.E.")
_alias("International Monetary Fund", "ORG", "IMF")
_alias("World Health Organization", "ORG", "WHO")
_alias("Federal Bureau of Investigation", "ORG", "FBI")
_alias("Central Intelligence Agency", "ORG", "CIA")
_alias("World Trade Organization", "ORG", "WTO")
_alias("Associated Press", "ORG", "AP")
_alias("BBC", "ORG", "British Broadcasting Corporation")
