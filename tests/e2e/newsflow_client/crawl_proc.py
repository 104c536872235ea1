"""A real Scrapy crawl feeding newsflow through ``NewsflowPipeline``, as a script (Twisted reactors
cannot be restarted, so each crawl gets its own process).

    python crawl_proc.py START_URL API_URL STATS_JSON [key=value Scrapy settings …]

The spider follows every link of the start page and yields ``{url, title}`` per page: the HTML
comes from the response (the pipeline's response cache). The crawl's stats are written as JSON.
"""

from __future__ import annotations

import json
import sys
import time

import scrapy
from scrapy.crawler import CrawlerProcess


class PagesSpider(scrapy.Spider):
    name = "pages"

    def __init__(self, start: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_page)

    def parse_page(self, response):
        yield {"url": response.url, "title": response.css("title::text").get()}


def main(argv: list[str]) -> int:
    start, api, out, *extra = argv
    settings = {
        "ITEM_PIPELINES": {"newsflow_client.scrapy.NewsflowPipeline": 800},
        "NEWSFLOW_API_URL": api,
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    }
    for kv in extra:
        k, _, v = kv.partition("=")
        settings[k] = json.loads(v) if v[:1] in "{[0123456789" else v
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PagesSpider)
    t0 = time.perf_counter()
    process.crawl(crawler, start=start)
    process.start()
    stats = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in crawler.stats.get_stats().items()}
    stats["wall_seconds"] = time.perf_counter() - t0
    with open(out, "w") as fh:
        json.dump(stats, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
