"""``newsflow up`` keeps its worker alive: a worker SIGKILLed while ``up`` serves is reported on stderr and
started again, and an article submitted afterwards is analysed (``up`` used to go on printing "Serving"
with a defunct worker, nothing said, articles queued for ever). Ctrl-C (SIGINT) still stops everything.
Real processes: ``python -m cli up`` against the test Redis, its worker, the API it serves. A child that
keeps dying quickly makes ``keep_children`` give up (``up`` then exits 1)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from shared.supervise import GaveUp, Stack, keep_children

from worker_proc import alive

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
STAGES = "normalize,tests.integration.workers.stub_stages:echo"


async def read_until(stream: asyncio.StreamReader, marker: str, seen: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not any(marker in line for line in seen):
        line = await asyncio.wait_for(stream.readline(), max(0.1, deadline - time.monotonic()))
        assert line, f"output ended before {marker!r}: {''.join(seen)}"
        seen.append(line.decode(errors="replace"))


async def test_up_restarts_a_killed_worker_and_goes_on_processing(redis_server, redis, tmp_path: Path) -> None:
    env = {**os.environ, "REDIS_URL": redis_server.url, "NEWSFLOW_DATA_DIR": str(tmp_path / "var"),
           "NEWSFLOW_PORT": "0", "NEWSFLOW_WORKER_CONCURRENCY": "1", "NEWSFLOW_STAGES": STAGES,
           "NEWSFLOW_HEALTH_CHECK_INTERVAL": "1", "PYTHONUNBUFFERED": "1"}
    up = await asyncio.create_subprocess_exec(sys.executable, "-m", "cli", "up", "--no-seeds", cwd=ROOT, env=env,
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out: list[str] = []
    err = b""
    first = None
    try:
        await read_until(up.stdout, "Serving", out)
        text = "".join(out)
        api = text.split("  api     ", 1)[1].split()[0]
        first = int(text.split("  worker  pid ", 1)[1].split(",")[0])
        async with aiohttp.ClientSession() as http:
            async def analysed(body: str) -> None:
                async with http.post(f"{api}/v1/articles", json={"text": body}) as resp:
                    assert resp.status == 202, await resp.text()
                    doc_id = (await resp.json())["id"]
                deadline = time.monotonic() + 120
                while True:
                    async with http.get(f"{api}/v1/articles/{doc_id}/status") as resp:
                        status = (await resp.json()).get("status")
                    if status == "done":
                        return
                    assert time.monotonic() < deadline, f"{doc_id} is {status}; worker log:\n" + \
                        (tmp_path / "var" / "worker.log").read_text(errors="replace")[-3000:]
                    await asyncio.sleep(0.1)

            await analysed("Before: the first worker analyses this article.")
            os.kill(first, signal.SIGKILL)
            await analysed("After: the worker was killed; this article is analysed all the same.")
        assert up.returncode is None  # still serving
    finally:
        if up.returncode is None:
            up.send_signal(signal.SIGINT)  # Ctrl-C
        code = await asyncio.wait_for(up.wait(), 60)
        err = await up.stderr.read()
    stderr = err.decode(errors="replace")
    assert code == 0, stderr
    assert f"the worker (pid {first}) exited (killed by SIGKILL)" in stderr and "worker running again" in stderr
    second = int(stderr.split("worker running again: pid ", 1)[1].split(",")[0])
    assert second != first and not alive(second)  # stopped with the rest on Ctrl-C


async def test_a_worker_that_keeps_dying_quickly_is_given_up(tmp_path: Path) -> None:
    said: list[str] = []
    started: list[subprocess.Popen[bytes]] = []

    def start(url: str, log: Path | None) -> subprocess.Popen[bytes]:  # a worker that exits at once
        started.append(subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"]))
        return started[-1]

    stack = Stack("redis://127.0.0.1:1/0", None, "http://127.0.0.1:1", start("", None), tmp_path / "w.log")
    with pytest.raises(GaveUp):
        await asyncio.wait_for(keep_children(stack, max_quick_deaths=3, poll=0.05, say=said.append,
                                             start_worker=start), 60)
    assert len(started) == 3  # the first and two restarts; the third quick death is not restarted
    assert "exit code 3" in said[0] and "giving up" in said[-1]
    for proc in started:
        proc.wait()


async def test_redis_that_cannot_get_its_port_back_is_given_up_not_moved(tmp_path: Path) -> None:
    """The embedded redis-server died and another process took its port: restarting it on another port
    would strand the API and the worker on the old URL, so ``keep_children`` gives up loudly (the old code
    moved it to a new port and said it was running again)."""
    import socket

    from shared.redis_server import RedisServer

    server = RedisServer(tmp_path / "redis").start()
    url, port = server.url, server.port
    said: list[str] = []
    squatter = socket.socket()
    try:
        assert server.process is not None
        server.process.kill()
        server.process.wait()
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        stack = Stack(url, server, "http://127.0.0.1:1")
        with pytest.raises(GaveUp):
            await asyncio.wait_for(keep_children(stack, poll=0.05, say=said.append), 60)
    finally:
        squatter.close()
        server.stop()
    assert server.port == port and server.url == url
    assert "giving up" in said[-1] and str(port) in said[-1]


async def test_cancelled_while_restarting_a_worker_the_new_worker_is_kept(tmp_path: Path) -> None:
    """Ctrl-C (the watcher cancelled) while a dead worker is being started again: the new child must end up
    in ``stack.worker`` (``serve`` stops what it finds there); the old code started it in a thread and a
    cancellation lost it (an orphan worker)."""
    started: list[subprocess.Popen[bytes]] = []
    starting: list[bool] = []

    def start(url: str, log: Path | None) -> subprocess.Popen[bytes]:  # a slow start of a long-lived child
        starting.append(True)
        time.sleep(0.5)
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
        return started[-1]

    dead = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    stack = Stack("redis://127.0.0.1:1/0", None, "http://127.0.0.1:1", dead, tmp_path / "w.log")
    watcher = asyncio.ensure_future(keep_children(stack, poll=0.05, say=lambda _: None, start_worker=start))
    try:
        deadline = time.monotonic() + 30
        while not starting and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        watcher.cancel()
        with pytest.raises(asyncio.CancelledError):
            await watcher
        await asyncio.sleep(1.0)  # a start still running in a thread (the old code) ends meanwhile
        assert started and stack.worker is started[-1]
    finally:
        for proc in started:
            proc.kill()
            proc.wait()


def _servers_on(data_dir: Path) -> set[int]:
    """Live redis-server processes working in ``data_dir`` (redis-server chdirs to its ``--dir``; it
    rewrites its command line to ``redis-server host:port``)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"redis-server" in (entry / "cmdline").read_bytes() and (entry / "cwd").resolve() == data_dir:
                    found.add(int(entry.name))
            except OSError:
                continue
    found = {pid for pid in found if alive(pid)}
    return found


def _stop_pids(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


async def test_up_refuses_a_data_directory_whose_server_a_killed_up_left_running(tmp_path: Path) -> None:
    """``newsflow up`` SIGKILLed (kill -9, OOM killer) leaves its embedded redis-server and worker running.
    The next ``up`` on the same data directory must refuse, naming both pids and how to stop them, and exit
    non-zero: never a second redis-server on the same AOF (the old code started one: its lock was held by
    ``up`` only and died with it). Once the orphans are stopped, ``up`` starts again."""
    var = tmp_path / "var"
    redis_dir = (var / "redis").resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REDIS_SENTINELS")}
    env.update({"NEWSFLOW_DATA_DIR": str(var), "NEWSFLOW_PORT": "0", "NEWSFLOW_WORKER_CONCURRENCY": "1",
                "NEWSFLOW_STAGES": STAGES, "PYTHONUNBUFFERED": "1"})
    argv = [sys.executable, "-m", "cli", "up", "--no-seeds"]
    orphans: set[int] = set()
    ups: list[asyncio.subprocess.Process] = []
    try:
        first = await asyncio.create_subprocess_exec(*argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                                     stderr=subprocess.DEVNULL)
        ups.append(first)
        out: list[str] = []
        await read_until(first.stdout, "Serving", out)
        worker = int("".join(out).split("  worker  pid ", 1)[1].split(",")[0])
        servers = _servers_on(redis_dir)
        orphans |= servers | {worker}
        assert len(servers) == 1, servers
        first.kill()  # SIGKILL: no clean-up runs
        await first.wait()
        assert alive(worker) and all(alive(pid) for pid in servers)  # left behind

        second = await asyncio.create_subprocess_exec(*argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                                      stderr=subprocess.PIPE)
        ups.append(second)
        try:
            code = await asyncio.wait_for(second.wait(), 60)
        except asyncio.TimeoutError:
            code = None  # the old code serves on: a second redis-server on the same data
        started_again = _servers_on(redis_dir) - servers
        orphans |= started_again
        assert not started_again, f"a second redis-server on {redis_dir}: {started_again}"
        assert code is not None and code != 0
        stderr = (await second.stderr.read()).decode(errors="replace")
        (server,) = servers
        assert "in use" in stderr and f"redis-server pid {server}" in stderr and f"worker pid {worker}" in stderr
        assert f"kill {server} {worker}" in stderr, stderr

        _stop_pids(orphans)  # what the message says to do
        third = await asyncio.create_subprocess_exec(*argv, "--exit", cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                                     stderr=subprocess.PIPE)
        ups.append(third)
        out3, err3 = await asyncio.wait_for(third.communicate(), 120)
        assert third.returncode == 0, err3.decode(errors="replace")
        assert not _servers_on(redis_dir)  # stopped with the rest
    finally:
        for up in ups:
            if up.returncode is None:  # Ctrl-C stops its children (the old code's second `up`)
                up.send_signal(signal.SIGINT)
                try:
                    await asyncio.wait_for(up.wait(), 60)
                except asyncio.TimeoutError:
                    up.kill()
                    await up.wait()
        _stop_pids(orphans | _servers_on(redis_dir))
