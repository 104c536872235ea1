"""Service settings, read once from the environment (``Settings.from_env()``).

Every knob of the service lives here so the API, the worker and the CLI agree. Parse it once at
start-up and pass the object around: request handlers never read the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

MiB = 1024 * 1024


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # Redis: None → start a private embedded redis-server under ``data_dir/redis``.
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("./var")

    # Intake limits
    max_article_bytes: int = 2 * MiB
    max_batch_bytes: int = 32 * MiB
    batch_max_items: int = 1000
    queue_max_depth: int = 10_000        # more jobs waiting than this → 429
    retry_after_seconds: int = 5

    # Worker
    max_attempts: int = 5
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 60.0
    job_timeout_seconds: float = 300.0
    worker_concurrency: int = 4
    health_check_interval: int = 10
    # "refuse" (default): no worker starts without the HTML extractor; "allow": the tag stripper
    # stands in, and every document says extraction.method = "fallback".
    html_fallback: str = "refuse"

    # Liveness file the worker touches while its loop runs and Redis answers ("" = none).
    worker_heartbeat_file: str = ""

    # Events and webhooks: stream cap (approximate), how long a delivery is retried, the secret that
    # signs per-article callback_url deliveries ("" = unsigned), one delivery's HTTP timeout
    events_max_len: int = 100_000
    webhook_max_age_seconds: float = 86_400.0
    callback_secret: str = ""
    webhook_timeout_seconds: float = 10.0

    # Read API
    list_default_limit: int = 20
    list_max_limit: int = 200

    # Pipeline (workers/pipeline/registry.py). ``stages``: comma-separated stage names in order
    # ("" = normalize,language,entities,claims); ``package.module:name`` imports a stage defined
    # elsewhere; a list of only ``+name``/``-name`` edits the default order (append / drop).
    stages: str = ""
    # Language stage: ISO 639-1 codes it may answer ("" = the default set); lingua's low-memory mode.
    languages: str = ""
    language_low_memory: bool = False
    # Claim stage options (passed to ClaimStage as a dict, see workers/pipeline/claims).
    claim_threshold: float = 0.5
    claim_nested: str = "drop"
    claim_filter: float = 0.4
    cue_drop: float = 0.15
    cue_add: float = 0.35
    cue_add_other: float = 0.5
    cues_model: str = ""

    ENV = {
        "redis_url": "REDIS_URL",
        "host": "NEWSFLOW_HOST",
        "port": "NEWSFLOW_PORT",
        "data_dir": "NEWSFLOW_DATA_DIR",
        "max_article_bytes": "NEWSFLOW_MAX_ARTICLE_BYTES",
        "max_batch_bytes": "NEWSFLOW_MAX_BATCH_BYTES",
        "batch_max_items": "NEWSFLOW_BATCH_MAX_ITEMS",
        "queue_max_depth": "NEWSFLOW_QUEUE_MAX_DEPTH",
        "retry_after_seconds": "NEWSFLOW_RETRY_AFTER_SECONDS",
        "max_attempts": "NEWSFLOW_MAX_ATTEMPTS",
        "backoff_base_seconds": "NEWSFLOW_BACKOFF_BASE_SECONDS",
        "backoff_cap_seconds": "NEWSFLOW_BACKOFF_CAP_SECONDS",
        "job_timeout_seconds": "NEWSFLOW_JOB_TIMEOUT_SECONDS",
        "worker_concurrency": "NEWSFLOW_WORKER_CONCURRENCY",
        "health_check_interval": "NEWSFLOW_HEALTH_CHECK_INTERVAL",
        "html_fallback": "NEWSFLOW_HTML_FALLBACK",
        "events_max_len": "NEWSFLOW_EVENTS_MAX_LEN",
        "webhook_max_age_seconds": "NEWSFLOW_WEBHOOK_MAX_AGE_SECONDS",
        "callback_secret": "NEWSFLOW_CALLBACK_SECRET",
        "webhook_timeout_seconds": "NEWSFLOW_WEBHOOK_TIMEOUT_SECONDS",
        "list_default_limit": "NEWSFLOW_LIST_DEFAULT_LIMIT",
        "list_max_limit": "NEWSFLOW_LIST_MAX_LIMIT",
        "worker_heartbeat_file": "NEWSFLOW_WORKER_HEARTBEAT_FILE",
        "stages": "NEWSFLOW_STAGES",
        "languages": "NEWSFLOW_LANGUAGES",
        "language_low_memory": "NEWSFLOW_LANGUAGE_LOW_MEMORY",
        "claim_threshold": "NEWSFLOW_CLAIM_THRESHOLD",
        "claim_nested": "NEWSFLOW_CLAIM_NESTED",
        "claim_filter": "NEWSFLOW_CLAIM_FILTER",
        "cue_drop": "NEWSFLOW_CUE_DROP",
        "cue_add": "NEWSFLOW_CUE_ADD",
        "cue_add_other": "NEWSFLOW_CUE_ADD_OTHER",
        "cues_model": "NEWSFLOW_CUES_MODEL",
    }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from ``environ`` (default ``os.environ``); keyword overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            var = cls.ENV.get(f.name)
            raw = env.get(var) if var else None
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw, getattr(cls, f.name))
        values.update(overrides)
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"])
        return cls(**values)

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    @property
    def redis_dir(self) -> Path:
        return Path(self.data_dir) / "redis"


def _convert(name: str, raw: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return _env_bool(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(raw)
    except ValueError as exc:
        raise ValueError(f"invalid value for {Settings.ENV[name]}: {raw!r}") from exc
    return raw
