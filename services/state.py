"""Typed application keys shared by the API modules."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis

from shared.config import Settings
from shared.store import DocumentStore

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
STORE = web.AppKey("store", DocumentStore)
HTTP_METRICS = web.AppKey("http_metrics", object)  # services.health.HttpMetrics (health imports this module)
