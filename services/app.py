"""The aiohttp application: ``create_app(settings)``; ``run(settings)`` serves it.

The Redis client, the embedded redis-server (when ``REDIS_URL`` is unset) and the store live in a
``cleanup_ctx``: opened on start-up, closed on shutdown. The HTTP layer never runs NLP.
"""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from aiohttp import web

from shared.config import Settings
from shared.redis_client import close_client, connection_kwargs, sentinel_master, verify_credentials
from shared.redis_server import resolve_redis_url_async
from shared.store import DocumentStore

from . import auth, events, health, http, intake, openapi, reader
from .errors import error_middleware
from .health import HttpMetrics
from .state import HTTP_METRICS, REDIS, SETTINGS, STORE

log = logging.getLogger("newsflow.api")


def redis_client(url: str) -> aioredis.Redis:
    """The API's client. One quick retry on connection errors replaces a connection that died with a
    Redis restart; a replayed submit is harmless (the script dedupes)."""
    return aioredis.Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30, max_connections=256,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 1), retry_on_error=[RedisConnectionError],
        **connection_kwargs(url),
    )


def sentinel_client(settings: Settings) -> aioredis.Redis:
    """The API's client through Redis Sentinel (``REDIS_SENTINELS``/``REDIS_SENTINEL_MASTER``, the
    sentinels' own ``REDIS_SENTINEL_USERNAME``/``REDIS_SENTINEL_PASSWORD``)."""
    return sentinel_master(settings.sentinels, settings.redis_sentinel_master, settings.redis_url,
                           sentinel_username=settings.redis_sentinel_username or None,
                           sentinel_password=settings.redis_sentinel_password or None,
                           socket_connect_timeout=2, socket_timeout=10, health_check_interval=30,
                           retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
                           retry_on_error=[RedisConnectionError])


async def _redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings: Settings = app[SETTINGS]  # type: ignore[assignment]
    if settings.sentinels:
        client, server = sentinel_client(settings), None
    else:
        url, server = await resolve_redis_url_async(settings)
        if server is not None:
            log.info("embedded redis-server on 127.0.0.1:%d (data and password in %s)", server.port, server.data_dir)
        client = redis_client(url)
    try:
        # refused credentials stop the start-up (RedisAuthError); an unreachable Redis does not: 503s until it is back
        await verify_credentials(client)
        store = DocumentStore(client, settings)
        try:
            await store.load_scripts()
        except Exception as exc:  # noqa: BLE001 - Redis down at start: serve 503s until it is back
            log.warning("could not load Lua scripts now (%s); they are loaded on first use", exc)
        app[REDIS] = client
        app[STORE] = store
        yield
    finally:
        await close_client(client)  # and the sentinels' own connections
        if server is not None:
            server.stop()


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings.from_env()
    # bodies are read by intake with their own limits; this only bounds other routes
    # the key check only when keys are required (a setting fixed for the app's life): one step less per request
    middlewares = [error_middleware, auth.auth_middleware] if settings.auth_required else [error_middleware]
    app = web.Application(middlewares=middlewares,
                          client_max_size=max(settings.max_batch_bytes, settings.max_article_bytes) + 1)
    app[SETTINGS] = settings
    app[HTTP_METRICS] = HttpMetrics()
    app.cleanup_ctx.append(_redis_ctx)
    http.setup(app)
    auth.setup(app)
    intake.setup(app)
    reader.setup(app)
    events.setup(app)
    health.setup(app)
    openapi.setup(app)
    return app


def run(settings: Settings | None = None) -> None:
    """Serve the API until interrupted (``newsflow api``)."""
    settings = settings or Settings.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(settings))


async def _serve(settings: Settings) -> None:
    from shared.supervise import start_api, until_signal  # noqa: PLC0415

    runner, base = await start_api(create_app(settings), settings.host, settings.port)
    log.info("serving on %s", base)
    try:
        await until_signal()
    finally:
        await runner.cleanup()


if __name__ == "__main__":  # pragma: no cover
    run()
