"""The embedded redis-server requires a generated password, kept in its data directory (mode 0600)."""

from __future__ import annotations

import stat

import pytest
import redis

from shared.redis_server import RedisServer

pytestmark = pytest.mark.integration


def test_embedded_redis_requires_its_generated_password(tmp_path):
    with RedisServer(tmp_path / "r") as server:
        pw_file = tmp_path / "r" / "password"
        assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "r" / "auth.conf").stat().st_mode) == 0o600
        assert pw_file.read_text().strip() == server.password and len(server.password) >= 32
        assert server.password not in " ".join(server.command())  # not visible in ps
        anonymous = redis.Redis(host="127.0.0.1", port=server.port)
        with pytest.raises(redis.AuthenticationError):
            anonymous.set("k", "v")
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=server.port, password="wrong").ping()
        client = redis.Redis.from_url(server.url)
        assert client.ping() and client.set("k", "v")
        client.close()
        first = server.password
    with RedisServer(tmp_path / "r") as again:  # the same password on the next start
        assert again.password == first
        assert redis.Redis.from_url(again.url).get("k") == b"v"


def test_a_loose_password_file_is_tightened(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "password").write_text("x" * 40)
    (tmp_path / "r" / "password").chmod(0o644)
    server = RedisServer(tmp_path / "r")
    assert server.password == "x" * 40
    assert stat.S_IMODE((tmp_path / "r" / "password").stat().st_mode) == 0o600
