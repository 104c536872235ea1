"""The memory figures the pool's ceiling and bench/pool_memory.py read from /proc."""

from __future__ import annotations

import pytest

from workers import memory

pytestmark = pytest.mark.unit


def test_smaps_rollup_of_this_process() -> None:
    r = memory.smaps_rollup()
    assert r["Rss"] > 0 and 0 < r["Pss"] <= r["Rss"]
    assert r["Uss"] == r["Private_Clean"] + r["Private_Dirty"] and 0 < r["Uss"] <= r["Rss"]
    assert memory.private_bytes() > 0


def test_over_reads_private_memory_only_past_the_ceiling() -> None:
    assert memory.over(1 << 50) == 0          # far under: 0
    used = memory.over(1)                     # past a 1-byte ceiling: the private memory
    assert used > 1 and used <= memory.rss_bytes()


def test_unknown_process() -> None:
    assert memory.smaps_rollup(2**22 + 12345) == {}
    assert memory.private_bytes(2**22 + 12345) == 0 and memory.over(0, 2**22 + 12345) == 0
