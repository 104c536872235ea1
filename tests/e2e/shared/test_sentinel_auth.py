"""Redis Sentinel behind passwords: real ``redis-server`` processes, a master with ``requirepass`` (or
an ACL user) and a sentinel with its own ``requirepass`` (or ACL user) and ``sentinel auth-pass`` for
the master. The API and a real ``newsflow worker`` carry articles through the authenticated sentinel
(``REDIS_SENTINEL_PASSWORD``/``REDIS_SENTINEL_USERNAME``; REDIS_URL gives only the master's
credentials: its host is one that does not resolve, so nothing reaches Redis but through the sentinel).
A missing or wrong sentinel (or master) password stops the API's and the worker's start-up with a
message naming the setting, never the password: no hang, no fallback to anything else."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis
import redis.exceptions
from aiohttp import web

from shared.redis_client import RedisAuthError
from shared.redis_server import free_port
from shared.supervise import start_worker_process

from test_sentinel_failover import STAGES, Procs, _all_done, _submit, until

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
M_PW, S_PW = "master-pw-4f7c1e", "sentinel-pw-9b2d6a"
NOWHERE = "sentinel-managed.invalid"  # REDIS_URL's host: never resolved when the sentinels are used


async def worker_exit(url: str, log: Path, env: dict[str, str]) -> tuple[int, str]:
    """Start a real ``newsflow worker`` that must stop by itself (refused credentials); its exit code and log."""
    proc = start_worker_process(url, log, env)
    try:
        code = await asyncio.to_thread(proc.wait, 60)  # exits by itself: no retry loop on refused credentials
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"the worker did not stop on refused credentials:\n{log.read_text()[-3000:]}")
    return code, log.read_text()


async def _authenticated_set(procs: Procs, *, acl: bool = False) -> tuple[int, int, aioredis.Redis]:
    """A master and a sentinel, both behind passwords (``acl``: behind ACL users instead of the
    default user's password). Returns the ports and a direct client of the master."""
    m_port, s_port = free_port(), free_port()
    if acl:
        procs.redis("master", m_port, "--user", "default", "off", "--user", "nf", "on", f">{M_PW}", "~*", "&*", "+@all")
        sentinel_conf = (f"user default off\nuser sentry on >{S_PW} allchannels +@all\n"
                         f"sentinel auth-user mymaster nf\nsentinel auth-pass mymaster {M_PW}\n")
        m = aioredis.Redis(port=m_port, username="nf", password=M_PW)
        s = aioredis.Redis(port=s_port, username="sentry", password=S_PW)
    else:
        procs.redis("master", m_port, "--requirepass", M_PW)
        sentinel_conf = f"requirepass {S_PW}\nsentinel auth-pass mymaster {M_PW}\n"
        m = aioredis.Redis(port=m_port, password=M_PW)
        s = aioredis.Redis(port=s_port, password=S_PW)
    await until(m.ping, 10, "master")
    procs.sentinel(s_port, m_port, sentinel_conf)
    # the sentinel sees the master up (it authenticated to it with auth-pass) …
    await until(lambda: _master_ok(s), 15, "sentinel monitoring the master")
    # … and refuses anyone without its password: what the service must supply
    with pytest.raises(redis.exceptions.AuthenticationError):
        await aioredis.Redis(port=s_port).execute_command("SENTINEL", "get-master-addr-by-name", "mymaster")
    await s.aclose()
    return m_port, s_port, m


async def _master_ok(s: aioredis.Redis) -> bool:
    state = (await s.sentinel_masters()).get("mymaster") or {}
    return bool(state.get("is_master")) and not state.get("is_sdown") and not state.get("is_odown")


async def test_api_and_worker_carry_articles_through_an_authenticated_sentinel(make_client, tmp_path):
    sys.path.insert(0, str(ROOT / "tests"))
    from worker_proc import Workers

    procs = Procs(tmp_path)
    workers = Workers(f"redis://:{M_PW}@{NOWHERE}:6379/0", tmp_path)
    try:
        m_port, s_port, m = await _authenticated_set(procs)
        sentinels = f"127.0.0.1:{s_port}"
        client = await make_client(redis_url=f"redis://:{M_PW}@{NOWHERE}:6379/0", redis_sentinels=sentinels,
                                   redis_sentinel_password=S_PW, stages=STAGES)
        proc = await workers.start(m, REDIS_SENTINELS=sentinels, REDIS_SENTINEL_PASSWORD=S_PW, NEWSFLOW_STAGES=STAGES)
        ids = [await _submit(client, f"through the authenticated sentinel {i}") for i in range(4)]
        await until(lambda: _all_done(client, ids), 60, "articles analysed by the worker")
        assert await m.zcard("nf:idx:status:done") == 4  # in the master the sentinel names
        doc = await (await client.get(f"/v1/articles/{ids[0]}")).json()
        assert doc["echo"]["chars"] == len("through the authenticated sentinel 0")  # the worker's stage ran
        ready = await (await client.get("/readyz")).text()
        assert S_PW not in ready and M_PW not in ready
        assert S_PW not in workers.log(proc) and M_PW not in workers.log(proc)
        await m.aclose()
    finally:
        await asyncio.to_thread(workers.close)
        procs.close()


async def test_acl_users_on_the_sentinel_and_the_master(make_client, tmp_path):
    procs = Procs(tmp_path)
    try:
        m_port, s_port, m = await _authenticated_set(procs, acl=True)
        common = dict(redis_url=f"redis://nf:{M_PW}@{NOWHERE}:6379/0", redis_sentinels=f"127.0.0.1:{s_port}",
                      stages=STAGES)
        client = await make_client(**common, redis_sentinel_username="sentry", redis_sentinel_password=S_PW)
        doc_id = await _submit(client, "queued through ACL users")
        assert await m.zcard("nf:idx:time") == 1 and await m.zscore("nf:idx:time", doc_id) is not None
        # the right password for another user on the sentinel: refused
        with pytest.raises(RedisAuthError, match="REDIS_SENTINEL_USERNAME default"):
            await _start_api(tmp_path, **common, redis_sentinel_username="default", redis_sentinel_password=S_PW)
        await m.aclose()
    finally:
        procs.close()


@pytest.mark.parametrize("sentinel_pw, master_pw, expected", [
    (None, M_PW, "refused the sentinel credentials (REDIS_SENTINEL_PASSWORD unset"),
    ("wrong-sentinel-pw", M_PW, "refused the sentinel credentials (REDIS_SENTINEL_PASSWORD set"),
    (S_PW, "wrong-master-pw", "refused the credentials of REDIS_URL (password set"),
])
async def test_refused_credentials_stop_the_api_and_the_worker_at_start(tmp_path, sentinel_pw, master_pw, expected):
    procs = Procs(tmp_path)
    try:
        m_port, s_port, m = await _authenticated_set(procs)
        await m.aclose()
        sentinels = f"127.0.0.1:{s_port}"
        url = f"redis://:{master_pw}@{NOWHERE}:6379/0"
        with pytest.raises(RedisAuthError) as refused:
            await _start_api(tmp_path, redis_url=url, redis_sentinels=sentinels, redis_sentinel_password=sentinel_pw or "")
        assert expected in str(refused.value)
        assert "wrong" not in str(refused.value) and S_PW not in str(refused.value) and M_PW not in str(refused.value)

        env = {"REDIS_SENTINELS": sentinels, "NEWSFLOW_STAGES": STAGES, "NEWSFLOW_WORKER_CONCURRENCY": "1",
               "REDIS_SENTINEL_PASSWORD": sentinel_pw or ""}
        code, out = await worker_exit(url, tmp_path / "worker.log", env)
        assert code == 2, out
        said = [line for line in out.splitlines() if line.startswith("newsflow worker: ")]
        assert said and expected in said[-1], out  # the reason, on stderr, as the last word
        assert "wrong-" not in out and S_PW not in out and M_PW not in out
        assert "Traceback" not in out
    finally:
        procs.close()


async def _start_api(tmp_path: Path, **settings) -> None:
    """Start (and stop) the real app's start-up: its Redis context, as ``newsflow api`` runs it."""
    from services.app import create_app
    from shared.config import Settings

    runner = web.AppRunner(create_app(Settings(data_dir=tmp_path / "var", port=0, **settings)))
    try:
        await runner.setup()
    finally:
        await runner.cleanup()


async def test_newsflow_keys_goes_through_the_authenticated_sentinel(tmp_path):
    import os

    procs = Procs(tmp_path)
    try:
        m_port, s_port, m = await _authenticated_set(procs)
        env = {**os.environ, "REDIS_SENTINELS": f"127.0.0.1:{s_port}", "REDIS_URL": f"redis://:{M_PW}@{NOWHERE}:6379/0",
               "REDIS_SENTINEL_PASSWORD": S_PW, "NEWSFLOW_DATA_DIR": str(tmp_path / "var")}
        made = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "keys", "create", "--name", "ops", "--scope", "read"],
                                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        listed = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "keys", "list", "--json"],
                                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0 and '"ops"' in listed.stdout, listed.stderr
        assert not (tmp_path / "var" / "redis").exists()  # no embedded Redis was started instead
        env["REDIS_SENTINEL_PASSWORD"] = "wrong-sentinel-pw"
        refused = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "keys", "list"],
                                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and "newsflow keys: Redis Sentinel" in refused.stderr, refused.stderr
        assert "wrong-" not in refused.stderr + refused.stdout and "Traceback" not in refused.stderr
        await m.aclose()
    finally:
        procs.close()


async def test_newsflow_up_and_api_use_the_authenticated_sentinel(tmp_path):
    import os

    procs = Procs(tmp_path)
    try:
        m_port, s_port, m = await _authenticated_set(procs)
        await m.aclose()
        env = {**os.environ, "REDIS_SENTINELS": f"127.0.0.1:{s_port}", "REDIS_URL": f"redis://:{M_PW}@{NOWHERE}:6379/0",
               "REDIS_SENTINEL_PASSWORD": S_PW, "NEWSFLOW_DATA_DIR": str(tmp_path / "var"), "NEWSFLOW_STAGES": STAGES,
               "NEWSFLOW_HTML_FALLBACK": "allow", "NEWSFLOW_PORT": str(free_port())}
        up = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "up", "--no-seeds", "--exit"],
                                     cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert up.returncode == 0, up.stdout + up.stderr
        assert f"REDIS_SENTINELS 127.0.0.1:{s_port}" in up.stdout and M_PW not in up.stdout + up.stderr
        assert not (tmp_path / "var" / "redis").exists()  # no embedded Redis next to the sentinels
        env["REDIS_SENTINEL_PASSWORD"] = ""
        api = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "api"],
                                      cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert api.returncode == 2, api.stdout + api.stderr
        assert "newsflow api: Redis Sentinel" in api.stderr and "REDIS_SENTINEL_PASSWORD unset" in api.stderr
        assert "Traceback" not in api.stderr
    finally:
        procs.close()


async def test_the_sentinel_connections_are_closed_when_the_api_and_a_worker_stop(tmp_path):
    """Not left to garbage collection: while the app (and its client) are still referenced, the
    sentinel sees our connections go; a worker stopped in-process leaves no unclosed connection to
    the sentinel behind (redis-py warns ``unclosed Connection`` when the collector has to close one)."""
    import gc
    import warnings

    from services.app import create_app
    from shared import keys
    from shared.config import Settings
    from workers.run import serve_worker

    procs = Procs(tmp_path)
    try:
        m_port, s_port, m = await _authenticated_set(procs)
        s = aioredis.Redis(port=s_port, password=S_PW)
        alone = (await s.info("clients"))["connected_clients"]  # the probe's own connection

        async def back_to_alone() -> bool:
            return (await s.info("clients"))["connected_clients"] == alone

        settings = Settings(data_dir=tmp_path / "var", port=0, redis_url=f"redis://:{M_PW}@{NOWHERE}:6379/0",
                            redis_sentinels=f"127.0.0.1:{s_port}", redis_sentinel_password=S_PW, stages=STAGES,
                            worker_concurrency=1, health_check_interval=1)
        app = create_app(settings)
        runner = web.AppRunner(app)
        await runner.setup()
        assert (await s.info("clients"))["connected_clients"] > alone  # the API asked the sentinel
        await runner.cleanup()
        await until(back_to_alone, 10, "the API's sentinel connections closed at shutdown")
        assert app is not None  # still referenced: the collector closed nothing

        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always", ResourceWarning)
            await m.delete(keys.ARQ_HEALTH_CHECK)
            stop = asyncio.Event()
            worker = asyncio.create_task(serve_worker(settings, settings.redis_url, stop))
            await until(lambda: m.exists(keys.ARQ_HEALTH_CHECK), 60, "the worker polling")
            assert (await s.info("clients"))["connected_clients"] > alone
            stop.set()
            await worker
            del worker
            gc.collect()
        unclosed = [str(w.message) for w in seen if "unclosed Connection" in str(w.message)]
        assert not [u for u in unclosed if f"port={s_port}" in u], unclosed
        await until(back_to_alone, 10, "the worker's sentinel connections closed")
        await s.aclose()
        await m.aclose()
    finally:
        procs.close()
