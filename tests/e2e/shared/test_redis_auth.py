"""A plain ``REDIS_URL`` (no Sentinel) to a ``redis-server`` with ``requirepass`` and ACL users, started
here: a wrong password, an unknown user or a user without the needed commands (NOPERM) stop the API's,
a real ``newsflow worker``'s and ``newsflow keys``'s start-up with one line naming REDIS_URL, never the
password, exit code 2 (the worker used to retry for ever); the right password carries articles; an
unreachable server is not a refusal (the API starts and answers 503 until Redis is back). A user that
may PING but lacks script or key permissions is refused the same way, naming what it lacks."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from shared.redis_client import RedisAuthError
from shared.redis_server import free_port

from test_sentinel_auth import _start_api, worker_exit
from test_sentinel_failover import STAGES, Procs, _all_done, _submit, until

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
PW, WEAK_PW = "plain-master-pw-3e8a51", "weak-user-pw-c27f90"


async def _protected_server(procs: Procs) -> tuple[int, aioredis.Redis]:
    """``redis-server --requirepass`` with a user ``weak`` that may run nothing (not even PING)."""
    port = free_port()
    procs.redis("plain", port, "--requirepass", PW, "--user", "weak", "on", f">{WEAK_PW}", "~*", "-@all",
                # may PING, but not what the service needs beyond it
                "--user", "noscripts", "on", f">{WEAK_PW}", "~*", "&*", "+@all", "-@scripting",
                "--user", "reader", "on", f">{WEAK_PW}", "~*", "&*", "+@read", "+@scripting", "+ping")
    client = aioredis.Redis(port=port, password=PW)
    await until(client.ping, 10, "redis-server with requirepass")
    return port, client




@pytest.mark.parametrize("user, password, expected", [
    ("", "wrong-pw-7d", "refused the credentials of REDIS_URL (password set, user default): "),
    ("ghost", PW, "refused the credentials of REDIS_URL (password set, user ghost): "),
    ("weak", WEAK_PW, "refused the credentials of REDIS_URL (password set, user weak): "),  # NOPERM
], ids=["wrong-password", "unknown-user", "noperm"])
async def test_refused_credentials_stop_the_api_and_the_worker_at_start(tmp_path, user, password, expected):
    procs = Procs(tmp_path)
    try:
        port, m = await _protected_server(procs)
        await m.aclose()
        url = f"redis://{user}:{password}@127.0.0.1:{port}/0"
        said = f"the Redis server 127.0.0.1:{port} {expected}"
        with pytest.raises(RedisAuthError) as refused:
            await _start_api(tmp_path, redis_url=url)
        assert said in str(refused.value)
        assert password not in str(refused.value)

        code, out = await worker_exit(url, tmp_path / "worker.log", {"NEWSFLOW_STAGES": STAGES, "NEWSFLOW_WORKER_CONCURRENCY": "1"})
        assert code == 2, out
        last = [line for line in out.splitlines() if line.startswith("newsflow worker: ")]
        assert last and said in last[-1], out  # the reason, on stderr, as the last word
        assert password not in out and "Traceback" not in out
        assert "retries left" not in out and "retries remaining" not in out  # not retried like an outage (ours, arq's)
    finally:
        procs.close()


@pytest.mark.parametrize("user, missing", [
    ("noscripts", "SCRIPT LOAD: this user has no permissions to run the 'script|load' command"),
    ("reader", "SET, HDEL, ZADD, ZREM, SREM, LREM, XADD, PEXPIRE, DEL on nf:*, arq:*; PUBLISH to nf:wake: "),
])
async def test_a_user_that_can_ping_but_lacks_permissions_stops_api_worker_and_cli_at_start(tmp_path, user, missing):
    """It used to pass the start-up check (PING) and then get a 503 on every submit."""
    procs = Procs(tmp_path)
    try:
        port, m = await _protected_server(procs)
        await m.aclose()
        url = f"redis://{user}:{WEAK_PW}@127.0.0.1:{port}/0"
        said = (f"the Redis server 127.0.0.1:{port} denies the user of REDIS_URL (password set, user {user}) "
                f"a permission newsflow needs: {missing}")
        with pytest.raises(RedisAuthError) as refused:
            await _start_api(tmp_path, redis_url=url)
        assert said in str(refused.value) and WEAK_PW not in str(refused.value)

        code, out = await worker_exit(url, tmp_path / "worker.log", {"NEWSFLOW_STAGES": STAGES,
                                                                     "NEWSFLOW_WORKER_CONCURRENCY": "1"})
        assert code == 2, out
        last = [line for line in out.splitlines() if line.startswith("newsflow worker: ")]
        assert last and said in last[-1], out
        assert WEAK_PW not in out and "Traceback" not in out

        keys = await _keys_list(url, tmp_path)
        assert keys.returncode == 2, keys.stdout + keys.stderr
        assert f"newsflow keys: {said}" in keys.stderr and keys.stderr.count("\n") == 1, keys.stderr
        assert WEAK_PW not in keys.stdout + keys.stderr and "Traceback" not in keys.stderr
    finally:
        procs.close()


async def test_the_right_password_works_and_the_cli_refuses_a_wrong_one(make_client, tmp_path):
    sys.path.insert(0, str(ROOT / "tests"))
    from worker_proc import Workers

    procs = Procs(tmp_path)
    url = None
    try:
        port, m = await _protected_server(procs)
        url = f"redis://:{PW}@127.0.0.1:{port}/0"
        workers = Workers(url, tmp_path)
        try:
            client = await make_client(redis_url=url, stages=STAGES)
            proc = await workers.start(m, NEWSFLOW_STAGES=STAGES)
            ids = [await _submit(client, f"behind requirepass {i}") for i in range(3)]
            await until(lambda: _all_done(client, ids), 60, "articles analysed by the worker")
            assert await m.zcard("nf:idx:status:done") == 3  # in the password-protected server
            assert PW not in workers.log(proc)
        finally:
            await asyncio.to_thread(workers.close)

        keys = await _keys_list(f"redis://:wrong-pw-7d@127.0.0.1:{port}/0", tmp_path)
        assert keys.returncode == 2, keys.stdout + keys.stderr
        assert f"newsflow keys: the Redis server 127.0.0.1:{port} refused the credentials of REDIS_URL" in keys.stderr
        assert "wrong-pw" not in keys.stdout + keys.stderr and "Traceback" not in keys.stderr
        await m.aclose()
    finally:
        procs.close()

    # unreachable (the server is gone): not a refusal; the API starts and answers 503 until Redis is back
    await _start_api(tmp_path, redis_url=url)


def _env(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a newsflow process on ``url`` (never this machine's sentinels)."""
    env = {**os.environ, "REDIS_URL": url, "NEWSFLOW_DATA_DIR": str(tmp_path / "var"), **extra}
    env.pop("REDIS_SENTINELS", None)
    return env


async def _keys_list(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``newsflow keys list`` on ``url``."""
    return await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "keys", "list"], cwd=ROOT,
                                   env=_env(url, tmp_path), capture_output=True, text=True, timeout=60)


def _arq(settings_name: str, url: str, tmp_path: Path) -> subprocess.Popen[str]:
    env = _env(url, tmp_path, NEWSFLOW_STAGES=STAGES, NEWSFLOW_WORKER_CONCURRENCY="1", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "arq", f"workers.settings.{settings_name}"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.parametrize("settings_name", ["WorkerSettings", "DeliveryWorkerSettings"])
async def test_arqs_own_launcher_stops_on_refused_credentials(tmp_path, settings_name):
    """``arq workers.settings.WorkerSettings`` used to retry a wrong password like an outage (arq's
    create_pool: ten "retries remaining" warnings, then a traceback, exit 1; under a restart policy, for
    ever); now it stops at once as ``newsflow worker`` does; the right password still starts it."""
    procs = Procs(tmp_path)
    try:
        port, m = await _protected_server(procs)
        await m.aclose()
        proc = _arq(settings_name, f"redis://:wrong-pw-7d@127.0.0.1:{port}/0", tmp_path)
        try:
            out, _ = await asyncio.to_thread(proc.communicate, timeout=60)
        finally:
            if proc.poll() is None:  # it did not stop by itself: not left running after the test
                proc.kill()
                proc.wait()
        assert proc.returncode == 2, out
        assert out.strip() == (f"arq workers.settings.{settings_name}: the Redis server 127.0.0.1:{port} refused "
                               "the credentials of REDIS_URL (password set, user default): invalid username-password "
                               "pair or user is disabled."), out  # one line, the last word
        assert "wrong-pw" not in out and "Traceback" not in out and "retries remaining" not in out

        proc = _arq(settings_name, f"redis://:{PW}@127.0.0.1:{port}/0", tmp_path)
        lines: list[str] = []
        try:
            while len(lines) < 5 and not any("Starting worker" in x for x in lines):
                lines.append(await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 60))  # type: ignore[union-attr]
            assert "Starting worker" in lines[-1], lines
            # the article worker alone says that deliveries need the other one
            assert any("DeliveryWorkerSettings" in x for x in lines) == (settings_name == "WorkerSettings"), lines
        finally:
            proc.send_signal(2)  # SIGINT: arq's clean stop
            out, _ = await asyncio.to_thread(proc.communicate, timeout=30)
        assert PW not in "".join(lines) + out and "Traceback" not in out, out
    finally:
        procs.close()
