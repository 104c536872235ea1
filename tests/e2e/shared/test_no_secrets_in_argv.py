"""No process ``newsflow up`` starts shows the Redis password on its command line: ``/proc/<pid>/cmdline``
(what ``ps`` prints) is readable by every local user. The processes: redis-server (password in a
0600 config file), the worker (``REDIS_URL`` in its environment, readable by its user only), the
worker's preloaded fork server and its pool processes (the pickled pipeline factory, which holds the
Settings and so ``REDIS_URL``, used to be a base64 argument of ``python -c``). Stub stages: no models."""

from __future__ import annotations

import base64
import binascii
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.redis_server import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
STUBS = ROOT / "tests" / "integration" / "workers"  # stub_stages.py
B64 = re.compile(rb"[A-Za-z0-9+/]{24,}={0,2}")


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cmdlines(pid: int) -> dict[int, bytes]:
    out = {}
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                out[p] = f.read()
        except OSError:
            pass
    return out


def readable_forms(cmdline: bytes) -> list[bytes]:
    """The command line, and every base64-looking run in it decoded (what a reader of ps can do)."""
    forms = [cmdline]
    for m in B64.finditer(cmdline):
        try:
            forms.append(base64.b64decode(m.group() + b"=" * (-len(m.group()) % 4)))
        except (binascii.Error, ValueError):
            pass
    return forms


@pytest.mark.parametrize("start", ["shared", "spawn"])
def test_no_started_process_has_the_redis_password_on_its_command_line(tmp_path: Path, start: str) -> None:
    data = tmp_path / "var"
    env = {**os.environ, "NEWSFLOW_DATA_DIR": str(data), "NEWSFLOW_STAGES": "normalize,stub_stages:echo",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(STUBS), os.environ.get("PYTHONPATH", "")]),
           "NEWSFLOW_POOL_START": start, "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    up = subprocess.Popen([sys.executable, "-m", "cli", "up", "--no-seeds", "--port", str(free_port())], cwd=ROOT,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert up.stdout is not None
        for line in up.stdout:
            if b"Serving; Ctrl-C to stop." in line:
                break
        else:
            pytest.fail("newsflow up exited before serving")
        password = (data / "redis" / "password").read_text().strip().encode()
        assert len(password) >= 32
        deadline = time.monotonic() + 180
        # the worker's pool: the fork server (its pool processes are forks: the same cmdline) or spawned processes
        marker = b"workers.shared_pool" if start == "shared" else b"multiprocessing.spawn"
        while True:
            seen = cmdlines(up.pid)
            if any(marker in c for c in seen.values()):
                break
            assert time.monotonic() < deadline, {p: c[:200] for p, c in seen.items()}
            time.sleep(0.2)
        assert any(b"redis-server" in c for c in seen.values())
        assert any(b"cli\x00worker" in c for c in seen.values())
        for pid, cmdline in seen.items():
            leaked = any(password in form for form in readable_forms(cmdline))  # not in the failure message
            assert not leaked, f"the Redis password is readable in /proc/{pid}/cmdline"
        # the embedded Redis's directory (AOF with webhook secrets, the password) is private
        assert stat.S_IMODE((data / "redis").stat().st_mode) & 0o077 == 0
    finally:
        os.kill(up.pid, signal.SIGINT)
        try:
            up.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait()
        if up.stdout:
            up.stdout.close()
