"""``workers/webhooks.py`` ``run_dispatcher``: a dispatch loop that ends by anything but a cancellation (the
worker's shutdown) is logged at ERROR and started again; a cancellation ends it (state ``stopped``).
Its backoff grows and is capped."""

from __future__ import annotations

import asyncio
import logging

import pytest

from workers import webhooks

pytestmark = pytest.mark.unit


async def test_a_dispatch_loop_that_dies_is_logged_and_restarted(monkeypatch, caplog) -> None:
    runs: list[int] = []
    again = asyncio.Event()

    async def loop(ctx) -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise KeyError("a bug of its own")
        if len(runs) == 2:
            return  # ended without an error: restarted too
        again.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(webhooks, "dispatch_loop", loop)
    monkeypatch.setattr(webhooks, "backoff", lambda failures: 0.01)
    ctx: dict = {}
    caplog.set_level(logging.ERROR, logger="newsflow.webhooks")
    task = asyncio.get_running_loop().create_task(webhooks.run_dispatcher(ctx))
    await asyncio.wait_for(again.wait(), 10)
    record = webhooks.health(ctx)
    assert record.restarts == 2 and len(runs) == 3
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2 and "KeyError" in errors[0].getMessage() and errors[0].exc_info
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled() and record.state == "stopped" and not record.alive


def test_backoff_doubles_and_is_capped() -> None:
    delays = [webhooks.backoff(n) for n in range(1, 10)]
    assert delays[0] == 0.5 and delays[1] == 1.0 and max(delays) == 30.0
    assert delays == sorted(delays)
