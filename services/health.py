"""``/healthz`` (process alive), ``/readyz`` (Redis reachable and a worker heartbeat seen) and
``/metrics`` (Prometheus text exposition)."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from aiohttp import web

from shared.config import Settings
from shared.extractor import extractor_status
from shared.store import DocumentStore

from .errors import error_response, json_response
from .state import HTTP_METRICS, SETTINGS, STORE

LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class HttpMetrics:
    """In-process HTTP counters: requests by (method, route, status), latency histogram by route."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[tuple[str, str], list[int]] = {}
        self.latency_sum: dict[tuple[str, str], float] = defaultdict(float)
        self.started = time.time()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        key = (method, route)
        buckets = self.latency.get(key)
        if buckets is None:
            buckets = self.latency[key] = [0] * (len(LATENCY_BUCKETS_S) + 1)
        for i, bound in enumerate(LATENCY_BUCKETS_S):
            if seconds <= bound:
                buckets[i] += 1
                break
        else:
            buckets[-1] += 1
        self.latency_sum[key] += seconds

    def render(self) -> list[str]:
        out = ["# HELP newsflow_http_requests_total HTTP requests by method, route and status.",
               "# TYPE newsflow_http_requests_total counter"]
        for (method, route, status), n in sorted(self.requests.items()):
            out.append(f'newsflow_http_requests_total{{method="{method}",route="{_esc(route)}",status="{status}"}} {n}')
        out += ["# HELP newsflow_http_request_duration_seconds HTTP request latency by method and route.",
                "# TYPE newsflow_http_request_duration_seconds histogram"]
        for (method, route), counts in sorted(self.latency.items()):
            labels = f'method="{method}",route="{_esc(route)}"'
            cumulative = 0
            for bound, n in zip(LATENCY_BUCKETS_S, counts):
                cumulative += n
                out.append(f'newsflow_http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {cumulative}')
            cumulative += counts[-1]
            out.append(f'newsflow_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {cumulative}')
            out.append(f"newsflow_http_request_duration_seconds_sum{{{labels}}} {self.latency_sum[(method, route)]:.6f}")
            out.append(f"newsflow_http_request_duration_seconds_count{{{labels}}} {cumulative}")
        return out


def _histogram(name: str, help_text: str, hist: dict[str, Any]) -> list[str]:
    """A histogram of ``shared.store.metrics`` (milliseconds) in seconds, as Prometheus text."""
    out = [f"# HELP {name} {help_text}", f"# TYPE {name} histogram"]
    for le, n in hist["buckets"]:
        bound = le if le == "+Inf" else repr(int(le) / 1000)
        out.append(f'{name}_bucket{{le="{bound}"}} {n}')
    out.append(f"{name}_sum {hist['sum_ms'] / 1000:.6f}")
    out.append(f"{name}_count {hist['count']}")
    return out


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    store: DocumentStore = request.app[STORE]  # type: ignore[assignment]
    settings: Settings = request.app[SETTINGS]  # type: ignore[assignment]
    extractor = extractor_status()
    checks = {"redis": False, "worker": False,
              "html_extractor": extractor.available or settings.html_fallback == "allow"}
    try:
        checks["redis"] = await store.ping()
        workers = await store.live_workers()
        checks["worker"] = bool(workers)
    except Exception:  # noqa: BLE001 - not ready is the answer, whatever the failure
        workers = []
    info = {"workers": {"live": len(workers), "names": [w.get("name") for w in workers]},
            "webhook_dispatchers": _dispatchers(workers),
            "html_extractor": {"name": extractor.name, "available": extractor.available,
                               "version": extractor.version, "error": extractor.error,
                               "fallback": settings.html_fallback}}
    if all(checks.values()):
        return json_response({"status": "ready", "checks": checks, **info})
    missing = [k for k, ok in checks.items() if not ok]
    return error_response(503, "not_ready", f"not ready: {', '.join(missing)}", {"checks": checks, **info})


def _dispatch_alive(worker: dict[str, Any]) -> bool:
    """Whether a live worker's heartbeat says its webhook dispatcher runs (``workers/webhooks.py``)."""
    return bool((worker.get("webhook_dispatcher") or {}).get("alive"))


def _dispatchers(workers: list[dict[str, Any]]) -> dict[str, Any]:
    """``/readyz``'s report of the live workers' webhook dispatchers: how many run, and the workers whose
    dispatcher does not (with its state and the type of its last error: ``/readyz`` needs no key, and
    an error's text may name hosts, URLs or keys; the text is in the worker's log and heartbeat key).
    Reported, not a readiness check: articles are taken and analysed without it; a dispatcher that
    fails is retried and restarted by its worker."""
    down = []
    for w in workers:
        if not _dispatch_alive(w):
            d = w.get("webhook_dispatcher") or {}
            error = str(d.get("last_error") or "")
            down.append({"name": w.get("name"), "state": d.get("state"), "restarts": d.get("restarts"),
                         "last_error_type": error.split(":", 1)[0].strip() or None})
    return {"live": sum(_dispatch_alive(w) for w in workers), "down": down}


async def metrics(request: web.Request) -> web.Response:
    store: DocumentStore = request.app[STORE]  # type: ignore[assignment]
    lines: list[str] = []
    try:
        depth = await store.queue_depth()
        webhook_depth = await store.webhook_queue_depth()
        counts = await store.counts_by_status()
        hist = await store.processing_histogram()
        wait = await store.wait_histogram()
        heartbeat = int(await store.worker_heartbeat() is not None)
        workers = await store.live_workers()
        failures = await store.failures_by_code()
        up = 1
    except Exception:  # noqa: BLE001 - still expose the HTTP metrics
        depth, counts, hist, wait, heartbeat, up, workers, failures = None, {}, None, None, None, 0, None, {}
        webhook_depth = None
    lines += ["# HELP newsflow_html_extractor_available Whether the HTML extractor (trafilatura) imports.",
              "# TYPE newsflow_html_extractor_available gauge",
              f"newsflow_html_extractor_available {int(extractor_status().available)}"]
    lines += ["# HELP newsflow_redis_up Whether Redis answered this scrape.", "# TYPE newsflow_redis_up gauge",
              f"newsflow_redis_up {up}"]
    if heartbeat is not None:
        lines += ["# HELP newsflow_worker_heartbeat Whether an arq worker health-check key is present.",
                  "# TYPE newsflow_worker_heartbeat gauge", f"newsflow_worker_heartbeat {heartbeat}"]
    if workers is not None:
        lines += ["# HELP newsflow_workers_live Workers whose heartbeat key is alive.",
                  "# TYPE newsflow_workers_live gauge", f"newsflow_workers_live {len(workers)}",
                  "# HELP newsflow_worker_up A live worker (name, host, pid) and its running jobs.",
                  "# TYPE newsflow_worker_up gauge"]
        lines += [f'newsflow_worker_up{{name="{_esc(str(w.get("name")))}",host="{_esc(str(w.get("host")))}",'
                  f'pid="{w.get("pid")}"}} 1' for w in workers]
        lines += ["# HELP newsflow_webhook_dispatchers_live Live workers whose webhook dispatcher runs.",
                  "# TYPE newsflow_webhook_dispatchers_live gauge",
                  f"newsflow_webhook_dispatchers_live {sum(_dispatch_alive(w) for w in workers)}",
                  "# HELP newsflow_worker_webhook_dispatcher_up Whether a live worker's webhook dispatcher runs.",
                  "# TYPE newsflow_worker_webhook_dispatcher_up gauge"]
        lines += [f'newsflow_worker_webhook_dispatcher_up{{name="{_esc(str(w.get("name")))}"}} {int(_dispatch_alive(w))}'
                  for w in workers]
        lines += ["# HELP newsflow_worker_webhook_dispatcher_restarts_total Times a live worker's webhook dispatcher "
                  "was restarted after ending by an error.",
                  "# TYPE newsflow_worker_webhook_dispatcher_restarts_total counter"]
        lines += [f'newsflow_worker_webhook_dispatcher_restarts_total{{name="{_esc(str(w.get("name")))}"}} '
                  f'{int((w.get("webhook_dispatcher") or {}).get("restarts") or 0)}' for w in workers]
        lines += ["# HELP newsflow_worker_jobs_running Jobs a live worker is running.",
                  "# TYPE newsflow_worker_jobs_running gauge"]
        lines += [f'newsflow_worker_jobs_running{{name="{_esc(str(w.get("name")))}"}} {int(w.get("jobs_running") or 0)}'
                  for w in workers]
    if failures:
        lines += ["# HELP newsflow_failures_total Documents that failed for good, by error code.",
                  "# TYPE newsflow_failures_total counter"]
        lines += [f'newsflow_failures_total{{code="{_esc(c)}"}} {n}' for c, n in sorted(failures.items())]
    if depth is not None:
        lines += ["# HELP newsflow_queue_depth Article jobs in the arq queue (running ones included).",
                  "# TYPE newsflow_queue_depth gauge", f"newsflow_queue_depth {depth}"]
    if webhook_depth is not None:
        lines += ["# HELP newsflow_webhook_queue_depth Webhook deliveries in their arq queue (retries included).",
                  "# TYPE newsflow_webhook_queue_depth gauge", f"newsflow_webhook_queue_depth {webhook_depth}"]
    if counts:
        lines += ["# HELP newsflow_documents Articles by processing status.", "# TYPE newsflow_documents gauge"]
        lines += [f'newsflow_documents{{status="{s}"}} {n}' for s, n in counts.items()]
    if hist is not None:
        lines += _histogram("newsflow_processing_seconds", "Pipeline time per document (its first saved analysis).",
                            hist)
    if wait is not None:
        lines += _histogram("newsflow_wait_seconds", "Time from a document's job start to its pipeline call "
                            "(wait_ms; its first saved analysis).", wait)
    http: HttpMetrics = request.app[HTTP_METRICS]  # type: ignore[assignment]
    lines += http.render()
    return web.Response(body=("\n".join(lines) + "\n").encode(),
                        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
