"""Memory ceiling of a pipeline pool process (``NEWSFLOW_POOL_MAX_RSS_MB``), used by :mod:`workers.executor`.

A watchdog thread in each pool process checks its resident memory every 100 ms (a thread, so it
also fires inside long C calls); past the ceiling it leaves a mark naming the document being
analysed (a file named after its id in the executor's marks folder) and exits with
:data:`MEMORY_EXIT`. The executor sees the broken pool, finds the mark and fails that document with
``resource_limit``; the pool is replaced.
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


def _watchdog(limit: int, marks: str, interval: float = 0.1) -> None:
    """Thread in each pool process: past ``limit`` bytes of RSS, leave a mark naming the document
    being analysed and exit at once (the parent sees the mark and fails that document with
    ``resource_limit``; the pool is replaced). A thread, so it also fires inside long C calls."""
    while True:
        time.sleep(interval)
        if rss_bytes() > limit:
            exit_over_limit(current_doc, marks)


def exit_over_limit(doc: str | None, marks: str) -> None:
    if doc is not None:
        with contextlib.suppress(OSError):
            with open(os.path.join(marks, doc), "w") as f:
                f.write(str(rss_bytes()))
    os._exit(MEMORY_EXIT)
