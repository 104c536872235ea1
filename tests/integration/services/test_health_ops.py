"""Operations endpoints and failure modes: /healthz, /readyz, /metrics, /openapi.json, /docs,
405/404 as JSON, and 503 while Redis is down (then recovery)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from factories import SPY_TEXT, spy_document
from shared import keys as K
from shared.ids import article_id
from shared.schemas import Accepted, BatchResult, StatusOut


async def test_healthz_and_readyz_follow_worker_heartbeat(client, redis):
    assert (await client.get("/healthz")).status == 200
    resp = await client.get("/readyz")
    assert resp.status == 503
    details = (await resp.json())["error"]["details"]
    assert details["checks"] == {"redis": True, "worker": False, "html_extractor": True}
    assert details["html_extractor"]["name"] == "trafilatura" and details["html_extractor"]["available"]
    assert details["workers"] == {"live": 0, "names": []}
    await redis.set(K.ARQ_HEALTH_CHECK, b"Nov-23 14:00:00 j_complete=0 j_failed=0", ex=30)
    assert (await client.get("/readyz")).status == 503  # arq's shared key counts no worker
    for name in ("w-b", "w-a"):
        await redis.set(K.worker(name), orjson.dumps({"name": name, "pid": 1, "host": "h", "jobs_running": 1}), ex=30)
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200 and body["checks"] == {"redis": True, "worker": True, "html_extractor": True}
    assert body["workers"] == {"live": 2, "names": ["w-a", "w-b"]}
    text = await (await client.get("/metrics")).text()
    assert _metric(text, "newsflow_workers_live") == 2
    assert 'newsflow_worker_up{name="w-a",host="h",pid="1"} 1' in text
    await redis.delete(K.worker("w-a"), K.worker("w-b"))
    assert (await client.get("/readyz")).status == 503


async def test_readyz_names_a_down_dispatchers_error_type_not_its_text(client, redis):
    """``/readyz`` needs no key: a dispatcher's last error is reported by its type only (its text may name
    hosts, URLs, keys; it stays in the worker's log and heartbeat)."""
    dispatcher = {"alive": False, "state": "retrying", "failures": 3, "restarts": 1,
                  "last_error": "ConnectionError: Error connecting to secret-host.internal:6380 (password hunter2)"}
    await redis.set(K.worker("w-x"), orjson.dumps({"name": "w-x", "pid": 1, "host": "h", "jobs_running": 0,
                                                   "webhook_dispatcher": dispatcher}), ex=30)
    try:
        resp = await client.get("/readyz")
        text = await resp.text()
        body = await resp.json()
    finally:
        await redis.delete(K.worker("w-x"))
    assert "secret-host" not in text and "hunter2" not in text
    assert body["webhook_dispatchers"]["down"] == [{"name": "w-x", "state": "retrying", "restarts": 1,
                                                    "last_error_type": "ConnectionError"}]
    assert _metric(await (await client.get("/metrics")).text(), "newsflow_html_extractor_available") == 1


async def test_405_and_unknown_route_are_json(client):
    resp = await client.delete("/v1/articles")
    assert resp.status == 405
    err = (await resp.json())["error"]
    assert err["code"] == "method_not_allowed" and "POST" in err["details"]["allowed"]
    assert "POST" in resp.headers["Allow"]
    resp = await client.put("/v1/articles/batch")
    assert resp.status == 405
    resp = await client.get("/v2/nothing")
    assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_found"


def _metric(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
        assert m, f"bad exposition line: {line!r}"
        if m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if all(got.get(k) == str(v) for k, v in labels.items()):
            return float(m.group(4))
    raise AssertionError(f"{name}{labels} not found")


async def test_wait_histogram_counts_each_document_once_with_its_processing_time(client, store):
    a = {"text": SPY_TEXT, "external_id": "spy"}
    b = {"text": "An article whose save did not know its wait, an older worker's.", "external_id": "old"}
    for art in (a, b):
        assert (await client.post("/v1/articles", json=art)).status == 202
        await store.mark_processing(article_id(art), 1)
    await store.save_document(spy_document(a), 180.0, 30.0)
    await store.save_document(spy_document(a), 180.0, 3000.0)  # the same job saved again: counted once
    await store.save_document({"id": article_id(b), "text": b["text"]}, 20.0)  # wait_ms unknown
    text = await (await client.get("/metrics")).text()
    assert "# TYPE newsflow_wait_seconds histogram" in text
    assert _metric(text, "newsflow_processing_seconds_count") == 2
    assert _metric(text, "newsflow_wait_seconds_count") == 1  # b's wait is not known: not counted as 0
    assert _metric(text, "newsflow_wait_seconds_sum") == 0.03
    assert _metric(text, "newsflow_wait_seconds_bucket", le="0.025") == 0
    assert _metric(text, "newsflow_wait_seconds_bucket", le="0.05") == 1
    assert _metric(text, "newsflow_wait_seconds_bucket", le="+Inf") == 1
    bounds = [float(m) for m in re.findall(r'newsflow_wait_seconds_bucket\{le="([0-9.]+)"\}', text)]
    assert bounds == [b / 1000 for b in K.PROCESSING_BUCKETS_MS]  # the processing histogram's buckets


async def test_metrics_exposition(client, store):
    a = {"text": SPY_TEXT, "external_id": "spy"}
    await client.post("/v1/articles", json=a)
    await client.post("/v1/articles", json={"text": "second"})
    await client.post("/v1/articles", json={"bad": 1})
    await store.save_document(spy_document(a), 180.0)
    await client.get(f"/v1/articles/{article_id(a)}")
    text = await (await client.get("/metrics")).text()
    for line in text.splitlines():  # every sample line is well formed
        assert line.startswith("#") or re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.e+Inf]+$", line), line
    assert _metric(text, "newsflow_queue_depth") == 2  # no worker ran: both jobs still queued
    assert _metric(text, "newsflow_webhook_queue_depth") == 0  # deliveries: their own queue, none here
    assert _metric(text, "newsflow_documents", status="done") == 1
    assert _metric(text, "newsflow_documents", status="queued") == 1
    assert _metric(text, "newsflow_processing_seconds_count") == 1
    assert _metric(text, "newsflow_processing_seconds_bucket", le="0.1") == 0
    assert _metric(text, "newsflow_processing_seconds_bucket", le="0.25") == 1
    assert _metric(text, "newsflow_http_requests_total", method="POST", route="/v1/articles", status="202") == 2
    assert _metric(text, "newsflow_http_requests_total", method="POST", route="/v1/articles", status="422") == 1
    assert _metric(text, "newsflow_http_requests_total", method="GET", route="/v1/articles/{id}", status="200") == 1
    assert _metric(text, "newsflow_http_request_duration_seconds_count", method="POST", route="/v1/articles") == 3
    assert _metric(text, "newsflow_redis_up") == 1
    assert _metric(text, "newsflow_worker_heartbeat") == 0


def _refs(node, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                out.add(v)
            else:
                _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)
    return out


async def test_openapi_is_complete_and_consistent(client):
    spec = await (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"]
    schemas = spec["components"]["schemas"]
    for ref in _refs(spec, set()):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    # every route the app serves is documented, with its methods
    served: dict[str, set[str]] = {}
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if route.method != "HEAD" and path:
            served.setdefault(re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path), set()).add(route.method.lower())
    documented = {p: set(ops) for p, ops in spec["paths"].items()}
    for path, methods in served.items():
        if path in ("/openapi.json", "/docs", "/"):
            continue
        assert path in documented and methods <= documented[path], (path, methods)
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op["responses"] and op["operationId"], (path, method)
            for p in op.get("parameters", []):
                if p["in"] == "path":
                    assert "{" + p["name"] + "}" in path
    article = schemas["ArticleIn"]
    assert article["additionalProperties"] is False
    assert set(article["properties"]) >= {"url", "title", "text", "html", "source", "published_at", "language",
                                          "external_id", "metadata"}
    validate_spec(spec)  # OpenAPI 3.1 meta-schema, refs and all


async def test_one_version_markdown_descriptions_and_root_points_to_docs(client):
    import tomllib

    from shared import __version__

    spec = await (await client.get("/openapi.json")).json()
    pyproject = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text())
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "shared.__version__"}
    assert spec["info"]["version"] == __version__
    assert "``" not in json.dumps(spec)  # RST double backticks became Markdown code
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/docs"


def _conforms(spec: dict, schema_name: str, instance) -> None:
    """Validate a real response against the schema the spec documents for it (JSON Schema 2020-12)."""
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    errors = sorted(Draft202012Validator(root).iter_errors(instance), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


async def test_responses_match_the_documented_schemas(client, store):
    spec = await (await client.get("/openapi.json")).json()
    a = {"text": SPY_TEXT, "external_id": "spy", "url": "https://example.com/spy", "published_at": "2024-05-28"}
    resp = await client.post("/v1/articles", json=a)
    _conforms(spec, "Accepted", await resp.json())
    Accepted.model_validate(await resp.json())
    doc_id = (await resp.json())["id"]
    _conforms(spec, "Document", await (await client.get(f"/v1/articles/{doc_id}")).json())
    status = await (await client.get(f"/v1/articles/{doc_id}/status")).json()
    _conforms(spec, "StatusOut", status)
    StatusOut.model_validate(status)
    batch = await (await client.post("/v1/articles/batch", json=[{"text": "b"}, {}])).json()
    _conforms(spec, "BatchResult", batch)
    BatchResult.model_validate(batch)
    await store.save_document(spy_document(a), 12.0)
    _conforms(spec, "Document", await (await client.get(f"/v1/articles/{doc_id}")).json())
    _conforms(spec, "DocumentList", await (await client.get("/v1/articles")).json())
    found = await (await client.get("/v1/articles", params={"url": a["url"]})).json()
    _conforms(spec, "DocumentList", found)
    summary = spec["components"]["schemas"]["DocumentSummary"]["properties"]
    listed = (await (await client.get("/v1/articles")).json())["items"]
    assert set(found["items"][0]) | set(listed[0]) <= set(summary)  # every field a list item has is documented
    _conforms(spec, "EntityList", await (await client.get("/v1/entities?q=th")).json())
    _conforms(spec, "EntitySummary", await (await client.get("/v1/entities/person:thae-yong-ho")).json())
    _conforms(spec, "ClaimList", await (await client.get("/v1/claims?speaker=person:thae-yong-ho")).json())
    _conforms(spec, "Error", await (await client.get("/v1/articles/0123456789abcdef")).json())
    _conforms(spec, "Error", await (await client.post("/v1/articles", json={"x": 1})).json())


async def test_docs_page_is_self_contained(client):
    resp = await client.get("/docs")
    assert resp.status == 200 and resp.content_type == "text/html"
    html = await resp.text()
    assert "/openapi.json" in html and "<script" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no external assets"


async def test_503_while_redis_is_down_then_recovers(client, redis_server, redis):
    doc_id = (await (await client.post("/v1/articles", json={"text": "before outage"})).json())["id"]
    redis_server.stop()
    try:
        for method, path, kwargs in (("post", "/v1/articles", {"json": {"text": "during outage"}}),
                                     ("post", "/v1/articles/batch", {"json": [{"text": "during outage"}]}),
                                     ("get", f"/v1/articles/{doc_id}", {}), ("get", f"/v1/articles/{doc_id}/status", {}),
                                     ("get", "/v1/articles", {}), ("get", "/v1/entities?q=a", {}),
                                     ("get", "/v1/claims", {}), ("post", f"/v1/articles/{doc_id}/retry",
                                      {"headers": {"Content-Type": "application/json"}})):
            resp = await getattr(client, method)(path, **kwargs)
            assert resp.status == 503, (path, resp.status, await resp.text())
            assert (await resp.json())["error"]["code"] == "unavailable"
        assert (await client.get("/readyz")).status == 503
        assert (await client.get("/healthz")).status == 200
        metrics = await client.get("/metrics")
        assert metrics.status == 200 and "newsflow_redis_up 0" in await metrics.text()
    finally:
        redis_server.start()
    # the same app recovers without a restart, and the acknowledged article survived (AOF)
    resp = await client.get(f"/v1/articles/{doc_id}/status")
    assert resp.status == 200 and (await resp.json())["status"] == "queued"
    assert (await client.post("/v1/articles", json={"text": "after outage"})).status == 202


async def test_503_when_redis_is_out_of_memory(client, redis):
    await redis.config_set("maxmemory", 1)  # noeviction: every write is refused
    try:
        for path, payload in (("/v1/articles", {"text": "no room"}), ("/v1/articles/batch", [{"text": "no room"}])):
            resp = await client.post(path, json=payload)
            assert resp.status == 503 and resp.headers["Retry-After"]
            assert (await resp.json())["error"]["code"] == "unavailable"
        assert (await client.get("/v1/articles")).status == 200  # reads still work
    finally:
        await redis.config_set("maxmemory", 0)
    assert await redis.dbsize() == 0  # nothing half-written


async def test_app_starts_and_answers_503_when_redis_is_not_there_yet(make_client):
    from shared.redis_server import free_port

    client = await make_client(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    assert (await client.get("/healthz")).status == 200
    resp = await client.post("/v1/articles", json={"text": "nowhere to go"})
    assert resp.status == 503 and (await resp.json())["error"]["code"] == "unavailable"
    assert (await client.get("/readyz")).status == 503


async def test_readyz_is_not_ready_without_the_html_extractor_unless_the_fallback_is_allowed(make_client, redis,
                                                                                            monkeypatch):
    from services import health
    from shared.extractor import ExtractorStatus

    broken = ExtractorStatus("trafilatura", False, None, "ModuleNotFoundError: No module named 'lxml_html_clean'")
    monkeypatch.setattr(health, "extractor_status", lambda: broken)
    await redis.set(K.worker("w"), orjson.dumps({"name": "w"}), ex=30)
    client = await make_client()
    resp = await client.get("/readyz")
    assert resp.status == 503
    details = (await resp.json())["error"]["details"]
    assert details["checks"]["html_extractor"] is False and "lxml_html_clean" in details["html_extractor"]["error"]
    assert _metric(await (await client.get("/metrics")).text(), "newsflow_html_extractor_available") == 0
    allowed = await make_client(html_fallback="allow")
    resp = await allowed.get("/readyz")
    assert resp.status == 200 and (await resp.json())["html_extractor"]["fallback"] == "allow"
