"""Scrapy item pipeline: every scraped page goes to newsflow, batched, without blocking the crawl.

    # settings.py: the whole configuration
    ITEM_PIPELINES = {"newsflow_client.scrapy.NewsflowPipeline": 800}
    NEWSFLOW_API_URL = "http://127.0.0.1:8080"
    NEWSFLOW_API_KEY = "…"          # when the service requires keys

What is sent: ``{url, html, title?, published_at?, source}`` (and ``text``, ``external_id``,
``language``, ``metadata``, ``callback_url`` when the item has them). Each field is read from the
item field of the same name; ``NEWSFLOW_FIELDS = {"html": "body", "title": "headline"}`` maps
other names. An item without ``html``/``text`` gets the HTML of the response its ``url`` was
downloaded from (the pipeline keeps the last ``NEWSFLOW_RESPONSE_CACHE`` responses). ``source``
defaults to ``NEWSFLOW_SOURCE``, else the spider's name.

How: ``process_item`` is a coroutine on Scrapy's asyncio reactor (the default reactor since
Scrapy 2.13). Items wait in a batch that is sent when it holds ``NEWSFLOW_BATCH_SIZE`` articles or
``NEWSFLOW_BATCH_DELAY`` seconds after its first item; at most ``NEWSFLOW_CONCURRENT_BATCHES`` are
in flight. Back-pressure: an item is finished only once newsflow has answered for it, so a full
queue (429, retried after ``Retry-After``) or an unavailable service (503, retried with backoff)
slows the crawl through Scrapy's own item limits instead of piling up pages in memory.

Results go into the Scrapy stats: ``newsflow/accepted``, ``newsflow/duplicate``,
``newsflow/rejected`` (and ``newsflow/rejected/<code>``), ``newsflow/skipped`` (nothing to send),
``newsflow/error`` (the API could not be reached). With ``NEWSFLOW_RESULT_FIELD = "newsflow"``
each dict item also gets ``{"result", "id"}`` under that key. Items are never dropped.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from typing import Any

from .client import AsyncClient
from .models import SubmitResult

log = logging.getLogger("newsflow.scrapy")

FIELDS = ("url", "html", "text", "title", "published_at", "source", "external_id", "language", "metadata",
          "callback_url")


class NewsflowPipeline:
    def __init__(self, api_url: str | None = None, api_key: str | None = None, *, batch_size: int = 100,
                 batch_delay: float = 0.2, concurrent_batches: int = 2, fields: dict[str, str] | None = None,
                 source: str | None = None, result_field: str | None = None, response_cache: int = 512,
                 stats: Any = None, timeout: float = 120.0) -> None:
        self.api_url, self.api_key, self.timeout = api_url, api_key, timeout
        self.batch_size = max(1, batch_size)
        self.batch_delay = batch_delay
        self.fields = {f: (fields or {}).get(f, f) for f in FIELDS}
        self.source = source
        self.result_field = result_field
        self.stats = stats
        self.spider_name = ""
        self._concurrent = max(1, concurrent_batches)
        self._responses: collections.OrderedDict[str, str] = collections.OrderedDict()
        self._cache_size = response_cache
        self._batch: list[tuple[dict[str, Any], asyncio.Future[SubmitResult]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self.client: AsyncClient | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "NewsflowPipeline":
        s = crawler.settings
        pipe = cls(s.get("NEWSFLOW_API_URL"), s.get("NEWSFLOW_API_KEY"),
                   batch_size=s.getint("NEWSFLOW_BATCH_SIZE", 100),
                   batch_delay=s.getfloat("NEWSFLOW_BATCH_DELAY", 0.2),
                   concurrent_batches=s.getint("NEWSFLOW_CONCURRENT_BATCHES", 2),
                   fields=s.getdict("NEWSFLOW_FIELDS"), source=s.get("NEWSFLOW_SOURCE"),
                   result_field=s.get("NEWSFLOW_RESULT_FIELD"),
                   response_cache=s.getint("NEWSFLOW_RESPONSE_CACHE", 512), stats=crawler.stats,
                   timeout=s.getfloat("NEWSFLOW_TIMEOUT", 120.0))
        pipe.crawler = crawler
        from scrapy import signals

        crawler.signals.connect(pipe.response_received, signal=signals.response_received)
        return pipe

    # ------------------------------------------------------------------ Scrapy hooks

    async def open_spider(self, spider: Any = None) -> None:
        spider = spider or getattr(getattr(self, "crawler", None), "spider", None)
        self.spider_name = getattr(spider, "name", "") or ""
        self._lock = asyncio.Semaphore(self._concurrent)
        self.client = AsyncClient(self.api_url, api_key=self.api_key, timeout=self.timeout)

    async def close_spider(self, spider: Any = None) -> None:
        self._flush()
        while self._sending:
            await asyncio.gather(*list(self._sending), return_exceptions=True)
        if self.client is not None:
            await self.client.close()

    def response_received(self, response: Any, request: Any = None, spider: Any = None) -> None:
        text = getattr(response, "text", None) if hasattr(response, "encoding") else None
        if text is None:
            return
        self._responses[response.url] = text
        self._responses.move_to_end(response.url)
        while len(self._responses) > self._cache_size:
            self._responses.popitem(last=False)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        article = self.article(item)
        if article is None:
            self._inc("newsflow/skipped")
            return item
        future: asyncio.Future[SubmitResult] = asyncio.get_running_loop().create_future()
        self._batch.append((article, future))
        if len(self._batch) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.batch_delay, self._flush)
        try:
            result = await future
        except Exception as exc:  # noqa: BLE001 - the API is unreachable: counted, the item goes on
            self._inc("newsflow/error")
            log.warning("newsflow: could not submit %s: %s", article.get("url"), exc)
            return item
        self._inc(f"newsflow/{result.result}")
        if result.rejected and isinstance(result.error, dict) and result.error.get("code"):
            self._inc(f"newsflow/rejected/{result.error['code']}")
        if self.result_field and isinstance(item, dict):
            item[self.result_field] = {"result": result.result, "id": result.id}
        return item

    # ------------------------------------------------------------------ the work

    def article(self, item: Any) -> dict[str, Any] | None:
        """The article for ``item`` (the field mapping applied), or None when there is nothing to send."""
        get = item.get if hasattr(item, "get") else (lambda k, d=None: getattr(item, k, d))
        art = {f: get(src) for f, src in self.fields.items()}
        art = {k: v for k, v in art.items() if v not in (None, "")}
        if hasattr(art.get("published_at"), "isoformat"):  # a datetime
            art["published_at"] = art["published_at"].isoformat()
        if "html" not in art and "text" not in art and art.get("url") in self._responses:
            art["html"] = self._responses.pop(art["url"])
        if "html" not in art and "text" not in art:
            return None
        art.setdefault("source", self.source or self.spider_name or None)
        return {k: v for k, v in art.items() if v is not None}

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[dict[str, Any], asyncio.Future[SubmitResult]]]) -> None:
        async with self._lock:
            assert self.client is not None
            try:
                results = await self.client.submit_many([a for a, _ in batch])
            except Exception as exc:  # noqa: BLE001 - handed to every waiting item
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                return
        for (_, fut), result in zip(batch, results):
            if not fut.done():
                fut.set_result(result)
