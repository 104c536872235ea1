"""Pool processes forked from the executor's preloaded fork server (``start="shared"``): they run the
server's pipeline (built and warmed once, there), share its memory, and the pool survives a killed
pool process and a killed fork server (stub stages, no models; real processes)."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import time

import pytest

from shared.config import Settings
from workers.executor import PipelineExecutor, TransientError
from workers.shared_pool import pool_info
from workers.memory import smaps_rollup
from workers.pipeline.registry import build_pipeline

from stub_stages import STAGES  # noqa: E402 - this folder is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.integration


def executor(processes: int = 2, start: str = "shared") -> PipelineExecutor:
    return PipelineExecutor(processes, soft_timeout=5.0, hard_timeout=10.0, start=start,
                            factory=functools.partial(build_pipeline, Settings(stages=STAGES)))


def infos(ex: PipelineExecutor) -> list[dict]:
    """pool_info() of every pool process (enough calls that each process answers at least once)."""
    assert ex._pool is not None
    seen: dict[int, dict] = {}
    for _ in range(50):
        futures = [ex._pool.submit(pool_info) for _ in range(4 * ex.processes)]
        for f in futures:
            info = f.result(timeout=30)
            seen[info["pid"]] = info
        if len(seen) >= ex.processes:
            break
        time.sleep(0.05)
    return list(seen.values())


def ppid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def test_two_processes_forked_from_the_preloaded_server_analyse_documents() -> None:
    async def go() -> None:
        ex = executor(2)
        try:
            await ex.start()
            server = ex.server_pid
            assert server is not None and server != os.getpid()
            docs = await asyncio.gather(*(ex.analyse({"text": f"document {i}" + "!" * i}, f"d{i}") for i in range(8)))
            assert [d["echo"]["chars"] for d in docs] == [10 + i for i in range(8)]
            found = infos(ex)
            assert len(found) == 2
            for info in found:
                assert info["ppid"] == server == info["server"] and ppid(info["pid"]) == server
                assert info["shared"]  # the server's pipeline object, not one built by the factory
            assert len({i["pipeline"] for i in found}) == 1  # the same inherited object in both
            # the stage's warm() ran once, in the server, and both processes see its result
            warmed = await asyncio.gather(*(ex.analyse({"text": "warmed"}, f"w{i}") for i in range(4)))
            assert {d["echo"]["chars"] for d in warmed} == {server}
            for info in found:  # anonymous pages written by the server, still shared copy-on-write
                assert smaps_rollup(info["pid"]).get("Shared_Dirty", 0) > 0
        finally:
            ex.close()
        assert not os.path.exists(f"/proc/{server}") or ppid(server) != os.getpid()

    asyncio.run(go())


def test_auto_shares_from_two_processes_on() -> None:
    assert PipelineExecutor(1).start_method == "spawn"
    assert PipelineExecutor(2).start_method == "shared"
    assert PipelineExecutor(1, start="shared").start_method == "shared"
    with pytest.raises(ValueError):
        PipelineExecutor(2, start="fork")


def test_spawn_processes_build_their_own_pipeline() -> None:
    async def go() -> None:
        ex = executor(1, start="spawn")
        try:
            await ex.start()
            assert ex.server_pid is None
            (info,) = infos(ex)
            assert info["ppid"] == os.getpid() and info["server"] is None and not info["shared"]
            assert (await ex.analyse({"text": "warmed"}, "w"))["echo"]["chars"] == 0  # never warmed
        finally:
            ex.close()

    asyncio.run(go())


def test_a_killed_pool_process_is_replaced_by_a_fresh_fork_of_the_same_server() -> None:
    async def go() -> None:
        ex = executor(2)
        try:
            await ex.start()
            server = ex.server_pid
            before = {i["pid"] for i in infos(ex)}
            os.kill(sorted(before)[0], signal.SIGKILL)
            await asyncio.sleep(0.2)
            for attempt in range(3):  # the pool notices the death on the next call (or this one)
                try:
                    doc = await ex.analyse({"text": "after the kill"}, f"k{attempt}")
                    break
                except TransientError as exc:
                    assert exc.code == "worker_process_died"
            assert doc["echo"]["chars"] == 14
            after = infos(ex)
            assert {i["pid"] for i in after}.isdisjoint({sorted(before)[0]})
            assert ex.server_pid == server  # the server was kept: no second preload
            assert all(i["ppid"] == server and i["shared"] for i in after)
            with pytest.raises(TransientError) as died:  # a pool process that dies mid-document
                await ex.analyse({"text": "crash"}, "c")
            assert died.value.code == "worker_process_died"
            assert (await ex.analyse({"text": "fine"}, "f"))["echo"]["chars"] == 4
        finally:
            ex.close()

    asyncio.run(go())


def test_a_killed_fork_server_takes_its_pool_down_and_both_are_started_again() -> None:
    async def go() -> None:
        ex = executor(2)
        try:
            await ex.start()
            server = ex.server_pid
            pids = {i["pid"] for i in infos(ex)}
            os.kill(server, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while any(os.path.exists(f"/proc/{p}") and ppid(p) == server for p in pids) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)  # its pool processes die with it (PR_SET_PDEATHSIG)
            assert not any(os.path.exists(f"/proc/{p}") and ppid(p) == server for p in pids)
            doc = None
            for attempt in range(3):
                try:
                    doc = await ex.analyse({"text": "new server"}, f"s{attempt}")
                    break
                except TransientError as exc:
                    assert exc.code == "worker_process_died"
            assert doc is not None and doc["echo"]["chars"] == 10
            assert ex.server_pid not in (None, server)
            assert all(i["ppid"] == ex.server_pid and i["shared"] for i in infos(ex))
        finally:
            ex.close()

    asyncio.run(go())
