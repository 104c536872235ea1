"""Micro-batching of the worker's jobs in front of the pipeline pool (``NEWSFLOW_WORKER_BATCH``).

``newsflow analyze`` sends its articles to a pool process in chunks that go through
``Pipeline.run_many`` (spaCy's ``nlp.pipe`` batching); the worker gets one article per job. The
:class:`Batcher` queues the jobs' articles in the worker and never hands a pool process more than
one call at a time:

* a process is free → everything waiting (up to ``size`` documents and ``max_chars`` characters,
  in arrival order) goes to it as **one** call; a job that arrives while a process is idle is
  started at once, alone, so a lone article waits for nothing;
* a batch of one is the plain single-document call (:meth:`PipelineExecutor._run_one`: soft
  timeout, hard timeout capped by the job's deadline, dead process, memory ceiling);
* a batch of several runs under a soft budget of its own (``executor.batch_soft``, a quarter of
  one document's soft timeout) and a hard limit of that plus the executor's hard-minus-soft margin.
  If it fails in any way (a stage raised, the budget ran out, the process died or went over the
  memory ceiling, the hard limit killed the pool), every document of it is queued again, first in
  line, to run **alone** with its own full timeouts: only the culprit gets the error.
* a job on a retry (``alone=True``) is never batched: it failed before, perhaps because of itself.

A job's :class:`~workers.executor.Timing` (when its pipeline call started, ``started``, and its share of
the call, ``pipeline_ms``) is filled by the call that analyses it: a batch's time is split among its
documents in proportion to their stage times; ``workers/tasks.py`` turns it into ``wait_ms`` and
``processing_ms``.

Each job still waits no longer than its own deadline: a job whose deadline passes while it waits
(in the queue or in a batch) gets a ``timeout`` :class:`TransientError`; its article is dropped
from the queue, and a batch it was part of runs on for its batch-mates.

The worker holds more jobs than it has processes: what is in the pool and one batch waiting per
process (:meth:`Batcher.jobs_wanted`; ``max_jobs`` caps it at two batches per process), but of the
jobs just queued only as many as it can start now (:meth:`Batcher.jobs_startable`; the rest once they
have waited in the queue, ``workers/wake.py``). A burst of jobs is thus shared with the other workers
of the queue, idle ones first, and a held job's time runs. So that a long call (one slow document alone: up to the hard timeout) does
not use up the time of the jobs queued behind it, or keep them from other workers: with
``hand_back`` a document that has waited :attr:`Batcher.hand_back_after` seconds (the batch
budget) without reaching a process raises :class:`~workers.executor.Busy` (the task gives the job
back to the queue without counting the attempt), and :meth:`Batcher.jobs_wanted` tells the worker
to take no more jobs than the processes not taken by such a long call can run.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .pool import KillReason
from .pool_process import analyse_batch

if TYPE_CHECKING:
    from .executor import PipelineExecutor, Timing

log = logging.getLogger("newsflow.worker")


@dataclass(eq=False)
class _Item:
    article: dict[str, Any]
    doc_id: str
    deadline: float | None
    alone: bool
    queued_at: float = 0.0
    timing: "Timing | None" = None
    hand_back: bool = False
    future: asyncio.Future[dict[str, Any]] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    @property
    def chars(self) -> int:
        a = self.article
        return len(a.get("text") or "") + len(a.get("html") or "") + len(a.get("title") or "")


class Batcher:
    """The queue of articles waiting for a pool process of ``executor`` (see the module)."""

    def __init__(self, executor: "PipelineExecutor", size: int, max_chars: int) -> None:
        self.executor, self.size, self.max_chars = executor, max(1, size), max(1, max_chars)
        self._queue: collections.deque[_Item] = collections.deque()
        self._busy = 0  # pool calls in flight (never more than the pool's processes)
        self._tasks: set[asyncio.Task[None]] = set()
        self._calls: dict[int, tuple[float, int]] = {}  # call → (started at, documents)
        self.batches = 0   # multi-document calls made (logs, tests)
        self.redone = 0    # documents redone alone after their batch failed

    @property
    def hand_back_after(self) -> float:
        """Seconds a document may wait for a process before it is handed back (``hand_back``); also how
        long a call may run before its process counts as taken by one long document."""
        return self.executor.hand_back_after

    @property
    def _in_pool(self) -> int:
        """The documents of the calls now in the pool."""
        return sum(n for _, n in self._calls.values())

    def jobs_wanted(self) -> int:
        """How many jobs the worker should hold now: the documents in the pool, and one batch waiting for
        each process that is not taken by a long call (one that has run past :attr:`hand_back_after`)."""
        now = asyncio.get_running_loop().time()
        long_calls = sum(1 for started, _ in self._calls.values() if now - started > self.hand_back_after)
        return self._in_pool + self.size * max(0, self.executor.processes - long_calls)

    def jobs_startable(self, held: int) -> int:
        """How many more jobs the worker could start in a pool process now: the processes with no call,
        less the worker's ``held`` jobs that are in none (waiting here, or not here yet: a job just taken
        reads its article first; or finishing: its Redis writes)."""
        return max(0, self.executor.processes - self._busy - max(0, held - self._in_pool))

    async def analyse(self, article: dict[str, Any], doc_id: str, deadline: float | None, alone: bool,
                      hand_back: bool = False, timing: "Timing | None" = None) -> dict[str, Any]:
        from .executor import Busy, TransientError

        loop = asyncio.get_running_loop()
        item = _Item(article, doc_id, deadline, alone, loop.time(), timing, hand_back)
        self._queue.append(item)
        self._dispatch()
        try:
            while True:
                limit = None if deadline is None else max(0.0, deadline - loop.time())
                waiting = item in self._queue
                if hand_back and waiting:
                    patience = max(0.0, item.queued_at + self.hand_back_after - loop.time())
                    limit = patience if limit is None else min(limit, patience)
                try:
                    return await asyncio.wait_for(asyncio.shield(item.future), limit)
                except asyncio.TimeoutError:
                    if deadline is not None and loop.time() >= deadline:
                        raise TransientError(f"pipeline did not finish within the job's time ({limit:.3g}s "
                                             "left when it last waited)", "timeout") from None
                    if hand_back and item in self._queue:
                        raise Busy(f"no pipeline process free for {self.hand_back_after:.3g}s; job handed back",
                                   "busy") from None
        finally:
            if not item.future.done():  # given up (timed out, cancelled): never started, or its result dropped
                item.future.cancel()
                if item in self._queue:
                    self._queue.remove(item)

    def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while self._busy < self.executor.processes:
            items = self._take()
            if not items:
                return
            self._busy += 1
            task = loop.create_task(self._run(items))
            self._tasks.add(task)
            self._calls[id(task)] = (loop.time(), len(items))
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(lambda t: self._calls.pop(id(t), None))

    def _take(self) -> list[_Item]:
        """The next call's documents: the first waiting one, and behind it as many as fit."""
        while self._queue and self._queue[0].future.done():
            self._queue.popleft()
        if not self._queue:
            return []
        items = [self._queue.popleft()]
        chars = items[0].chars
        if items[0].alone:
            return items
        while self._queue and len(items) < self.size:
            nxt = self._queue[0]
            if nxt.future.done():
                self._queue.popleft()
                continue
            if nxt.alone or chars + nxt.chars > self.max_chars:
                break
            items.append(self._queue.popleft())
            chars += nxt.chars
        return items

    async def _run(self, items: list[_Item]) -> None:
        from .executor import TransientError

        now = asyncio.get_running_loop().time()
        try:
            for item in items:   # a deadline that passed while it waited: no call for it
                if item.deadline is not None and item.deadline <= now:
                    _settle(item, exc=TransientError("the job's time ran out before the pipeline could start", "timeout"))
            live = [i for i in items if not i.future.done()]
            if len(live) >= 2:
                await self._batch(live)
            elif len(items) >= 2:   # a batch left with one document (or none): alone, first in line
                self._requeue_alone(live)
            elif live:
                await self._single(live[0])
        except asyncio.CancelledError:  # the executor is closing
            for item in items:
                _settle(item, exc=TransientError("the pipeline is shutting down", "worker_stopped"))
            raise
        finally:
            self._busy -= 1
            self._dispatch()

    async def _single(self, item: _Item) -> None:
        try:
            _settle(item, await self.executor._run_one(item.article, item.doc_id, item.deadline, item.timing,
                                                       item.hand_back))
        except Exception as exc:  # noqa: BLE001 - PermanentError / TransientError: the job's answer
            _settle(item, exc=exc)

    async def _batch(self, items: list[_Item]) -> None:
        ex = self.executor
        loop = asyncio.get_running_loop()
        now = loop.time()
        self.batches += 1
        outcomes: list[dict[str, Any]] | None = None
        pool = None
        deadlines = [i.deadline for i in items]
        limit = ex.batch_soft + max(0.2, ex.hard_timeout - ex.soft_timeout)
        if None not in deadlines:
            limit = min(limit, max(0.0, max(deadlines) - loop.time()))  # type: ignore[type-var]
        why = ""
        started = now
        try:
            await ex.start(limit)
            pool = ex._pool
            assert pool is not None
            started = loop.time()
            fut = loop.run_in_executor(pool, analyse_batch, [i.article for i in items], [i.doc_id for i in items],
                                       ex.batch_soft)
            outcomes = await asyncio.wait_for(fut, limit)
            if len(outcomes) != len(items) or not all(o["ok"] for o in outcomes):
                why = outcomes[0].get("code", "failed")
                outcomes = None
        except asyncio.TimeoutError:  # the pool did not get ready (pool None: nothing to kill), or the hard limit
            why = "hard timeout" if pool is not None else "pool not ready"
            ex.reset(pool, KillReason.HARD_TIMEOUT, " of a batch")
        except (BrokenProcessPool, OSError) as exc:  # OSError: the fork server could not be reached
            why = f"{type(exc).__name__}: {exc}"
            ex.reset(pool, KillReason.BROKEN, " (a batch)")  # pool None: the start failed and killed its own pool
        except Exception as exc:  # noqa: BLE001 - an article or result that cannot be pickled: found alone
            why = f"{type(exc).__name__}: {exc}"
        if outcomes is not None:
            call_ms = (loop.time() - started) * 1000
            log.debug("batch of %d documents (%d chars) done in %.0f ms", len(items), sum(i.chars for i in items),
                      call_ms)
            shares = _shares(call_ms, [o["document"] for o in outcomes])
            for item, outcome, share in zip(items, outcomes, shares):
                if item.timing is not None and not item.future.done():
                    item.timing.started, item.timing.pipeline_ms = started, share
                _settle(item, outcome["document"])
            return
        log.info("a batch of %d documents failed (%s); redoing them one at a time", len(items), why[:200])
        self.redone += self._requeue_alone(items)

    def _requeue_alone(self, items: list[_Item]) -> int:
        """Put ``items`` first in line, in their order, each to run alone; returns how many. They are
        never handed back now (``hand_back`` off): one of them may have killed the pool, and handed back
        uncounted it would come back as a first attempt, share a batch and kill the pool again, for ever;
        alone, it waits for the restart within its own job time and pays its attempt."""
        waiting = [i for i in items if not i.future.done()]
        now = asyncio.get_running_loop().time()
        for item in reversed(waiting):
            item.alone, item.queued_at, item.hand_back = True, now, False
            self._queue.appendleft(item)
        return len(waiting)

    def close(self) -> None:
        """Fail the waiting documents and stop the running calls (the executor is closing)."""
        from .executor import TransientError

        while self._queue:
            _settle(self._queue.popleft(), exc=TransientError("the pipeline is shutting down", "worker_stopped"))
        for task in list(self._tasks):
            task.cancel()


def _shares(call_ms: float, documents: list[dict[str, Any]]) -> list[float]:
    """A batch call's ``call_ms`` split among its ``documents`` in proportion to their stage times
    (``timings_ms``: a stage that batches gives each document an equal part of its time, one that does
    not gives each its own), in equal parts when those are all zero."""
    stage_ms = [sum((d.get("timings_ms") or {}).values()) for d in documents]
    total = sum(stage_ms)
    if total <= 0:
        return [call_ms / len(documents)] * len(documents)
    return [call_ms * ms / total for ms in stage_ms]


def _settle(item: _Item, document: dict[str, Any] | None = None, exc: BaseException | None = None) -> None:
    if item.future.done():  # its job stopped waiting
        return
    if exc is not None:
        item.future.set_exception(exc)
    else:
        item.future.set_result(document)  # type: ignore[arg-type]
