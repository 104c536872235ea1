"""Memory ceiling of a pipeline pool process (``NEWSFLOW_POOL_MAX_RSS_MB``), used by :mod:`workers.pool_process`
(the watchdog and the check after a run) and :mod:`workers.pool` (the marks folder).

The ceiling judges a process's **private** memory (USS: ``Private_Clean + Private_Dirty`` of
``/proc/<pid>/smaps_rollup``), the memory that killing it gives back. Pool processes forked from
the preloaded fork server (:mod:`workers.shared_pool`) share the models' pages with it and with
each other, so their RSS counts those pages in every process; RSS ≥ USS, so the cheap RSS reading
(``statm``) is taken first and ``smaps_rollup`` is read only when RSS is past the ceiling.

A watchdog thread in each pool process checks every 100 ms (a thread, so it also fires inside long
C calls); past the ceiling it leaves a mark naming the document being analysed (a file named after
its id in the executor's marks folder) and exits with :data:`MEMORY_EXIT`. The executor sees the
broken pool, finds the mark and fails that document with ``resource_limit``; the pool is replaced.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

MEMORY_EXIT = 86  # exit status of a pool process that went over its memory ceiling
current_doc: str | None = None  # the document this pool process is analysing


def start_watchdog(limit: int, marks: str) -> None:
    threading.Thread(target=_watchdog, args=(limit, marks), daemon=True, name="rss-watchdog").start()


def rss_bytes(pid: int | str = "self") -> int:
    """Resident memory of a process (Linux /proc; 0 when unknown)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def smaps_rollup(pid: int | str = "self") -> dict[str, int]:
    """``/proc/<pid>/smaps_rollup`` in bytes (``Rss``, ``Pss``, ``Shared_Clean``, ``Private_Dirty`` …),
    plus ``Uss`` = ``Private_Clean + Private_Dirty``; ``{}`` when unknown."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                name, _, rest = line.partition(":")
                parts = rest.split()
                if len(parts) == 2 and parts[1] == "kB":
                    out[name] = int(parts[0]) * 1024
    except (OSError, ValueError):
        return {}
    out["Uss"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    return out


def private_bytes(pid: int | str = "self") -> int:
    """Private memory (USS) of a process; its RSS where smaps_rollup is not available."""
    rollup = smaps_rollup(pid)
    return rollup["Uss"] if rollup else rss_bytes(pid)


def over(limit: int, pid: int | str = "self") -> int:
    """The private memory of the process when it is past ``limit`` bytes, else 0."""
    if rss_bytes(pid) <= limit:  # RSS ≥ USS: no need for the costlier reading
        return 0
    used = private_bytes(pid)
    return used if used > limit else 0


def _watchdog(limit: int, marks: str, interval: float = 0.1) -> None:
    """Thread in each pool process: past ``limit`` bytes of private memory, leave a mark naming the document
    being analysed and exit at once (the parent sees the mark and fails that document with
    ``resource_limit``; the pool is replaced). A thread, so it also fires inside long C calls."""
    while True:
        time.sleep(interval)
        if over(limit):
            exit_over_limit(current_doc, marks)


def exit_over_limit(doc: str | None, marks: str) -> None:
    if doc is not None:
        with contextlib.suppress(OSError):
            with open(os.path.join(marks, doc), "w") as f:
                f.write(str(private_bytes()))
    os._exit(MEMORY_EXIT)
