"""Reads of identity, revisions, provenance and near-duplicates (README "Identity, revisions,
provenance, near-duplicates"): what a document carries besides its analysis, read in the same
MULTI/EXEC as the document so a reader never sees two revisions mixed."""

from __future__ import annotations

from typing import Any

import orjson

from .. import keys as K
from .base import StoreBase
from .intake import url_digest
from .scripts import as_str


def queue_extras(pipe: Any, doc_id: str) -> None:
    """Queue the reads :func:`extras` needs (4 replies) on ``pipe``."""
    pipe.lrange(K.revisions(doc_id), 0, -1)
    pipe.hvals(K.urls(doc_id))
    pipe.zrevrange(K.near_dup_links(doc_id), 0, -1, withscores=True)
    pipe.hmget(K.status(doc_id), "cluster", "revision", "doc_revision")


def extras(replies: list[Any]) -> dict[str, Any]:
    """``revisions``, ``urls``, ``near_duplicates``, ``cluster_id`` and the revision numbers."""
    revs, urls, links, (cluster, latest, doc_rev) = replies
    out: dict[str, Any] = {
        "revisions": [orjson.loads(r) for r in revs],
        "urls": sorted((orjson.loads(u) for u in urls), key=lambda u: (u["first_seen"], u["url"])),
        "near_duplicates": [{"id": as_str(m), "similarity": round(float(s), 4)} for m, s in links],
    }
    if cluster:
        out["cluster_id"] = as_str(cluster)
    out["_latest"] = int(latest) if latest else None
    out["_doc_revision"] = int(doc_rev) if doc_rev else None
    return out


class IdentityMixin(StoreBase):
    async def get_article_revision(self, doc_id: str) -> tuple[dict[str, Any] | None, int]:
        """The submitted article and its revision number, read together (the worker's input)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.get(K.article(doc_id))
        pipe.hget(K.status(doc_id), "revision")
        raw, rev = await pipe.execute()
        return (orjson.loads(raw) if raw else None), int(rev or 1)

    async def get_revision(self, doc_id: str, revision: int) -> dict[str, Any] | None:
        """The document of an earlier (kept) revision, or None."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hget(K.doc_revisions(doc_id), str(revision))
        queue_extras(pipe, doc_id)
        raw, *rest = await pipe.execute()
        if not raw:
            return None
        doc = orjson.loads(raw)
        ext = extras(rest)
        doc.update({"status": "done", "revisions": ext["revisions"], "urls": ext["urls"]})
        return doc

    async def id_by_url(self, url: str) -> str | None:
        """The article that arrived at ``url`` (any of its urls, normalised), or None."""
        try:
            digest = url_digest(url)
        except ValueError:
            return None
        found = await self.redis.get(K.dedupe("url", digest))
        return as_str(found) if found else None

    async def get_cluster(self, cluster_id: str) -> dict[str, Any] | None:
        """``{id, size, members}`` (member ids, earliest first), or None for an unknown cluster."""
        members = await self.redis.zrange(K.cluster(cluster_id), 0, -1)
        if not members:
            return None
        return {"id": cluster_id, "size": len(members), "members": [as_str(m) for m in members]}
