"""End to end: a raw web page posted as text/html (windows-1252, fields as query parameters) → a real
``newsflow worker`` → the document: the article's text without the site furniture, paragraphs kept,
the page's metadata, offsets valid."""

from __future__ import annotations

import asyncio

import pytest
from worker_proc import Workers, check_offsets

pytestmark = pytest.mark.e2e

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="windows-1252">
<title>Harbour caf&eacute; reopens | The Daily Example</title>
<meta property="og:title" content="Harbour café reopens after the storm">
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<meta name="author" content="Jane Smith">
<link rel="canonical" href="/news/harbour-cafe">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies</div>
<article>
<h1>Harbour café reopens after the storm</h1>
<p>By Jane Smith</p>
<p>The harbour café in Portsmouth reopened on Monday, three weeks after the storm flooded its kitchen
and destroyed most of the furniture on the terrace.</p>
<h2>A long repair</h2>
<p>The owner, Maria Lopez, said the repairs had cost more than £40,000. “We thought we would never open again,”
she told reporters outside the building.</p>
<ul><li>New kitchen equipment was installed last week.</li><li>The terrace will reopen in April.</li></ul>
<blockquote><p>“The whole street helped us clean up,” said the head chef.</p></blockquote>
<p>Share on Facebook</p>
</article>
<footer><p>© 2024 The Daily Example. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


async def test_raw_html_page_to_done_document(client, redis, redis_server, tmp_path) -> None:
    workers = Workers(redis_server.url, tmp_path)
    try:
        await workers.start(redis)
        resp = await client.post("/v1/articles", data=PAGE.encode("cp1252"),
                                 headers={"Content-Type": "text/html"},
                                 params={"url": "https://example.com/news/harbour-cafe?utm_source=x", "source": "Example"})
        assert resp.status == 202, await resp.text()
        accepted = await resp.json()
        deadline = asyncio.get_running_loop().time() + 180
        while True:
            st = await (await client.get(accepted["links"]["status"])).json()
            if st["status"] in ("done", "failed"):
                break
            assert asyncio.get_running_loop().time() < deadline, st
            await asyncio.sleep(0.1)
        assert st["status"] == "done", st
        doc = await (await client.get(accepted["links"]["document"])).json()
    finally:
        await asyncio.to_thread(workers.close)
    text = doc["text"]
    assert doc["extraction"]["method"] == "trafilatura"
    assert "The harbour café in Portsmouth reopened on Monday" in text and "more than £40,000" in text
    # headings, list items and the quote are paragraphs of their own
    assert "\nA long repair\n" in text
    assert "\nNew kitchen equipment was installed last week.\nThe terrace will reopen in April.\n" in text
    assert "\n“The whole street helped us clean up,” said the head chef." in text
    for furniture in ("Share on Facebook", "cookies", "Privacy policy", "All rights reserved", "By Jane Smith", "Sport"):
        assert furniture not in text, furniture
    page = doc["page"]
    assert page["html_lang"] == "en-GB" and doc["language"]["hint"] == "en-GB"
    assert page["canonical_url"] == "https://example.com/news/harbour-cafe"
    assert page["published_at"] == "2024-03-05T09:30:00+01:00" == doc["published_at"]
    assert page["authors"] == ["Jane Smith"] and page["site_name"] == "The Daily Example"
    assert doc["title"] == page["title"] == "Harbour café reopens after the storm"
    assert doc["source"] == "Example" and doc["language"]["code"] == "en"
    assert check_offsets(doc) > 0
    assert not [e for e in doc["entities"] if e["text"].lower() in ("privacy policy", "facebook", "cookies")]
