"""The one executor (worker and ``newsflow analyze``): soft and hard timeouts and a dead pool
process, with stub stages (no models) in real pool processes (spawned, or forked from the fork server)."""

from __future__ import annotations

import functools
import io

import orjson
import pytest

from shared.config import Settings
from workers.analyze import run
from workers.executor import PermanentError, PipelineExecutor, TransientError
from workers.pipeline.registry import build_pipeline

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration

SETTINGS = Settings(stages=STAGES)


def executor(processes: int = 1, start: str = "auto") -> PipelineExecutor:
    return PipelineExecutor(processes, soft_timeout=0.5, hard_timeout=2.0, start=start,
                            factory=functools.partial(build_pipeline, SETTINGS))


def analyze(lines: list[str], jobs: int = 1, chunk_size: int = 3) -> list[dict]:
    stdin = io.BytesIO("".join(orjson.dumps({"text": t}).decode() + "\n" for t in lines).encode())
    out = io.BytesIO()
    ex = executor(jobs)
    try:
        n = run(stdin, out, jobs=jobs, chunk_size=chunk_size, executor=ex)
    finally:
        ex.close()
    docs = [orjson.loads(x) for x in out.getvalue().splitlines()]
    assert n == len(docs) == len(lines)
    return docs


def test_analyze_turns_timeouts_crashes_and_errors_into_error_lines_and_goes_on() -> None:
    lines = ["one", "sleep now", "three", "crash here", "five", "hang on", "seven", "boom", "nine!"]
    docs = analyze(lines)
    codes = {i: d["error"]["code"] for i, d in enumerate(docs) if "error" in d}
    assert codes == {1: "timeout", 3: "process_died", 5: "timeout", 7: "stage_error"}
    for i, d in enumerate(docs):
        if i in codes:
            assert d["line"] == i + 1 and d["id"]
        else:
            assert d["echo"] == {"chars": len(lines[i])} and d["text"] == lines[i]
    assert "'echo'" in docs[7]["error"]["message"]


def test_analyze_with_two_processes_keeps_the_order_through_a_crash() -> None:
    lines = [f"line {i}" for i in range(10)] + ["crash"] + [f"after {i}" for i in range(10)]
    docs = analyze(lines, jobs=2, chunk_size=2)
    assert [d.get("text") for d in docs] == [t if t != "crash" else None for t in lines]
    assert docs[10]["error"]["code"] == "process_died"


@pytest.mark.parametrize("start", ["spawn", "shared"])
async def test_worker_executor_soft_hard_and_crash(start: str) -> None:
    ex = executor(start=start)
    try:
        await ex.start()
        doc = await ex.analyse({"text": "fine"}, "d1")
        assert doc["echo"] == {"chars": 4} and doc["id"] == "d1"
        with pytest.raises(TransientError) as soft:
            await ex.analyse({"text": "sleep"}, "d2")
        assert soft.value.code == "timeout" and "0.5" in str(soft.value)
        with pytest.raises(TransientError) as swallowed:
            await ex.analyse({"text": "swallow"}, "d2b")
        assert swallowed.value.code == "timeout"
        with pytest.raises(TransientError) as hard:
            await ex.analyse({"text": "hang"}, "d3")
        assert hard.value.code == "timeout" and "did not finish" in str(hard.value)
        with pytest.raises(TransientError) as died:
            await ex.analyse({"text": "crash"}, "d4")
        assert died.value.code == "worker_process_died"
        with pytest.raises(PermanentError) as perm:
            await ex.analyse({"text": "boom"}, "d5")
        assert perm.value.stage == "echo" and perm.value.code == "stage_error"
        assert (await ex.analyse({"text": "again"}, "d6"))["echo"] == {"chars": 5}  # a fresh pool
    finally:
        ex.close()


@pytest.mark.parametrize("batch", [1, 2])
async def test_a_replacement_pool_that_cannot_be_created_still_answers_the_jobs(tmp_path, batch: int) -> None:
    """A crash kills the pool and ``reset`` starts the replacement at once, inside the executor's error
    handlers; creating it raises ``OSError`` here (the memory ceiling's marks folder is a file now: a real
    ``os.makedirs`` failure). That error used to escape raw: a job alone got an ``OSError`` instead of its
    ``TransientError`` (its article left ``processing``), and a micro-batch (the crash and a batch-mate, queued
    behind a held process) was never redone alone: both waited out their deadline. Now each gets its
    error, and a later call starts the pool once it can."""
    import asyncio
    import os
    import shutil

    ex = PipelineExecutor(1, soft_timeout=2.0, hard_timeout=4.0, start="spawn", max_rss_mb=4000, batch=batch,
                          factory=functools.partial(build_pipeline, SETTINGS))
    marks = ex._marks
    gate = tmp_path / "open"
    loop = asyncio.get_running_loop()
    try:
        await ex.start()
        deadline = loop.time() + 30
        holder = None
        if batch > 1:  # the one process held, so that the two below wait together and share a call
            holder = asyncio.create_task(ex.analyse({"text": f"gate {gate} holds the process"}, "holder"))
            while not ex._batcher._calls:
                await asyncio.sleep(0.01)
        shutil.rmtree(marks)
        with open(marks, "w") as f:  # os.makedirs(marks, exist_ok=True) raises FileExistsError now
            f.write("in the way")
        texts = ["crash the process"] + (["a batch-mate"] if batch > 1 else [])
        calls = [asyncio.create_task(ex.analyse({"text": t}, f"d{i}", deadline)) for i, t in enumerate(texts)]
        if holder is not None:
            await asyncio.sleep(0.05)  # both queued behind the holder
            gate.touch()
            assert (await holder)["id"] == "holder"
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        for outcome in outcomes:
            assert type(outcome) is TransientError and outcome.code == "worker_process_died", outcomes
        assert ex._pool is None and not ex.starting  # left to the next call
        if batch > 1:
            assert ex._batcher.batches == 1 and ex._batcher.redone == 2  # the two did share a call
        with pytest.raises(TransientError) as again:  # the next call tries, and says why it could not
            await ex.analyse({"text": "fine"}, "d9", deadline)
        assert again.value.code == "worker_process_died" and "File exists" in str(again.value)
        os.remove(marks)
        assert (await ex.analyse({"text": "fine"}, "d10", deadline))["echo"] == {"chars": 4}
    finally:
        gate.touch()
        if os.path.isfile(marks):
            os.remove(marks)
        ex.close()
