"""A stage defined outside ``workers/pipeline/`` (here, in this test file) and enabled by settings
alone shows up everywhere: in the document a real worker stored (HTTP → Redis → worker → HTTP),
in ``newsflow analyze`` output and in ``/openapi.json``'s ``Document`` schema.

The module is imported by name (``NEWSFLOW_STAGES=…,tests.e2e.workers.pipeline.test_toy_stage:shout``)
in the worker, its spawned pool processes and ``newsflow analyze``; keep its top level light.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from workers.pipeline.registry import stage

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[4]
TOY = "tests.e2e.workers.pipeline.test_toy_stage:shout"
STAGES = f"normalize,language,entities,claims,{TOY}"


class Shout(BaseModel):
    count: int = Field(..., description="exclamation marks in the text")


class ShoutOutput(BaseModel):
    shout: Shout = Field(..., description="how loud the article is")


@stage("shout", requires=["text"], assigns=["shout"], output=ShoutOutput)
def make_shout():
    return lambda doc: ShoutOutput(shout=Shout(count=doc.text.count("!")))


ARTICLE = {"text": "Officials in Seoul said the launch failed! Nobody was hurt! Talks resume on Monday.",
           "url": "https://example.com/toy-stage"}


async def test_toy_stage_output_in_http_document_analyze_and_openapi(make_client, redis, workers) -> None:
    client = await make_client(stages=STAGES)
    # (c) the API's schema has the enabled stage's output model, description included
    spec = await (await client.get("/openapi.json")).json()
    props = spec["components"]["schemas"]["Document"]["properties"]
    assert {"shout", "claims", "entities", "language"} <= set(props)
    assert props["shout"]["description"] == "how loud the article is"
    assert spec["components"]["schemas"]["Shout"]["properties"]["count"]["type"] == "integer"
    plain = await make_client()  # default stages: no toy field
    assert "shout" not in (await (await plain.get("/openapi.json")).json())["components"]["schemas"]["Document"][
        "properties"]

    # (a) HTTP → Redis → a real worker (its pool processes import this module) → HTTP
    resp = await client.post("/v1/articles", json=ARTICLE)
    assert resp.status == 202, await resp.text()
    doc_id = (await resp.json())["id"]
    await workers.start(redis, NEWSFLOW_STAGES=STAGES)
    deadline = asyncio.get_running_loop().time() + 180
    while (st := await (await client.get(f"/v1/articles/{doc_id}/status")).json())["status"] not in ("done", "failed"):
        assert asyncio.get_running_loop().time() < deadline, st
        await asyncio.sleep(0.05)
    assert st["status"] == "done", st
    served = await (await client.get(f"/v1/articles/{doc_id}")).json()
    assert served["shout"] == {"count": 2}
    assert "shout" in served["timings_ms"] and served["entities"] and served["language"]["code"] == "en"

    # (b) `newsflow analyze` with the same setting
    out = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "cli", "analyze"], input=(json.dumps(ARTICLE) + "\n").encode(),
        capture_output=True, cwd=ROOT, timeout=300, env={**os.environ, "NEWSFLOW_STAGES": STAGES})
    assert out.returncode == 0, out.stderr.decode()[-2000:]
    offline = json.loads(out.stdout)
    assert offline["id"] == doc_id and offline["shout"] == {"count": 2}
    assert offline["claims"] == served["claims"]
