"""Process supervision for ``newsflow up`` / ``newsflow api`` (and the tests and benchmarks that run
real workers): Redis + the API + a worker subprocess as one unit (:func:`serve`), the worker
subprocess, the API's aiohttp runner, waiting for a signal, awaiting something while a child lives."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable, TypeVar

from shared.config import Settings
from shared.redis_server import RedisServer, free_port, resolve_redis_url_async, terminate_process

ROOT = Path(__file__).resolve().parent.parent  # where `python -m cli` runs
T = TypeVar("T")

__all__ = ["ProcessExited", "Stack", "serve", "start_api", "start_worker_process", "stop_process", "until_signal",
           "while_running"]


@dataclass(frozen=True)
class Stack:
    """What :func:`serve` started."""

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
    runner = worker = None
    try:
        settings = settings.with_(redis_url=url)
        runner, base = await start_api(app_factory(settings), settings.host, settings.port,
                                       explicit_port or settings.port_fixed)
        if worker_log is not None:
            worker = start_worker_process(url, worker_log)
        yield Stack(url, server, base, worker, worker_log)
    finally:
        if worker is not None:
            await asyncio.to_thread(stop_process, worker)
        if runner is not None:
            await runner.cleanup()
        if server is not None:
            server.stop()


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
