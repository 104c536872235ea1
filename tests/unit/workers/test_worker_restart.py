"""Which errors of the arq loop mean "Redis went away" (``newsflow worker`` restarts the loop then
instead of exiting)."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError, WatchError

from workers.run import _lost_redis

pytestmark = pytest.mark.unit


def raised_while_handling(inner: BaseException, outer: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except type(inner):
            raise outer
    except type(outer) as exc:
        return exc


def test_a_connection_lost_inside_a_watched_pipeline_is_a_lost_redis() -> None:
    # arq starts jobs in a WATCHed pipeline; redis-py reports the dropped connection as a WatchError
    exc = raised_while_handling(RedisConnectionError("Connection closed by server."),
                                WatchError("A ConnectionError occurred on while watching one or more keys"))
    assert _lost_redis(exc)
    assert _lost_redis(RedisConnectionError("x")) and _lost_redis(ConnectionRefusedError())


def test_other_errors_are_not() -> None:
    assert not _lost_redis(None)
    assert not _lost_redis(WatchError("a key changed"))
    assert not _lost_redis(raised_while_handling(KeyError("k"), ResponseError("bad command")))
