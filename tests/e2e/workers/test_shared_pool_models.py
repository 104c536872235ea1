"""The real pipeline (lingua, fastText, spaCy, natasha, jieba, trafilatura) in pool processes forked
from the preloaded fork server: the documents are the ones a freshly built pipeline makes in this
process, for English, French, Russian and Chinese text and a web page, with two processes."""

from __future__ import annotations

import asyncio
import functools

import pytest

from shared.config import Settings
from workers.executor import PipelineExecutor
from workers.shared_pool import pool_info
from workers.pipeline.registry import build_pipeline

pytestmark = pytest.mark.e2e

ARTICLES = [
    {"text": "The minister said on Monday that the bridge in Busan would reopen. \"We are ready,\" Kim Min-jae "
             "told reporters, adding that Samsung would pay for the repairs.", "title": "Bridge"},
    {"text": "Le ministre a déclaré lundi à Lyon que le pont serait rouvert. Selon Marie Dupont, la SNCF "
             "paiera les travaux."},
    {"text": "Министр заявил в понедельник в Новосибирске, что мост откроют. По словам Ивана Петрова, "
             "Газпром оплатит ремонт."},
    {"text": "部长周一在上海表示，这座桥将重新开放。李明说，华为将支付维修费用。"},
    {"html": "<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1><p>The "
             "bridge in Busan will reopen on Friday, officials said. Traffic was diverted for a week.</p>"
             "<p>\"It took longer than planned,\" the mayor told local radio.</p></article></body></html>",
     "url": "https://example.org/news/bridge"},
]


def comparable(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("timings_ms", "processed_at")}


def test_forked_pool_processes_make_the_same_documents_as_a_fresh_pipeline() -> None:
    settings = Settings()
    expected = [comparable(d) for d in build_pipeline(settings).run_many(ARTICLES, [f"a{i}" for i in range(len(ARTICLES))])]

    async def go() -> list[dict]:
        ex = PipelineExecutor(2, soft_timeout=120, hard_timeout=180, start="shared",
                              factory=functools.partial(build_pipeline, settings))
        try:
            await ex.start()
            docs = await asyncio.gather(*(ex.analyse(a, f"a{i}") for i, a in enumerate(ARTICLES)))
            assert ex._pool is not None
            infos = [ex._pool.submit(pool_info).result(timeout=60) for _ in range(4)]
            assert all(i["shared"] and i["ppid"] == ex.server_pid for i in infos)
            return [comparable(d) for d in docs]
        finally:
            ex.close()

    got = asyncio.run(go())
    assert [d["language"]["code"] for d in got] == ["en", "fr", "ru", "zh", "en"]
    assert got == expected
