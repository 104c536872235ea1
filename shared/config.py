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
    # Redis Sentinel: "host:port,host:port" of the sentinels and the master's name; when set, the API
    # and the workers ask the sentinels for the master (REDIS_URL then only supplies password and db).
    redis_sentinels: str = ""
    redis_sentinel_master: str = "mymaster"
    # Credentials of the sentinels themselves (their ``requirepass`` / an ACL user on them), which
    # are not the master's (those come from REDIS_URL). "" = the sentinels are asked without AUTH.
    redis_sentinel_username: str = ""
    redis_sentinel_password: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    port_fixed: bool = False             # NEWSFLOW_PORT was set: `newsflow up` never moves to a free port
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
    # Micro-batching (workers/batching.py): jobs waiting for a pipeline process at the same time go to it
    # as one call of up to this many documents (spaCy batches them); 1 = off. A lone job never waits.
    worker_batch: int = 16
    health_check_interval: int = 10
    # Memory ceiling per pipeline process (MB, 0 = none): past it the process is replaced and the
    # document it was analysing fails with ``resource_limit`` (retried once).
    pool_max_rss_mb: int = 1500
    # How pipeline processes start: "shared" (forked from a fork server that loaded the models once:
    # they share those pages), "spawn" (each process loads its own models) or "auto" (shared from
    # two processes on, spawn for one). workers/shared_pool.py
    pool_start: str = "auto"
    # A pipeline pool start (processes up, models loaded) that takes longer fails: its processes are
    # killed, the jobs waiting for it count an attempt (pool_start_timeout), the next job starts it anew.
    pool_start_timeout_seconds: float = 600.0
    # A running job's lease (s): renewed by its worker every lease/3; a job whose lease expired (its
    # worker died) is queued again by any live worker's reaper. Worker heartbeat keys live as long.
    lease_seconds: float = 15.0
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
    # Webhook deliveries one worker makes at once (its delivery worker's arq max_jobs; HTTP waits, no CPU)
    webhook_concurrency: int = 20
    # Security (README "Security"). auth: "required" | "off" | "loopback" (open only while the API
    # listens on a loopback address). Rate limit per API key: a token bucket of ``burst`` tokens
    # refilled at ``per_second`` (0 = no limit).
    auth: str = "loopback"
    rate_limit_per_second: float = 100.0
    rate_limit_burst: int = 500
    # POST /retry refuses an article that has already used this many attempts in all (0 = 3 × max_attempts)
    max_lifetime_attempts: int = 0
    # HTTP server: a connection must deliver its request headers within ``header_timeout`` of opening
    # (or of the previous response), a body within ``body_timeout``; at most ``max_connections`` open.
    http_header_timeout_seconds: float = 15.0
    http_body_timeout_seconds: float = 60.0
    http_max_connections: int = 1000
    # Identity and near-duplicates (README "Identity, revisions, provenance, near-duplicates")
    keep_revisions: int = 3                 # analysed revisions readable per article (the current one included)
    near_dup_threshold: float = 0.8         # estimated Jaccard similarity at which documents are near-duplicates
    idempotency_ttl_seconds: int = 86400    # how long an Idempotency-Key is remembered

    # Read API
    list_default_limit: int = 20
    list_max_limit: int = 200

    # Pipeline (workers/pipeline/registry.py). ``stages``: comma-separated stage names in order
    # ("" = normalize,language,entities,claims,fingerprint); ``package.module:name`` imports a stage defined
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
    # What counts as an attribution: "newsflow" (the definition in workers/pipeline/claims/definition.py)
    # or "polnear" (PolNeAR's broader scheme: actions, intentions and source-less passives kept, cue.class "other")
    claim_definition: str = "newsflow"

    ENV = {
        "redis_url": "REDIS_URL",
        "redis_sentinels": "REDIS_SENTINELS",
        "redis_sentinel_master": "REDIS_SENTINEL_MASTER",
        "redis_sentinel_username": "REDIS_SENTINEL_USERNAME",
        "redis_sentinel_password": "REDIS_SENTINEL_PASSWORD",
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
        "worker_batch": "NEWSFLOW_WORKER_BATCH",
        "health_check_interval": "NEWSFLOW_HEALTH_CHECK_INTERVAL",
        "pool_max_rss_mb": "NEWSFLOW_POOL_MAX_RSS_MB",
        "pool_start": "NEWSFLOW_POOL_START",
        "pool_start_timeout_seconds": "NEWSFLOW_POOL_START_TIMEOUT_SECONDS",
        "lease_seconds": "NEWSFLOW_LEASE_SECONDS",
        "html_fallback": "NEWSFLOW_HTML_FALLBACK",
        "events_max_len": "NEWSFLOW_EVENTS_MAX_LEN",
        "webhook_max_age_seconds": "NEWSFLOW_WEBHOOK_MAX_AGE_SECONDS",
        "callback_secret": "NEWSFLOW_CALLBACK_SECRET",
        "webhook_timeout_seconds": "NEWSFLOW_WEBHOOK_TIMEOUT_SECONDS",
        "webhook_concurrency": "NEWSFLOW_WEBHOOK_CONCURRENCY",
        "auth": "NEWSFLOW_AUTH",
        "rate_limit_per_second": "NEWSFLOW_RATE_LIMIT_PER_SECOND",
        "rate_limit_burst": "NEWSFLOW_RATE_LIMIT_BURST",
        "max_lifetime_attempts": "NEWSFLOW_MAX_LIFETIME_ATTEMPTS",
        "http_header_timeout_seconds": "NEWSFLOW_HTTP_HEADER_TIMEOUT_SECONDS",
        "http_body_timeout_seconds": "NEWSFLOW_HTTP_BODY_TIMEOUT_SECONDS",
        "http_max_connections": "NEWSFLOW_HTTP_MAX_CONNECTIONS",
        "keep_revisions": "NEWSFLOW_KEEP_REVISIONS",
        "near_dup_threshold": "NEWSFLOW_NEAR_DUP_THRESHOLD",
        "idempotency_ttl_seconds": "NEWSFLOW_IDEMPOTENCY_TTL_SECONDS",
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
        "claim_definition": "NEWSFLOW_CLAIM_DEFINITION",
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
        if env.get("NEWSFLOW_PORT"):
            values["port_fixed"] = True
        values.update(overrides)
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"])
        return cls(**values)

    def __post_init__(self) -> None:
        if self.webhook_concurrency < 1:
            raise ValueError(f"NEWSFLOW_WEBHOOK_CONCURRENCY must be at least 1, not {self.webhook_concurrency}")
        if not self.pool_start_timeout_seconds > 0:  # no limit would let a hanging restart hand jobs back for ever
            raise ValueError("NEWSFLOW_POOL_START_TIMEOUT_SECONDS must be more than 0, "
                             f"not {self.pool_start_timeout_seconds}")

    def __repr__(self) -> str:
        """The dataclass's repr with the secrets masked (REDIS_URL's password, the sentinels' password,
        the callback secret): a logged or printed Settings never shows them."""
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _SECRETS and value:
                value = "***"
            elif f.name == "redis_url" and value:
                value = mask_url(value)
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    @property
    def sentinels(self) -> list[tuple[str, int]]:
        """``redis_sentinels`` as (host, port) pairs (port 26379 when not given)."""
        out = []
        for part in self.redis_sentinels.split(","):
            part = part.strip()
            if part:
                host, _, port = part.rpartition(":") if ":" in part else (part, "", "26379")
                out.append((host.strip("[]"), int(port)))
        return out

    @property
    def redis_dir(self) -> Path:
        return Path(self.data_dir) / "redis"

    @property
    def auth_required(self) -> bool:
        """Whether API requests need a key: ``auth`` "required", or "loopback" while ``host`` is not a
        loopback address (a wildcard or public address needs keys; ``make run`` on 127.0.0.1 does not)."""
        mode = self.auth.strip().lower()
        if mode not in ("required", "off", "loopback"):
            raise ValueError(f"NEWSFLOW_AUTH must be required, off or loopback, not {self.auth!r}")
        if mode != "loopback":
            return mode == "required"
        return not is_loopback(self.host)

    @property
    def lifetime_attempts(self) -> int:
        """The lifetime cap on attempts that ``POST /retry`` keeps."""
        return self.max_lifetime_attempts if self.max_lifetime_attempts > 0 else 3 * self.max_attempts


_SECRETS = frozenset({"redis_sentinel_password", "callback_secret"})


def mask_url(url: str) -> str:
    """``url`` with the password of its user part replaced by ``***`` (``redis://u:***@h:6379/0``)."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, hostpart = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{hostpart}"


def is_loopback(host: str) -> bool:
    """``host`` is a loopback address or ``localhost`` (never a wildcard like 0.0.0.0 or "")."""
    import ipaddress  # noqa: PLC0415

    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
