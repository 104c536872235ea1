"""Micro-batching in the worker's executor (workers/batching.py), with stub stages in real pool
processes: articles waiting for the process at the same time go through ``run_many`` together (the
``batch`` stub stage reports how many documents it saw at once), a lone article is started at once,
and a failing, slow, hanging, crashing or memory-hungry document fails alone."""

from __future__ import annotations

import asyncio
import functools

import pytest

from shared.config import Settings
from workers.executor import Busy, PermanentError, PipelineExecutor, TransientError
from workers.pipeline.registry import build_pipeline

from stub_stages import BATCH_STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration


def executor(batch: int = 8, start: str = "spawn", soft: float = 5.0, hard: float = 10.0, **kw) -> PipelineExecutor:
    return PipelineExecutor(1, soft_timeout=soft, hard_timeout=hard, start=start, batch=batch,
                            factory=functools.partial(build_pipeline, Settings(stages=BATCH_STAGES)), **kw)


async def behind_a_busy_process(ex: PipelineExecutor, texts: list[str], busy: str = "slow 0.6",
                                **kw) -> tuple[dict, list]:
    """``busy`` occupies the (one) process; ``texts`` are submitted while it runs. Returns the busy
    document and, per text, its document or the exception raised."""
    first = asyncio.create_task(ex.analyse({"text": busy}, "busy"))
    await asyncio.sleep(0.2)  # it is in the process now
    assert not first.done()
    rest = await asyncio.gather(*(ex.analyse({"text": t}, f"t{i}", **kw) for i, t in enumerate(texts)),
                                return_exceptions=True)
    return await first, rest


async def test_articles_waiting_together_go_through_the_pipeline_as_one_batch() -> None:
    ex = executor(batch=8)
    try:
        await ex.start()
        alone = await ex.analyse({"text": "alone on an idle pool"}, "lone")
        assert alone["batch"]["size"] == 1  # started at once, not held back for company
        texts = [f"article number {i}" + "." * i for i in range(6)]
        busy, docs = await behind_a_busy_process(ex, texts)
        assert busy["batch"]["size"] == 1
        assert [d["batch"]["size"] for d in docs] == [6] * 6
        assert [(d["id"], d["text"], d["echo"]["chars"]) for d in docs] == \
            [(f"t{i}", t, len(t)) for i, t in enumerate(texts)]
        assert len({d["batch"]["pid"] for d in docs} | {busy["batch"]["pid"]}) == 1
        assert ex._batcher is not None and ex._batcher.batches == 1 and ex._batcher.redone == 0
    finally:
        ex.close()


async def test_a_batch_holds_at_most_batch_documents_and_batch_chars_characters() -> None:
    ex = executor(batch=4)
    try:
        _, docs = await behind_a_busy_process(ex, [f"doc {i:02d}" for i in range(10)])
        assert [d["batch"]["size"] for d in docs] == [4] * 8 + [2] * 2
    finally:
        ex.close()
    ex = executor(batch=8, batch_chars=40)
    try:
        texts = ["x" * 15] * 5 + ["y" * 60, "z" * 5]
        _, docs = await behind_a_busy_process(ex, texts)
        assert [d["batch"]["size"] for d in docs] == [2, 2, 2, 2, 1, 1, 1]  # the long one alone, the short one after it
        assert [d["text"] for d in docs] == texts
    finally:
        ex.close()


@pytest.mark.parametrize("start", ["spawn", "shared"])
async def test_a_failing_document_fails_alone_and_its_batch_mates_are_redone_one_at_a_time(start: str) -> None:
    ex = executor(start=start, soft=0.5, hard=2.0)
    try:
        await ex.start()
        texts = ["one", "boom", "three", "sleep", "five", "crash", "seven", "hang", "nine", "swallow", "eleven"]
        _, out = await behind_a_busy_process(ex, texts, busy="slow 0.4")
        got = {texts[i]: (type(o).__name__, o.code) for i, o in enumerate(out) if isinstance(o, Exception)}
        assert got == {"boom": ("PermanentError", "stage_error"), "sleep": ("TransientError", "timeout"),
                       "crash": ("TransientError", "worker_process_died"), "hang": ("TransientError", "timeout"),
                       "swallow": ("TransientError", "timeout")}
        assert out[1].stage == "echo"
        assert "0.5" in str(out[3]) and "did not finish" in str(out[7])  # soft timeout alone; hard timeout alone
        for i, o in enumerate(out):
            if texts[i] not in got:
                assert o["id"] == f"t{i}" and o["echo"]["chars"] == len(texts[i]) and o["batch"]["size"] == 1
        assert ex._batcher.redone == len(texts)
        doc = await ex.analyse({"text": "after it all"}, "after")
        assert doc["echo"]["chars"] == 12
    finally:
        ex.close()


async def test_a_slow_document_costs_its_batch_mates_a_quarter_of_the_soft_timeout_not_its_own() -> None:
    ex = executor(soft=2.0, hard=4.0)
    try:
        await ex.start()
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        _, out = await behind_a_busy_process(ex, ["slow 30", "fine", "also fine"], busy="slow 0.3")
        assert isinstance(out[0], TransientError) and out[0].code == "timeout"
        assert [o["batch"]["size"] for o in out[1:]] == [1, 1]
        # batch budget 0.5 s, then the slow one alone (2 s soft), then the others: well under two soft timeouts
        assert loop.time() - t0 < 2 * 2.0 + 1.5
    finally:
        ex.close()


async def test_a_job_whose_deadline_passes_while_it_waits_times_out_and_its_neighbours_run() -> None:
    ex = executor()
    try:
        await ex.start()
        loop = asyncio.get_running_loop()
        busy = asyncio.create_task(ex.analyse({"text": "slow 1.0"}, "busy"))
        await asyncio.sleep(0.1)
        t0 = loop.time()
        late, fine = await asyncio.gather(ex.analyse({"text": "in a hurry"}, "h", deadline=loop.time() + 0.3),
                                          ex.analyse({"text": "patient"}, "p"), return_exceptions=True)
        assert isinstance(late, TransientError) and late.code == "timeout"
        assert fine["echo"]["chars"] == 7 and fine["batch"]["size"] == 1  # its companion gave up before the batch
        assert (await busy)["batch"]["size"] == 1
        assert loop.time() - t0 >= 0.8
    finally:
        ex.close()


async def test_a_retry_is_never_batched() -> None:
    ex = executor()
    try:
        _, docs = await behind_a_busy_process(ex, ["again 1", "again 2", "again 3"], alone=True)
        assert [d["batch"]["size"] for d in docs] == [1, 1, 1]
    finally:
        ex.close()


async def test_batch_1_is_the_single_document_path() -> None:
    ex = executor(batch=1)
    try:
        _, docs = await behind_a_busy_process(ex, ["a", "b", "c"])
        assert [d["batch"]["size"] for d in docs] == [1, 1, 1] and ex._batcher is None
        with pytest.raises(PermanentError):
            await ex.analyse({"text": "boom"}, "b")
    finally:
        ex.close()


async def test_a_document_past_the_memory_ceiling_in_a_batch_fails_with_resource_limit_alone() -> None:
    ex = executor(max_rss_mb=300)
    try:
        await ex.start()
        _, out = await behind_a_busy_process(ex, ["before", "leak 600", "after"])
        assert isinstance(out[1], TransientError) and out[1].code == "resource_limit"
        assert [out[0]["echo"]["chars"], out[2]["echo"]["chars"]] == [6, 5]
    finally:
        ex.close()


async def test_closing_the_executor_answers_the_waiting_jobs() -> None:
    ex = executor()
    await ex.start()
    busy = asyncio.create_task(ex.analyse({"text": "slow 1.0"}, "busy"))
    await asyncio.sleep(0.1)
    waiting = asyncio.create_task(ex.analyse({"text": "waiting"}, "w"))
    await asyncio.sleep(0.1)
    ex.close()
    for task in (busy, waiting):
        with pytest.raises(TransientError):
            await asyncio.wait_for(task, 5)


async def test_a_document_that_cannot_reach_a_process_is_handed_back_and_the_worker_wants_no_more_jobs() -> None:
    ex = executor(soft=2.0, hard=4.0)  # batch budget, and patience of a waiting document: 0.5 s
    try:
        await ex.start()
        loop = asyncio.get_running_loop()
        assert ex.jobs_wanted() == 8  # idle: one batch
        busy = asyncio.create_task(ex.analyse({"text": "slow 1.5"}, "busy"))
        await asyncio.sleep(0.1)
        assert ex.jobs_wanted() == 1 + 8  # a call in the pool (not long yet), and the next batch
        t0 = loop.time()
        waits = asyncio.create_task(ex.analyse({"text": "waits"}, "w"))
        with pytest.raises(Busy) as handed:
            await ex.analyse({"text": "in line"}, "h", hand_back=True)
        assert handed.value.code == "busy"
        assert 0.4 <= loop.time() - t0 < 1.2 and not busy.done()  # after 0.5 s, before the long call ended
        assert (await waits)["batch"]["size"] == 1  # without hand_back it waits (alone: its companion left)
        assert (await busy)["echo"]["chars"] == 8
        assert ex.jobs_wanted() == 8
    finally:
        ex.close()


async def test_jobs_wanted_drops_to_what_is_in_the_pool_while_every_process_is_taken_by_a_long_document() -> None:
    ex = executor(soft=1.6, hard=4.0)  # a call past 0.4 s is long
    try:
        await ex.start()
        busy = asyncio.create_task(ex.analyse({"text": "slow 1.2"}, "busy"))
        await asyncio.sleep(0.2)
        assert ex.jobs_wanted() == 1 + 8
        await asyncio.sleep(0.5)
        assert ex.jobs_wanted() == 1
        await busy
        assert ex.jobs_wanted() == 8
    finally:
        ex.close()


async def test_the_worker_hands_back_jobs_stuck_behind_a_hanging_document_without_counting_an_attempt(
        redis_server, store, redis) -> None:
    """A real worker (in this process, stub stages, 8 s job timeout): the hanging document holds the one
    pool process up to the hard timeout; the two articles behind it are handed back to the queue (not
    timed out), then analysed on their first attempt; the hanging one fails on its own. (A pool restart
    slower than the rest of a job, after the hard timeout killed the process, used to cost them an
    attempt: "the pipeline processes were not ready in time"; they are handed back for it too now,
    test_pool_restart.py.)"""
    from workers.run import serve_worker

    s = Settings(redis_url=redis_server.url, stages=BATCH_STAGES, worker_concurrency=1, job_timeout_seconds=8,
                 max_attempts=2, backoff_base_seconds=0.2, backoff_cap_seconds=0.5, html_fallback="allow",
                 lease_seconds=3)
    ids = [r.id for r in await store.submit_many([{"text": "hang until killed"}, {"text": "a fine one"},
                                                  {"text": "another fine one"}])]
    stop = asyncio.Event()
    task = asyncio.create_task(serve_worker(s, s.redis_url, stop))
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while True:
            states = [await store.get_status(i) for i in ids]
            if all(st and st["status"] in ("done", "failed") for st in states):
                break
            assert loop.time() < deadline, states
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    hang, fine, other = states
    assert hang["status"] == "failed" and hang["error"]["code"] == "timeout" and hang["attempts"] == 2, hang
    for st in (fine, other):
        assert st["status"] == "done" and st["attempts"] == 1, st
