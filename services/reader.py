"""Read API: article status and documents, listing, entity and claim search, retry of failures."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aiohttp import web

from shared.keys import STATUSES
from shared.store import DocumentStore, InvalidCursor

from .errors import ApiError, json_response
from .intake import links
from .state import SETTINGS, STORE

_ID = re.compile(r"^[0-9a-f]{16}$")
_KINDS = ("direct", "indirect", "mixed", "unattributed")


def _store(request: web.Request) -> DocumentStore:
    return request.app[STORE]  # type: ignore[return-value]


def _doc_id(request: web.Request) -> str:
    doc_id = request.match_info["id"].lower()
    if not _ID.match(doc_id):
        raise ApiError(404, "not_found", f"no article with id {doc_id!r}")
    return doc_id


def _not_found(doc_id: str) -> ApiError:
    return ApiError(404, "not_found", f"no article with id {doc_id!r}")


class Query:
    """Validated query parameters; collects every problem into one 422."""

    def __init__(self, request: web.Request, allowed: tuple[str, ...]) -> None:
        self.q = request.rel_url.query
        self.errors: list[dict[str, Any]] = []
        self.settings = request.app[SETTINGS]
        for key in self.q:
            if key not in allowed:
                self.errors.append({"loc": ["query", key], "msg": "unknown parameter", "type": "extra_forbidden"})

    def _err(self, key: str, msg: str, typ: str) -> None:
        self.errors.append({"loc": ["query", key], "msg": msg, "type": typ})

    def text(self, key: str, max_len: int = 512, choices: tuple[str, ...] | None = None) -> str | None:
        value = self.q.get(key)
        if value is None or value == "":
            return None
        if len(value) > max_len:
            self._err(key, f"at most {max_len} characters", "string_too_long")
            return None
        if choices is not None and value not in choices:
            self._err(key, f"must be one of {', '.join(choices)}", "enum")
            return None
        return value

    def integer(self, key: str, lo: int, hi: int) -> int | None:
        value = self.q.get(key)
        if value is None or value == "":
            return None
        try:
            n = int(value)
        except ValueError:
            self._err(key, "must be an integer", "int_parsing")
            return None
        if not lo <= n <= hi:
            self._err(key, f"must be between {lo} and {hi}", "range")
            return None
        return n

    def number(self, key: str, lo: float, hi: float) -> float | None:
        value = self.q.get(key)
        if value is None or value == "":
            return None
        try:
            f = float(value)
        except ValueError:
            self._err(key, "must be a number", "float_parsing")
            return None
        if not lo <= f <= hi:  # also rejects nan
            self._err(key, f"must be between {lo} and {hi}", "range")
            return None
        return f

    def when(self, key: str) -> str | None:
        value = self.q.get(key)
        if value is None or value == "":
            return None
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self._err(key, "must be an ISO 8601 date-time", "datetime_parsing")
            return None
        return value

    def limit(self) -> int | None:
        return self.integer("limit", 1, self.settings.list_max_limit)

    def check(self) -> None:
        if self.errors:
            raise ApiError(422, "validation_error", "invalid query parameters", self.errors)


def _bad_cursor() -> ApiError:
    return ApiError(422, "validation_error", "invalid query parameters",
                    [{"loc": ["query", "cursor"], "msg": "invalid cursor", "type": "value_error"}])


async def get_status(request: web.Request) -> web.Response:
    doc_id = _doc_id(request)
    status = await _store(request).get_status(doc_id)
    if status is None:
        raise _not_found(doc_id)
    return json_response(status)


async def get_document(request: web.Request) -> web.Response:
    doc_id = _doc_id(request)
    q = Query(request, ("revision",))
    revision = q.integer("revision", 1, 2 ** 31)
    q.check()
    doc = await _store(request).get_document(doc_id)
    if doc is None:
        raise _not_found(doc_id)
    if revision is not None and revision != doc.get("revision"):
        old = await _store(request).get_revision(doc_id, revision)
        if old is None:
            raise ApiError(404, "not_found", f"article {doc_id} has no readable revision {revision}",
                           {"revisions": [r["revision"] for r in doc.get("revisions") or []],
                            "keep_revisions": request.app[SETTINGS].keep_revisions})
        doc = old
    return json_response(doc)


async def get_cluster(request: web.Request) -> web.Response:
    cluster_id = _doc_id(request)
    cluster = await _store(request).get_cluster(cluster_id)
    if cluster is None:
        raise ApiError(404, "not_found", f"no cluster with id {cluster_id!r}")
    return json_response(cluster)


async def list_articles(request: web.Request) -> web.Response:
    q = Query(request, ("status", "language", "source", "entity", "since", "until", "limit", "cursor", "url",
                        "cluster"))
    params = dict(status=q.text("status", choices=STATUSES), language=q.text("language", 35),
                  source=q.text("source", 256), entity=q.text("entity"), since=q.when("since"),
                  until=q.when("until"), limit=q.limit(), cursor=q.text("cursor", 1024),
                  cluster=q.text("cluster", 64))
    url = q.text("url", 4096)
    q.check()
    if url is not None:  # the article that arrived at this url (any of its urls): a list of at most one,
        # its item the other lists' (language, entity_count, claim_count, …) plus revision and cluster_id
        store = _store(request)
        found = await store.id_by_url(url)
        doc = await store.get_document(found) if found else None
        items = []
        if doc:
            summary = (await store.summaries([doc["id"]]) or [{}])[0]
            items = [{**summary, **{k: doc[k] for k in ("id", "status", "received_at", "attempts", "title", "url",
                                                        "source", "revision", "cluster_id")
                                    if doc.get(k) is not None}}]
        return json_response({"items": items, "next_cursor": None})
    try:
        page = await _store(request).list_documents(**params)
    except InvalidCursor:
        raise _bad_cursor() from None
    return json_response(page)


async def retry_article(request: web.Request) -> web.Response:
    doc_id = _doc_id(request)
    # a JSON content type (a plain web form cannot send one cross-site without a CORS preflight)
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "retry needs Content-Type: application/json "
                       "(the body may be empty)", {"accepted": ["application/json"]})
    code, status = await _store(request).requeue(doc_id)
    if code == -2:
        cap = request.app[SETTINGS].lifetime_attempts
        raise ApiError(409, "retry_budget_exhausted", f"article {doc_id} has used {status} attempts; "
                       f"the lifetime cap is {cap}", {"attempts": int(status), "max_lifetime_attempts": cap})
    if code < 0:
        raise _not_found(doc_id)
    if code == 0:
        raise ApiError(409, "conflict", f"article {doc_id} is {status}; only failed articles can be retried",
                       {"status": status})
    return json_response({"id": doc_id, "status": "queued", "duplicate": False, "links": links(doc_id)}, 202)


async def delete_article(request: web.Request) -> web.Response:
    doc_id = _doc_id(request)
    code, status = await _store(request).delete(doc_id)
    if code < 0:
        raise _not_found(doc_id)
    if code == 0:
        raise ApiError(409, "conflict", f"article {doc_id} is {status}; only done or failed articles can be deleted",
                       {"status": status})
    return web.Response(status=204)


async def search_entities(request: web.Request) -> web.Response:
    q = Query(request, ("q", "label", "limit"))
    params = dict(q=q.text("q", 256) or "", label=q.text("label", 32), limit=q.limit())
    q.check()
    return json_response({"items": await _store(request).search_entities(**params)})


async def get_entity(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    entity = await _store(request).get_entity(key)
    if entity is None:
        raise ApiError(404, "not_found", f"no entity with key {key!r}")
    return json_response(entity)


async def entity_articles(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    q = Query(request, ("limit", "cursor"))
    params = dict(limit=q.limit(), cursor=q.text("cursor", 1024))
    q.check()
    store = _store(request)
    entity = await store.get_entity(key)
    if entity is None:
        raise ApiError(404, "not_found", f"no entity with key {key!r}")
    try:
        page = await store.entity_documents(key, **params)
    except InvalidCursor:
        raise _bad_cursor() from None
    return json_response({"entity": entity, **page})


async def search_claims(request: web.Request) -> web.Response:
    q = Query(request, ("speaker", "entity", "kind", "min_checkworthiness", "limit", "cursor"))
    params = dict(speaker=q.text("speaker"), entity=q.text("entity"), kind=q.text("kind", choices=_KINDS),
                  min_checkworthiness=q.number("min_checkworthiness", 0.0, 1.0), limit=q.limit(),
                  cursor=q.text("cursor", 1024))
    q.check()
    try:
        page = await _store(request).search_claims(**params)
    except InvalidCursor:
        raise _bad_cursor() from None
    return json_response(page)


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/v1/articles", list_articles)
    r.add_get("/v1/articles/{id}", get_document)
    r.add_delete("/v1/articles/{id}", delete_article)
    r.add_get("/v1/articles/{id}/status", get_status)
    r.add_get("/v1/clusters/{id}", get_cluster)
    r.add_post("/v1/articles/{id}/retry", retry_article)
    r.add_get("/v1/entities", search_entities)
    # entity keys may contain "/" (sent as %2F): the articles route must come first
    r.add_get("/v1/entities/{key:.+}/articles", entity_articles)
    r.add_get("/v1/entities/{key:.+}", get_entity)
    r.add_get("/v1/claims", search_claims)
