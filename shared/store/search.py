"""Search: entities (by name prefix or most mentioned, resolved through the alias store,
``lua/entity_groups.lua``) and claims (by speaker, entity, kind, check-worthiness)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import orjson

from .. import entity_links
from .. import keys as K
from .base import StoreBase
from .documents import fold
from .reads import encode_cursor
from .scripts import ENTITY_GROUPS, as_str as _s

_GROUPS_PER_CALL = 500  # entity keys resolved per entity_groups.lua call


class SearchMixin(StoreBase):
    """Needs ``_page`` and ``list_documents`` (:class:`shared.store.reads.ReadsMixin`)."""

    async def search_entities(self, q: str = "", label: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Entities whose canonical name or a mention form starts with ``q`` (case-insensitive), or
        all entities when ``q`` is empty; with the number of documents mentioning them, most first."""
        limit = self._limit(limit)
        label = label.upper() if label else None
        prefix = fold(q).encode()
        if prefix:
            # byte-wise lexicographic range: every member starting with the UTF-8 bytes of the prefix
            found: dict[str, None] = {}
            offset, batch = 0, 500
            while offset < 20_000:  # bounded scan of matching names
                rows = await self.redis.zrangebylex(K.ENTITY_NAMES, b"[" + prefix, b"[" + prefix + b"\xff",
                                                    start=offset, num=batch)
                offset += len(rows)
                for r in rows:
                    found.setdefault(_s(r).rsplit("\x00", 1)[-1], None)
                if len(rows) < batch:
                    break
            candidates = list(found)
            out = [e for e in await self._entities(candidates) if not label or e["label"] == label]
            out.sort(key=lambda e: (-e["document_count"], e["name"] or ""))
            return out[:limit]
        # no prefix: the most mentioned entities, straight from the count index
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        offset, batch = 0, max(limit * 2, 100)
        while len(out) < limit:
            keys = [_s(k) for k in await self.redis.zrevrange(K.ENTITY_COUNTS, offset, offset + batch - 1)]
            if not keys:
                break
            offset += len(keys)
            found = [e for e in await self._entities(keys) if e["id"] not in seen]
            seen.update(e["id"] for e in found)
            out += [e for e in found if not label or e["label"] == label]
        out.sort(key=lambda e: (-e["document_count"], e["name"] or ""))
        return out[:limit]

    async def _entity_groups(self, keys: Sequence[str], details: bool = True) -> list[entity_links.EntityGroup]:
        """Resolve entity keys through the alias store (one read-only script call)."""
        merged: dict[str, entity_links.EntityGroup] = {}
        for i in range(0, len(keys), _GROUPS_PER_CALL):  # bounded script calls: Redis is not blocked long
            reply = await ENTITY_GROUPS(self.redis, [], {
                "alias_prefix": K.ALIAS_PREFIX, "aliases_of_prefix": K.ALIASES_OF_PREFIX,
                "entity_index_prefix": K.ENTITY_INDEX_PREFIX, "entity_prefix": K.entity(""), "details": details,
                "keys": list(keys[i:i + _GROUPS_PER_CALL])})
            for g in entity_links.parse_groups(reply):
                if g.key in merged:  # the same canonical key reached from keys in two calls
                    g = replace(g, asked=merged[g.key].asked + g.asked)
                merged[g.key] = g
        return list(merged.values())

    async def _entities(self, keys: list[str]) -> list[dict[str, Any]]:
        """Registry entries with document counts, in the given order; unknown or unmentioned ones skipped.

        Short-form keys linked to a canonical key are reported as that key (once), and its document
        count is the merged one (documents with the full or any linked short form, each once)."""
        out = []
        for g in await self._entity_groups(keys):
            if g.name is None or g.document_count <= 0:
                continue
            out.append({"id": g.key, "name": g.name, "label": (g.label or "").upper() or None,
                        "document_count": g.document_count, "linked": list(g.linked)})
        return out

    async def get_entity(self, key: str) -> dict[str, Any] | None:
        """The registry entry of ``key``'s canonical key (``key`` itself unless it is a short form linked
        to one; then ``resolved_from`` names it), with the merged document count and linked keys."""
        (g,) = await self._entity_groups([key])
        if g.name is None:
            return None
        out = {"id": g.key, "name": g.name, "label": g.label, "document_count": g.document_count,
               "linked": list(g.linked)}
        if g.key != key:
            out["resolved_from"] = key
        return out

    async def entity_documents(self, key: str, limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        """The documents mentioning entity ``key`` (or a short form linked to it), newest first:
        ``{"items", "next_cursor"}``."""
        return await self.list_documents(entity=key, limit=limit, cursor=cursor)

    async def search_claims(self, speaker: str | None = None, entity: str | None = None, kind: str | None = None,
                            min_checkworthiness: float | None = None, limit: int | None = None,
                            cursor: str | None = None) -> dict[str, Any]:
        """Claims newest first (by their document's received time, then document order reversed).

        ``speaker`` is a speaker entity key or, failing that, a speaker name (case-insensitive);
        ``entity`` any entity the claim mentions. Entity keys include the short forms linked to them
        (:mod:`shared.entity_links`). ``{"items": [claim summaries], "next_cursor"}``."""
        limit = self._limit(limit)
        keys: list[str | list[str]] = []
        # entity keys stand for their canonical key with the short forms linked to it
        asked = [k for k in (speaker, entity) if k]
        groups = {a: g.members for g in await self._entity_groups(asked, details=False) for a in g.asked}
        if speaker:
            by_key = [K.idx_claims_speaker(m) for m in groups[speaker]]
            keys.append(by_key if await self.redis.exists(*by_key) else K.idx_claims_speaker_name(speaker))
        if entity:
            keys.append([K.idx_claims_entity(m) for m in groups[entity]])
        if kind:
            keys.append(K.idx_claims_kind(kind))
        if not keys:
            keys = [K.IDX_CLAIMS]
        items: list[dict[str, Any]] = []
        next_cursor = cursor
        while True:
            # with a score filter most claims may be skipped: read bigger pages to save round trips
            size = limit - len(items) if min_checkworthiness is None else min(max(limit * 5, 100), 1000)
            page, next_cursor = await self._page(keys, size, next_cursor)
            if page:
                pipe = self.redis.pipeline(transaction=False)
                for member, _ in page:
                    doc_id, field = member.rsplit(":", 1)
                    pipe.hget(K.claims(doc_id), field)
                for (member, score), raw in zip(page, await pipe.execute()):
                    if raw is None:
                        continue
                    claim = orjson.loads(raw)
                    cw = claim.get("checkworthiness")
                    if min_checkworthiness is not None and (cw is None or float(cw) < min_checkworthiness):
                        continue
                    items.append(claim)
                    if len(items) == limit:
                        # the cursor resumes right after this claim
                        next_cursor = encode_cursor(score, member) if (next_cursor or member != page[-1][0]) else None
                        return {"items": items, "next_cursor": next_cursor}
            if not next_cursor:
                return {"items": items, "next_cursor": None}
