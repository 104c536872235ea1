"""``AsyncClient``: the newsflow HTTP API from asyncio code (aiohttp).

    async with AsyncClient("http://127.0.0.1:8080") as api:   # default: $NEWSFLOW_API_URL
        results = await api.submit_many(articles)          # one SubmitResult per article, in order
        final = await api.wait([r.id for r in results if r.id])
        doc = (await api.get(results[0].id)).body

Connection failures raise :class:`aiohttp.ClientError`; API errors are results (``rejected``,
``Response.error``), never exceptions.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable, Sequence
from urllib.parse import quote, urlencode

import aiohttp

from . import batching
from .models import ArticleStatus, Response, SubmitResult, WaitProgress
from .settings import default_api_key, default_url

JSON_HEADERS = {"Content-Type": "application/json"}


class AsyncClient:
    """One aiohttp session to one API (``base_url`` default: :func:`default_url`). Pass ``session``
    to share yours (it is then not closed here); ``timeout`` bounds each request (seconds);
    ``max_batch_items`` / ``max_batch_bytes`` must not exceed the server's
    ``NEWSFLOW_BATCH_MAX_ITEMS`` / ``NEWSFLOW_MAX_BATCH_BYTES``; ``api_key`` (default
    ``$NEWSFLOW_API_KEY``) goes with every request as ``Authorization: Bearer``."""

    def __init__(self, base_url: str | None = None, *, session: aiohttp.ClientSession | None = None,
                 timeout: float = 60.0, max_batch_items: int = batching.MAX_ITEMS,
                 max_batch_bytes: int = batching.MAX_BYTES, api_key: str | None = None) -> None:
        self.base_url = (base_url or default_url()).rstrip("/")
        self.api_key = api_key if api_key is not None else default_api_key()
        self.timeout = timeout
        self.max_batch_items = max_batch_items
        self.max_batch_bytes = max_batch_bytes
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def request(self, method: str, path: str, *, data: bytes | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        """Any call: ``path`` below the base URL (``/v1/articles?status=failed``). Over the key's rate
        limit (429 ``rate_limited``) it waits ``Retry-After`` (≤ 30 s) and tries again, up to 3 times."""
        if self.api_key:
            headers = {"Authorization": f"Bearer {self.api_key}", **(headers or {})}
        for _ in range(3):
            response, retry_after = await self._request_once(method, path, data, headers)
            if retry_after is None:
                break
            await asyncio.sleep(retry_after)
        return response

    async def _request_once(self, method: str, path: str, data: bytes | None,
                            headers: dict[str, str] | None) -> tuple[Response, float | None]:
        async with self._http().request(method, self.base_url + path, data=data, headers=headers) as resp:
            raw = await resp.read()
            try:
                response = Response(resp.status, json.loads(raw) if raw else None)
            except ValueError:
                return Response(resp.status, {"error": {"code": "bad_response",
                                                        "message": raw[:200].decode(errors="replace")}}), None
            if resp.status == 429 and (response.error or {}).get("code") == "rate_limited":
                try:
                    return response, min(30.0, max(0.0, float(resp.headers.get("Retry-After", "1"))))
                except ValueError:
                    return response, 1.0
            return response, None

    # ------------------------------------------------------------------ submitting

    async def submit(self, article: Any) -> SubmitResult:
        """``POST /v1/articles``: one article."""
        resp = await self.request("POST", "/v1/articles", data=batching.encode(article), headers=JSON_HEADERS)
        return batching.single_result(resp)

    async def submit_page(self, body: bytes | str, *, content_type: str = "text/html", url: str | None = None,
                          source: str | None = None, title: str | None = None, external_id: str | None = None,
                          published_at: str | None = None) -> SubmitResult:
        """``POST /v1/articles`` with a raw page (``text/html``) or text (``text/plain``): the bytes go
        as they are (the API finds the charset: header, ``<meta>``, else detection); the article's
        fields go as query parameters."""
        fields = {"url": url, "source": source, "title": title, "external_id": external_id,
                  "published_at": published_at}
        query = urlencode({k: v for k, v in fields.items() if v is not None})
        resp = await self.request("POST", "/v1/articles" + (f"?{query}" if query else ""),
                                  data=body.encode() if isinstance(body, str) else body,
                                  headers={"Content-Type": content_type})
        return batching.single_result(resp)

    async def submit_batch(self, articles: Sequence[Any]) -> list[SubmitResult]:
        """``POST /v1/articles/batch``: the articles in one request, whatever its size."""
        return await self._post_batch([batching.encode(a) for a in articles], 0)

    async def _post_batch(self, encoded: Sequence[bytes], start: int) -> list[SubmitResult]:
        resp = await self.request("POST", "/v1/articles/batch", data=batching.batch_body(encoded),
                                  headers=JSON_HEADERS)
        return batching.batch_results(resp, start, len(encoded))

    async def submit_many(self, articles: Sequence[Any]) -> list[SubmitResult]:
        """Any number of articles: one is POSTed alone, more go in batches within the batch limits
        (one after the other); one result per article, in input order."""
        if len(articles) == 1:
            return [await self.submit(articles[0])]
        encoded = [batching.encode(a) for a in articles]
        results: list[SubmitResult] = []
        for part in batching.plan_batches([len(e) for e in encoded], self.max_batch_items, self.max_batch_bytes):
            results += await self._post_batch(encoded[part.start:part.stop], part.start)
        return results

    # ------------------------------------------------------------------ reading

    async def status(self, doc_id: str) -> ArticleStatus:
        """``GET /v1/articles/{id}/status``."""
        resp = await self.request("GET", f"/v1/articles/{quote(doc_id, safe='')}/status")
        return ArticleStatus.from_response(doc_id, resp)

    async def get(self, doc_id: str) -> Response:
        """``GET /v1/articles/{id}``: the stored document (or its status and metadata before ``done``)."""
        return await self.request("GET", f"/v1/articles/{quote(doc_id, safe='')}")

    async def wait(self, ids: Sequence[str], *, timeout: float = 600.0, interval: float = 0.25,
                   on_progress: Callable[[WaitProgress], None] | None = None) -> dict[str, ArticleStatus]:
        """Poll the status of ``ids`` until each is done or failed, or ``timeout`` seconds have passed;
        the last status seen per id (ids never polled, when ``timeout`` is 0, are missing).
        ``on_progress`` is called after a round that changed the counts by status."""
        pending = list(dict.fromkeys(ids))
        final: dict[str, ArticleStatus] = {}
        deadline = time.monotonic() + timeout
        last: dict[str, int] = {}
        while pending and time.monotonic() < deadline:
            answers = await asyncio.gather(*(self.status(i) for i in pending))
            final.update((a.id, a) for a in answers)
            pending = [a.id for a in answers if not a.finished]
            counts: dict[str, int] = {}
            for st in final.values():
                counts[st.status] = counts.get(st.status, 0) + 1
            if on_progress is not None and counts != last:
                on_progress(WaitProgress(len(final) - len(pending), len(final), counts))
            last = counts
            if pending:
                await asyncio.sleep(interval)
        return final
