"""Redis client plumbing shared by the API and the workers.

redis-py 5's asyncio client packs every command in Python (~19 µs for the intake's ~25-argument
EVALSHA with a 4 KB article); hiredis's C packer does the same bytes in ~3 µs. Intake is one script
call per article, so this is a measurable share of its CPU.

With ``socket_timeout`` set, redis-py also wraps every write in ``asyncio.wait_for``, which on Python
3.11 makes a Task per command (~30–50 µs of CPU per command measured, on a path that costs ~300 µs
in all). A write only waits when the transport's buffer is over its high-water mark, so
:class:`HiredisPackedConnection` writes directly and keeps the timeout for that case. It also checks a
pooled connection for stale data without a turn of the event loop (:meth:`~HiredisPackedConnection.can_read_destructive`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

import asyncio
import hashlib
import re
import select

import hiredis
from redis._parsers.hiredis import NOT_ENOUGH_DATA, _AsyncHiredisParser
from redis.asyncio.connection import Connection
from redis.exceptions import AuthenticationError, AuthorizationError, NoPermissionError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.asyncio.sentinel import Sentinel

from shared import keys as K


_PLAIN = frozenset({str, bytes, int})  # exactly these types (no subclass): hiredis packs them as redis-py does


class HiredisPackedConnection(Connection):
    """A TCP connection whose commands are packed by hiredis (same RESP bytes as redis-py's packer)."""

    def pack_command(self, *args: Any) -> list[bytes]:
        first = args[0]
        if isinstance(first, str) and " " in first:  # 'SCRIPT LOAD' → two arguments, as redis-py does
            args = tuple(first.split()) + args[1:]
        elif isinstance(first, bytes) and b" " in first:
            args = tuple(first.split()) + args[1:]
        if _PLAIN.issuperset(map(type, args)):  # the usual case, checked in C (~1 µs for 25 arguments)
            return [hiredis.pack_command(args)]
        # floats, bools (an error there), memoryviews, subclasses (an IntEnum hiredis refuses): redis-py's rules
        return super().pack_command(*args)

    async def can_read_destructive(self) -> bool:
        """Whether a connection taken from the pool holds unread data (a stale reply: the pool then
        reconnects it), answered without a turn of the event loop. redis-py's own check reads with a
        zero timeout: an event-loop iteration and a cancellation, ~12 µs of CPU before every command,
        under the pool's lock. Here: the reply parser's and the stream's buffers, then ``poll(0)`` on
        the socket (data or EOF waiting there)."""
        parser, stream, writer = self._parser, self._reader, self._writer
        if (not isinstance(parser, _AsyncHiredisParser) or not getattr(parser, "_connected", False)
                or stream is None or writer is None):
            return await super().can_read_destructive()  # not connected: its error; other parsers: its way
        if parser._reader.gets() is not NOT_ENOUGH_DATA:
            return True
        if stream._buffer or stream.at_eof() or stream.exception() is not None:  # a read would not wait
            return True
        sock = writer.transport.get_extra_info("socket")
        if sock is None:
            return await super().can_read_destructive()
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN)
        return bool(poller.poll(0))

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        writer = self._writer
        if (not self.socket_timeout or writer is None or not self.is_connected or writer.transport.is_closing()
                or isinstance(command, (str, bytes))):
            return await super().send_packed_command(command, check_health)
        if check_health:
            await self.check_health()
        transport = writer.transport
        try:
            writer.writelines(command)
            if transport.get_write_buffer_size() <= transport.get_write_buffer_limits()[1]:
                await writer.drain()  # not paused: returns at once (or raises if the connection was lost)
            else:  # over the high-water mark: this one waits, bounded as redis-py bounds it
                await asyncio.wait_for(writer.drain(), self.socket_timeout)
        except asyncio.TimeoutError:
            await self.disconnect(nowait=True)
            raise RedisTimeoutError("Timeout writing to socket") from None
        except OSError as exc:
            await self.disconnect(nowait=True)
            raise RedisConnectionError(f"Error while writing to socket: {exc}") from exc
        except BaseException:
            await self.disconnect(nowait=True)
            raise


class RedisAuthError(RuntimeError):
    """A Redis server, a sentinel or the master they name refused our credentials (or our ACL user's
    permissions): a configuration error, reported at start-up instead of being retried like an outage.
    The message names the server and the setting, never a password."""


def sentinel_master(sentinels: list[tuple[str, int]], master: str, url: str | None = None, *,
                    sentinel_username: str | None = None, sentinel_password: str | None = None,
                    **kwargs: Any) -> Any:
    """A client for the master that the sentinels name (found again after a failover on the next
    connection). Password, username, db and TLS (``rediss://``) of the master come from ``url`` when
    given (``redis://:pw@-/0``); the sentinels' own credentials (their ``requirepass`` or an ACL user on
    them) are ``sentinel_username``/``sentinel_password``, used for every sentinel connection."""
    if url:
        parts = urlparse(url)
        if parts.password:
            kwargs.setdefault("password", unquote(parts.password))
        if parts.username:
            kwargs.setdefault("username", unquote(parts.username))
        if parts.path.strip("/").isdigit():
            kwargs.setdefault("db", int(parts.path.strip("/")))
        if parts.scheme == "rediss":  # TLS to the master (as arq's sentinel pool did); the sentinels: plain TCP
            kwargs.setdefault("ssl", True)
    timeout = kwargs.get("socket_connect_timeout", 2)
    on_sentinels: dict[str, Any] = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    if sentinel_password:
        on_sentinels["password"] = sentinel_password
    if sentinel_username:
        on_sentinels["username"] = sentinel_username
    return Sentinel(sentinels, socket_timeout=timeout, sentinel_kwargs=on_sentinels).master_for(master, **kwargs)


_REFUSED = (AuthenticationError, AuthorizationError, NoPermissionError)


async def verify_credentials(client: Any, reachable: bool = False) -> None:
    """Check the credentials of a client once, before it is used: a :func:`sentinel_master` client
    asks every sentinel for the master, then pings the master; a plain client (``REDIS_URL``) pings
    its server. A refusal (wrong or missing password, unknown ACL user, a user without the needed
    commands) raises :class:`RedisAuthError` naming the server and the setting to fix. Once the PING
    passed, the permissions newsflow needs beyond it are checked (scripts, key commands, the wake-up
    channel: :func:`_denied_permission`); a missing one is refused the same way, naming it. Unreachable
    servers are not an answer here: the caller's retries deal with those; with ``reachable`` the
    ping of the master (or server) is also the check that it answers: its connection error is raised."""
    pool = client.connection_pool
    manager = getattr(pool, "sentinel_manager", None)
    for node in manager.sentinels if manager is not None else ():
        where = "{host}:{port}".format(**node.connection_pool.connection_kwargs)
        try:
            await node.execute_command("SENTINEL", "get-master-addr-by-name", pool.service_name)
        except _REFUSED as exc:
            raise RedisAuthError(
                f"Redis Sentinel {where} refused the sentinel credentials ({_which('REDIS_SENTINEL', node)}): "
                f"{exc}") from None
        except (RedisConnectionError, RedisTimeoutError, OSError):
            continue
    server = f"master {pool.service_name!r}" if manager is not None else f"server {_address(pool)}"
    try:
        await client.ping()
    except _REFUSED as exc:
        raise RedisAuthError(f"the Redis {server} refused the credentials of REDIS_URL "
                             f"({_which('REDIS_URL', client)}): {exc}") from None
    except (RedisConnectionError, RedisTimeoutError, OSError):
        if reachable:
            raise
        return
    denied = await _denied_permission(client)
    if denied:
        raise RedisAuthError(f"the Redis {server} denies the user of REDIS_URL ({_which('REDIS_URL', client)}) "
                             f"a permission newsflow needs: {denied}")


# The permission probe. KEYS[1]: a key name in one namespace newsflow uses (nf:…, arq:…) that does not
# exist; ARGV[1]: the wake-up channel. Every call is a no-op on a missing key: one command of each family
# the service runs (strings, hashes, sorted sets, sets, lists, streams, expiry, deletion) and a PUBLISH on
# the channel (the intake script's: a wake-up with no job, a worker polls once). Returns the refused calls,
# as "COMMAND: error" (pcall: a refused call does not end the script).
_PROBE = """
local refused = {}
local function try(...)
  local reply = redis.pcall(...)
  if type(reply) == 'table' and reply.err then
    refused[#refused + 1] = select(1, ...) .. ': ' .. reply.err
  end
end
local k = KEYS[1]
try('GET', k)
try('SET', k, '', 'XX')
try('HGET', k, 'f')
try('HDEL', k, 'f')
try('ZSCORE', k, 'm')
try('ZADD', k, 'XX', 0, 'm')
try('ZREM', k, 'm')
try('SISMEMBER', k, 'm')
try('SREM', k, 'm')
try('LRANGE', k, 0, 0)
try('LREM', k, 0, 'm')
try('XADD', k, 'NOMKSTREAM', '*', 'f', 'v')
try('XRANGE', k, '-', '+', 'COUNT', 1)
try('PEXPIRE', k, 1)
try('DEL', k)
try('PUBLISH', ARGV[1], '')
return refused
"""
_PROBE_SHA = hashlib.sha1(_PROBE.encode()).hexdigest()

# what Redis says when an ACL denies a command, a key or a channel (inside a script, Redis 7.0 answers
# "ERR The user executing the script can't run this command…"; later versions "NOPERM …")
_PERMISSION_DENIED = re.compile(r"NOPERM|no permissions|can't (run|publish|access)", re.IGNORECASE)


async def _denied_permission(client: Any) -> str | None:
    """What the user of ``client`` may not do of what newsflow does, or None: load a script (SCRIPT LOAD),
    run it by hash (EVALSHA, the store's every write) and by text (EVAL: the worker's lease reaper, a
    script the server forgot), then the commands of :data:`_PROBE` (a no-op of each
    command family, on a key of each namespace in :data:`shared.keys.ACL_PROBE_KEYS`, and a PUBLISH
    on the wake-up channel). A PING alone let a user without them start, and every submit failed."""
    steps: list[tuple[str, Any]] = [("SCRIPT LOAD", lambda: client.script_load(_PROBE)),
                                    ("EVAL", lambda: client.eval("return 0", 0))]
    steps += [(f"EVALSHA on {key.split(':')[0]}:* keys", lambda key=key: client.evalsha(_PROBE_SHA, 1, key, K.WAKE))
              for key in K.ACL_PROBE_KEYS]
    refused: dict[str, list[str]] = {}  # command refused in the probe script → where (key namespaces, channel)
    error = ""
    try:
        for what, call in steps:
            try:
                reply = await call()
            except _REFUSED as exc:
                return f"{what}: {exc}"
            except ResponseError as exc:
                if _PERMISSION_DENIED.search(str(exc)):
                    return f"{what}: {exc}"
                continue  # not an ACL answer (a script cache flushed meanwhile…): not for this check to judge
            if what.startswith("EVALSHA"):
                for line in (r.decode() if isinstance(r, bytes) else str(r) for r in reply):
                    command, _, text = line.partition(": ")
                    if _PERMISSION_DENIED.search(text):
                        where = f"to {K.WAKE}" if command == "PUBLISH" else what.split()[2]
                        refused.setdefault(command, []).append(where)
                        error = error or text
    except (RedisConnectionError, RedisTimeoutError, OSError):
        return None  # unreachable now: the caller's retries deal with that
    if not refused:
        return None
    groups: dict[tuple[str, ...], list[str]] = {}  # the same places → one phrase: "SET, DEL on nf:*, arq:*"
    for command, places in refused.items():
        groups.setdefault(tuple(dict.fromkeys(places)), []).append(command)
    phrases = [f"{', '.join(commands)} {places[0] if places[0].startswith('to ') else 'on ' + ', '.join(places)}"
               for places, commands in groups.items()]
    return f"{'; '.join(phrases)}: {error}"


async def close_client(client: Any) -> None:
    """Close a client and its connection pool; a :func:`sentinel_master` client's sentinel connections
    too (redis-py's ``Sentinel`` has no close of its own: they were left to garbage collection). Only
    for a client that is done with: its pool stays usable, but the sentinels reconnect on next use."""
    try:
        await client.aclose(close_connection_pool=True)
    finally:
        manager = getattr(client.connection_pool, "sentinel_manager", None)
        for node in manager.sentinels if manager is not None else ():
            await node.aclose()


def _address(pool: Any) -> str:
    kw = pool.connection_kwargs
    return kw["path"] if kw.get("path") else f"{kw.get('host', 'localhost')}:{kw.get('port', 6379)}"


def _which(prefix: str, client: Any) -> str:
    """Which credentials were sent (set / unset: never their values)."""
    kw = client.connection_pool.connection_kwargs
    if prefix == "REDIS_URL":
        return f"password {'set' if kw.get('password') else 'unset'}, user {kw.get('username') or 'default'}"
    return (f"REDIS_SENTINEL_PASSWORD {'set' if kw.get('password') else 'unset'}, "
            f"REDIS_SENTINEL_USERNAME {kw.get('username') or 'unset'}")


def connection_kwargs(url: str) -> dict[str, Any]:
    """Extra ``Redis.from_url`` arguments for ``url``: the hiredis packer for plain TCP URLs (TLS and
    unix-socket URLs keep redis-py's own connection classes)."""
    return {"connection_class": HiredisPackedConnection} if url.startswith("redis://") else {}
