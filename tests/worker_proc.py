"""Helpers for tests that run real ``newsflow worker`` subprocesses against the test Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shared import keys as K
from shared.supervise import start_worker_process, stop_process


class Workers:
    """Starts ``newsflow worker`` processes; kills whatever is left at teardown."""

    def __init__(self, redis_url: str, log_dir: Path) -> None:
        self.redis_url = redis_url
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    async def start(self, redis: Any, **env: Any) -> subprocess.Popen[bytes]:
        """Start a worker and wait until it is polling: its pipeline is loaded (its log says "worker
        ready"; its first poll follows at once), an arq health check was recorded, and every running worker
        started here listens on the wake-up channel. arq's health-check key is one per queue, rewritten
        every second by any worker: alone it says nothing of a second worker (which may still be loading
        its pipeline when the test goes on)."""
        await redis.delete(K.ARQ_HEALTH_CHECK)
        environment = {"NEWSFLOW_WORKER_CONCURRENCY": "1", "NEWSFLOW_HEALTH_CHECK_INTERVAL": "1"}
        environment.update({k: str(v) for k, v in env.items()})
        proc = start_worker_process(self.redis_url, self.log_dir / f"worker-{len(self.procs)}.log", environment)
        self.procs.append(proc)
        deadline = asyncio.get_running_loop().time() + 120
        while not (await redis.exists(K.ARQ_HEALTH_CHECK) and self._logged_ready(proc)
                   and await self._listening(redis) >= sum(p.poll() is None for p in self.procs)):
            if proc.poll() is not None:
                pytest.fail(f"worker exited with {proc.returncode}:\n{self.log(proc)}")
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"worker not ready:\n{self.log(proc)}")
            await asyncio.sleep(0.05)
        return proc

    def _logged_ready(self, proc: subprocess.Popen[bytes]) -> bool:
        path = self.log_dir / f"worker-{self.procs.index(proc)}.log"
        return path.exists() and b"worker ready" in path.read_bytes()

    @staticmethod
    async def _listening(redis: Any) -> int:
        """Connections subscribed to the wake-up channel (one per polling ``newsflow worker``)."""
        return int(dict(await redis.pubsub_numsub(K.WAKE)).get(K.WAKE.encode(), 0))

    def log(self, proc: subprocess.Popen[bytes]) -> str:
        i = self.procs.index(proc)
        path = self.log_dir / f"worker-{i}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def close(self) -> None:
        for proc in self.procs:
            stop_process(proc, timeout=20)


def children_of(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (from /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.append(int(entry))
    return out


def descendants_of(pid: int) -> list[int]:
    """Children, grandchildren, …: a worker's pool processes are forked from its fork server
    (``NEWSFLOW_POOL_START=shared``), so they are the worker's grandchildren."""
    out, todo = [], [pid]
    while todo:
        kids = children_of(todo.pop())
        out += kids
        todo += kids
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def sigkill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def check_offsets(doc: dict[str, Any]) -> int:
    """Every object carrying start/end offsets indexes into ``doc["text"]``; its ``text`` matches."""
    text = doc["text"]
    checked = 0

    def walk(node: Any) -> None:
        nonlocal checked
        if isinstance(node, dict):
            s, e = node.get("start"), node.get("end")
            if isinstance(s, int) and isinstance(e, int):
                assert 0 <= s <= e <= len(text), node
                if isinstance(node.get("text"), str):
                    assert text[s:e] == node["text"], (node, text[s:e])
                checked += 1
            for k, v in node.items():
                if k != "text":
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for key in ("language", "entities", "claims"):
        walk(doc.get(key))
    return checked
