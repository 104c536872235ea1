"""Process supervision for ``newsflow up`` / ``newsflow api`` (and the tests and benchmarks that run
real workers): Redis + the API + a worker subprocess as one unit (:func:`serve`), keeping its children
alive (:func:`keep_children`: a dead worker or embedded Redis is reported loudly and started again,
within bounds), the worker subprocess, the API's aiohttp runner, waiting for a signal, awaiting
something while a child lives."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable, TypeVar

from shared.config import Settings
from shared.redis_server import RedisServer, RedisServerError, free_port, resolve_redis_url_async, terminate_process

ROOT = Path(__file__).resolve().parent.parent  # where `python -m cli` runs
T = TypeVar("T")

__all__ = ["GaveUp", "ProcessExited", "Stack", "keep_children", "serve", "start_api", "start_worker_process",
           "stop_process", "until_signal", "while_running"]


@dataclass
class Stack:
    """What :func:`serve` started (``worker``: the worker running now; :func:`keep_children` replaces a
    dead one here, and :func:`serve` stops the one it finds here)."""

    redis_url: str
    redis_server: RedisServer | None  # the embedded one, or None when REDIS_URL was given
    api_url: str
    worker: subprocess.Popen[bytes] | None = None
    worker_log: Path | None = None


@contextlib.asynccontextmanager
async def serve(settings: Settings, app_factory: Callable[[Settings], Any], *, explicit_port: bool = True,
                worker_log: Path | None = None) -> AsyncIterator[Stack]:
    """Redis (embedded unless ``settings.redis_url``), the API (``app_factory(settings)``, see
    :func:`start_api`) and, given ``worker_log``, one worker subprocess logging there; on exit the
    worker, the API and the embedded Redis are stopped, in that order."""
    url, server = await resolve_redis_url_async(settings)  # with sentinels: no embedded Redis
    runner = stack = None
    try:
        settings = settings.with_(redis_url=url)
        runner, base = await start_api(app_factory(settings), settings.host, settings.port,
                                       explicit_port or settings.port_fixed)
        stack = Stack(url, server, base, None, worker_log)
        if worker_log is not None:
            stack.worker = start_worker_process(url, worker_log)
            if server is not None:  # named in the data directory's lock file: a refused `up` names it
                server.record_worker(stack.worker.pid)
        yield stack
    finally:
        if stack is not None and stack.worker is not None:
            await asyncio.to_thread(stop_process, stack.worker)
        if runner is not None:
            await runner.cleanup()
        if server is not None:
            server.stop()


class GaveUp(RuntimeError):
    """:func:`keep_children` stopped restarting a child that kept dying."""


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def _loud(text: str) -> None:
    print(f"\n!!! newsflow up: {text}", file=sys.stderr, flush=True)


async def keep_children(stack: Stack, *, max_quick_deaths: int = 5, quick_seconds: float = 60.0,
                        poll: float = 0.5, say: Callable[[str], None] = _loud,
                        start_worker: Callable[[str, Path | None], subprocess.Popen[bytes]] | None = None) -> None:
    """Until cancelled: watch the stack's worker and embedded Redis; one that exits is reported with
    ``say`` (on stderr, loudly, by default) and started again (the worker with the same Redis URL and log,
    after a backoff of 1 s doubling to 30 s while it keeps dying quickly). A child that dies within
    ``quick_seconds`` of its start ``max_quick_deaths`` times in a row is not started again: :class:`GaveUp`
    is raised (``newsflow up`` then stops everything and exits non-zero). ``start_worker(url, log)``
    starts a worker (default :func:`start_worker_process`). The API runs in this process: nothing to
    watch."""
    start = start_worker or start_worker_process
    quick = {"worker": 0, "redis": 0}
    started = {"worker": time.monotonic(), "redis": time.monotonic()}

    def died(name: str, what: str) -> float:
        """Count a death; the backoff before the restart (GaveUp after too many quick ones)."""
        lived = time.monotonic() - started[name]
        quick[name] = quick[name] + 1 if lived < quick_seconds else 0
        if quick[name] >= max_quick_deaths:
            say(f"the {name} died {quick[name]} times in a row within {quick_seconds:g}s of its start "
                f"({what}); giving up, stopping everything")
            raise GaveUp(f"the {name} kept dying ({what})")
        delay = min(30.0, 2.0 ** max(0, quick[name] - 1)) if quick[name] else 0.0
        say(f"the {name} {what}; restarting it" + (f" in {delay:g}s" if delay else "")
            + (f" (quick death {quick[name]} of {max_quick_deaths} allowed in a row)" if quick[name] else ""))
        return delay

    while True:
        await asyncio.sleep(poll)
        server = stack.redis_server
        if server is not None and server.process is not None and server.process.poll() is not None:
            code = server.process.returncode
            delay = died("redis", f"(embedded redis-server, pid {server.process.pid}) exited "
                                  f"({_exit_text(code)}); see {server.data_dir / 'redis.log'}")
            await asyncio.sleep(delay)
            if server.process.stderr:
                server.process.stderr.close()
            server.process = None  # gone: start() makes a new one on the same port and data directory
            try:  # on the same port: the API and the worker keep its URL (another port would strand them)
                await _to_thread_uncancelled(server.start, same_port=True)
            except RedisServerError as exc:
                say(f"the embedded redis-server could not be started again on its port {server.port} ({exc}); "
                    f"giving up, stopping everything")
                raise GaveUp(f"redis-server could not be started again on port {server.port}") from exc
            started["redis"] = time.monotonic()
            say(f"redis-server running again (pid {server.process.pid if server.process else '?'})")
        worker = stack.worker
        if worker is not None and worker.poll() is not None:
            delay = died("worker", f"(pid {worker.pid}) exited ({_exit_text(worker.returncode)}); "
                                   f"see {stack.worker_log}")
            await asyncio.sleep(delay)
            # on the loop (a Popen takes milliseconds): a cancellation (Ctrl-C) never loses the new child
            stack.worker = start(stack.redis_url, stack.worker_log)
            started["worker"] = time.monotonic()
            if stack.redis_server is not None:
                stack.redis_server.record_worker(stack.worker.pid)
            say(f"worker running again: pid {stack.worker.pid}, log {stack.worker_log}")


async def _to_thread_uncancelled(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn`` in a thread; cancelled meanwhile, it still waits for ``fn`` to end (what it started is kept
    where ``fn`` keeps it, e.g. ``RedisServer.process``, for the caller's clean-up), then re-raises."""
    task = asyncio.ensure_future(asyncio.to_thread(fn, *args, **kwargs))
    cancelled: asyncio.CancelledError | None = None
    while True:  # a second Ctrl-C while waiting must not escape either: fn may still set what it started
        try:
            result = await asyncio.shield(task)
        except asyncio.CancelledError as exc:
            if task.cancelled():  # the thread's task itself (loop shutdown), not us
                raise
            cancelled = cancelled or exc
            continue
        except Exception:
            if cancelled is None:
                raise
        break
    if cancelled is not None:
        raise cancelled
    return result


class ProcessExited(RuntimeError):
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        super().__init__(f"process {proc.pid} exited with code {proc.returncode}")
        self.returncode = proc.returncode


def start_worker_process(redis_url: str, log_path: Path | None = None, env: dict[str, str] | None = None,
                         extra_args: Iterable[str] = ()) -> subprocess.Popen[bytes]:
    """``newsflow worker`` as a child process (own process group, so a terminal's Ctrl-C reaches us only);
    stdout and stderr appended to ``log_path`` (discarded without one)."""
    full_env = {**os.environ, **(env or {}), "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
    out: Any = subprocess.DEVNULL
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        out = open(log_path, "ab")  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen([sys.executable, "-m", "cli", "worker", *extra_args], env=full_env, cwd=str(ROOT),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        if out is not subprocess.DEVNULL:
            out.close()


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM (a worker hands its running jobs back to the queue), SIGKILL after ``timeout`` seconds."""
    terminate_process(proc, timeout)


async def while_running(awaitable: Awaitable[T], proc: subprocess.Popen[bytes], poll: float = 0.5) -> T:
    """Await ``awaitable`` unless ``proc`` exits first: then it is cancelled and :class:`ProcessExited` raised."""
    task = asyncio.ensure_future(awaitable)
    while not task.done():
        await asyncio.wait({task}, timeout=poll)
        if proc.poll() is not None and not task.done():
            task.cancel()
            raise ProcessExited(proc)
    return task.result()


async def start_api(app: Any, host: str, port: int, explicit_port: bool = True) -> tuple[Any, str]:
    """Serve the aiohttp ``app`` on ``host:port`` (``port`` 0: one the OS picks); when the port is
    taken and it was not asked for (``explicit_port`` False: no ``--port``, no ``NEWSFLOW_PORT``), on a free one.
    Returns the runner (``await runner.cleanup()`` stops it) and the base URL."""
    from aiohttp import web

    from services.http import app_runner  # the limits and error answers aiohttp has no option for

    runner = app_runner(app)
    await runner.setup()
    actual = port
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        if explicit_port:
            await runner.cleanup()
            raise SystemExit(f"cannot listen on {host}:{port}: {exc}") from None
        actual = free_port()
        print(f"port {port} is busy; using {actual} (set NEWSFLOW_PORT to choose)", file=sys.stderr)
        await web.TCPSite(runner, host, actual).start()
    if actual == 0:  # an OS-chosen port: read it back
        actual = runner.addresses[0][1]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return runner, f"http://{shown}:{actual}"


async def until_signal(signals: Iterable[signal.Signals] = (signal.SIGINT, signal.SIGTERM)) -> None:
    """Return when one of ``signals`` arrives (its handlers are removed again)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    sigs = tuple(signals)
    for sig in sigs:
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in sigs:
            loop.remove_signal_handler(sig)
