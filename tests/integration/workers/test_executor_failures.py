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
