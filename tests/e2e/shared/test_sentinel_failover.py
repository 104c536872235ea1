"""Redis Sentinel: real redis-server processes (a master and a replica) and a sentinel
(``redis-server --sentinel``); the API and a worker find the master through the sentinel
(``REDIS_SENTINELS``, ``REDIS_SENTINEL_MASTER``). The master is SIGKILLed with articles in flight:
the sentinel promotes the replica, the service goes on, and no article is lost. The same with every
server behind a password (``passwords``: REDIS_SENTINEL_PASSWORD for the sentinel, REDIS_URL's for the
master and replica).

Replication is asynchronous: an acknowledged write can be lost if the master dies before the
replica has it. The test waits for the replica (``WAIT``) before the kill, as an operator would set
``min-replicas-to-write``; what is checked is that the service follows the new master."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from shared.redis_server import find_redis_server, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
STAGES = "normalize,tests.integration.workers.stub_stages:echo"


class Procs:
    def __init__(self, tmp: Path) -> None:
        self.tmp, self.procs = tmp, []

    def redis(self, name: str, port: int, *args: str) -> subprocess.Popen:
        d = self.tmp / name
        d.mkdir()
        proc = subprocess.Popen([find_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(d),
                                 "--appendonly", "yes", "--save", "", *args],
                                stdout=open(d / "log", "ab"), stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def sentinel(self, port: int, master_port: int, extra: str = "") -> subprocess.Popen:
        """A sentinel monitoring ``mymaster``; ``extra``: more sentinel.conf lines (requirepass, ACL users,
        ``sentinel auth-pass``)."""
        conf = self.tmp / "sentinel.conf"
        conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {self.tmp}\n"
                        f"sentinel monitor mymaster 127.0.0.1 {master_port} 1\n"
                        "sentinel down-after-milliseconds mymaster 1000\n"
                        "sentinel failover-timeout mymaster 5000\n" + extra)
        proc = subprocess.Popen([find_redis_server(), str(conf), "--sentinel"],
                                stdout=open(self.tmp / "sentinel.log", "ab"), stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()


async def until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = await check()
            if value:
                return value
        except Exception:  # noqa: BLE001 - not there yet
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("auth", [False, True], ids=["open", "passwords"])
async def test_failover_through_sentinel_loses_nothing(make_client, tmp_path, auth):
    """``passwords``: master and replica with ``requirepass``/``masterauth``, the sentinel with its own
    ``requirepass`` and ``sentinel auth-pass``: the worker finds the new master again through it."""
    sys.path.insert(0, str(ROOT / "tests"))
    from worker_proc import Workers

    procs = Procs(tmp_path)
    m_port, r_port, s_port = free_port(), free_port(), free_port()
    m_pw, s_pw = ("failover-master-pw", "failover-sentinel-pw") if auth else (None, None)
    on_redis = ("--requirepass", m_pw, "--masterauth", m_pw) if auth else ()
    url = f"redis://:{m_pw}@127.0.0.1:{m_port}/0" if auth else f"redis://127.0.0.1:{m_port}/0"
    workers = Workers(url, tmp_path)
    try:
        master = procs.redis("master", m_port, *on_redis)
        procs.redis("replica", r_port, "--replicaof", "127.0.0.1", str(m_port), *on_redis)
        m = aioredis.Redis(port=m_port, password=m_pw)
        r = aioredis.Redis(port=r_port, password=m_pw)
        await until(lambda: r.info("replication"), 10, "replica")
        await until(lambda: _link_up(r), 20, "replication link")
        procs.sentinel(s_port, m_port, f"requirepass {s_pw}\nsentinel auth-pass mymaster {m_pw}\n" if auth else "")
        s = aioredis.Redis(port=s_port, password=s_pw)
        await until(lambda: s.execute_command("SENTINEL", "get-master-addr-by-name", "mymaster"), 10, "sentinel")

        sentinels = f"127.0.0.1:{s_port}"
        creds = {"REDIS_SENTINEL_PASSWORD": s_pw} if auth else {}
        client = await make_client(redis_url=url if auth else None, redis_sentinels=sentinels,
                                   redis_sentinel_password=s_pw or "", stages=STAGES)
        await workers.start(m, REDIS_SENTINELS=sentinels, NEWSFLOW_STAGES=STAGES, NEWSFLOW_LEASE_SECONDS="3", **creds)
        ids = [await _submit(client, f"slow 0.2 before {i}") for i in range(8)]
        await until(lambda: _all_done(client, ids[:2]), 60, "first articles")
        await m.execute_command("WAIT", 1, 2000)
        master.send_signal(signal.SIGKILL)
        master.wait()
        await until(lambda: _promoted(s, r_port), 30, "failover to the replica")
        ids += [await _submit(client, f"slow 0.2 after {i}", retry_for=30) for i in range(8)]
        await until(lambda: _all_done(client, ids), 120, "every article done after the failover")
        assert await r.zcard("nf:idx:time") == 16
        assert await r.zcard("nf:idx:status:done") == 16
    finally:
        await asyncio.to_thread(workers.close)
        procs.close()


async def _link_up(r) -> bool:
    return (await r.info("replication")).get("master_link_status") == "up"


async def _promoted(s, port: int) -> bool:
    host, p = await s.execute_command("SENTINEL", "get-master-addr-by-name", "mymaster")
    return int(p) == port


async def _submit(client, text: str, retry_for: float = 0) -> str:
    deadline = time.monotonic() + retry_for
    while True:
        resp = await client.post("/v1/articles", json={"text": text})
        if resp.status == 202:
            return (await resp.json())["id"]
        assert time.monotonic() < deadline and resp.status == 503, (resp.status, await resp.text())
        await asyncio.sleep(0.2)


async def _all_done(client, ids: list[str]) -> bool:
    for doc_id in ids:
        st = await (await client.get(f"/v1/articles/{doc_id}/status")).json()
        assert st["status"] != "failed", st
        if st["status"] != "done":
            return False
    return True
