"""Settings from the environment, and the private redis-server (embedded default)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

from shared.config import Settings
from shared.redis_server import RedisServer, find_redis_server, resolve_redis_url


def test_settings_defaults_and_environment():
    s = Settings.from_env({})
    assert s.redis_url is None and s.max_article_bytes == 2 * 1024 * 1024 and s.max_batch_bytes == 32 * 1024 * 1024
    assert s.batch_max_items == 1000 and s.max_attempts == 5 and s.data_dir == Path("./var")
    s = Settings.from_env({"REDIS_URL": "redis://h:1/2", "NEWSFLOW_PORT": "9001", "NEWSFLOW_MAX_ATTEMPTS": "3",
                           "NEWSFLOW_BACKOFF_BASE_SECONDS": "0.5", "NEWSFLOW_DATA_DIR": "/tmp/x",
                           "NEWSFLOW_HOST": ""})
    assert (s.redis_url, s.port, s.max_attempts, s.backoff_base_seconds) == ("redis://h:1/2", 9001, 3, 0.5)
    assert s.data_dir == Path("/tmp/x") and s.redis_dir == Path("/tmp/x/redis")
    assert s.host == "127.0.0.1"
    assert Settings.from_env({"NEWSFLOW_PORT": "1"}, port=2).port == 2
    with pytest.raises(ValueError, match="NEWSFLOW_PORT"):
        Settings.from_env({"NEWSFLOW_PORT": "eighty"})


def test_private_server_persists_across_restart(tmp_path):
    assert Path(find_redis_server()).exists()
    with RedisServer(tmp_path / "r") as server:
        client = redis.Redis.from_url(server.url)
        client.set("k", "v")
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert client.config_get("bind")["bind"] == "127.0.0.1"
        port = server.port
        client.close()
        server.restart()
        assert server.port == port
        client = redis.Redis.from_url(server.url)
        assert client.get("k") == b"v"
        client.close()
        proc = server.process
    assert not server.running and proc.poll() is not None
    assert any((tmp_path / "r").rglob("*.aof"))


def test_resolve_redis_url(tmp_path):
    assert resolve_redis_url(Settings(redis_url="redis://example:6390/0")) == ("redis://example:6390/0", None)
    url, server = resolve_redis_url(Settings(data_dir=tmp_path))
    try:
        assert server is not None and server.data_dir == (tmp_path / "redis").resolve()
        assert redis.Redis.from_url(url).ping()
    finally:
        server.stop()


def test_one_embedded_server_per_data_directory(tmp_path):
    from shared.redis_server import RedisServerError

    with RedisServer(tmp_path / "r") as first:
        second = RedisServer(tmp_path / "r")
        with pytest.raises(RedisServerError, match="another"):
            second.start()
        assert not second.running and first.running
        first.restart()  # its own lock does not stop a restart
        assert redis.Redis.from_url(first.url).ping()
    with RedisServer(tmp_path / "r") as again:  # released on stop
        assert redis.Redis.from_url(again.url).ping()


def test_the_lock_lives_with_the_server_not_only_with_its_starter(tmp_path):
    """The redis-server child holds the data directory's lock too: with the starter's copy gone (what a
    SIGKILLed ``newsflow up`` leaves), a second server is still refused (this test process, its parent,
    still runs: the message names it; the e2e test of ``up`` checks the orphan's message); once that server exits, the directory is free (the old code's lock died with the starter)."""
    from shared.redis_server import RedisServerError

    first = RedisServer(tmp_path / "r").start()
    try:
        pid = first.process.pid
        first._release_lock()  # as if the process that started it were gone
        with pytest.raises(RedisServerError, match=f"in use.*started it \\(pid {os.getpid()}"):
            RedisServer(tmp_path / "r").start()
        assert first.process.pid == pid and first.running
    finally:
        first.stop()
    with RedisServer(tmp_path / "r") as again:
        assert redis.Redis.from_url(again.url).ping()
