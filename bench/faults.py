"""Fault runs anyone can run: kills during real work, and adversarial documents.

    PYTHONPATH=. python bench/faults.py faults [--n 300]         # stub stages (no models): fast
    PYTHONPATH=. python bench/faults.py adversarial              # the real pipeline

``faults``: for each scenario a fresh Redis (AOF, ``appendfsync always``), the API in this process,
``newsflow worker`` processes (stub stages that sleep 50 ms, 1 s for ``worker-sigkill``, and log every
run) and ``--n`` articles:

* ``worker-sigkill``   two workers; one is SIGKILLed mid-run while it holds jobs (the other one's
  reaper frees them; then a fresh worker replaces the dead one);
* ``pool-sigkill``     the pool processes of the worker are SIGKILLed three times mid-run;
* ``redis-sigkill``    Redis is SIGKILLed mid-run and restarted from its AOF;
* ``three-workers``    three workers compete for the articles.

Printed per scenario: lost (not ``done``), analysed twice at the same time (overlapping runs of one
article), index entries not exactly once, and for ``worker-sigkill`` the requeue delay: from the
kill until every job the dead worker held is running elsewhere (or done).

``adversarial``: one worker with the real pipeline; 2 MiB on one line, 1 MiB of "Mr. ", 100k quote
marks, 50k nested divs (as HTML), 1 MB and 2 MiB of real prose (the seeds repeated; ``--only``
picks some); printed: final status / error code, attempts, time, peak USS (private memory, what
the ceiling ``--max-rss-mb`` judges; default 1500 as in the worker) and RSS of a pool process
(sampled every 0.1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient, TestServer

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from services.app import create_app  # noqa: E402
from shared import keys as K  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.redis_server import RedisServer  # noqa: E402
from shared.supervise import start_worker_process, stop_process  # noqa: E402
from workers.memory import private_bytes, rss_bytes  # noqa: E402
from worker_proc import alive, descendants_of  # noqa: E402

STUB = "normalize,tests.integration.workers.stub_stages:echo"
ENV = {"NEWSFLOW_LEASE_SECONDS": "15", "NEWSFLOW_WORKER_CONCURRENCY": "2", "NEWSFLOW_HEALTH_CHECK_INTERVAL": "1",
       "NEWSFLOW_BACKOFF_BASE_SECONDS": "0.5", "NEWSFLOW_BACKOFF_CAP_SECONDS": "2"}


class Rig:
    def __init__(self, tmp: Path, stages: str, env: dict[str, str]) -> None:
        self.tmp, self.stages, self.env = tmp, stages, env
        self.server = RedisServer(tmp / "redis")
        self.workers: list = []
        self.log = tmp / "runs.tsv"

    async def __aenter__(self) -> "Rig":
        self.server.start()
        self.redis = aioredis.Redis.from_url(self.server.url)
        await self.redis.config_set("appendfsync", "always")
        self.settings = Settings(redis_url=self.server.url, data_dir=self.tmp / "var", stages=self.stages)
        self.client = TestClient(TestServer(create_app(self.settings)))
        await self.client.start_server()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.close()
        for w in self.workers:
            await asyncio.to_thread(stop_process, w, 20)
        await self.redis.aclose()
        self.server.stop()

    async def worker(self) -> "subprocess.Popen":  # noqa: F821
        env = {**ENV, **self.env, "NEWSFLOW_STAGES": self.stages, "NF_STUB_LOG": str(self.log)}
        proc = start_worker_process(self.server.url, self.tmp / f"worker-{len(self.workers)}.log", env)
        self.workers.append(proc)
        while not [k async for k in self.redis.scan_iter(match=K.WORKER_PREFIX + "*") if str(proc.pid) in k.decode()]:
            if proc.poll() is not None:
                raise SystemExit(f"worker exited: {(self.tmp / f'worker-{len(self.workers) - 1}.log').read_text()[-3000:]}")
            await asyncio.sleep(0.1)
        return proc

    async def submit(self, body, **kw) -> str:
        while True:
            resp = await self.client.post("/v1/articles", **({"json": body} if not kw else {"data": body, **kw}))
            if resp.status == 202:
                return (await resp.json())["id"]
            if resp.status != 503:
                raise SystemExit(f"submit: {resp.status} {await resp.text()}")
            await asyncio.sleep(0.2)

    async def statuses(self, ids: list[str]) -> dict[str, str]:
        out = {}
        for doc_id in ids:
            try:
                out[doc_id] = (await (await self.client.get(f"/v1/articles/{doc_id}/status")).json()).get("status", "?")
            except Exception:  # noqa: BLE001 - Redis restarting
                out[doc_id] = "?"
        return out

    async def wait_all(self, ids: list[str], timeout: float) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while True:
            st = await self.statuses(ids)
            if all(s in ("done", "failed") for s in st.values()) or time.monotonic() > deadline:
                return st
            await asyncio.sleep(0.5)

    def overlaps(self) -> int:
        runs: dict[str, list[tuple[float, float]]] = {}
        if self.log.exists():
            for line in self.log.read_text().splitlines():
                text, _, s, e = line.split("\t")
                runs.setdefault(text, []).append((float(s), float(e)))
        bad = 0
        for spans in runs.values():
            spans.sort()
            bad += sum(1 for (_, e1), (s2, _) in zip(spans, spans[1:]) if s2 < e1)
        return bad


async def scenario(name: str, n: int) -> None:
    with tempfile.TemporaryDirectory(prefix=f"nf-faults-{name}-") as tmp:
        async with Rig(Path(tmp), STUB, {}) as rig:
            first = await rig.worker()
            if name in ("worker-sigkill", "three-workers"):
                await rig.worker()
            if name == "three-workers":
                await rig.worker()
            # 1 s per article when a worker is killed: the jobs it holds are surely mid-run at the kill
            seconds = 1.0 if name == "worker-sigkill" else 0.05
            texts = [f"slow {seconds} {name} {i}" for i in range(n)]
            ids = [await rig.submit({"text": t}) for t in texts]
            t0 = time.monotonic()
            requeue = None
            while True:  # mid-run: a third of the articles done
                done = sum(1 for s in (await rig.statuses(ids)).values() if s == "done")
                if done >= n // 3:
                    break
                await asyncio.sleep(0.2)
            if name == "worker-sigkill":
                held: list[str] = []
                while not held:  # kill it while it holds jobs
                    held = [k.decode()[len(K.LEASE_PREFIX):] async for k in rig.redis.scan_iter(
                        match=K.LEASE_PREFIX + "*") if str(first.pid) in ((await rig.redis.get(k)) or b"").decode()]
                first.send_signal(signal.SIGKILL)
                first.wait()
                killed = time.monotonic()
                pending = set(held)
                while pending:
                    for job in list(pending):
                        owner = await rig.redis.get(K.lease(job))
                        st = (await rig.statuses([job]))[job]
                        if st == "done" or (owner and str(first.pid) not in owner.decode()):
                            pending.discard(job)
                    if time.monotonic() - killed > 120:
                        break
                    await asyncio.sleep(0.1)
                requeue = (time.monotonic() - killed, len(held), len(pending))
                await rig.worker()  # a replacement, after the measurement (the survivor's reaper did it)
            elif name == "pool-sigkill":
                for _ in range(3):
                    for pid in [p for p in descendants_of(first.pid) if alive(p)]:
                        os.kill(pid, signal.SIGKILL)
                    await asyncio.sleep(2)
            elif name == "redis-sigkill":
                rig.server.process.send_signal(signal.SIGKILL)
                rig.server.process.wait()
                rig.server.process = None
                await asyncio.sleep(1)
                rig.server.start()
            st = await rig.wait_all(ids, 600)
            elapsed = time.monotonic() - t0
            counts = {s: list(st.values()).count(s) for s in set(st.values())}
            idx_time = await rig.redis.zcard(K.IDX_TIME)
            idx_done = await rig.redis.zcard(K.idx_status("done"))
            line = (f"{name:15s} n={n} statuses={counts} lost={n - counts.get('done', 0)} "
                    f"twice_at_once={rig.overlaps()} index(time,done)=({idx_time},{idx_done}) {elapsed:.1f}s")
            if requeue:
                line += f" requeue_delay={requeue[0]:.1f}s (jobs held {requeue[1]}, not requeued {requeue[2]})"
            print(line, flush=True)


def prose(size: int) -> str:
    """``size`` characters of real news prose: the seed articles, one after the other, repeated."""
    unit = "".join(json.loads(p.read_text(encoding="utf-8"))["text"] + "\n\n" for p in sorted((ROOT / "seeds").glob("*.json")))
    text = (unit * (size // len(unit) + 1))[:size]
    over = len(json.dumps({"text": text})) - (2 * 1024 * 1024 - 64)
    return text[:-over] if over > 0 else text  # the JSON body (\u escapes) within the 2 MiB intake limit


ADVERSARIAL = {
    "2MiB-one-line": lambda: ("word " * (2 * 1024 * 1024 // 5))[: 2 * 1024 * 1024 - 16],
    "1MiB-Mr": lambda: "Mr. " * (1024 * 1024 // 4 - 4),
    "100k-quotes": lambda: '"' * 100_000,
    "50k-nested-divs": lambda: "<html><body>" + "<div>" * 50_000 + "text" + "</div>" * 50_000 + "</body></html>",
    "1MB-prose": lambda: prose(1_000_000),
    "2MB-prose": lambda: prose(2 * 1024 * 1024),
}


async def adversarial(max_rss_mb: int, job_timeout: float, only: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="nf-adversarial-") as tmp:
        env = {"NEWSFLOW_WORKER_CONCURRENCY": "1", "NEWSFLOW_POOL_MAX_RSS_MB": str(max_rss_mb),
               "NEWSFLOW_JOB_TIMEOUT_SECONDS": str(job_timeout), "NEWSFLOW_MAX_ATTEMPTS": "2"}
        async with Rig(Path(tmp), "", env) as rig:
            worker = await rig.worker()
            for name, make in ADVERSARIAL.items():
                if only and name not in only:
                    continue
                body = make()
                t0 = time.monotonic()
                if name.endswith("divs"):
                    doc_id = await rig.submit(body.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
                else:
                    doc_id = await rig.submit({"text": body})
                peak = peak_rss = 0
                while True:
                    # private memory (USS): pool processes share the fork server's model pages
                    pool = [p for p in descendants_of(worker.pid) if alive(p)]
                    peak = max([peak] + [private_bytes(p) for p in pool])
                    peak_rss = max([peak_rss] + [rss_bytes(p) for p in pool])
                    st = await (await rig.client.get(f"/v1/articles/{doc_id}/status")).json()
                    if st["status"] in ("done", "failed"):
                        break
                    await asyncio.sleep(0.1)
                code = (st.get("error") or {}).get("code", "")
                print(f"{name:16s} {len(body.encode()):>9d} B  {st['status']:6s} {code:16s} attempts={st['attempts']} "
                      f"{time.monotonic() - t0:6.1f}s  peak pool USS {peak / 2**20:.0f} MB, RSS {peak_rss / 2**20:.0f} MB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["faults", "adversarial"])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--only", default="", help="comma-separated scenarios (faults) or documents (adversarial)")
    ap.add_argument("--max-rss-mb", type=int, default=1500)
    ap.add_argument("--job-timeout", type=float, default=300)
    args = ap.parse_args()
    if args.what == "faults":
        names = args.only.split(",") if args.only else ["worker-sigkill", "pool-sigkill", "redis-sigkill",
                                                         "three-workers"]
        for name in names:
            asyncio.run(scenario(name, args.n))
    else:
        asyncio.run(adversarial(args.max_rss_mb, args.job_timeout, args.only.split(",") if args.only else []))


if __name__ == "__main__":
    main()
