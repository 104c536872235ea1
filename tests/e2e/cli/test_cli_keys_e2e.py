"""``newsflow keys create|list|revoke`` as subprocesses against the test Redis, and the CLI's use of
``NEWSFLOW_API_KEY`` against an API that requires keys."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import orjson
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]


async def cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "cli", *args, cwd=ROOT,
                                                env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_keys_create_list_revoke_and_use(make_client, redis, redis_server, tmp_path):
    env = {"REDIS_URL": redis_server.url, "NEWSFLOW_API_KEY": ""}
    code, out, err = await cli("keys", "create", "--scope", "submit,read", "--name", "crawler-1", env=env)
    assert code == 0, err
    key = out.strip()
    assert key.startswith("nfk_") and "\n" not in key and "shown only now" in err
    code, out, _ = await cli("keys", "list", env=env)
    assert code == 0
    (line,) = out.splitlines()
    key_id, name, scopes, _, state = line.split("\t")
    assert (name, scopes, state) == ("crawler-1", "submit,read", "active") and key.startswith(f"nfk_{key_id}_")
    assert key not in out

    client = await make_client(auth="required")
    api = str(client.make_url("")).rstrip("/")
    (tmp_path / "a.json").write_text(orjson.dumps({"text": "The ships left port, officials said."}).decode())
    code, out, _ = await cli("submit", "--api", api, str(tmp_path / "a.json"), env=env)
    assert code == 1 and "unauthorized" in out  # no key
    code, out, err = await cli("submit", "--api", api, str(tmp_path / "a.json"), env={**env, "NEWSFLOW_API_KEY": key})
    assert code == 0, (out, err)
    doc_id = out.split("\t")[2]
    code, out, _ = await cli("status", doc_id, "--api", api, env={**env, "NEWSFLOW_API_KEY": key})
    assert code == 0 and orjson.loads(out)["status"] == "queued"

    code, out, _ = await cli("keys", "revoke", key_id, env=env)
    assert code == 0 and key_id in out
    code, out, _ = await cli("keys", "list", "--json", env=env)
    assert orjson.loads(out)[0]["revoked"] is True
    code, out, _ = await cli("status", doc_id, "--api", api, env={**env, "NEWSFLOW_API_KEY": key})
    assert code == 1 and orjson.loads(out)["error"]["code"] == "unauthorized"
    assert (await cli("keys", "revoke", "nosuchkey", env=env))[0] == 1
    assert (await cli("keys", "create", "--scope", "root", "--name", "x", env=env))[0] == 2


async def test_keys_reach_the_embedded_redis_of_the_data_dir(tmp_path):
    """No REDIS_URL: the keys go to the embedded Redis of NEWSFLOW_DATA_DIR (started for the command
    when none runs), so an API started later on that directory knows them."""
    env = {"REDIS_URL": "", "NEWSFLOW_DATA_DIR": str(tmp_path / "var")}
    code, out, err = await cli("keys", "create", "--scope", "read", "--name", "later", env=env)
    assert code == 0, err
    from shared.redis_server import RedisServer

    with RedisServer(tmp_path / "var" / "redis") as server:
        code, listed, err = await cli("keys", "list", env=env)  # while that server runs: its port file
        assert code == 0, err
        assert "later" in listed
        import redis as sync_redis

        assert sync_redis.Redis.from_url(server.url).zcard("nf:apikeys") == 1
