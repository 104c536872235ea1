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
