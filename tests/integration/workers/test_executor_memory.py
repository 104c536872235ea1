"""The memory ceiling of the pool processes: a document that drives its process past
``max_rss_mb`` fails with ``resource_limit`` and the process is replaced (stub stages, real
pool processes, spawned or forked from the fork server: the ceiling judges private memory)."""

from __future__ import annotations

import asyncio
import functools

import pytest

from shared.config import Settings
from workers.executor import PipelineExecutor, TransientError, rss_bytes
from workers.pipeline.registry import build_pipeline

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration

LIMIT_MB = 300


def executor(start: str) -> PipelineExecutor:
    return PipelineExecutor(1, soft_timeout=20.0, hard_timeout=30.0, start=start,
                            factory=functools.partial(build_pipeline, Settings(stages=STAGES)), max_rss_mb=LIMIT_MB)


def pool_pids(ex: PipelineExecutor) -> list[int]:
    return list((ex._pool._processes or {}).keys()) if ex._pool else []


@pytest.mark.parametrize("start", ["spawn", "shared"])
@pytest.mark.parametrize("text", ["hog 600", "leak 600"])
def test_a_document_past_the_memory_ceiling_fails_with_resource_limit_and_the_process_is_replaced(text, start):
    async def go():
        ex = executor(start)
        try:
            doc = await ex.analyse({"text": "fine"}, "a1")
            assert doc["echo"]["chars"] == 4
            before = pool_pids(ex)
            assert before and all(0 < rss_bytes(p) < LIMIT_MB << 20 for p in before)
            with pytest.raises(TransientError) as info:
                await ex.analyse({"text": text}, "big")
            assert info.value.code == "resource_limit"
            assert f"{LIMIT_MB} MB" in str(info.value)
            doc = await ex.analyse({"text": "fine again"}, "a2")  # a fresh process
            assert doc["echo"]["chars"] == 10
            assert set(pool_pids(ex)).isdisjoint(before)
        finally:
            ex.close()

    asyncio.run(go())


def test_without_a_ceiling_the_same_document_is_analysed():
    async def go():
        ex = PipelineExecutor(1, soft_timeout=20.0, hard_timeout=30.0,
                              factory=functools.partial(build_pipeline, Settings(stages=STAGES)))
        try:
            doc = await ex.analyse({"text": "leak 400"}, "big")
            assert doc["echo"]["chars"] == 8
        finally:
            ex.close()

    asyncio.run(go())
