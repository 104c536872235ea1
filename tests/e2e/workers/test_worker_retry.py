"""Transient failures in the worker: real timeouts, retried with backoff, then failed with the error.

Its own module: the worker here runs with a tiny job timeout, and no other worker may take the job.
"""

from __future__ import annotations

import asyncio

from test_worker_run import wait_status


async def test_transient_failures_retry_with_backoff_then_fail_with_the_error_kept(store, settings) -> None:
    from workers.run import serve_worker

    s = settings.with_(worker_concurrency=1, job_timeout_seconds=2.0, max_attempts=3, backoff_base_seconds=0.3,
                       backoff_cap_seconds=1.0)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_worker(s, s.redis_url, stop))
    try:
        await _check(store)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _check(store) -> None:
    # A real timeout: a long article against a tiny job timeout (pipeline soft timeout 1.2 s).
    sentence = "Officials in Seoul said on Tuesday that North Korea had shipped more artillery shells. "
    res = await store.submit({"text": sentence * 6000, "title": "Long", "source": "t"})  # ~500 KB
    seen: list[dict] = []
    st = await wait_status(store, res.id, seen=seen, timeout=180)
    assert st["status"] == "failed", st
    assert st["attempts"] == 3
    assert st["error"]["code"] == "timeout" and "gave up after 3 attempts" in st["error"]["message"]
    retries = [s for s in seen if s["status"] == "queued" and s.get("last_error")]
    assert retries, seen  # it went back to the queue between attempts …
    for s in retries:  # … with a recorded transient error and a retry time after it
        assert s["last_error"]["transient"] is True
        assert s["retry_at"] > s["last_error"]["at"].replace("Z", "+00:00")
    assert not (await store.get_document(res.id)).get("entities")
