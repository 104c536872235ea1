"""arq configuration of the newsflow worker.

``worker_options(settings)`` is the one place the arq ``Worker`` options are derived from
:class:`shared.config.Settings`; ``newsflow worker`` uses it, and ``WorkerSettings`` exposes the same
options (read from the environment) for ``arq workers.settings.WorkerSettings``.

Timeouts (all from ``NEWSFLOW_JOB_TIMEOUT_SECONDS`` = arq's ``job_timeout``):
* the task answers before ``job_timeout`` (it keeps a margin for its Redis writes), so a slow
  document is retried/failed by *our* attempt counting, never silently ended by arq;
* inside that, the pipeline has a soft timeout (SIGALRM in the pool process) and a hard one
  (the pool process is killed and replaced);
* a worker killed mid-job leaves ``arq:in-progress:<id>`` (for ``job_timeout + 10 s``); the job's
  lease (``workers/lease.py``) expires within ``NEWSFLOW_LEASE_SECONDS`` and a live worker's reaper
  frees the job for another run long before that.

arq's own ``max_tries`` is set far above ``max_attempts`` so that our counting governs.

Webhook deliveries have their own queue and their own arq worker in the same process
(``delivery_options``: up to ``NEWSFLOW_WEBHOOK_CONCURRENCY`` at once, no pipeline pool, the event dispatcher
beside it; ``workers/webhooks.py``), so they neither wait behind the articles nor take the analysis
worker's job slots. For arq's own CLI: ``arq workers.settings.WorkerSettings`` (articles) and
``arq workers.settings.DeliveryWorkerSettings`` (deliveries) are two processes; their credentials are
checked while arq imports them (:func:`refuse_bad_credentials`): a refusal stops them with one line
naming REDIS_URL and exit code 2, as ``newsflow worker``, instead of arq's retries.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from typing import Any, Awaitable, Callable
from urllib.parse import unquote

from arq import func
from arq.connections import ArqRedis, RedisSettings

from shared import keys
from shared.config import Settings
from shared.redis_client import RedisAuthError, close_client, sentinel_master, verify_credentials
from shared.store import queue
from workers.pipeline.registry import build_pipeline, enabled_specs

from .executor import PipelineExecutor, pipeline_timeouts
from . import webhooks
from .tasks import REDIS_TRANSIENT, process_article

log = logging.getLogger("newsflow.worker")


def pipeline_processes(settings: Settings) -> int:
    """Pipeline processes per worker = jobs run at once; capped at the CPU count (CPU-bound work)."""
    return max(1, min(settings.worker_concurrency, os.cpu_count() or 1))


def max_jobs(settings: Settings) -> int:
    """Jobs one worker takes at once: one per pipeline process, or with micro-batching (``worker_batch``
    > 1) at most two batches per process: one running, the next one waiting, so every batch is full when
    its process frees. Below that cap the worker takes only what its executor wants now
    (``jobs_wanted``: what is in the pool and one batch waiting per free process, ``workers/wake.py``),
    and of the jobs just queued only what it can start now (``jobs_startable``), so a burst is shared
    with the other workers of the queue, idle ones first."""
    processes = pipeline_processes(settings)
    return processes if settings.worker_batch <= 1 else 2 * processes * settings.worker_batch


def redis_settings(url: str | None, settings: Settings | None = None) -> RedisSettings:
    """arq's connection settings: ``url``, or the sentinels of ``settings`` (``REDIS_SENTINELS``), with
    password and db from ``url`` when both are given. A percent-encoded user or password is decoded, as
    redis-py's ``from_url`` (the API's client) decodes it; arq's ``from_dsn`` keeps it encoded."""
    rs = RedisSettings.from_dsn(url) if url else RedisSettings()
    rs.username = unquote(rs.username) if rs.username else rs.username
    rs.password = unquote(rs.password) if rs.password else rs.password
    if settings is not None and settings.sentinels:
        rs.host, rs.sentinel, rs.sentinel_master = settings.sentinels, True, settings.redis_sentinel_master
    rs.conn_timeout = 5
    rs.conn_retries = 10
    rs.conn_retry_delay = 1
    return rs


def _client(settings: Settings, rs: RedisSettings) -> ArqRedis:
    """An ``ArqRedis`` client (no connection yet) for ``rs``: what arq's ``create_pool`` makes of these
    settings, or a master through the sentinels of ``settings`` (``pool_factory``)."""
    if not settings.sentinels:  # what arq's create_pool makes of these settings
        return ArqRedis(
            host=rs.host, port=rs.port, unix_socket_path=rs.unix_socket_path, socket_connect_timeout=rs.conn_timeout,
            ssl=rs.ssl, ssl_keyfile=rs.ssl_keyfile, ssl_certfile=rs.ssl_certfile, ssl_cert_reqs=rs.ssl_cert_reqs,
            ssl_ca_certs=rs.ssl_ca_certs, ssl_ca_data=rs.ssl_ca_data, ssl_check_hostname=rs.ssl_check_hostname,
            retry=rs.retry, retry_on_timeout=rs.retry_on_timeout, retry_on_error=rs.retry_on_error,
            max_connections=rs.max_connections, db=rs.database, username=rs.username, password=rs.password,
            encoding="utf8")
    return sentinel_master(
        settings.sentinels, settings.redis_sentinel_master,
        sentinel_username=settings.redis_sentinel_username or None,
        sentinel_password=settings.redis_sentinel_password or None,
        redis_class=ArqRedis, db=rs.database, username=rs.username, password=rs.password, ssl=rs.ssl,
        # reads on the master without a timeout, as arq's pools have them: the wake-up channel
        # (workers/wake.py) waits on its subscription for as long as no job comes
        socket_connect_timeout=rs.conn_timeout, socket_timeout=None)


def pool_factory(settings: Settings, redis_url: str | None = None,
                 **options: Any) -> Callable[[], Awaitable[ArqRedis]]:
    """What makes the worker's Redis pool, in place of arq's ``create_pool`` (``newsflow worker`` hands
    the pool to its arq ``Worker``): the same pool as arq's for ``REDIS_URL``, or one through the
    sentinels of ``REDIS_SENTINELS``. Its credentials are checked first
    (:func:`shared.redis_client.verify_credentials`): a refusal raises
    :class:`shared.redis_client.RedisAuthError` at once (arq's ``create_pool`` retries a wrong password
    like an outage, and the worker then restarted for ever); an unreachable server is retried as arq does
    (``conn_retries`` × ``conn_retry_delay``). ``options`` are ``worker_options``'s serializer and queue
    settings for the pool.

    arq 0.28's ``create_pool`` builds its ``Sentinel`` with the master's db/username/password only, so
    the sentinels are asked without AUTH (a sentinel with ``requirepass`` answers NOAUTH) and without
    socket timeouts. This pool asks them with ``REDIS_SENTINEL_USERNAME``/``REDIS_SENTINEL_PASSWORD``
    and the master with REDIS_URL's credentials, with connect timeouts."""
    rs = redis_settings(redis_url or settings.redis_url, settings)
    where = f"the sentinels {settings.redis_sentinels}" if settings.sentinels else \
        (rs.unix_socket_path or f"{rs.host}:{rs.port}")

    async def make_pool() -> ArqRedis:
        attempt = 0
        while True:
            pool = _client(settings, rs)
            pool.job_serializer = options.get("job_serializer")
            pool.job_deserializer = options.get("job_deserializer")
            pool.default_queue_name = options.get("queue_name", keys.ARQ_QUEUE)
            try:
                await verify_credentials(pool, reachable=True)   # one ping: credentials and an answer
                return pool
            except REDIS_TRANSIENT as exc:
                await close_client(pool)
                if attempt >= rs.conn_retries:
                    raise
                attempt += 1
                log.warning("Redis at %s: %s: %s; %d retries left", where, type(exc).__name__, exc,
                            rs.conn_retries - attempt + 1)
                await asyncio.sleep(rs.conn_retry_delay)
            except BaseException:
                await close_client(pool)
                raise

    return make_pool


def _redis_url(settings: Settings, redis_url: str | None) -> str | None:
    url = redis_url or settings.redis_url
    if not url and not settings.sentinels:
        raise ValueError("the worker needs a Redis: set REDIS_URL or REDIS_SENTINELS (or use `newsflow up`)")
    return url


def _common_options(settings: Settings, url: str | None) -> dict[str, Any]:
    """The options both arq workers of ``newsflow worker`` share."""
    return {
        "redis_settings": redis_settings(url, settings),
        "keep_result": 60,                 # results live in our document store, not in arq
        "health_check_interval": settings.health_check_interval,
        "retry_jobs": True,
        # JSON job records, never pickles (shared/store/queue.py): Redis write access is not code execution
        "job_serializer": queue.job_serializer,
        "job_deserializer": queue.job_deserializer,
    }


def _delivery_function(settings: Settings) -> Any:
    return func(webhooks.deliver_webhook, timeout=settings.webhook_timeout_seconds + 5)


def worker_options(settings: Settings, redis_url: str | None = None) -> dict[str, Any]:
    url = _redis_url(settings, redis_url)
    processes = pipeline_processes(settings)
    enabled_specs(settings)  # a bad NEWSFLOW_STAGES stops the worker here, not in every pool process

    async def on_startup(ctx: dict[str, Any]) -> None:
        from shared.store import DocumentStore

        ctx["settings"] = settings
        ctx["store"] = DocumentStore(ctx["redis"], settings)
        webhooks.share_session(ctx)  # deliveries an older newsflow queued here
        rewritten = await queue.reencode_foreign_jobs(ctx["redis"])  # pickled jobs of an older version
        if rewritten:
            log.warning("rewrote %d queued job(s) that were not JSON (never unpickled): %s", len(rewritten),
                        ", ".join(rewritten[:10]))
        if "executor" not in ctx:  # kept across restarts of the arq loop (see workers.run)
            soft, hard = pipeline_timeouts(settings.job_timeout_seconds)
            ctx["executor"] = PipelineExecutor(processes, soft, hard, factory=functools.partial(build_pipeline, settings),
                                               max_rss_mb=settings.pool_max_rss_mb, start=settings.pool_start,
                                               batch=settings.worker_batch,
                                               start_timeout=settings.pool_start_timeout_seconds)
        await ctx["executor"].start()
        log.info("worker ready: %d pipeline process(es), batches of up to %d, job timeout %gs, max attempts %d",
                 processes, settings.worker_batch, settings.job_timeout_seconds, settings.max_attempts)

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        await webhooks.close(ctx)  # the HTTP session of a delivery queued here by an older newsflow
        if not ctx.get("keep_executor"):
            executor = ctx.pop("executor", None)
            if executor is not None:
                executor.close()

    return {
        # deliver_webhook too: deliveries an older newsflow queued here are still made (shared/store/queue.py
        # move_deliveries moves those waiting at start-up to their own queue)
        "functions": [process_article, _delivery_function(settings)],
        "queue_name": keys.ARQ_QUEUE,
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "max_jobs": max_jobs(settings),    # per process: one job, or two batches (micro-batching)
        "job_timeout": settings.job_timeout_seconds,
        "poll_delay": 0.05,
        "max_tries": 10_000,               # our own attempt counting (settings.max_attempts) governs
        **_common_options(settings, url),
    }


def delivery_options(settings: Settings, redis_url: str | None = None) -> dict[str, Any]:
    """The arq options of the delivery worker (``workers/webhooks.py``): queue ``arq:webhooks``, up to
    ``NEWSFLOW_WEBHOOK_CONCURRENCY`` deliveries at once, the event dispatcher beside it. Retries are
    ``deliver_webhook``'s own (``Retry`` with backoff until the event is ``webhook_max_age_seconds``
    old), so arq's try counter is set out of their way."""
    url = _redis_url(settings, redis_url)

    async def on_startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        webhooks.share_session(ctx)
        moved = await queue.move_deliveries(ctx["redis"])
        if moved:
            log.warning("moved %d webhook deliveries queued by an older version to %s", moved,
                        keys.ARQ_WEBHOOK_QUEUE)
        old = ctx.pop("webhook_dispatch", None)
        if old is not None:  # an arq loop restarted without its shutdown
            old.cancel()
        ctx["webhook_dispatch"] = asyncio.create_task(webhooks.run_dispatcher(ctx))

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        dispatcher = ctx.pop("webhook_dispatch", None)
        if dispatcher is not None:
            dispatcher.cancel()
            await asyncio.gather(dispatcher, return_exceptions=True)
        await webhooks.close(ctx)

    return {
        "functions": [_delivery_function(settings)],
        "queue_name": keys.ARQ_WEBHOOK_QUEUE,
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "max_jobs": settings.webhook_concurrency,
        "job_timeout": settings.webhook_timeout_seconds + 5,
        "poll_delay": 0.1,
        "max_tries": 10_000,               # deliver_webhook gives up by the event's age, not by a count
        **_common_options(settings, url),
    }


def __getattr__(name: str) -> Any:
    """``WorkerSettings`` (articles) and ``DeliveryWorkerSettings`` (webhook deliveries) for
    ``arq workers.settings.<name>``, built from the environment on first use (``newsflow worker`` is the
    supported way: it runs both in one process and adds the restart-on-Redis-loss loop)."""
    options = {"WorkerSettings": worker_options, "DeliveryWorkerSettings": delivery_options}.get(name)
    if options is None:
        raise AttributeError(name)
    settings = Settings.from_env()
    if settings.sentinels and (settings.redis_sentinel_password or settings.redis_sentinel_username):
        raise ValueError("REDIS_SENTINEL_PASSWORD/REDIS_SENTINEL_USERNAME need `newsflow worker`: arq's own "
                         f"worker (arq workers.settings.{name}) asks the sentinels without credentials")
    url = settings.redis_url or "redis://localhost:6379/0"
    built = options(settings, url)
    refuse_bad_credentials(settings, url, f"arq workers.settings.{name}")
    if name == "WorkerSettings":  # the dispatcher and the deliveries moved to their own worker: say so
        print("arq workers.settings.WorkerSettings runs article jobs only: webhook and callback_url deliveries "
              "need `arq workers.settings.DeliveryWorkerSettings` running too (`newsflow worker` runs both)",
              file=sys.stderr)
    return type(name, (), built)


def refuse_bad_credentials(settings: Settings, url: str, who: str) -> None:
    """For arq's own launcher (``arq workers.settings.WorkerSettings``): check the credentials once, as
    ``newsflow worker`` does, while arq imports the settings; a refusal (wrong password, unknown user, a
    user without the permissions newsflow needs: :func:`shared.redis_client.verify_credentials`) ends the
    process with one line on stderr naming REDIS_URL, never the password, and exit code 2. arq 0.28's
    ``create_pool`` (run by its ``Worker.main`` before any hook of ours: ``on_startup`` comes after it)
    retries a refusal like an outage: ``conn_retries`` warnings, then a traceback, exit 1, and under a
    supervisor's restart policy that for ever. An unreachable server is not a refusal: it is left to
    arq's retries (a server that comes up later with other credentials still gets arq's behaviour).
    Run on a private event loop, closed before arq makes its own."""
    rs = redis_settings(url, settings)

    async def check() -> None:
        client = _client(settings, rs)
        try:
            await verify_credentials(client)
        finally:
            await close_client(client)

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(check())
    except RedisAuthError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    finally:
        loop.close()
