"""``newsflow up`` keeps its worker alive: a worker SIGKILLed while ``up`` serves is reported on stderr and
started again, and an article submitted afterwards is analysed (``up`` used to go on printing "Serving"
with a defunct worker, nothing said, articles queued for ever). Ctrl-C (SIGINT) still stops everything.
Real processes: ``python -m cli up`` against the test Redis, its worker, the API it serves. A child that
keeps dying quickly makes ``keep_children`` give up (``up`` then exits 1)."""

from __future__ import annotations

import asyncio
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
