"""``/openapi.json`` generated from the pydantic schemas, and ``/docs``: a self-contained page
(``static/docs.html``, no CDN) that renders it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic.json_schema import models_json_schema

from shared import __version__
from shared import schemas as S
from shared.config import Settings

from . import auth
from .errors import json_response
from .state import SETTINGS

_DOCS_HTML = Path(__file__).with_name("static") / "docs.html"

_ERR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ref(name: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Malformed JSON or invalid UTF-8", 404: "Unknown id", 409: "Conflict (not in a retryable state; Idempotency-Key reused with another request)",
            413: "Body too large", 415: "Wrong content type", 422: "Schema violation (details list field paths)",
            429: "Queue full (see Retry-After)", 503: "Redis unavailable"}
    return {str(c): {**_ERR, "description": text.get(c, "Error")} for c in codes}


def _param(name: str, where: str = "query", schema: dict[str, Any] | None = None, required: bool = False,
           description: str = "") -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path",
            "schema": schema or {"type": "string"}, "description": description}


def _page_params() -> list[dict[str, Any]]:
    """The query parameters of a text/html or text/plain post (ignored for JSON)."""
    fields = S.PageQuery.model_fields
    fmt = {"url": {"type": "string", "format": "uri"}, "published_at": {"type": "string", "format": "date-time"}}
    return [_param(name, schema=fmt.get(name), description=f"text/html and text/plain only: {f.description}")
            for name, f in fields.items()]


def build_spec(settings: Settings | None = None) -> dict[str, Any]:
    """The spec; the ``Document`` schema has the fields of the stages ``settings`` enable."""
    from workers.pipeline.registry import document_model

    from .events import Event, Webhook, WebhookDeliveryList, WebhookIn, WebhookList, openapi_paths

    models = [S.ArticleIn, S.Accepted, S.BatchResult, S.StatusOut, document_model(settings), S.DocumentList,
              S.EntitySummary, S.EntityList, S.ClaimList, S.Cluster, S.Error, WebhookIn, Webhook, WebhookList,
              WebhookDeliveryList, Event]
    _, defs = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    schemas = defs.get("$defs", {})
    limit = _param("limit", schema={"type": "integer", "minimum": 1, "maximum": 200})
    cursor = _param("cursor", description="opaque; from next_cursor of the previous page")
    doc_id = _param("id", "path", {"type": "string", "pattern": "^[0-9a-f]{16}$"})
    ek = _param("key", "path", description="cross-document canonical entity key (person:thae-yong-ho); "
                                                "a short form linked to one (person:thae) resolves to it")
    idem = _param("Idempotency-Key", "header", description="replays the first response for 24 h; the same key "
                                                            "with a different request is a 409; scoped per API key")
    paths: dict[str, Any] = {
        "/v1/articles": {
            "post": {"summary": "Submit one article (JSON), or a raw web page (text/html) or text (text/plain) "
                                "with its fields as query parameters", "operationId": "submitArticle",
                     "parameters": [*_page_params(), idem],
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {"$ref": "#/components/schemas/ArticleIn"}},
                         "text/html": {"schema": {"type": "string", "description": (
                             "A web page; its main text is extracted (the article's html). Charset: the "
                             "Content-Type header's, else <meta charset>, else detected")}},
                         "text/plain": {"schema": {"type": "string", "description": (
                             "Plain text (the article's text). Charset: the Content-Type header's, else "
                             "UTF-8, else detected")}}}},
                     "responses": {"202": _ref("Accepted", "Accepted and queued"),
                                   "200": _ref("Accepted", "Duplicate of an existing article"),
                                   **_errors(400, 409, 413, 415, 422, 429, 503)}},
            "get": {"summary": "List articles, newest first", "operationId": "listArticles",
                    "parameters": [_param("status", schema={"type": "string", "enum": list(S.Status.__args__)}),
                                   _param("language"), _param("source"),
                                   _param("entity", description="canonical entity key; includes documents with short forms linked to it"),
                                   _param("since", schema={"type": "string", "format": "date-time"},
                                          description="received at or after"),
                                   _param("until", schema={"type": "string", "format": "date-time"},
                                          description="received at or before"),
                                   _param("url", description="the article that arrived at this URL (any of its "
                                                             "urls, normalised); at most one item"),
                                   _param("cluster", description="members of a near-duplicate cluster"),
                                   limit, cursor],
                    "responses": {"200": _ref("DocumentList"), **_errors(422, 503)}},
        },
        "/v1/articles/batch": {
            "post": {"summary": "Submit up to 1000 articles (JSON array or NDJSON)", "operationId": "submitBatch",
                     "parameters": [idem],
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {"type": "array",
                                                         "items": {"$ref": "#/components/schemas/ArticleIn"}}},
                         "application/x-ndjson": {"schema": {"type": "string"}}}},
                     "responses": {"202": _ref("BatchResult", "Per-item results in input order"),
                                   "200": _ref("BatchResult", "Nothing new accepted"),
                                   **_errors(400, 409, 413, 415, 422, 429, 503)}},
        },
        "/v1/articles/{id}": {
            "get": {"summary": "The stored document (status only before done)", "operationId": "getArticle",
                    "parameters": [doc_id, _param("revision", schema={"type": "integer", "minimum": 1, "maximum": 2 ** 31},
                                                  description="a kept earlier revision (NEWSFLOW_KEEP_REVISIONS)")],
                    "responses": {"200": _ref("Document"), **_errors(404, 422, 503)}},
            "delete": {"summary": "Delete a done or failed article (document, indexes, dedupe keys)",
                       "operationId": "deleteArticle", "parameters": [doc_id],
                       "responses": {"204": {"description": "Deleted"}, **_errors(404, 409, 503)}},
        },
        "/v1/articles/{id}/status": {
            "get": {"summary": "Processing status", "operationId": "getStatus", "parameters": [doc_id],
                    "responses": {"200": _ref("StatusOut"), **_errors(404, 503)}},
        },
        "/v1/articles/{id}/retry": {
            "post": {"summary": "Queue a failed article again (Content-Type: application/json, empty body "
                                "allowed; 409 retry_budget_exhausted past the lifetime cap on attempts)",
                     "operationId": "retryArticle", "parameters": [doc_id],
                     "responses": {"202": _ref("Accepted"), **_errors(404, 409, 415, 503)}},
        },
        "/v1/clusters/{id}": {
            "get": {"summary": "A near-duplicate cluster", "operationId": "getCluster", "parameters": [doc_id],
                    "responses": {"200": _ref("Cluster"), **_errors(404, 503)}},
        },
        "/v1/entities": {
            "get": {"summary": "Entities across the corpus by name prefix", "operationId": "searchEntities",
                    "parameters": [_param("q", description="name prefix, case-insensitive"),
                                   _param("label", description="PERSON, ORG, GPE, …"), limit],
                    "responses": {"200": _ref("EntityList"), **_errors(422, 503)}},
        },
        "/v1/entities/{key}": {
            "get": {"summary": "One entity", "operationId": "getEntity", "parameters": [ek],
                    "responses": {"200": _ref("EntitySummary"), **_errors(404, 503)}},
        },
        "/v1/entities/{key}/articles": {
            "get": {"summary": "Documents mentioning an entity, newest first", "operationId": "entityArticles",
                    "parameters": [ek, limit, cursor],
                    "responses": {"200": _ref("DocumentList"), **_errors(404, 422, 503)}},
        },
        "/v1/claims": {
            "get": {"summary": "Claims, newest first", "operationId": "searchClaims",
                    "parameters": [_param("speaker", description="speaker entity key or name"),
                                   _param("entity", description="entity key mentioned in the claim"),
                                   _param("kind", schema={"type": "string",
                                                          "enum": ["direct", "indirect", "mixed", "unattributed"]}),
                                   _param("min_checkworthiness", schema={"type": "number", "minimum": 0, "maximum": 1}),
                                   limit, cursor],
                    "responses": {"200": _ref("ClaimList"), **_errors(422, 503)}},
        },
        "/healthz": {"get": {"summary": "Liveness", "operationId": "healthz", "responses": {"200": {"description": "OK"}}}},
        "/readyz": {"get": {"summary": "Readiness: Redis reachable and a worker heartbeat seen", "operationId": "readyz",
                            "responses": {"200": {"description": "Ready"}, "503": _ERR}}},
        "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics",
                             "responses": {"200": {"description": "text exposition format",
                                                   "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    }
    paths.update(openapi_paths())
    return markdown_descriptions(auth.document({
        "openapi": "3.1.0",
        "info": {"title": "newsflow", "version": __version__,
                 "description": "Ingestion of news articles: intake, analysis (language, entities, claims), read API. "
                                "Push: `GET /v1/events` (server-sent events) and `/v1/webhooks`."},
        "paths": paths,
        "components": {"schemas": schemas},
    }, keys=settings is None or settings.auth_required))


def markdown_descriptions(node: Any) -> Any:
    """Docstring RST (````code````) as Markdown (```code```) in every description and summary."""
    if isinstance(node, dict):
        return {k: (v.replace("``", "`") if k in ("description", "summary") and isinstance(v, str)
                    else markdown_descriptions(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [markdown_descriptions(v) for v in node]
    return node


def setup(app: web.Application) -> None:
    spec = build_spec(app[SETTINGS])
    html = _DOCS_HTML.read_bytes()

    async def openapi_json(request: web.Request) -> web.Response:
        return json_response(spec)

    async def docs(request: web.Request) -> web.Response:
        return web.Response(body=html, content_type="text/html", charset="utf-8")

    async def root(request: web.Request) -> web.Response:
        raise web.HTTPFound("/docs")

    app.router.add_get("/openapi.json", openapi_json)
    app.router.add_get("/docs", docs)
    app.router.add_get("/", root)
