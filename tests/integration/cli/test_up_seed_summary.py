"""``newsflow up`` (``make run``) submits seeds/ on every start. On a second start they are already
stored: the summary used to say "2 accepted" for two duplicates. It now says what happened. Real app on a
real port, real Redis, a real worker (stub stages) so the first run's articles are analysed."""

from __future__ import annotations

import asyncio

import orjson
import pytest

import cli

pytestmark = pytest.mark.integration

STAGES = "normalize,tests.integration.workers.stub_stages:echo"


async def test_a_second_up_says_the_seeds_are_already_stored(client, redis, workers, tmp_path, monkeypatch,
                                                            capsys) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "two.json").write_bytes(orjson.dumps([
        {"url": "https://example.org/seed/1", "text": "The minister said the bridge would reopen in May."},
        {"url": "https://example.org/seed/2", "text": "Officials said the budget was approved on Monday."}]))
    monkeypatch.setattr(cli, "SEEDS_DIR", seeds)
    await workers.start(redis, NEWSFLOW_STAGES=STAGES)
    base = str(client.make_url("")).rstrip("/")
    never = asyncio.get_running_loop().create_future()  # the supervisor's watcher: nothing dies here

    assert await cli._ingest(base, never, 120, None) == 0
    first = capsys.readouterr().out
    assert "2 new or changed, 0 already stored (unchanged), 0 rejected; waiting for the worker" in first

    assert await cli._ingest(base, never, 120, None) == 0
    second = capsys.readouterr().out
    assert "2 accepted" not in second
    assert "0 new or changed, 2 already stored (unchanged), 0 rejected; all analysed already" in second
    assert second.count("claims 0") == 2  # each stored document is still summarised
    never.cancel()
