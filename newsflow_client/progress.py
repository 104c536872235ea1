"""Progress lines for people: rewritten in place on a terminal (``\\r``), one line per update
otherwise (logs stay readable). Used by ``newsflow submit --wait`` and ``newsflow analyze``."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .models import WaitProgress


class ProgressLine:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None, min_interval: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.min_interval = min_interval
        self.started = time.monotonic()
        self._last = 0.0
        self._width = 0

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def show(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        if self.live:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def end(self, text: str | None = None) -> None:
        """Finish the live line (and print ``text`` under it)."""
        if self.live and self._width:
            self.stream.write("\n")
        if text:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._width = 0


def wait_line(p: WaitProgress, elapsed: float) -> str:
    """``12/40 finished  done 11  failed 1  queued 25  processing 3  3.1/s  12s``."""
    c = p.counts
    rate = p.finished / elapsed if elapsed > 0 else 0.0
    others = "".join(f"  {k} {v}" for k, v in sorted(c.items()) if k not in ("done", "failed", "queued"))
    return (f"{p.finished}/{p.total} finished  done {c.get('done', 0)}  failed {c.get('failed', 0)}  "
            f"queued {c.get('queued', 0)}{others}  {rate:.1f}/s  {elapsed:.0f}s")


def rate_line(done: int, total: int | None, elapsed: float, unit: str = "documents") -> str:
    """``120/400 documents  8.0/s  ETA 35s`` (no ETA without a total)."""
    rate = done / elapsed if elapsed > 0 else 0.0
    text = f"{done}/{total} {unit}" if total else f"{done} {unit}"
    text += f"  {rate:.1f}/s"
    if total and rate > 0:
        text += f"  ETA {max(0.0, (total - done) / rate):.0f}s"
    return text
