"""``AsyncClient``/``Client`` send their API key (``api_key=``, default ``NEWSFLOW_API_KEY``) and wait
out the key's rate limit."""

from __future__ import annotations

import asyncio

import pytest

from newsflow_client import AsyncClient, Client
from shared.store.apikeys import ApiKeyStore

pytestmark = pytest.mark.integration


async def test_async_client_sends_its_key(make_client, redis, monkeypatch):
    server = await make_client(auth="required")
    base = str(server.make_url("")).rstrip("/")
    _, key = await ApiKeyStore(redis).create("c", "submit,read")
    monkeypatch.delenv("NEWSFLOW_API_KEY", raising=False)
    async with AsyncClient(base) as anonymous:
        res = await anonymous.submit({"text": "The talks resume, officials said."})
        assert res.rejected and res.error["code"] == "unauthorized"
    async with AsyncClient(base, api_key=key) as api:
        res = await api.submit({"text": "The talks resume, officials said."})
        assert res.id and not res.rejected
        assert (await api.status(res.id)).status == "queued"
    monkeypatch.setenv("NEWSFLOW_API_KEY", key)
    async with AsyncClient(base) as from_env:
        assert (await from_env.status(res.id)).status == "queued"
    sync = await asyncio.to_thread(Client, base)
    try:
        assert (await asyncio.to_thread(sync.status, res.id)).status == "queued"
    finally:
        await asyncio.to_thread(sync.close)


async def test_async_client_waits_out_the_rate_limit(make_client, redis):
    server = await make_client(auth="required", rate_limit_per_second=2, rate_limit_burst=1)
    base = str(server.make_url("")).rstrip("/")
    _, key = await ApiKeyStore(redis).create("c", "read")
    async with AsyncClient(base, api_key=key) as api:
        answers = [await api.request("GET", "/v1/articles") for _ in range(3)]
    assert [a.http_status for a in answers] == [200, 200, 200]
