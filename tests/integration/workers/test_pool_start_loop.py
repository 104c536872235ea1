"""A shared pool's start leaves the worker's event loop free while the fork server builds and warms the
pipeline (``workers/shared_pool.py`` ``Server.wait_ready``, waited for in a thread). Starting the first pool
process used to block the caller (the loop) for the whole warm-up, 10–16 s with the real models: under
``newsflow up`` the webhook dispatcher's connection, opened just before, timed out and the dispatcher task
ended; heartbeats, leases and deliveries waited too. Here the server's pipeline factory waits at a gate
file that only this test's coroutine opens, after it has run while the gate was shut; real processes,
stub stages. (A timer thread opens the gate too, so the old code ends instead of hanging.)"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
import time
from pathlib import Path

import pytest

from shared.config import Settings
from workers import shared_pool
from workers.executor import PipelineExecutor
from workers.pipeline.registry import build_pipeline

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration


def gated_pipeline(gate: str, settings: Settings):
    """The fork server's factory: waits until ``gate`` exists, then builds the stub pipeline."""
    while not Path(gate).exists():
        time.sleep(0.01)
    return build_pipeline(settings)


async def test_the_event_loop_runs_while_the_fork_server_warms_up(tmp_path: Path) -> None:
    gate = tmp_path / "open"
    ex = PipelineExecutor(2, soft_timeout=5.0, hard_timeout=10.0, start="shared",
                          factory=functools.partial(gated_pipeline, str(gate), Settings(stages=STAGES)))
    safety = threading.Timer(20.0, gate.touch)  # the old code blocks this loop until the gate opens
    safety.start()
    try:
        start = asyncio.ensure_future(ex.start())
        ticks_while_shut = 0
        for _ in range(20):
            await asyncio.sleep(0.01)
            if not gate.exists() and not start.done():
                ticks_while_shut += 1
        gate.touch()
        await asyncio.wait_for(start, 120)
        doc = await ex.analyse({"text": "after the gate"}, "d1")
    finally:
        safety.cancel()
        ex.close()
    assert ticks_while_shut == 20  # the loop ran all along while the server was held at its gate
    assert doc["echo"]["chars"] == len("after the gate")


def test_a_start_that_timed_out_stops_its_stuck_fork_server_and_the_next_start_gets_a_new_one(tmp_path: Path) -> None:
    """The first server is held at its gate past ``start_timeout``; the gate then opens for later servers
    only (the stuck one keeps waiting: it is the test's stand-in for a server hung for good). The old code
    kept the stuck server and every later start waited on it again (and timed out again)."""
    gate = tmp_path / "open"

    async def go() -> tuple[int | None, int | None, dict]:
        ex = PipelineExecutor(2, soft_timeout=5.0, hard_timeout=10.0, start="shared", start_timeout=2.0,
                              factory=functools.partial(stuck_first, str(gate), str(tmp_path / "first"),
                                                        Settings(stages=STAGES)))
        try:
            with pytest.raises(Exception) as failed:
                await ex.start()
            assert type(failed.value).__name__ == "PoolStartTimeout"
            stuck = (tmp_path / "first").read_text()
            gate.touch()
            await ex.start()
            doc = await ex.analyse({"text": "second server"}, "d1")
            return int(stuck), ex.server_pid, doc
        finally:
            ex.close()

    stuck, second, doc = asyncio.run(go())
    assert second is not None and second != stuck
    assert doc["echo"]["chars"] == len("second server")
    with pytest.raises(ProcessLookupError):  # the stuck server was killed, not left waiting
        os.kill(stuck, 0)


def stuck_first(gate: str, first: str, settings: Settings):
    """The first fork server to call this records its pid and waits for ``gate`` for ever (even once it is
    opened); later servers wait for the gate, then build the stub pipeline."""
    if not Path(first).exists():
        Path(first).write_text(str(os.getpid()))
        while True:
            time.sleep(0.05)
    return gated_pipeline(gate, settings)


def test_the_fork_server_outlives_the_thread_that_waited_for_it(tmp_path: Path) -> None:
    """``PR_SET_PDEATHSIG`` fires when the *thread* that started a child exits. The server used to be
    started in a thread-pool thread (``asyncio.to_thread``): once that thread ended (an idle executor,
    ``shutdown_default_executor``) the server was SIGKILLed. It is started on the loop's thread now."""
    gate = tmp_path / "open"
    gate.touch()

    async def go() -> tuple[int | None, int | None, dict]:
        ex = PipelineExecutor(2, soft_timeout=5.0, hard_timeout=10.0, start="shared",
                              factory=functools.partial(gated_pipeline, str(gate), Settings(stages=STAGES)))
        try:
            await ex.start()
            before = ex.server_pid
            await asyncio.get_running_loop().shutdown_default_executor()  # its threads exit
            await asyncio.sleep(0.5)
            assert before is not None
            pid, _ = os.waitpid(before, os.WNOHANG)
            assert pid == 0, "the fork server died with the thread that started it"
            doc = await ex.analyse({"text": "still here"}, "d1")
            return before, ex.server_pid, doc
        finally:
            ex.close()

    before, after, doc = asyncio.run(go())
    assert after == before
    assert doc["echo"]["chars"] == len("still here")


def test_wait_ready_is_not_fooled_by_a_restarted_server_reusing_the_fd_number(tmp_path: Path) -> None:
    """A reader blocked on the first server's ready pipe, the server stopped and a new one started (its ready
    pipe may get the same fd number): the old reader's EOF must not mark the *new* server never-ready."""
    gate = tmp_path / "open"
    server = shared_pool.Server(functools.partial(gated_pipeline, str(gate), Settings(stages=STAGES)))
    try:
        server.ensure_running()
        first: dict = {}
        reader = threading.Thread(target=lambda: first.setdefault("ready", server.wait_ready()))
        reader.start()
        time.sleep(0.3)  # let it block in os.read (if it has not, it finds the new pipe: same outcome)
        server.stop()
        server.ensure_running()
        reader.join(30)
        assert not reader.is_alive() and first["ready"] is False
        gate.touch()
        assert server.wait_ready() is True
    finally:
        server.stop()
