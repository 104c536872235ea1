"""Near-duplicate clusters through the real worker, surviving a SIGKILL mid-job: the re-run joins the
same cluster, adds no member twice, and the cluster id stays its earliest member's."""

from __future__ import annotations

import asyncio

import pytest
from worker_proc import sigkill

from shared import keys as K

pytestmark = pytest.mark.e2e

STORY = ("The city council voted on Tuesday to expand the tram network by twelve kilometres, adding stops in "
         "three northern districts. The mayor said construction would start next spring and take about four "
         "years. Opposition members questioned the cost estimate of four hundred million euros and asked for an "
         "independent review. Residents near the planned depot have collected signatures against the noise. ")


async def wait_done(client, doc_id: str, timeout: float = 150) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        st = await (await client.get(f"/v1/articles/{doc_id}/status")).json()
        if st["status"] in ("done", "failed"):
            return st
        assert asyncio.get_running_loop().time() < deadline, st
        await asyncio.sleep(0.1)


async def test_cluster_survives_a_sigkilled_worker(client, redis, workers) -> None:
    env = {"NEWSFLOW_JOB_TIMEOUT_SECONDS": 12}
    first = await workers.start(redis, **env)
    a = await (await client.post("/v1/articles", json={"url": "https://a.example/tram", "text": STORY * 3})).json()
    assert (await wait_done(client, a["id"]))["status"] == "done"
    # a syndicated copy: other boilerplate, one paragraph fewer; long enough to be caught mid-job
    copy = "From our wire desk. " + STORY * 2 + STORY.replace("Residents", "Neighbours") + " Share this story."
    b = await (await client.post("/v1/articles", json={"url": "https://b.example/x", "text": copy})).json()
    deadline = asyncio.get_running_loop().time() + 60
    while (await redis.hget(K.status(b["id"]), "status")) != b"processing":
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.002)
    sigkill(first)
    await workers.start(redis, **env)  # arq re-runs b's job once its in-progress key expires
    c = await (await client.post("/v1/articles", json={"url": "https://c.example/y",
                                                      "text": STORY * 3 + "Updated at noon."})).json()
    st_b, st_c = [await wait_done(client, doc_id) for doc_id in (b["id"], c["id"])]
    assert st_b["status"] == st_c["status"] == "done" and st_b["attempts"] == 2  # b's job really ran twice
    docs = [await (await client.get(f"/v1/articles/{i}")).json() for i in (a["id"], b["id"], c["id"])]
    assert {d["cluster_id"] for d in docs} == {a["id"]}
    cluster = await (await client.get(f"/v1/clusters/{a['id']}")).json()
    assert cluster["size"] == 3 and sorted(cluster["members"]) == sorted([a["id"], b["id"], c["id"]])
    assert cluster["members"][0] == a["id"]
    # near-duplicate links are symmetric and each appears once
    assert sorted(n["id"] for n in docs[0]["near_duplicates"]) == sorted([b["id"], c["id"]])
    assert all(len({n["id"] for n in d["near_duplicates"]}) == len(d["near_duplicates"]) for d in docs)
    assert a["id"] in {n["id"] for n in docs[1]["near_duplicates"]}
    # each document sits in each of its LSH bands exactly once
    sig = docs[1]["fingerprint"]["signature"]
    width = K.ND_ROWS * K.ND_HEX
    for i in range(K.ND_BANDS):
        members = await redis.smembers(f"{K.ND_BAND_PREFIX}{i}:{sig[i * width:(i + 1) * width]}")
        assert b["id"].encode() in members
