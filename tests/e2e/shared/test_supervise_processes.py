"""``shared.supervise``: stopping child processes, and awaiting something while a child lives."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from shared.supervise import ProcessExited, stop_process, while_running

pytestmark = pytest.mark.e2e


def python(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)


async def test_while_running_gives_the_result_while_the_process_lives() -> None:
    proc = python("import time; time.sleep(60)")
    try:
        assert await while_running(asyncio.sleep(0.2, result="ok"), proc, poll=0.05) == "ok"
        assert proc.poll() is None
    finally:
        stop_process(proc)


async def test_while_running_cancels_when_the_process_exits() -> None:
    proc = python("import sys; sys.exit(3)")
    waited = asyncio.ensure_future(asyncio.sleep(60))
    with pytest.raises(ProcessExited) as info:
        await while_running(waited, proc, poll=0.05)
    assert info.value.returncode == 3
    await asyncio.sleep(0)
    assert waited.cancelled()


def test_stop_process_terminates_then_kills() -> None:
    polite = python("import time; print('ready', flush=True); time.sleep(60)")
    assert polite.stdout.readline() == b"ready\n"
    stop_process(polite, timeout=10)
    assert polite.returncode == -15  # SIGTERM was enough
    stubborn = python("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True);"
                      " time.sleep(60)")
    assert stubborn.stdout.readline() == b"ready\n"
    stop_process(stubborn, timeout=0.5)
    assert stubborn.returncode == -9  # SIGKILL after the timeout
    stop_process(stubborn)  # already gone: nothing happens
    polite.stdout.close()
    stubborn.stdout.close()
