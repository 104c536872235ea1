"""``verify_credentials`` on a plain ``REDIS_URL`` (no Sentinel), against a real ``redis-server`` with
``requirepass`` and ACL users: a refused password, a missing one, an unknown user and a user without
PING (NOPERM) raise :class:`RedisAuthError` naming the server and REDIS_URL, never the secret; the
right credentials and an unreachable server (left to the caller's retries) do not."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from shared.redis_client import RedisAuthError, close_client, verify_credentials
from shared.redis_server import RedisServer, free_port

pytestmark = pytest.mark.integration

NF_PW, WEAK_PW = "nf-user-pw-61d0c2", "weak-user-pw-0e93ab"


async def test_refused_credentials_on_a_plain_url_name_the_setting_never_the_secret(tmp_path):
    with RedisServer(tmp_path / "r") as server:
        admin = aioredis.Redis(port=server.port, password=server.password)
        await admin.acl_setuser("nf", enabled=True, passwords=[f"+{NF_PW}"], keys="*", channels="*",
                                commands=["+@all"])
        await admin.acl_setuser("weak", enabled=True, passwords=[f"+{WEAK_PW}"], keys="*", commands=["-@all"])
        await admin.aclose()
        at = f"127.0.0.1:{server.port}"
        refused = {
            f"redis://:wrong-pw-5a@{at}/0": "(password set, user default): ",
            f"redis://{at}/0": "(password unset, user default): ",
            f"redis://ghost:{NF_PW}@{at}/0": "(password set, user ghost): ",
            f"redis://weak:{WEAK_PW}@{at}/0": "(password set, user weak): ",  # NOPERM on PING
        }
        for url, which in refused.items():
            client = aioredis.Redis.from_url(url)
            try:
                with pytest.raises(RedisAuthError) as caught:
                    await verify_credentials(client)
            finally:
                await close_client(client)
            said = str(caught.value)
            assert said.startswith(f"the Redis server {at} refused the credentials of REDIS_URL {which}"), said
            for secret in ("wrong-pw", NF_PW, WEAK_PW, server.password):
                assert secret not in said
        assert "NOPERM" in said or "permission" in said  # the last one: a user without PING

        for url in (server.url, f"redis://nf:{NF_PW}@{at}/0"):
            client = aioredis.Redis.from_url(url)
            try:
                await verify_credentials(client)  # accepted: no error
                assert await client.ping()
            finally:
                await close_client(client)

    nobody = aioredis.Redis.from_url(f"redis://:pw@127.0.0.1:{free_port()}/0", socket_connect_timeout=2)
    try:
        await verify_credentials(nobody)  # unreachable: not a refusal, the caller retries
    finally:
        await close_client(nobody)
