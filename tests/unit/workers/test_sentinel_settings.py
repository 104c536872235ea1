"""REDIS_SENTINELS / REDIS_SENTINEL_MASTER reach arq's connection settings."""

import pytest

from shared.config import Settings
from workers.settings import redis_settings, worker_options

pytestmark = pytest.mark.unit


def test_sentinels_parsed_from_the_environment():
    s = Settings.from_env({"REDIS_SENTINELS": "10.0.0.1:26380, sentinel-b ,[::1]:26381",
                           "REDIS_SENTINEL_MASTER": "news"})
    assert s.sentinels == [("10.0.0.1", 26380), ("sentinel-b", 26379), ("::1", 26381)]
    assert s.redis_sentinel_master == "news"
    assert Settings().sentinels == []


def test_worker_connects_through_the_sentinels_with_password_and_db_from_the_url():
    s = Settings(redis_sentinels="a:1,b:2", redis_sentinel_master="news")
    rs = redis_settings("redis://:secret@ignored:6379/3", s)
    assert (rs.host, rs.sentinel, rs.sentinel_master, rs.password, rs.database) == \
        ([("a", 1), ("b", 2)], True, "news", "secret", 3)
    assert worker_options(s.with_(stages="normalize"))["redis_settings"].sentinel is True
    with pytest.raises(ValueError):
        worker_options(Settings(stages="normalize"))


def test_a_percent_encoded_user_and_password_are_decoded_as_the_api_decodes_them():
    import redis.asyncio as aioredis

    url = "redis://us%3Ar:p%40ss%2Fw%3Ard@h:6379/2"
    rs = redis_settings(url)
    api = aioredis.Redis.from_url(url).connection_pool.connection_kwargs
    assert (rs.username, rs.password, rs.database) == (api["username"], api["password"], 2) == ("us:r", "p@ss/w:rd", 2)
    assert (redis_settings("redis://h:1/0").username, redis_settings("redis://h:1/0").password) == (None, None)


def test_sentinel_credentials_from_the_environment_and_never_in_the_repr():
    s = Settings.from_env({"REDIS_SENTINELS": "a:1", "REDIS_SENTINEL_USERNAME": "sentry",
                           "REDIS_SENTINEL_PASSWORD": "s3cret-sentinel", "REDIS_URL": "redis://nf:s3cret-master@h:6379/2",
                           "NEWSFLOW_CALLBACK_SECRET": "s3cret-callback"})
    assert (s.redis_sentinel_username, s.redis_sentinel_password) == ("sentry", "s3cret-sentinel")
    shown = repr(s)
    assert "s3cret" not in shown
    assert "redis_url='redis://nf:***@h:6379/2'" in shown and "redis_sentinel_username='sentry'" in shown
    assert (Settings().redis_sentinel_username, Settings().redis_sentinel_password) == ("", "")


def test_mask_url():
    from shared.config import mask_url

    assert mask_url("redis://:p@ss:w@h:1/0") == "redis://:***@h:1/0"
    assert mask_url("rediss://user:pw@h/0") == "rediss://user:***@h/0"
    assert mask_url("redis://user@h/0") == "redis://user@h/0"  # no password: unchanged
    assert mask_url("redis://h:6379/0") == "redis://h:6379/0"


def test_the_sentinels_get_their_own_credentials_and_the_master_those_of_the_url():
    from shared.redis_client import sentinel_master

    client = sentinel_master([("a", 1), ("b", 2)], "news", "redis://nf:master-pw@ignored:6379/3",
                             sentinel_username="sentry", sentinel_password="sentinel-pw", socket_connect_timeout=3)
    on_master = client.connection_pool.connection_kwargs
    assert (on_master["username"], on_master["password"], on_master["db"]) == ("nf", "master-pw", 3)
    for node in client.connection_pool.sentinel_manager.sentinels:
        kw = node.connection_pool.connection_kwargs
        assert (kw["username"], kw["password"], kw["socket_connect_timeout"]) == ("sentry", "sentinel-pw", 3)
    plain = sentinel_master([("a", 1)], "news")
    assert plain.connection_pool.sentinel_manager.sentinels[0].connection_pool.connection_kwargs["password"] is None


def test_arqs_own_worker_refuses_sentinel_credentials():
    import workers.settings as ws

    import os
    from unittest import mock

    env = {"REDIS_SENTINELS": "a:1", "REDIS_SENTINEL_PASSWORD": "pw", "NEWSFLOW_STAGES": "normalize"}
    with mock.patch.dict(os.environ, env), pytest.raises(ValueError, match="need `newsflow worker`"):
        ws.WorkerSettings  # noqa: B018 - arq's worker would ask the sentinels without the password


def test_refused_credentials_are_not_a_lost_redis():
    from redis.exceptions import AuthenticationError

    from shared.redis_client import RedisAuthError
    from workers.run import _lost_redis

    try:
        try:
            raise AuthenticationError("Authentication required.")
        except AuthenticationError:
            raise RedisAuthError("refused") from None
    except RedisAuthError as exc:
        refused = exc
    assert isinstance(refused.__context__, AuthenticationError)  # what made the worker retry for ever
    assert _lost_redis(refused) is False
    assert _lost_redis(AuthenticationError("x")) is True  # redis-py's own mid-run: a lost connection; the next pool checks


def test_a_rediss_url_means_tls_to_the_master_found_through_the_sentinels():
    from redis.asyncio.sentinel import SentinelManagedConnection, SentinelManagedSSLConnection

    from shared.redis_client import sentinel_master

    assert sentinel_master([("a", 1)], "news", "rediss://:pw@-/0").connection_pool.connection_class \
        is SentinelManagedSSLConnection
    assert sentinel_master([("a", 1)], "news", "redis://:pw@-/0").connection_pool.connection_class \
        is SentinelManagedConnection
