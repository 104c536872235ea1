"""Cross-document entity linking: short-form keys resolved to the one full-form key they stand for.

Inside one document the entity stage merges "Mr Thae" into "Thae Yong Ho" (``person:thae-yong-ho``)
and lists the other forms it saw as ``aliases`` (slugs: ``["thae"]``). A document that only ever says
"Thae" gets the short-form key ``person:thae``. The store registers every document's aliases in an
alias store (:func:`registrations`; written by ``save_document.lua`` in the same atomic write as the
document, with per-document counts so re-saves never double and deletes take back exactly their share):

    nf:alias:person:thae             → {person:thae-yong-ho: 2}   (documents that had that alias)
    nf:aliasesof:person:thae-yong-ho → {person:thae: 2}           (the reverse direction)

Linking is resolved here, at query time, from the alias store as it is *now*, so the order in which
documents arrive does not matter: a short-form key links to a canonical key when exactly one canonical
key has it as an alias (``person:kim`` registered by Kim Jong Un and Kim Yo Jong stays on its own).
One hop only: a linked key is never followed further. The documents themselves are never changed;
the linking lives in the index and is used for canonical linking only, never for tagging.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from . import keys as K

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


async def canonical_keys(redis: Any, keys: Sequence[str]) -> dict[str, str]:
    """Each key → the canonical key it links to, or itself (unknown, ambiguous or already canonical)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    pipe = redis.pipeline(transaction=False)
    for key in keys:
        pipe.zrange(K.alias(key), 0, 1)  # two members are enough to see ambiguity
    out: dict[str, str] = {}
    for key, members in zip(keys, await pipe.execute()):
        members = [_s(m) for m in members]
        out[key] = members[0] if len(members) == 1 and members[0] != key else key
    return out


async def groups(redis: Any, canonicals: Sequence[str]) -> dict[str, list[str]]:
    """Each canonical key → ``[canonical, *short-form keys that link to it]``."""
    canonicals = list(dict.fromkeys(canonicals))
    if not canonicals:
        return {}
    pipe = redis.pipeline(transaction=False)
    for key in canonicals:
        pipe.zrange(K.aliases_of(key), 0, -1)
    shorts = {key: [_s(m) for m in members] for key, members in zip(canonicals, await pipe.execute())}
    links = await canonical_keys(redis, [s for ss in shorts.values() for s in ss])
    linked = {key: [s for s in shorts[key] if s != key and links.get(s) == key] for key in canonicals}
    # only short forms some document actually has (the alias alone proves nothing to merge)
    candidates = list(dict.fromkeys(s for ss in linked.values() for s in ss))
    if candidates:
        pipe = redis.pipeline(transaction=False)
        for s in candidates:
            pipe.exists(K.idx_entity(s))
        present = {s for s, n in zip(candidates, await pipe.execute()) if n}
    else:
        present = set()
    return {key: [key, *(s for s in linked[key] if s in present)] for key in canonicals}


async def group(redis: Any, key: str) -> tuple[str, list[str]]:
    """``(canonical key, [canonical, *linked short forms])`` for any key, short or full."""
    canonical = (await canonical_keys(redis, [key]))[key]
    return canonical, (await groups(redis, [canonical]))[canonical]


async def document_counts(redis: Any, index_keys: Iterable[Sequence[str]]) -> list[int]:
    """Exact size of the union of each group of document-index zsets (a document that has both the
    full and the short form counts once), in three pipelined round trips whatever the number of groups.
    The biggest set of a group is counted by ZCARD; only the members of the others (short-form
    documents, usually few) are read and checked against the sets before them."""
    index_keys = [list(g) for g in index_keys]
    pipe = redis.pipeline(transaction=False)
    for g in index_keys:
        for k in g:
            pipe.zcard(k)
    flat = iter(await pipe.execute())
    ordered = []  # per group: non-empty sets, biggest first, as (size, key)
    for g in index_keys:
        ordered.append([(n, k) for n, k in sorted(((int(next(flat)), k) for k in g), reverse=True) if n])
    rest = [(gi, j) for gi, sets in enumerate(ordered) for j in range(1, len(sets))]
    if not rest:
        return [sets[0][0] if sets else 0 for sets in ordered]
    pipe = redis.pipeline(transaction=False)
    for gi, j in rest:
        pipe.zrange(ordered[gi][j][1], 0, -1)
    members = dict(zip(rest, await pipe.execute()))
    pipe = redis.pipeline(transaction=False)
    for gi, j in rest:
        for _, earlier in ordered[gi][:j]:
            pipe.zmscore(earlier, members[(gi, j)])
    present = iter(await pipe.execute())
    out = [sets[0][0] if sets else 0 for sets in ordered]
    for gi, j in rest:
        found = [next(present) for _ in range(j)]
        out[gi] += sum(1 for x in range(len(members[(gi, j)])) if all(p[x] is None for p in found))
    return out
