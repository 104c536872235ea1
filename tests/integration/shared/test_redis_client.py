"""The hiredis command packer sends the very bytes redis-py's own packer sends, and works end to end."""

from __future__ import annotations

import enum

import pytest
import redis.asyncio as aioredis
from redis.asyncio.connection import Connection
from redis.exceptions import DataError

from shared.redis_client import HiredisPackedConnection, connection_kwargs

class Name(str):
    pass


class Level(enum.IntEnum):
    HIGH = 3


CASES = [
    ("SET", "k", "v"),
    ("SCRIPT LOAD", "return 1"),
    (b"CONFIG GET", b"maxmemory-policy"),
    ("EVALSHA", "a" * 40, 2, "nf:k1", "nf:k2", b"\x80\x04binary\x00payload", 123456789012345, "é中文"),
    ("HSET", "h", "f", 2.5, "g", 1e20),
    ("SET", "big", b"x" * 100_000),
    ("SET", Name("sub"), Level.HIGH, -7),  # subclasses take the checked path
    ("SET", "mv", memoryview(b"view")),
]


def test_same_bytes_as_redis_py_packer():
    ours, theirs = HiredisPackedConnection(), Connection()
    for args in CASES:
        assert b"".join(ours.pack_command(*args)) == b"".join(theirs.pack_command(*args)), args
    many = [("SET", "a", "1"), ("EVALSHA", "b" * 40, 0, "x")]
    assert b"".join(ours.pack_commands(many)) == b"".join(theirs.pack_commands(many))
    for conn in (ours, theirs):
        with pytest.raises(DataError):
            conn.pack_command("SET", "k", True)


def test_only_plain_tcp_urls_get_it():
    assert connection_kwargs("redis://127.0.0.1:6379/0") == {"connection_class": HiredisPackedConnection}
    assert connection_kwargs("rediss://h:6380/0") == {}
    assert connection_kwargs("unix:///tmp/redis.sock") == {}


async def test_round_trip_against_real_redis(redis_server):
    client = aioredis.Redis.from_url(redis_server.url, **connection_kwargs(redis_server.url))
    try:
        await client.set("nf:test:packed", b"\x00\xffbytes")
        assert await client.get("nf:test:packed") == b"\x00\xffbytes"
        pipe = client.pipeline(transaction=False)
        for i in range(50):
            pipe.set(f"nf:test:p{i}", "é" * i)
        await pipe.execute()
        assert await client.get("nf:test:p7") == ("é" * 7).encode()
        assert await client.eval("return ARGV[1] .. ARGV[2]", 0, "a", 7) == b"a7"
    finally:
        await client.delete("nf:test:packed", *[f"nf:test:p{i}" for i in range(50)])
        await client.aclose()


async def test_writes_without_a_task_per_command_and_still_time_out(redis_server, monkeypatch):
    import asyncio

    import pytest
    from redis.exceptions import TimeoutError as RedisTimeoutError

    client = aioredis.Redis.from_url(redis_server.url, socket_timeout=0.5, **connection_kwargs(redis_server.url))
    calls = []
    real = asyncio.wait_for
    monkeypatch.setattr(asyncio, "wait_for", lambda *a, **k: calls.append(1) or real(*a, **k))
    try:
        await client.set("nf:test:t", b"x" * 1000)
        for _ in range(20):
            assert await client.get("nf:test:t") == b"x" * 1000
        assert calls == []  # small writes: no asyncio.wait_for
        # over the high-water mark: the bounded wait (32 MB: more than loopback socket buffers take in one
        # send even on an idle machine, where 5 MB could all go to the kernel at once and never wait)
        await client.set("nf:test:big", b"y" * 32_000_000)
        assert calls
        assert len(await client.get("nf:test:big")) == 32_000_000
        await client.execute_command("CLIENT", "PAUSE", "1500", "ALL")  # Redis reads nothing for 1.5 s
        with pytest.raises(RedisTimeoutError):
            await client.set("nf:test:t2", b"z" * 20_000_000)  # the buffer cannot drain: times out
    finally:
        monkeypatch.undo()
        await asyncio.sleep(1.6)
        await client.delete("nf:test:t", "nf:test:big", "nf:test:t2")
        await client.aclose()


async def test_a_pooled_connection_with_a_stale_reply_is_replaced_without_a_loop_turn(redis_server, monkeypatch):
    """A reply left unread on a pooled connection (in the stream's buffer, or still in the socket) is
    noticed when the pool hands the connection out again: the next command gets its own reply."""
    import asyncio
    import time

    client = aioredis.Redis.from_url(redis_server.url, max_connections=1, **connection_kwargs(redis_server.url))
    pool = client.connection_pool
    try:
        await client.set("nf:test:stale", "mine")
        for where in ("stream", "socket"):
            conn = await pool.get_connection()
            await conn.send_command("ECHO", f"stale-{where}")  # the reply is never read
            if where == "stream":
                await asyncio.sleep(0.05)  # the loop reads it into the stream's buffer
            else:
                time.sleep(0.05)  # the loop does not run: the reply waits in the socket
                assert not conn._reader._buffer
            assert await conn.can_read_destructive()
            await pool.release(conn)
            assert await client.get("nf:test:stale") == b"mine", where
        conn = await pool.get_connection()
        assert not await conn.can_read_destructive()  # a clean connection: no stale data, no wait
        await pool.release(conn)

        async def no_wait(*args, **kwargs):
            raise AssertionError("the check waited on the event loop")

        conn = await pool.get_connection()
        with monkeypatch.context() as patched:
            patched.setattr(conn._parser, "read_from_socket", no_wait)
            assert not await conn.can_read_destructive()
        await pool.release(conn)
        await client.execute_command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")  # the server closes it
        await asyncio.sleep(0.05)
        assert await client.get("nf:test:stale") == b"mine"  # reconnected
    finally:
        await client.delete("nf:test:stale")
        await client.aclose()
