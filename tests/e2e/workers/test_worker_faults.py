"""Fault tests with real ``newsflow worker`` processes (stub stages: no models, so they stay fast):
a worker SIGKILLed mid-job (its job runs again within 30 s through the lease reaper), a pool child
SIGKILLed mid-job, three workers competing for the same articles, the hard timeout, a document that
keeps killing its pool process, and a Redis SIGKILL (AOF on) with jobs in flight.
``bench/faults.py`` runs the same kills with 300 articles each."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from shared import keys as K

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
STAGES = "normalize,tests.integration.workers.stub_stages:echo"
FAST = {"NEWSFLOW_STAGES": STAGES, "NEWSFLOW_LEASE_SECONDS": "3", "NEWSFLOW_JOB_TIMEOUT_SECONDS": "60",
        "NEWSFLOW_BACKOFF_BASE_SECONDS": "0.2", "NEWSFLOW_BACKOFF_CAP_SECONDS": "1"}


async def submit(client, texts: list[str]) -> list[str]:
    ids = []
    for t in texts:
        resp = await client.post("/v1/articles", json={"text": t})
        assert resp.status == 202, await resp.text()
        ids.append((await resp.json())["id"])
    return ids


async def wait_status(client, doc_id: str, wanted: tuple[str, ...], timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        st = await (await client.get(f"/v1/articles/{doc_id}/status")).json()
        if st["status"] in wanted:
            return st
        assert time.monotonic() < deadline, st
        await asyncio.sleep(0.05)


def runs(log: Path) -> list[tuple[str, int, float, float]]:
    if not log.exists():
        return []
    out = []
    for line in log.read_text().splitlines():
        text, pid, start, end = line.split("\t")
        out.append((text, int(pid), float(start), float(end)))
    return out


def assert_never_twice_at_once(log: Path) -> None:
    by_text: dict[str, list[tuple[float, float]]] = {}
    for text, _, start, end in runs(log):
        by_text.setdefault(text, []).append((start, end))
    for text, spans in by_text.items():
        spans.sort()
        for (s1, e1), (s2, _) in zip(spans, spans[1:]):
            assert s2 >= e1, f"{text!r} analysed twice at the same time: {spans}"


async def test_a_sigkilled_workers_job_runs_again_within_30_s(make_client, redis, workers, tmp_path):
    from worker_proc import sigkill

    log = tmp_path / "runs.tsv"
    gate = tmp_path / "open"  # the job runs until the test opens the gate: starting the second worker on a
    client = await make_client(stages=STAGES)  # loaded machine may take longer than any fixed job time
    first = await workers.start(redis, NF_STUB_LOG=log, **FAST)
    [doc_id] = await submit(client, [f"gate {gate} the job of a worker about to die"])
    await wait_status(client, doc_id, ("processing",))
    second = await workers.start(redis, NF_STUB_LOG=log, **FAST)
    assert str(first.pid) in (await redis.get(K.lease(doc_id)) or b"").decode()  # still the first's job
    sigkill(first)
    killed = time.monotonic()
    # the job's lease passes to the second worker once the first one's expired and the job was freed
    while (owner := await redis.get(K.lease(doc_id))) is None or str(second.pid) not in owner.decode():
        assert time.monotonic() - killed < 30, f"the job was not picked up again within 30 s (lease {owner})"
        await asyncio.sleep(0.1)
    gate.touch()
    st = await wait_status(client, doc_id, ("done", "failed"))
    assert st["status"] == "done" and st["attempts"] == 2, st
    assert [r[1] for r in runs(log)] and all(pid != first.pid for _, pid, _, _ in runs(log))
    ready = await (await client.get("/readyz")).json()
    assert ready["workers"]["live"] == 1 and str(second.pid) in ready["workers"]["names"][0]


async def test_three_workers_share_the_articles_none_lost_none_twice_at_once(make_client, redis, workers, tmp_path):
    log = tmp_path / "runs.tsv"
    client = await make_client(stages=STAGES)
    procs = [await workers.start(redis, NF_STUB_LOG=log, **FAST) for _ in range(3)]
    texts = [f"slow 0.2 article {i}" for i in range(30)]
    ids = await submit(client, texts)
    for doc_id in ids:
        assert (await wait_status(client, doc_id, ("done", "failed")))["status"] == "done"
    assert_never_twice_at_once(log)
    done = runs(log)
    assert sorted(r[0] for r in done) == sorted(texts)  # each analysed exactly once
    assert len({pid for _, pid, _, _ in done}) >= 2  # the work was shared
    assert await redis.zcard(K.idx_status("done")) == 30 and await redis.zcard("nf:idx:time") == 30
    ready = await (await client.get("/readyz")).json()
    assert ready["workers"]["live"] == 3
    assert sorted(str(p.pid) for p in procs) == sorted(n.split(":")[1] for n in ready["workers"]["names"])


@pytest.mark.parametrize("start", ["spawn", "shared"])
async def test_a_pool_child_killed_mid_job_is_retried(make_client, redis, workers, tmp_path, start):
    from worker_proc import alive, descendants_of

    client = await make_client(stages=STAGES)
    proc = await workers.start(redis, NF_STUB_LOG=tmp_path / "runs.tsv", NEWSFLOW_POOL_START=start, **FAST)
    gate = tmp_path / "open"  # the job runs until the pool is killed (not a guessed "slow N")
    [doc_id] = await submit(client, [f"gate {gate} the pool child dies"])
    await wait_status(client, doc_id, ("processing",))
    children = [p for p in descendants_of(proc.pid) if alive(p)]  # shared: the fork server and its pool
    assert children
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    gate.touch()  # the second attempt runs through
    st = await wait_status(client, doc_id, ("done", "failed"))
    assert st["status"] == "done" and st["attempts"] == 2, st
    assert st["last_error"]["code"] == "worker_process_died"


async def test_the_hard_timeout_and_a_document_that_keeps_killing_its_process_end_failed(make_client, redis,
                                                                                        workers):
    client = await make_client(stages=STAGES)
    await workers.start(redis, **{**FAST, "NEWSFLOW_JOB_TIMEOUT_SECONDS": "4", "NEWSFLOW_MAX_ATTEMPTS": "2"})
    hang, crash, fine = await submit(client, ["hang until killed", "crash the process", "a fine one"])
    assert (await wait_status(client, fine, ("done", "failed")))["status"] == "done"
    for doc_id, code in ((hang, "timeout"), (crash, "worker_process_died")):
        st = await wait_status(client, doc_id, ("done", "failed"))
        assert st["status"] == "failed" and st["attempts"] == 2 and st["error"]["code"] == code, st
    listed = await (await client.get("/v1/articles?status=failed")).json()
    codes = {item["id"]: item["error"]["code"] for item in listed["items"]}
    assert codes == {hang: "timeout", crash: "worker_process_died"}
    text = await (await client.get("/metrics")).text()
    assert 'newsflow_failures_total{code="timeout"} 1' in text
    assert 'newsflow_failures_total{code="worker_process_died"} 1' in text


async def test_a_document_past_the_memory_ceiling_fails_with_resource_limit_after_one_retry(make_client, redis,
                                                                                          workers):
    client = await make_client(stages=STAGES)
    await workers.start(redis, **{**FAST, "NEWSFLOW_POOL_MAX_RSS_MB": "300"})
    big, fine = await submit(client, ["leak 600 megabytes", "a fine one after it"])
    st = await wait_status(client, big, ("done", "failed"))
    assert st["status"] == "failed" and st["attempts"] == 2 and st["error"]["code"] == "resource_limit", st
    assert (await wait_status(client, fine, ("done", "failed")))["status"] == "done"


async def test_redis_sigkilled_with_jobs_in_flight_loses_nothing(make_client, redis_server, redis, workers, tmp_path):
    log = tmp_path / "runs.tsv"
    client = await make_client(stages=STAGES)
    await workers.start(redis, NF_STUB_LOG=log, **FAST)
    texts = [f"slow 0.3 redis dies {i}" for i in range(12)]
    ids = await submit(client, texts)
    await wait_status(client, ids[0], ("processing", "done"))
    await redis.execute_command("CONFIG", "SET", "appendfsync", "always")
    redis_server.process.send_signal(signal.SIGKILL)
    redis_server.process.wait()
    redis_server.process = None
    await asyncio.sleep(1)
    redis_server.start()
    for doc_id in ids:
        assert (await wait_status(client, doc_id, ("done", "failed"), timeout=120))["status"] == "done"
    assert_never_twice_at_once(log)
    assert {r[0] for r in runs(log)} == set(texts)
