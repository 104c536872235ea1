"""Test tiers and shared fixtures.

Tiers, by folder (each mirrors the source tree; the marker is applied here, from the path):

- ``tests/unit/``: no Redis, no NLP models, no subprocess — ``make check`` runs these (``-m unit``);
  a unit test that asks for a Redis fixture fails, and a ``-m unit`` run that imported spaCy or
  lingua fails at the end.
- ``tests/integration/``: a real ``redis-server`` (and the real app), no NLP models.
- ``tests/e2e/``: subprocesses, real workers, the spaCy/lingua models.

Fixtures: a private redis-server per session, a clean Redis per test, the API app.

- ``redis_server``: session-wide private server (free port, tmp dir, AOF on); ``.url``, ``.restart()``.
- ``redis``: an asyncio client; the database is FLUSHALLed before each test.
- ``settings``: :class:`shared.config.Settings` pointing at that server (data dir in tmp).
- ``store``: a :class:`shared.store.DocumentStore` over ``redis``.
- ``client``: an aiohttp ``TestClient`` for ``services.app.create_app(settings)``.
- ``make_client``: factory for a client with custom settings (``await make_client(max_article_bytes=10)``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from shared.config import Settings
from shared.redis_server import RedisServer

TIERS = ("unit", "integration", "e2e")
_TESTS = Path(__file__).resolve().parent
_REDIS_FIXTURES = {"redis_server", "redis", "store", "make_client", "client", "settings"}
_MODEL_MODULES = ("spacy", "lingua", "en_core_web_sm")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # ``-m unit`` can only select tests/unit (the tier comes from the folder): the other tiers' modules are
    # not even imported, or an e2e module importing spaCy at its top would fail the model-free check below.
    if config.getoption("-m", default="") != "unit":
        return None
    try:
        parts = collection_path.resolve().relative_to(_TESTS).parts
    except ValueError:
        return None
    return True if parts and parts[0] in TIERS and parts[0] != "unit" else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.path)).resolve().relative_to(_TESTS).parts
        tier = parts[0] if parts and parts[0] in TIERS else None
        if tier is None:
            raise pytest.UsageError(f"{item.nodeid}: tests live under tests/unit, tests/integration or tests/e2e")
        item.add_marker(getattr(pytest.mark, tier))
        if tier == "unit" and _REDIS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xfail(reason="a unit test may not use Redis: move it to tests/integration",
                                              strict=True, run=False))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # `make check` (-m unit) must stay model-free: catch a unit test that loads spaCy or lingua.
    if session.config.getoption("-m", default="") == "unit":
        import sys

        loaded = [m for m in _MODEL_MODULES if m in sys.modules]
        if loaded:
            session.exitstatus = 1
            print(f"\nunit tier imported NLP model libraries: {', '.join(loaded)} (move those tests to tests/e2e)")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def settings(redis_server: RedisServer, tmp_path: Path) -> Settings:
    return Settings(redis_url=redis_server.url, data_dir=tmp_path / "var", port=0)


@pytest_asyncio.fixture()
async def redis(redis_server: RedisServer):
    if not redis_server.running:  # a previous test stopped it
        redis_server.start()
    client = aioredis.Redis.from_url(redis_server.url)
    await client.flushall()
    yield client
    await client.aclose()


@pytest_asyncio.fixture()
async def store(redis, settings):
    from shared.store import DocumentStore

    return DocumentStore(redis, settings)


@pytest_asyncio.fixture()
async def make_client(redis, settings):
    """Start the real app on a real port; returns ``async (**setting_overrides) -> TestClient``."""
    from aiohttp.test_utils import TestClient, TestServer

    from services.app import create_app

    clients: list[TestClient] = []

    async def make(**overrides) -> TestClient:
        app = create_app(settings.with_(**overrides) if overrides else settings)
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for c in clients:
        await c.close()


@pytest_asyncio.fixture()
async def client(make_client):
    return await make_client()


@pytest_asyncio.fixture()
async def workers(redis_server: RedisServer, tmp_path: Path):
    """Real worker processes (``tests/worker_proc.py``) against the session's Redis; closed after the test."""
    import asyncio

    from worker_proc import Workers

    w = Workers(redis_server.url, tmp_path)
    yield w
    await asyncio.to_thread(w.close)
