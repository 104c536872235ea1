"""``NewsflowPipeline.article``: what an item becomes (field mapping, response HTML, source)."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from newsflow_client.scrapy import NewsflowPipeline

pytestmark = pytest.mark.unit


def test_fields_are_mapped_and_empty_ones_dropped() -> None:
    pipe = NewsflowPipeline("http://x", fields={"html": "body", "title": "headline"}, source="crawler-1")
    item = {"url": "https://e.org/a", "body": "<p>hi</p>", "headline": "Hi", "title": "ignored", "text": "",
            "published_at": datetime(2024, 5, 1, tzinfo=timezone.utc)}
    assert pipe.article(item) == {"url": "https://e.org/a", "html": "<p>hi</p>", "title": "Hi",
                                  "published_at": "2024-05-01T00:00:00+00:00", "source": "crawler-1"}


def test_html_comes_from_the_response_and_source_from_the_spider() -> None:
    pipe = NewsflowPipeline("http://x", response_cache=2)
    pipe.spider_name = "news"
    for n in range(3):  # the oldest falls out of the cache
        pipe.response_received(SimpleNamespace(url=f"https://e.org/{n}", text=f"<p>{n}</p>", encoding="utf-8"))
    assert pipe.article({"url": "https://e.org/2"}) == {"url": "https://e.org/2", "html": "<p>2</p>",
                                                        "source": "news"}
    assert pipe.article({"url": "https://e.org/0"}) is None  # nothing to send: skipped
    assert pipe.article({"url": "https://e.org/1", "source": "own"})["source"] == "own"


def test_object_items_are_read_by_attribute() -> None:
    pipe = NewsflowPipeline("http://x")
    assert pipe.article(SimpleNamespace(url=None, text="Some text", title="T"))["text"] == "Some text"
