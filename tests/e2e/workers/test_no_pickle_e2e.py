"""A pickle written straight into the queue (what anyone with Redis access could do) is refused by a
real ``newsflow worker``, never unpickled: the file its payload would create never appears."""

from __future__ import annotations

import asyncio
import pickle
import time

import pytest

from shared import keys as K
from shared.store import DocumentStore

from worker_proc import Workers

pytestmark = pytest.mark.e2e


class CreateFile:
    """Unpickling this calls ``open(path, "w")``: the file appears."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def evil_job(path: str) -> bytes:
    return pickle.dumps({"t": 1, "f": K.ARQ_TASK, "a": (CreateFile(path),), "k": {}, "et": int(time.time() * 1000)})


async def test_a_pickled_job_is_refused_and_never_run(redis, redis_server, settings, tmp_path) -> None:
    probe = tmp_path / "probe"
    pickle.loads(evil_job(str(probe)))  # the payload is real: unpickling it does create the file
    assert probe.exists()

    target = tmp_path / "pwned"
    await redis.set(K.arq_job("evil"), evil_job(str(target)))
    await redis.zadd(K.ARQ_QUEUE, {"evil": time.time() * 1000})
    # an article of ours whose queued job is a pickle (as an older newsflow wrote them, or planted):
    # the worker rewrites its record as JSON at start-up without reading it, and the article is analysed
    store = DocumentStore(redis, settings)
    legacy = await store.submit({"text": "The port reopened on Tuesday, the ministry said.", "source": "t"})
    await redis.set(K.arq_job(legacy.id), evil_job(str(target)))
    workers = Workers(redis_server.url, tmp_path)
    try:
        proc = await workers.start(redis)
        good = await store.submit({"text": "Officials said the talks would resume in Geneva next week.",
                                   "source": "t"})
        deadline = asyncio.get_running_loop().time() + 180
        while await redis.zscore(K.ARQ_QUEUE, "evil") is not None or \
                (await store.get_status(good.id))["status"] not in ("done", "failed"):
            assert asyncio.get_running_loop().time() < deadline, workers.log(proc)
            assert proc.poll() is None, workers.log(proc)
            await asyncio.sleep(0.1)
        assert not target.exists()
        assert (await store.get_status(good.id))["status"] == "done"  # the worker goes on with real jobs
        while (await store.get_status(legacy.id))["status"] not in ("done", "failed"):
            assert asyncio.get_running_loop().time() < deadline, workers.log(proc)
            await asyncio.sleep(0.1)
        assert (await store.get_status(legacy.id))["status"] == "done"
        log = workers.log(proc)
        assert "deserializing job evil failed" in log, log
        assert not await redis.exists(K.arq_job("evil"))
    finally:
        await asyncio.to_thread(workers.close)
    assert not target.exists()
