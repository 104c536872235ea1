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


async def test_the_backoff_starts_afresh_after_a_loop_that_ran_long_enough(monkeypatch) -> None:
    """``ended`` used to grow for the worker's lifetime: one end a day reached the 30 s cap in a week."""
    delays: list[int] = []
    done = asyncio.Event()

    async def loop(ctx) -> None:
        if len(delays) >= 4:
            done.set()
            await asyncio.Event().wait()
        raise KeyError("ends after running a long time")

    def backoff(failures: int) -> float:
        delays.append(failures)
        return 0.0

    monkeypatch.setattr(webhooks, "dispatch_loop", loop)
    monkeypatch.setattr(webhooks, "backoff", backoff)
    monkeypatch.setattr(webhooks, "HEALTHY_SECONDS", 0.0, raising=False)  # every run counts as healthy
    task = asyncio.get_running_loop().create_task(webhooks.run_dispatcher({}))
    await asyncio.wait_for(done.wait(), 10)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert delays == [1, 1, 1, 1]


async def test_cancelled_during_the_restart_backoff_it_says_stopped(monkeypatch) -> None:
    async def loop(ctx) -> None:
        raise KeyError("a bug of its own")

    monkeypatch.setattr(webhooks, "dispatch_loop", loop)
    monkeypatch.setattr(webhooks, "backoff", lambda failures: 3600.0)
    ctx: dict = {}
    task = asyncio.get_running_loop().create_task(webhooks.run_dispatcher(ctx))
    record = webhooks.health(ctx)
    while record.restarts == 0:
        await asyncio.sleep(0.01)
    assert record.state == "restarting"
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled() and record.state == "stopped"


class _LostGroupRedis:
    """Redis as the dispatch loop sees it after a FLUSHALL: the group is made, then a round finds it gone."""

    def __init__(self) -> None:
        self.rounds = 0

    async def xgroup_create(self, *args, **kwargs) -> None:
        return None

    async def xautoclaim(self, *args, **kwargs):
        self.rounds += 1
        if self.rounds == 1:
            raise Exception("NOGROUP No such key 'nf:events' or consumer group")
        return b"0-0", [], []

    async def xreadgroup(self, *args, **kwargs):
        self.rounds += 1
        await asyncio.Event().wait()


async def test_a_lost_group_is_not_logged_as_a_failure_to_make_it(monkeypatch, caplog) -> None:
    monkeypatch.setattr(webhooks, "backoff", lambda failures: 0.0)
    caplog.set_level(logging.WARNING, logger="newsflow.webhooks")
    redis = _LostGroupRedis()
    task = asyncio.get_running_loop().create_task(webhooks.dispatch_loop({"redis": redis}))
    while redis.rounds < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "NOGROUP" in warning and "making the group" not in warning
