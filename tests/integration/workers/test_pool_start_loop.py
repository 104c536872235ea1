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
import threading
import time
from pathlib import Path

import pytest

from shared.config import Settings
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
