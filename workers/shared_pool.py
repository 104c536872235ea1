"""Pool processes that share the models: forked from a per-executor, preloaded fork server.

``NEWSFLOW_POOL_START=shared`` (the default). Spawned pool processes each load lingua, fastText and
spaCy on their own (~530 MB each, nothing shared). Instead, each :class:`~workers.executor.PipelineExecutor`
starts one **fork server**: a fresh interpreter (``python -c``, like a spawned process: no event
loop, no Redis connections, no threads of the worker) that builds the executor's pipeline with its
``factory``, warms it (every lingua model of the configured languages, spaCy, the claim rules, the
HTML extractor; :func:`warm`), runs ``gc.freeze()`` (refcount-free GC bookkeeping does not touch the
loaded objects' pages again) and then serves the standard library's fork server loop
(``multiprocessing.forkserver.main``). Every pool process is ``fork()``ed from it: the models' pages
are shared copy-on-write, and the pool process uses the server's pipeline object as is
(:data:`PIPELINE`), so the factory is not called again.

Forking is safe here because the server is single-threaded when it forks, apart from OpenBLAS's
thread pool (numpy), which quiesces itself around ``fork()`` (``pthread_atfork``); lingua (Rust) and
fastText start no threads. The server dies with the executor's process (``PR_SET_PDEATHSIG``) and
pool processes die with the server, so nothing lingers after a ``SIGKILL``.

Parent side: :class:`SharedContext` is a ``multiprocessing`` context for ``ProcessPoolExecutor``
whose processes are launched through this executor's :class:`Server` instead of the global one.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import pickle
import signal
import socket
import sys
import threading
import time
from multiprocessing import connection, forkserver, popen_forkserver, reduction, resource_tracker, spawn, util
from multiprocessing.context import ForkServerContext, ForkServerProcess, set_spawning_popen
from typing import Any, Callable

log = logging.getLogger("newsflow.worker")

# In the fork server (and so in every pool process forked from it): the preloaded pipeline, or None.
PIPELINE: Any = None
SERVER_PID: int | None = None  # the fork server's pid, set in the server (pool processes inherit it)
PRELOAD_SECONDS = 0.0           # how long the server took to build and warm the pipeline

_SAMPLES = [
    {"text": "Warm-up: Ada Lovelace said the engine works in London. \"It is ready,\" the minister told "
             "reporters on Monday, adding that the United Nations would pay 40% of the cost."},
    {"text": "Le président Emmanuel Macron a déclaré lundi à Paris que la France soutiendra l'Ukraine."},
    {"text": "Президент России Владимир Путин заявил в Москве, что переговоры продолжатся."},
    {"text": "国家主席习近平在北京会见了联合国秘书长古特雷斯，双方讨论了气候变化问题。"},
    {"html": "<html lang='en'><head><title>Ships sail</title></head><body><article><h1>Ships sail</h1>"
             "<p>The ships left Busan on Monday, officials said. The port will reopen on Friday.</p>"
             "</article></body></html>", "url": "https://example.com/a/1"},
]


def pool_info() -> dict[str, Any]:
    """Where this pool process came from (tests, bench): ``shared`` = it runs the fork server's pipeline."""
    from workers.pool_process import running_pipeline

    running = running_pipeline()
    return {"pid": os.getpid(), "ppid": os.getppid(), "server": SERVER_PID,
            "shared": running is not None and running is PIPELINE, "pipeline": id(running)}


def die_with_parent(parent: int | None = None) -> None:
    """Linux: get SIGKILLed when the parent process dies (even by SIGKILL), never linger as an orphan."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        return
    if parent is not None and os.getppid() != parent:  # it died before prctl
        os._exit(1)


def warm(pipeline: Any) -> None:
    """Load every model the pipeline may use now, in this process: stages' own ``warm()`` (the
    language stage loads every lingua model of the configured languages), then a few documents in
    English, French, Russian, Chinese and one web page (the stages load what those need). A
    document that fails is skipped: the pool processes will report it on real documents."""
    for stage in getattr(pipeline, "stages", []):
        if callable(getattr(stage, "warm", None)):
            stage.warm()
    for i, article in enumerate(_SAMPLES):
        try:
            pipeline.run(article, f"warm-up-{i}")
        except Exception as exc:  # noqa: BLE001 - warming is best effort
            log.warning("fork server warm-up document %d failed: %s", i, exc)


def serve(listener_fd: int, alive_r: int, parent: int, factory_fd: int, ready_w: int | None = None) -> None:
    """The fork server's main: read the pickled ``factory`` from the inherited pipe ``factory_fd``, build
    and warm the pipeline, freeze it, say so on ``ready_w`` (one byte, :meth:`Server.wait_ready`), then
    fork pool processes."""
    global PIPELINE, SERVER_PID, PRELOAD_SECONDS
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    SERVER_PID = os.getpid()
    t0 = time.perf_counter()
    with open(factory_fd, "rb", closefd=True) as f:
        blob = f.read()
    try:
        factory = pickle.loads(blob)
        if factory is None:
            from workers.pipeline import build_pipeline

            factory = build_pipeline
        PIPELINE = factory()
        warm(PIPELINE)
    except BaseException as exc:  # noqa: BLE001 - the pool processes build their own then
        PIPELINE = None
        print(f"newsflow fork server: preloading the pipeline failed ({type(exc).__name__}: {exc}); "
              f"each pool process builds its own", file=sys.stderr, flush=True)
    gc.collect()
    gc.freeze()
    PRELOAD_SECONDS = time.perf_counter() - t0
    if ready_w is not None:
        try:
            os.write(ready_w, b"1")
        except OSError:
            pass
        os.close(ready_w)
    forkserver.main(listener_fd, alive_r, [])


class Server(forkserver.ForkServer):
    """One fork server for one executor, preloaded with its ``factory``'s pipeline (see the module)."""

    def __init__(self, factory: Callable[[], Any] | None) -> None:
        super().__init__()
        # the pickled factory, handed to the server through a pipe, never on its command line: it is
        # usually functools.partial(build_pipeline, settings), and Settings carries REDIS_URL and its
        # password, which /proc/<pid>/cmdline (ps) shows to every local user
        self._blob = pickle.dumps(factory)
        self._ready_r: int | None = None  # the server writes one byte here once its pipeline is warm
        self._ready_lock = threading.Lock()
        self._generation = 0  # servers started so far (wait_ready tells a restarted server from the one it read)
        self.ready = False

    def wait_ready(self) -> bool:
        """Block until the started server has built and warmed its pipeline (True), or died first (False;
        also when no server was started: call :meth:`ensure_running` first). Run off the event loop
        (``workers/pool.py``): until the server is warm, the first pool process's start
        (``connect_to_new_process``, reading the forked pid) blocks for as long as the warm-up takes
        (10–16 s), and on the worker's event loop that stalled everything else on it: Redis connections
        being opened timed out (the webhook dispatcher's first ``XGROUP CREATE``), heartbeats, leases
        and deliveries waited. The server itself is started by :meth:`ensure_running` on the caller's
        own thread, never here: ``PR_SET_PDEATHSIG`` kills it when the thread that started it exits
        (a thread pool's thread does, the event loop's does not)."""
        with self._ready_lock:  # one reader of the pipe at a time; a later caller finds ``ready`` set
            with self._lock:
                orig, generation = self._ready_r, self._generation
                if orig is None:  # read already (or the server was stopped)
                    return self.ready
                fd = os.dup(orig)  # a stop() meanwhile closes the original, never this one
            try:
                got = os.read(fd, 1)
            except OSError:
                got = b""
            finally:
                os.close(fd)
            with self._lock:
                # the same server still (a stop and a restart meanwhile may reuse the fd's number)
                if self._generation == generation and self._ready_r == orig:
                    os.close(orig)
                    self._ready_r = None
                    self.ready = got == b"1"
            return got == b"1"

    @property
    def pid(self) -> int | None:
        return self._forkserver_pid

    def ensure_running(self) -> None:
        """Start the server (again, if it died): ``multiprocessing.forkserver``'s own start-up, with
        :func:`serve` as the program instead of the module preloads."""
        with self._lock:
            resource_tracker.ensure_running()
            if self._forkserver_pid is not None:
                pid, _ = os.waitpid(self._forkserver_pid, os.WNOHANG)
                if not pid:
                    return
                self._forget()
            with socket.socket(socket.AF_UNIX) as listener:
                address = connection.arbitrary_address("AF_UNIX")
                listener.bind(address)
                if not util.is_abstract_socket_namespace(address):
                    os.chmod(address, 0o600)
                listener.listen()
                alive_r, alive_w = os.pipe()
                ready_r, ready_w = os.pipe()
                factory_r, factory_w = os.pipe()
                try:
                    # the parent's sys.path first, as a spawned process gets it (custom stage modules)
                    cmd = (f"import sys; sys.path[:] = {sys.path!r}; from workers.shared_pool import serve; "
                           f"serve({listener.fileno()}, {alive_r}, {os.getpid()}, {factory_r}, {ready_w})")
                    exe = spawn.get_executable()
                    args = [exe, *util._args_from_interpreter_flags(), "-c", cmd]
                    pid = util.spawnv_passfds(exe, args, [listener.fileno(), alive_r, factory_r, ready_w])
                except BaseException:
                    os.close(alive_w)
                    os.close(ready_r)
                    os.close(factory_w)
                    raise
                finally:
                    os.close(alive_r)
                    os.close(factory_r)
                    os.close(ready_w)  # the server's copy only: its death reads as EOF
                _send(factory_w, self._blob)
                self._forkserver_address, self._forkserver_alive_fd, self._forkserver_pid = address, alive_w, pid
                self._ready_r, self.ready = ready_r, False
                self._generation += 1

    def _forget(self) -> None:
        os.close(self._forkserver_alive_fd)
        if self._ready_r is not None:
            os.close(self._ready_r)
            self._ready_r, self.ready = None, False
        if not util.is_abstract_socket_namespace(self._forkserver_address):
            try:
                os.unlink(self._forkserver_address)
            except OSError:
                pass
        self._forkserver_address = self._forkserver_alive_fd = self._forkserver_pid = None

    def stop(self) -> None:
        """Kill the server (its pool processes die with it)."""
        with self._lock:
            pid = self._forkserver_pid
            if pid is None:
                return
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._forget()


def _send(fd: int, data: bytes) -> None:
    """Write ``data`` to the pipe ``fd`` and close it (a pipe holds 64 KiB: a larger factory waits for
    the server to read it; a server that died first makes this a no-op, not a hang)."""
    try:
        with open(fd, "wb", closefd=True) as f:
            f.write(data)
    except BrokenPipeError:
        pass


class _Popen(popen_forkserver.Popen):
    """``popen_forkserver.Popen`` asking a given :class:`Server` instead of the module's global one."""

    def __init__(self, process_obj: Any, server: Server) -> None:
        self._server = server
        super().__init__(process_obj)

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = self._server.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)  # the child's sentinel of its parent, as in the standard library
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(ForkServerProcess):
    _server: Server | None = None

    def _Popen(self, process_obj: Any) -> _Popen:  # type: ignore[override]
        assert self._server is not None
        return _Popen(process_obj, self._server)

    def __getstate__(self) -> dict[str, Any]:  # the server stays in the parent
        state = dict(self.__dict__)
        state.pop("_server", None)
        return state


class SharedContext(ForkServerContext):
    """A ``forkserver`` multiprocessing context whose processes come from ``server``."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def Process(self, *args: Any, **kwargs: Any) -> _Process:  # type: ignore[override]
        p = _Process(*args, **kwargs)
        p._server = self.server
        return p
