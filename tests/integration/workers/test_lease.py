"""Job leases and the reaper (workers/lease.py) against a real Redis: a dead worker's job is freed,
a job whose task just returned is not (arq removes its in-progress key a moment later)."""

from __future__ import annotations

from shared import keys as K
from workers.lease import Presence

IN_PROGRESS_S = 20.0
LEASE_S = 3.0


async def _in_progress(redis, job_id: str, age_s: float) -> str:
    """arq's in-progress key of a job that started ``age_s`` ago (its TTL counts down from job_timeout + 10 s)."""
    key = K.ARQ_IN_PROGRESS_PREFIX + job_id
    await redis.set(key, b"1", px=int((IN_PROGRESS_S - age_s) * 1000))
    return key


async def test_a_job_whose_worker_died_is_freed(redis):
    dead, reaper = Presence(LEASE_S, IN_PROGRESS_S), Presence(LEASE_S, IN_PROGRESS_S)
    key = await _in_progress(redis, "j1", age_s=5.0)   # older than a lease, and no lease (its worker is gone)
    assert dead.name != reaper.name
    assert await reaper.reap(redis) == ["j1"]
    assert not await redis.exists(key)


async def test_a_running_job_is_not_freed(redis):
    worker, reaper = Presence(LEASE_S, IN_PROGRESS_S), Presence(LEASE_S, IN_PROGRESS_S)
    key = await _in_progress(redis, "j2", age_s=5.0)
    await worker.acquire(redis, "j2")
    assert await reaper.reap(redis) == []
    assert await redis.exists(key)


async def test_a_job_whose_task_just_returned_is_not_freed_before_arq_finishes_it(redis):
    worker, reaper = Presence(LEASE_S, IN_PROGRESS_S), Presence(LEASE_S, IN_PROGRESS_S)
    key = await _in_progress(redis, "j3", age_s=5.0)
    await worker.acquire(redis, "j3")
    await worker.release(redis, "j3")       # the task returned; arq's finish step has not run yet
    assert "j3" not in worker.running
    assert await reaper.reap(redis) == [] and await worker.reap(redis) == []
    assert await redis.exists(key)
    ttl = await redis.pttl(K.lease("j3"))
    assert 0 < ttl <= LEASE_S * 1000        # it is not renewed: a worker dying now frees the job after it
