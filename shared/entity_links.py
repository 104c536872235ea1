"""Cross-document entity linking: short-form keys resolved to the one full-form key they stand for.

Inside one document the entity stage merges "Mr Thae" into "Thae Yong Ho" (``person:thae-yong-ho``)
and lists the other forms it saw as ``aliases`` (slugs: ``["thae"]``). A document that only ever says
"Thae" gets the short-form key ``person:thae``. The store registers every document's aliases in an
alias store (:func:`registrations`; written by ``save_document.lua`` in the same atomic write as the
document, with per-document counts so re-saves never double and deletes take back exactly their share):

    nf:alias:person:thae             → {person:thae-yong-ho: 2}   (documents that had that alias)
    nf:aliasesof:person:thae-yong-ho → {person:thae: 2}           (the reverse direction)

Linking is resolved at query time (``shared/store/lua/entity_groups.lua``, one read-only round trip, called
by the store) from the alias store as it is *now*, so the order in which documents arrive does not
matter: a short-form key links to a canonical key when exactly one canonical
key has it as an alias (``person:kim`` registered by Kim Jong Un and Kim Yo Jong stays on its own).
One hop only: a linked key is never followed further. The documents themselves are never changed;
the linking lives in the index and is used for canonical linking only, never for tagging.

Rules (learned on PolNeAR news, see ``eval/entity_links.py``): claimants that only add words to
another claimant ("Crooked Hillary Clinton" next to "Hillary Clinton", leftovers of the entity stage)
do not make an alias ambiguous; a key that is itself the full form of some alias in some document
(``person:hillary-clinton``) is never linked to a longer name; nor is a key of several words to a
name that has all its words in order (``person:chelsea-clinton`` vs "Hillary and Chelsea Clinton
Foundation", ``person:george-bush`` vs "George W Bush Presidential Center": a mis-cut or a different
thing more often than a short form), so in practice links are surnames and acronyms
(``person:cruz`` → ``person:ted-cruz``, ``org:gop`` → ``org:grand-old-party``, ``place:sc`` →
``place:south-carolina``); an alias with 64 or more claimants links to none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence


# id prefixes (``shared``-side copy of the entity stage's label → prefix map) whose aliases are linked;
# numeric and temporal kinds (dates, money…) are never linked.
LINKABLE_KINDS = frozenset({"person", "org", "place", "norp", "fac", "event", "product", "work", "law"})
MAX_ALIASES_PER_ENTITY = 32  # a runaway alias list must not flood the store


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def registrations(entity: dict[str, Any]) -> list[list[str]]:
    """``[[canonical key, short-form key], ...]`` that saving a document with ``entity`` registers."""
    key = str(entity.get("id") or "")
    kind, sep, own = key.partition(":")
    if not sep or kind not in LINKABLE_KINDS or not own:
        return []
    out: list[list[str]] = []
    for alias in entity.get("aliases") or []:
        alias = str(alias)
        if not alias or alias == own or "\t" in alias or len(alias) > 200:
            continue
        short = f"{kind}:{alias}"
        if [key, short] not in out:
            out.append([key, short])
        if len(out) == MAX_ALIASES_PER_ENTITY:
            break
    return out


@dataclass(frozen=True)
class EntityGroup:
    """A canonical key with the short-form keys linked to it (``entity_groups.lua``'s answer)."""
    key: str                 # the canonical key
    asked: tuple[str, ...]   # the keys asked for that resolved to it
    linked: tuple[str, ...]  # short-form keys linked to it that some document has
    name: str | None = None
    label: str | None = None
    document_count: int = -1  # merged: each document once (-1 when not asked for)

    @property
    def members(self) -> list[str]:
        return [self.key, *self.linked]


def parse_groups(reply: Sequence[Any]) -> list[EntityGroup]:
    return [EntityGroup(_s(c), tuple(map(_s, asked)), tuple(map(_s, linked)), _s(name) or None,
                        _s(label) or None, int(count))
            for c, asked, linked, name, label, count in reply]
