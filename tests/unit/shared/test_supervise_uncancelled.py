"""``shared.supervise._to_thread_uncancelled`` (the embedded redis-server's restart in ``keep_children``):
cancelled while ``fn`` runs in its thread, it waits for ``fn`` to end before it re-raises, also when it is
cancelled again meanwhile (a second Ctrl-C). The old code let the second cancellation escape while
``server.start`` still ran, which could then set ``server.process`` after the clean-up stopped it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from shared.supervise import _to_thread_uncancelled

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("cancels", [1, 2, 3])
async def test_cancellations_wait_for_the_thread_then_are_raised(cancels: int) -> None:
    entered, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_start() -> str:
        entered.set()
        release.wait(30)
        finished.set()
        return "started"

    ended_after_fn: list[bool] = []
    task = asyncio.ensure_future(_to_thread_uncancelled(slow_start))
    task.add_done_callback(lambda _: ended_after_fn.append(finished.is_set()))
    assert await asyncio.to_thread(entered.wait, 30)
    for _ in range(cancels):
        task.cancel()
        await asyncio.wait([task], timeout=0.2)  # the old code ended here on the second cancel
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ended_after_fn == [True]


async def test_without_a_cancellation_the_result_or_the_error_is_returned() -> None:
    assert await _to_thread_uncancelled(lambda: 7) == 7

    def fails() -> None:
        raise RuntimeError("port taken")

    with pytest.raises(RuntimeError, match="port taken"):
        await _to_thread_uncancelled(fails)
