"""Every Redis key name newsflow uses, in one place (prefix ``nf:``), plus arq's own keys.

Layout
------
``nf:article:<id>``            the submitted article (orjson)
``nf:status:<id>``             hash: status, attempts, received_at, score, meta (title, url, source…), started_at, finished_at,
                               processing_ms, wait_ms, error, last_error, retry_at
``nf:doc:<id>``                the analysed document (orjson), written by ``save_document``
``nf:dedupe:<kind>:<hash>``    → id, for kind in ext|url|content (``shared.ids.dedupe_keys``)
``nf:docidx:<id>``             set of ``<member>\\t<zset key>`` pairs the document is indexed under
                               (lets a re-save remove exactly the old entries); ``<key>\\tnf:alias:<short>``
                               entries are the document's alias registrations (counted, not plain members)
``nf:idx:time``                zset id → received time (µs), every article
``nf:idx:status:<status>``     zset id → received time, one per status
``nf:idx:lang:<code>``         zset id → received time (primary language of the document)
``nf:idx:source:<source>``     zset id → received time (source, case-folded)
``nf:idx:entity:<key>``        zset id → received time (cross-document canonical entity key)
``nf:entity:<key>``            hash: name, label (the entity registry)
``nf:entities:counts``         zset entity key → number of documents mentioning it
``nf:entities:names``          zset (score 0) of ``<folded name>\\0<key>``: prefix search by ZRANGEBYLEX
``nf:alias:<kind>:<slug>``     zset canonical entity key → number of documents in which that key had the
                               alias ``<slug>`` (the alias store; ``<kind>:<slug>`` is the short-form key
                               a document that only used the alias gets, e.g. ``person:thae``)
``nf:aliasesof:<key>``         zset short-form key → number of documents: the reverse of ``nf:alias:``
                               (which short forms may link to ``<key>``; see ``shared.entity_links``)
``nf:claims:<id>``             hash: claim position (``0003``) → claim summary (orjson)
``nf:idx:claims``              zset ``<doc id>:<pos>`` → received time, every claim
``nf:idx:claims:speaker:<k>``  same, by speaker entity key
``nf:idx:claims:speakername:<n>`` same, by folded speaker name (speakers without an entity key)
``nf:idx:claims:entity:<k>``   same, by every entity the claim mentions
``nf:idx:claims:kind:<kind>``  same, by kind
``nf:revs:<id>``               list of the kept revisions' entries (JSON {revision, received_at, content_sha256[, unchanged]})
``nf:docrevs:<id>``            hash: revision → the document of an earlier revision (the last ``NEWSFLOW_KEEP_REVISIONS``)
``nf:urls:<id>``               hash: url dedupe digest → JSON {url, first_seen}: every URL the article arrived at
``nf:idem:<sha256>``           Idempotency-Key record (JSON: request hash, response status and body), 24 h;
                               ``nf:idem:<api key id>:<sha256>`` when API keys are required (one space per key)
``nf:nd:sig:<id>``             the document's MinHash signature (hex, 8 digits per hash)
``nf:nd:band:<i>:<hex>``       set of ids whose signature has that value in LSH band ``i``
``nf:nd:links:<id>``           zset near-duplicate id → estimated Jaccard similarity (kept symmetric)
``nf:cluster:<cluster id>``    zset member id → received time; the cluster id is its earliest indexed member
``nf:failed``                  zset id → time of failure
``nf:metrics:processing``      hash: histogram buckets ``le:<ms>``, ``count``, ``sum_ms`` (processing_ms)
``nf:metrics:wait``            hash: the same for wait_ms (the documents whose save knew it)
``nf:events``                  stream (capped, XADD MAXLEN ~): article.done / article.failed events, written
                               in the same script as the status change; consumer group ``webhooks``
``nf:webhooks``                hash: webhook id → subscription (orjson: url, events, secret, created_at)
``nf:webhook:log:<id>``        list (newest first, capped): delivery attempts of one webhook (``callbacks``:
                               the per-article callback_url deliveries)
``arq:webhooks``               arq's queue of webhook deliveries (``deliver_webhook`` jobs, ids ``wh:<target>:<event
                               id>``), apart from the articles' ``arq:queue`` so that a delivery never waits behind
                               the analysis backlog; served by the delivery worker of every ``newsflow worker``
"""

from __future__ import annotations

PREFIX = "nf:"

EVENTS = PREFIX + "events"
EVENTS_GROUP = "webhooks"
WEBHOOKS = PREFIX + "webhooks"
WEBHOOK_LOG_PREFIX = PREFIX + "webhook:log:"


def webhook_log(hook_id: str) -> str:
    return WEBHOOK_LOG_PREFIX + hook_id


# --- arq (0.28) -----------------------------------------------------------------------------------
ARQ_QUEUE = "arq:queue"
ARQ_JOB_PREFIX = "arq:job:"
ARQ_IN_PROGRESS_PREFIX = "arq:in-progress:"
ARQ_RESULT_PREFIX = "arq:result:"
ARQ_RETRY_PREFIX = "arq:retry:"
ARQ_HEALTH_CHECK = ARQ_QUEUE + ":health-check"
ARQ_TASK = "process_article"  # the worker's task name
ARQ_WEBHOOK_QUEUE = "arq:webhooks"  # webhook deliveries: their own queue (workers/webhooks.py)
WEBHOOK_JOB_PREFIX = "wh:"  # job ids of the deliveries: wh:<webhook id or "callbacks">:<event id>
# one key name in each namespace newsflow uses, never written: the start-up permission check runs no-op
# commands on them (shared/redis_client.py verify_credentials)
ACL_PROBE_KEYS = (PREFIX + "acl-probe", "arq:acl-probe")
WAKE = PREFIX + "wake"  # pub/sub channel (nothing stored): the scripts that queue a job publish on it (workers/wake.py)


def arq_job(job_id: str) -> str:
    return ARQ_JOB_PREFIX + job_id


def article_job(doc_id: str, revision: int = 1) -> str:
    """The arq job id of an article's revision: the id for revision 1, ``<id>:r<N>`` for N >= 2 (a job per
    revision: shared/store/lua/submit.lua, and requeue.lua for the current one, name them so in Lua)."""
    return doc_id if revision <= 1 else f"{doc_id}:r{revision}"


def split_article_job(job_id: str) -> tuple[str, int]:
    """The article and revision a job id of :func:`article_job` names: ``<id>`` → (id, 1),
    ``<id>:r<N>`` → (id, N)."""
    head, sep, rev = job_id.rpartition(":r")
    return (head, int(rev)) if sep and head and rev.isdigit() else (job_id, 1)


def arq_in_progress(job_id: str) -> str:
    return ARQ_IN_PROGRESS_PREFIX + job_id


def arq_result(job_id: str) -> str:
    return ARQ_RESULT_PREFIX + job_id


def arq_retry(job_id: str) -> str:
    return ARQ_RETRY_PREFIX + job_id


# --- articles and documents ----------------------------------------------------------------------
STATUSES = ("queued", "processing", "done", "failed")
DEDUPE_KINDS = ("ext", "url", "content")


def article(doc_id: str) -> str:
    return f"{PREFIX}article:{doc_id}"


def status(doc_id: str) -> str:
    return f"{PREFIX}status:{doc_id}"


def document(doc_id: str) -> str:
    return f"{PREFIX}doc:{doc_id}"


def dedupe(kind: str, digest: str) -> str:
    return f"{PREFIX}dedupe:{kind}:{digest}"


def revisions(doc_id: str) -> str:
    return f"{PREFIX}revs:{doc_id}"


def doc_revisions(doc_id: str) -> str:
    return f"{PREFIX}docrevs:{doc_id}"


def urls(doc_id: str) -> str:
    return f"{PREFIX}urls:{doc_id}"


def idempotency(digest: str, key_id: str | None = None) -> str:
    """``key_id``: the API key the record belongs to (None when API keys are off)."""
    return f"{PREFIX}idem:{key_id}:{digest}" if key_id else f"{PREFIX}idem:{digest}"


ND_SIG_PREFIX = PREFIX + "nd:sig:"
ND_BAND_PREFIX = PREFIX + "nd:band:"
ND_LINKS_PREFIX = PREFIX + "nd:links:"
CLUSTER_PREFIX = PREFIX + "cluster:"
# The LSH layout of the near-duplicate index (workers/pipeline/fingerprint.py makes the signatures):
# ND_BANDS bands of ND_ROWS hashes, each hash ND_HEX hex digits of the signature.
ND_BANDS = 20
ND_ROWS = 4
ND_HEX = 8


def cluster(cluster_id: str) -> str:
    return CLUSTER_PREFIX + cluster_id


def near_dup_links(doc_id: str) -> str:
    return ND_LINKS_PREFIX + doc_id


def doc_index_set(doc_id: str) -> str:
    return f"{PREFIX}docidx:{doc_id}"


# --- indexes --------------------------------------------------------------------------------------
IDX_TIME = PREFIX + "idx:time"
FAILED = PREFIX + "failed"
ENTITY_NAMES = PREFIX + "entities:names"
ENTITY_COUNTS = PREFIX + "entities:counts"
ENTITY_INDEX_PREFIX = PREFIX + "idx:entity:"
IDX_CLAIMS = PREFIX + "idx:claims"
METRICS_PROCESSING = PREFIX + "metrics:processing"
METRICS_WAIT = PREFIX + "metrics:wait"

STATUS_INDEX_PREFIX = PREFIX + "idx:status:"


def idx_status(name: str) -> str:
    return STATUS_INDEX_PREFIX + name


def idx_language(code: str) -> str:
    return f"{PREFIX}idx:lang:{code.lower()}"


def idx_source(source: str) -> str:
    return f"{PREFIX}idx:source:{source.strip().casefold()}"


def idx_entity(key: str) -> str:
    return ENTITY_INDEX_PREFIX + key


ALIAS_PREFIX = PREFIX + "alias:"
ALIASES_OF_PREFIX = PREFIX + "aliasesof:"


def alias(short_key: str) -> str:
    """Canonical keys registered for the alias whose short-form key is ``short_key`` (``person:thae``)."""
    return ALIAS_PREFIX + short_key


def aliases_of(key: str) -> str:
    """Short-form keys registered as aliases of the canonical ``key``."""
    return ALIASES_OF_PREFIX + key


def entity(key: str) -> str:
    return f"{PREFIX}entity:{key}"


def claims(doc_id: str) -> str:
    return f"{PREFIX}claims:{doc_id}"


def idx_claims_speaker(key: str) -> str:
    return f"{PREFIX}idx:claims:speaker:{key}"


def idx_claims_speaker_name(name: str) -> str:
    return f"{PREFIX}idx:claims:speakername:{' '.join(name.split()).casefold()}"


def idx_claims_entity(key: str) -> str:
    return f"{PREFIX}idx:claims:entity:{key}"


def idx_claims_kind(kind: str) -> str:
    return f"{PREFIX}idx:claims:kind:{kind}"


# Processing-time (and wait-time) histogram bucket upper bounds (milliseconds) for /metrics.
PROCESSING_BUCKETS_MS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000)


# --- API keys (shared/store/apikeys.py) ------------------------------------------------------------
# ``nf:apikey:<key id>``       hash: id, name, scopes (comma-separated), created_at, revoked (0|1), hash
# ``nf:apikey:hash:<sha256>``  → key id (the SHA-256 of the whole key; the key itself is never stored)
# ``nf:apikeys``               zset key id → creation time (s)
# ``nf:ratelimit:<key id>``    hash: tokens, ts (ms): the key's token bucket
APIKEYS = PREFIX + "apikeys"
APIKEY_PREFIX = PREFIX + "apikey:"
APIKEY_HASH_PREFIX = PREFIX + "apikey:hash:"
RATELIMIT_PREFIX = PREFIX + "ratelimit:"


def apikey(key_id: str) -> str:
    return APIKEY_PREFIX + key_id


def apikey_hash(digest: str) -> str:
    return APIKEY_HASH_PREFIX + digest


# --- workers: presence and job leases (workers/lease.py) -------------------------------------------
# ``nf:worker:<name>``   JSON {name, pid, host, started, last_beat, jobs_running, webhook_dispatcher}, TTL = the lease
# ``nf:lease:<job id>``  name of the worker running the job, TTL = the lease, renewed while it runs
# ``nf:metrics:failed``  hash error code → documents failed with it (a counter)
WORKER_PREFIX = PREFIX + "worker:"
LEASE_PREFIX = PREFIX + "lease:"
METRICS_FAILED = PREFIX + "metrics:failed"


def worker(name: str) -> str:
    return WORKER_PREFIX + name


def lease(job_id: str) -> str:
    return LEASE_PREFIX + job_id
