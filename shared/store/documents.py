"""Analysed documents: save (document + every index, ``lua/save_document.lua``) and delete
(``lua/delete.lua``). What to index is planned here, in Python (:func:`save_plan`, pure); the
scripts apply the plan atomically and record each entry so a re-save or delete takes back exactly
its own."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import orjson

from .. import entity_links
from .. import keys as K
from ..ids import dedupe_keys
from . import events
from .base import StoreBase, now_iso
from .scripts import DELETE, SAVE_DOCUMENT, as_str

# status fields a caller may have merged into the document: kept in the status hash, not stored twice
STATUS_FIELDS = ("status", "attempts", "received_at", "error", "last_error", "started_at", "finished_at",
                 "processing_ms", "wait_ms")


def language_codes(language: Any) -> list[str]:
    """The language codes of a document's ``language`` (a code or the language stage's dict), primary first."""
    if not language:
        return []
    if isinstance(language, str):
        return [language]
    codes: list[str] = []
    if isinstance(language, dict):
        for k in ("code", "primary", "lang"):
            if isinstance(language.get(k), str):
                codes.append(language[k])
                break
        for item in language.get("languages") or []:
            if isinstance(item, dict) and isinstance(item.get("code"), str):
                codes.append(item["code"])
            elif isinstance(item, str):
                codes.append(item)
    return [c for c in dict.fromkeys(c.strip().lower() for c in codes) if c and c != "und"]


def primary_language(language: Any) -> str | None:
    codes = language_codes(language)
    return codes[0] if codes else None


def fold(name: str) -> str:
    """A name as the entity-name index holds it (whitespace collapsed, case-folded)."""
    return " ".join(name.split()).casefold()


def claim_summary(doc: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    speaker = claim.get("speaker") or None
    return {
        "document_id": doc["id"],
        "id": claim.get("id"),
        "text": claim.get("text"),
        "kind": claim.get("kind"),
        "speaker": speaker,
        "reported_by": claim.get("reported_by") or [],
        "entity_ids": claim.get("entity_ids") or [],
        "checkworthiness": claim.get("checkworthiness"),
        "spans": claim.get("spans") or [],
        "quantities": claim.get("quantities") or [],
        "cue": claim.get("cue"),
        "document_title": doc.get("title"),
        "document_url": doc.get("url"),
        "published_at": doc.get("published_at"),
    }


def _claims_plan(doc: dict[str, Any], z: list[list[str]]) -> list[list[Any]]:
    """Claim summaries by position (``0003``); their index entries are appended to ``z``."""
    doc_id = doc["id"]
    claims: list[list[Any]] = []
    for pos, claim in enumerate(doc.get("claims") or []):
        field = f"{pos:04d}"
        member = f"{doc_id}:{field}"
        claims.append([field, orjson.dumps(claim_summary(doc, claim)).decode()])
        z.append([K.IDX_CLAIMS, member])
        if claim.get("kind"):
            z.append([K.idx_claims_kind(str(claim["kind"])), member])
        speaker = claim.get("speaker") or {}
        if isinstance(speaker, dict):
            # a coordinated speaker ("Pyongyang and Moscow") is found under each of its entities
            for eid in dict.fromkeys(str(e) for e in [speaker.get("entity_id"), *(speaker.get("entity_ids") or [])] if e):
                z.append([K.idx_claims_speaker(eid), member])
            if speaker.get("name"):
                z.append([K.idx_claims_speaker_name(str(speaker["name"])), member])
        for eid in dict.fromkeys(str(e) for e in (claim.get("entity_ids") or [])):
            z.append([K.idx_claims_entity(eid), member])
    return claims


def histogram_buckets(ms: float) -> list[str]:
    """The histogram hash fields (``le:<ms>``, cumulative) a figure of ``ms`` adds one to."""
    return [f"le:{b}" for b in K.PROCESSING_BUCKETS_MS if ms <= b] + ["le:+Inf"]


def save_plan(doc: dict[str, Any], processing_ms: float, wait_ms: float | None = None) -> dict[str, Any]:
    """What saving ``doc`` writes besides the document (see ``lua/save_document.lua``):
    ``z`` index entries [zset key, member], ``entities`` registry entries [key, name, label],
    ``names`` entity-name index members, ``aliases`` alias registrations [canonical, short form],
    ``claims`` [field, claim summary json], histogram ``buckets`` (processing_ms) and ``wait_buckets``
    (wait_ms; none when it is not known) and the listing ``summary`` (status hash field/value pairs)."""
    doc_id = doc["id"]
    z: list[list[str]] = []
    for code in language_codes(doc.get("language")):
        z.append([K.idx_language(code), doc_id])
    if doc.get("source"):
        z.append([K.idx_source(str(doc["source"])), doc_id])
    entities: list[list[str]] = []
    names: list[list[str]] = []
    links: list[list[str]] = []
    for ent in doc.get("entities") or []:
        key = ent.get("id")
        if not key:
            continue
        key = str(key)
        name = str(ent.get("text") or key)
        z.append([K.idx_entity(key), doc_id])
        entities.append([key, name, str(ent.get("label") or "")])
        aliases = {fold(name)}
        for m in ent.get("mentions") or []:
            if isinstance(m, dict) and m.get("text"):
                aliases.add(fold(str(m["text"])))
        names += [[K.ENTITY_NAMES, f"{a}\x00{key}"] for a in sorted(aliases) if a]
        links += entity_links.registrations(ent)
    claims = _claims_plan(doc, z)
    buckets = histogram_buckets(processing_ms)
    wait_buckets = [] if wait_ms is None else histogram_buckets(wait_ms)
    summary: list[str] = []
    primary = primary_language(doc.get("language"))
    if primary:
        summary += ["language", primary]
    summary += ["entity_count", str(len(doc.get("entities") or [])),
                "claim_count", str(len(doc.get("claims") or []))]
    for name in ("title", "url", "source", "published_at"):
        if doc.get(name):
            summary += [name, str(doc[name])]
    return {"z": z, "entities": entities, "names": names, "aliases": links, "claims": claims,
            "buckets": buckets, "wait_buckets": wait_buckets, "summary": summary}


def near_dup_args(doc: dict[str, Any], threshold: float) -> dict[str, Any] | None:
    """The near-duplicate part of a save (``nd`` in ``lua/save_document.lua``), None without a fingerprint."""
    fp = doc.get("fingerprint")
    sig = fp.get("signature") if isinstance(fp, dict) else None
    if not sig:
        return None
    return {"sig": sig, "bands": str(K.ND_BANDS), "rows": str(K.ND_ROWS), "hex": str(K.ND_HEX), "threshold": repr(float(threshold)),
            "sig_prefix": K.ND_SIG_PREFIX, "band_prefix": K.ND_BAND_PREFIX, "links_prefix": K.ND_LINKS_PREFIX,
            "cluster_prefix": K.CLUSTER_PREFIX, "hash_prefix": K.status("")}


def text_sha(doc: dict[str, Any]) -> str:
    """What decides that a re-crawl is unchanged: the hash of the document's title and main text."""
    return hashlib.sha256(f"{doc.get('title') or ''}\n{doc.get('text') or ''}".encode("utf-8", "surrogatepass")).hexdigest()


def save_args(doc: dict[str, Any], processing_ms: float, now: float, finished_at: str,
              fallback_received_at: str, keep: int = 3, threshold: float = 0.8,
              wait_ms: float | None = None) -> dict[str, Any]:
    """Arguments of the save script (``now`` in epoch seconds: the fallback score; ``wait_ms`` None:
    not known, the status keeps none)."""
    stored = {k: v for k, v in doc.items() if k not in STATUS_FIELDS}
    nd = near_dup_args(doc, threshold)
    return {"revision": str(int(doc.get("revision") or 1)), "text_sha": text_sha(doc), "keep": str(max(1, keep)),
            **({"nd": nd} if nd else {}),
            "id": doc["id"], "document": orjson.dumps(stored, default=str).decode(), "finished_at": finished_at,
            "processing_ms": f"{processing_ms:.3f}", "wait_ms": "" if wait_ms is None else f"{wait_ms:.3f}",
            "status_prefix": K.STATUS_INDEX_PREFIX,
            "entity_prefix": K.entity(""), "entity_index_prefix": K.ENTITY_INDEX_PREFIX,
            "alias_prefix": K.ALIAS_PREFIX, "aliases_of_prefix": K.ALIASES_OF_PREFIX,
            "fallback_score": str(int(now * 1e6)), "fallback_received_at": fallback_received_at,
            "plan": save_plan(doc, processing_ms, wait_ms)}


class DocumentsMixin(StoreBase):
    async def save_document(self, doc: dict[str, Any], processing_ms: float, wait_ms: float | None = None) -> str:
        """Store the analysed document, mark it done and (re)build its indexes in one script.

        ``processing_ms``: the pipeline's time for this document; ``wait_ms``: how long its job waited,
        from ``started_at``, before the pipeline started on it (``workers/tasks.py``; None: not known).

        Idempotent: saving the same id again replaces the document and its index entries. ``doc["revision"]``
        (default 1) is the revision analysed: see ``lua/save_document.lua`` for stale and unchanged ones.
        Returns the previous status ("" when the article was never submitted through intake), or
        "stale" / "unchanged".
        """
        doc_id = doc["id"]
        args = save_args(doc, processing_ms, time.time(), now_iso(), now_iso(), self.settings.keep_revisions,
                         self.settings.near_dup_threshold, wait_ms)
        args["event"] = events.event_arg("article.done", events.done_article(doc, primary_language(doc.get("language"))),
                                         self.settings.events_max_len)
        prev = await SAVE_DOCUMENT(
            self.redis,
            [K.document(doc_id), K.status(doc_id), K.doc_index_set(doc_id), K.claims(doc_id), K.FAILED,
             K.METRICS_PROCESSING, K.IDX_TIME, K.ENTITY_COUNTS, K.revisions(doc_id), K.doc_revisions(doc_id),
             K.METRICS_WAIT],
            args,
        )
        return as_str(prev)

    async def delete(self, doc_id: str) -> tuple[int, str]:
        """Delete a done or failed article: document, status, indexes and dedupe keys, in one script.

        Returns (1, previous status), (0, current status) while it is queued or processing (its job
        is still live), or (-1, "") for an unknown id. Afterwards the same article can be submitted anew.
        """
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(K.article(doc_id))
        pipe.hkeys(K.urls(doc_id))
        pipe.lrange(K.revisions(doc_id), 0, -1)
        raw, url_digests, revs = await pipe.execute()
        article = orjson.loads(raw) if raw else {}
        dkeys = [K.dedupe(kind, digest) for kind, digest in dedupe_keys(article).items()] if article else []
        dkeys += [K.dedupe("url", as_str(d)) for d in url_digests]
        dkeys += [K.dedupe("content", orjson.loads(r)["content_sha256"][:16]) for r in revs]
        plain = [K.revisions(doc_id), K.doc_revisions(doc_id), K.urls(doc_id)]
        reply = await DELETE(
            self.redis,
            [K.status(doc_id), K.article(doc_id), K.document(doc_id), K.doc_index_set(doc_id), K.claims(doc_id),
             K.FAILED, K.IDX_TIME, K.ENTITY_COUNTS, *dict.fromkeys(dkeys), *plain],
            {"id": doc_id, "status_prefix": K.STATUS_INDEX_PREFIX, "entity_index_prefix": K.ENTITY_INDEX_PREFIX,
             "alias_prefix": K.ALIAS_PREFIX, "aliases_of_prefix": K.ALIASES_OF_PREFIX, "n_plain": len(plain),
             "nd": {"sig_prefix": K.ND_SIG_PREFIX, "band_prefix": K.ND_BAND_PREFIX, "links_prefix": K.ND_LINKS_PREFIX,
                    "cluster_prefix": K.CLUSTER_PREFIX, "bands": str(K.ND_BANDS), "rows": str(K.ND_ROWS),
                    "hex": str(K.ND_HEX)}},
        )
        return int(reply[0]), as_str(reply[1])
