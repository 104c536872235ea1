"""``verify_credentials`` on a plain ``REDIS_URL`` (no Sentinel), against a real ``redis-server`` with
``requirepass`` and ACL users: a refused password, a missing one, an unknown user and a user without
PING (NOPERM) raise :class:`RedisAuthError` naming the server and REDIS_URL, never the secret; the
right credentials and an unreachable server (left to the caller's retries) do not. A user that may PING
but lacks what the service needs beyond it (scripts, key commands, a key namespace, the wake-up
channel) is refused the same way, naming what it lacks."""

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


# ACL rules → what the refusal must name; each user may PING
PARTIAL_USERS = {
    "noscripts": (["+@all", "-@scripting"], "SCRIPT LOAD: ", "script|load"),
    "noevalsha": (["+@all", "-evalsha"], "EVALSHA on nf:* keys: ", "evalsha"),
    "noeval": (["+@all", "-eval"], "EVAL: ", "'eval'"),
    "nfonly": (["+@all"], "EVALSHA on arq:* keys: ", "keys"),
    "reader": (["+@read", "+@scripting", "+ping"], "SET, HDEL, ZADD, ZREM, SREM, LREM, XADD, PEXPIRE, DEL on nf:*, arq:*",
               "can't run this command"),
    "nochannel": (["+@all"], "PUBLISH to nf:wake: ", "publish"),
}


async def test_a_user_that_may_ping_but_lacks_what_the_service_needs_is_refused_by_name(tmp_path):
    with RedisServer(tmp_path / "r") as server:
        admin = aioredis.Redis(port=server.port, password=server.password)
        for name, (commands, _, _) in PARTIAL_USERS.items():
            await admin.acl_setuser(name, enabled=True, passwords=[f"+{NF_PW}"], commands=commands,
                                    keys=["nf:*"] if name == "nfonly" else ["*"],
                                    channels=[] if name == "nochannel" else ["*"], reset_channels=True)
        await admin.aclose()
        at = f"127.0.0.1:{server.port}"
        for name, (_, what, detail) in PARTIAL_USERS.items():
            client = aioredis.Redis.from_url(f"redis://{name}:{NF_PW}@{at}/0")
            try:
                assert await client.ping()
                with pytest.raises(RedisAuthError) as caught:
                    await verify_credentials(client)
            finally:
                await close_client(client)
            said = str(caught.value)
            assert said.startswith(f"the Redis server {at} denies the user of REDIS_URL (password set, user {name}) "
                                   f"a permission newsflow needs: {what}"), said
            assert detail in said and "\n" not in said, said
            assert NF_PW not in said and server.password not in said
