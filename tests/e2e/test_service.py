"""End to end: HTTP intake → Redis → a real ``newsflow worker`` subprocess → HTTP reads.

Failures are provoked through input (a page with no text, an article too long for the job
timeout) and by killing real processes; nothing here mocks Redis or the pipeline.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from worker_proc import alive, check_offsets, descendants_of, sigkill

from shared import keys as K

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.json"))


async def poll_http(client, doc_id: str, wanted=("done", "failed"), timeout: float = 180,
                    seen: list[dict] | None = None) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        resp = await client.get(f"/v1/articles/{doc_id}/status")
        assert resp.status == 200
        st = await resp.json()
        if seen is not None and (not seen or seen[-1] != st):
            seen.append(st)
        if st["status"] in wanted:
            return st
        assert asyncio.get_running_loop().time() < deadline, f"still {st}"
        await asyncio.sleep(0.05)


async def post(client, article: dict) -> dict:
    resp = await client.post("/v1/articles", json=article)
    assert resp.status in (200, 202), await resp.text()
    return await resp.json()


async def test_http_to_worker_to_http_with_seeds_and_analyze_agrees(client, redis, workers, tmp_path) -> None:
    seeds = [json.loads(p.read_text()) for p in SEEDS]
    accepted = [await post(client, a) for a in seeds]
    assert all(a["status"] == "queued" and not a["duplicate"] for a in accepted)
    # not processed before a worker exists: the job waits in the queue
    assert (await poll_http(client, accepted[0]["id"], wanted=("queued",)))["attempts"] == 0

    await workers.start(redis)
    docs = []
    for a in accepted:
        st = await poll_http(client, a["id"])
        assert st["status"] == "done", st
        assert st["attempts"] == 1 and st["started_at"] and st["finished_at"]
        resp = await client.get(a["links"]["document"])
        assert resp.status == 200
        doc = await resp.json()
        assert doc["status"] == "done" and doc["id"] == a["id"]
        assert doc["stats"]["chars"] == len(doc["text"]) > 0
        assert set(doc["timings_ms"]) >= {"normalize", "language", "entities", "claims"}
        assert check_offsets(doc) > 0  # the seeds have entity mentions and claim spans, all checked
        docs.append(doc)
    # the seeds' text is kept exactly (they hold no control characters), Chinese headline included
    assert docs[1]["title"] == seeds[1]["title"] and docs[0]["text"] == seeds[0]["text"]

    listing = await (await client.get("/v1/articles?status=done")).json()
    assert sorted(i["id"] for i in listing["items"]) == sorted(a["id"] for a in accepted)

    # `newsflow analyze` runs the very same pipeline: same ids, same analysis, input order kept
    lines = "".join(json.dumps(a) + "\n" for a in reversed(seeds))
    out = subprocess.run([sys.executable, "-m", "cli", "analyze"], input=lines.encode(), capture_output=True,
                         cwd=ROOT, timeout=300, check=True)
    produced = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert [d["id"] for d in produced] == [a["id"] for a in reversed(accepted)]
    for offline, served in zip(produced, reversed(docs)):
        assert set(offline) <= set(served)
        for key in ("text", "title", "stats", "language", "entities", "claims", "pipeline_version"):
            assert offline[key] == served[key], key


async def test_a_page_without_text_fails_alone_and_the_error_is_visible(client, redis, workers) -> None:
    await workers.start(redis, NEWSFLOW_MAX_ATTEMPTS=4)
    bad = await post(client, {"html": "<html><head><script>app()</script></head><body></body></html>",
                              "url": "https://example.com/empty"})
    good = await post(client, {"text": "Seoul's spy agency said on Wednesday that ships left the port.",
                               "url": "https://example.com/good"})
    st = await poll_http(client, bad["id"])
    assert st["status"] == "failed" and st["attempts"] == 1
    assert st["error"]["code"] == "stage_error" and st["error"]["stage"] == "normalize"
    doc = await (await client.get(f"/v1/articles/{bad['id']}")).json()
    assert doc["status"] == "failed" and doc["error"]["message"] and not doc.get("entities")
    assert (await poll_http(client, good["id"]))["status"] == "done"
    failed = await (await client.get("/v1/articles?status=failed")).json()
    assert [i["id"] for i in failed["items"]] == [bad["id"]]


async def test_transient_errors_retry_with_backoff_then_fail_over_http(client, redis, workers) -> None:
    await workers.start(redis, NEWSFLOW_JOB_TIMEOUT_SECONDS=2, NEWSFLOW_MAX_ATTEMPTS=3,
                        NEWSFLOW_BACKOFF_BASE_SECONDS=0.3, NEWSFLOW_BACKOFF_CAP_SECONDS=1)
    sentence = "Lawmakers in Seoul said North Korea had sent more than a million shells to Russia. "
    a = await post(client, {"text": sentence * 6000, "title": "Too long for a 2 s job"})  # ~500 KB
    seen: list[dict] = []
    st = await poll_http(client, a["id"], seen=seen)
    assert st["status"] == "failed" and st["attempts"] == 3
    assert st["error"]["code"] == "timeout" and "gave up after 3 attempts" in st["error"]["message"]
    waits = [s for s in seen if s["status"] == "queued" and s.get("last_error")]
    assert waits and all(s["retry_at"] > s["last_error"]["at"].replace("Z", "+00:00") for s in waits)
    assert {s["attempts"] for s in seen if s["status"] == "processing"} <= {1, 2, 3}


async def test_sigkilled_worker_mid_job_the_job_completes_once(client, redis, workers) -> None:
    env = {"NEWSFLOW_JOB_TIMEOUT_SECONDS": 12}  # generous: the re-run must not time out on a loaded machine
    first = await workers.start(redis, **env)
    pool = descendants_of(first.pid)  # the fork server and the pool processes forked from it
    assert pool, "the worker runs its pipeline in child processes"
    text = ("According to lawmaker Yoo Sang-bum, the National Intelligence Service believes the North shipped "
            "more than a million artillery shells to Russia. ") * 25  # ~4 KB: a fraction of a second of work
    a = await post(client, {"text": text, "title": "Killed mid-job", "source": "wire"})
    deadline = asyncio.get_running_loop().time() + 60
    while (await redis.hget(K.status(a["id"]), "status")) != b"processing":
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.005)
    sigkill(first)
    assert (await redis.hget(K.status(a["id"]), "status")) == b"processing"  # really killed mid-job
    assert await redis.exists(K.arq_in_progress(a["id"]))
    # the pool processes die with their worker (no orphans still computing)
    for _ in range(100):
        if not any(alive(p) for p in pool):
            break
        await asyncio.sleep(0.05)
    assert not any(alive(p) for p in pool)

    await workers.start(redis, **env)  # arq re-runs the job once arq:in-progress:<id> expires (12 + 10 s)
    st = await poll_http(client, a["id"], timeout=120)
    assert st["status"] == "done" and st["attempts"] == 2
    doc = await (await client.get(f"/v1/articles/{a['id']}")).json()
    check_offsets(doc)
    # stored once: one processing observation, one entry per index, no doubled claim entries
    assert int(await redis.hget(K.METRICS_PROCESSING, "count")) == 1
    claim_members = [m for m in await redis.zrange(K.IDX_CLAIMS, 0, -1) if m.startswith(a["id"].encode())]
    assert len(claim_members) == len(doc["claims"]) == await redis.hlen(K.claims(a["id"]))
    listing = await (await client.get("/v1/articles")).json()
    assert [i["id"] for i in listing["items"]] == [a["id"]]
    # arq takes the job off its queue a moment after the function returned "done"
    deadline = asyncio.get_running_loop().time() + 30
    while queued := await redis.zrange(K.ARQ_QUEUE, 0, -1):
        assert asyncio.get_running_loop().time() < deadline, queued
        await asyncio.sleep(0.02)


async def test_sigterm_hands_the_running_job_back_at_once(client, redis, workers) -> None:
    first = await workers.start(redis, NEWSFLOW_JOB_TIMEOUT_SECONDS=300)  # expiry would take 310 s
    text = ("Officials in Kyiv said on Friday that the missile contained parts made in Europe and the United "
            "States, according to investigators. ") * 60
    a = await post(client, {"text": text, "title": "Stopped mid-job"})
    deadline = asyncio.get_running_loop().time() + 60
    while (await redis.hget(K.status(a["id"]), "status")) != b"processing":
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.005)
    first.terminate()
    assert await asyncio.to_thread(first.wait, 30) == 0
    st = await (await client.get(f"/v1/articles/{a['id']}/status")).json()
    assert st["status"] == "queued" and st["last_error"]["code"] == "worker_stopped", st
    assert not await redis.exists(K.arq_in_progress(a["id"]))  # no waiting for an expiry
    await workers.start(redis, NEWSFLOW_JOB_TIMEOUT_SECONDS=300)
    st = await poll_http(client, a["id"], timeout=120)
    assert st["status"] == "done" and st["attempts"] == 2
