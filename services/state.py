"""Typed application keys shared by the API modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:  # pragma: no cover
    from redis.asyncio import Redis

    from shared.config import Settings
    from shared.store import DocumentStore

    from .health import HttpMetrics

SETTINGS = web.AppKey("settings", object)      # shared.config.Settings
REDIS = web.AppKey("redis", object)            # redis.asyncio.Redis
STORE = web.AppKey("store", object)            # shared.store.DocumentStore
HTTP_METRICS = web.AppKey("http_metrics", object)  # services.health.HttpMetrics
