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
import math
import random
import time
from typing import Any, AsyncIterator, Callable, Iterable, Sequence
from urllib.parse import quote, urlencode

import aiohttp

from . import batching
from .models import ArticleStatus, Event, Response, SubmitResult, WaitProgress
from .settings import default_api_key, default_url

JSON_HEADERS = {"Content-Type": "application/json"}


class AsyncClient:
    """One aiohttp session to one API (``base_url`` default: :func:`default_url`). Pass ``session``
    to share yours (it is then not closed here); ``timeout`` bounds each request (seconds);
    ``max_batch_items`` / ``max_batch_bytes`` must not exceed the server's
    ``NEWSFLOW_BATCH_MAX_ITEMS`` / ``NEWSFLOW_MAX_BATCH_BYTES``; ``api_key`` (default
    ``$NEWSFLOW_API_KEY``) goes with every request as ``Authorization: Bearer``."""

    def __init__(self, base_url: str | None = None, *, api_key: str | None = None,
                 session: aiohttp.ClientSession | None = None, timeout: float = 60.0,
                 max_batch_items: int = batching.MAX_ITEMS, max_batch_bytes: int = batching.MAX_BYTES,
                 max_retry_seconds: float = 300.0) -> None:
        self.base_url = (base_url or default_url()).rstrip("/")
        self.api_key = api_key if api_key is not None else default_api_key()
        self.timeout = timeout
        self.max_retry_seconds = max_retry_seconds  # how long submit_many keeps retrying 429/503
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
                      headers: dict[str, str] | None = None, retry: bool = True) -> Response:
        """Any call: ``path`` below the base URL (``/v1/articles?status=failed``). Over the key's rate
        limit (429 ``rate_limited``) it waits ``Retry-After`` (≤ 30 s) and tries again, up to 3 times
        (``retry=False``: answer the 429 as it is, for a caller with its own retry loop such as
        :meth:`submit_many`)."""
        for _ in range(3):
            response = await self._request_once(method, path, data, headers)
            if not retry or not rate_limited(response):
                break
            await asyncio.sleep(min(30.0, response.retry_after if response.retry_after is not None else 1.0))
        return response

    async def _request_once(self, method: str, path: str, data: bytes | None,
                            headers: dict[str, str] | None) -> Response:
        async with self._http().request(method, self.base_url + path, data=data,
                                        headers=self._headers(headers)) as resp:
            raw = await resp.read()
            retry_after = _retry_after(resp.headers.get("Retry-After"))
            try:
                return Response(resp.status, json.loads(raw) if raw else None, retry_after)
            except ValueError:
                return Response(resp.status, {"error": {"code": "bad_response",
                                                        "message": raw[:200].decode(errors="replace")}}, retry_after)

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.api_key:
            out["Authorization"] = f"Bearer {self.api_key}"
        return out

    async def _json(self, method: str, path: str, body: Any = None) -> Response:
        data = None if body is None else json.dumps(body).encode()
        return await self.request(method, path, data=data, headers=JSON_HEADERS if data is not None else None)

    # ------------------------------------------------------------------ submitting

    async def submit(self, article: Any = None, *, html: bytes | str | None = None, url: str | None = None,
                     **fields: Any) -> SubmitResult:
        """``POST /v1/articles``: one article (a dict, JSON), or a raw page: ``submit(html=…, url=…,
        source=…, title=…)`` (sent as ``text/html``, see :meth:`submit_page`)."""
        if html is not None:
            if article is not None:
                raise TypeError("submit(): pass an article or html=, not both")
            return await self.submit_page(html, url=url, **fields)
        if article is None:
            article = {}
        if url is not None or fields:
            article = {**article, **({"url": url} if url is not None else {}), **fields}
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

    async def _post_batch(self, encoded: Sequence[bytes], start: int, retry: bool = True) -> list[SubmitResult]:
        resp = await self.request("POST", "/v1/articles/batch", data=batching.batch_body(encoded),
                                  headers=JSON_HEADERS, retry=retry)
        return batching.batch_results(resp, start, len(encoded))

    async def submit_many(self, articles: Iterable[Any], *, retry: bool = True) -> list[SubmitResult]:
        """Any number of articles, in batches within the batch limits (one after the other); one
        result per article, in input order. With ``retry`` (default), articles refused because the
        queue is full (429) are sent again after the answer's ``Retry-After``, and a whole batch
        refused with 503 (Redis unavailable) or a connection error after an exponential backoff,
        both with jitter, for up to ``max_retry_seconds``; then the last refusal is the result."""
        encoded = [batching.encode(a) for a in articles]
        results: list[SubmitResult] = []
        for part in batching.plan_batches([len(e) for e in encoded], self.max_batch_items, self.max_batch_bytes):
            results += await self._send_with_retry(encoded, list(part), retry)
        return results

    async def _send_with_retry(self, encoded: Sequence[bytes], todo: list[int], retry: bool) -> list[SubmitResult]:
        done: dict[int, SubmitResult] = {}
        deadline = time.monotonic() + self.max_retry_seconds
        attempt = 0
        while todo:
            attempt += 1
            try:
                # one retry loop: this one (429 queue_full and rate_limited, 503), not request()'s
                got = await self._post_batch([encoded[i] for i in todo], 0, retry=False)
                failure = None
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
                got, failure = [], exc
            again: list[int] = []
            delay = 0.0
            for pos, r in enumerate(got):
                i = todo[pos]
                done[i] = SubmitResult(i, r.result, r.id, r.status, r.error, r.http_status, r.retry_after)
                if retryable(r):
                    again.append(i)
                    delay = max(delay, r.retry_after or 0.0)
            if failure is not None:
                again = todo
            if not again or not retry or time.monotonic() >= deadline:
                if failure is not None:
                    raise failure
                break
            delay = _backoff(attempt, delay)
            await asyncio.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            todo = again
        return [done[i] for i in sorted(done)]

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

    async def iter_done(self, ids: Sequence[str], *, timeout: float = 600.0,
                        interval: float = 0.25) -> AsyncIterator[ArticleStatus]:
        """Each of ``ids`` once it is done or failed, in the order they finish (polling)."""
        pending = list(dict.fromkeys(ids))
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            answers = await asyncio.gather(*(self.status(i) for i in pending))
            for a in answers:
                if a.finished:
                    yield a
            pending = [a.id for a in answers if not a.finished]
            if pending:
                await asyncio.sleep(interval)

    # ------------------------------------------------------------------ listings (cursor-following)

    async def _pages(self, path: str, params: dict[str, Any]) -> AsyncIterator[Any]:
        query = {k: v for k, v in params.items() if v is not None}
        while True:
            resp = await self.request("GET", path + ("?" + urlencode(query) if query else ""))
            if not resp.ok:
                raise ApiError(resp)
            body = resp.body or {}
            for item in body.get("items") or []:
                yield item
            cursor = body.get("next_cursor")
            if not cursor:
                return
            query["cursor"] = cursor

    def articles(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        """``GET /v1/articles`` (filters: status, language, source, entity, since, until, limit),
        every page: ``async for a in api.articles(status="done"): …``."""
        return self._pages("/v1/articles", filters)

    def entities(self, q: str | None = None, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        """``GET /v1/entities`` (``q`` name prefix, ``label``, ``limit``)."""
        return self._pages("/v1/entities", {"q": q, **filters})

    def entity_articles(self, key: str, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        """``GET /v1/entities/{key}/articles``, every page."""
        return self._pages(f"/v1/entities/{quote(key, safe=':')}/articles", filters)

    def claims(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        """``GET /v1/claims`` (speaker, entity, kind, min_checkworthiness, limit), every page."""
        return self._pages("/v1/claims", filters)

    async def delete(self, doc_id: str) -> Response:
        """``DELETE /v1/articles/{id}`` (done or failed articles)."""
        return await self.request("DELETE", f"/v1/articles/{quote(doc_id, safe='')}")

    # ------------------------------------------------------------------ push: webhooks and events

    async def create_webhook(self, url: str, events: Sequence[str] = ("article.done", "article.failed"),
                             secret: str | None = None) -> Response:
        """``POST /v1/webhooks``: the answer carries the id and the signing secret."""
        body: dict[str, Any] = {"url": url, "events": list(events)}
        if secret is not None:
            body["secret"] = secret
        return await self._json("POST", "/v1/webhooks", body)

    async def webhooks(self) -> Response:
        return await self.request("GET", "/v1/webhooks")

    async def delete_webhook(self, hook_id: str) -> Response:
        return await self.request("DELETE", f"/v1/webhooks/{quote(hook_id, safe='')}")

    async def deliveries(self, hook_id: str) -> Response:
        return await self.request("GET", f"/v1/webhooks/{quote(hook_id, safe='')}/deliveries")

    async def events(self, *, type: str | None = None, source: str | None = None,
                     last_event_id: str | None = None, reconnect: bool = True) -> AsyncIterator[Event]:
        """``GET /v1/events`` (server-sent events), forever: reconnects with ``Last-Event-ID`` after
        a dropped or ended connection (no event missed or repeated; the id the server sends before it
        ends a stream counts too, with no event): at once after a stream that gave an event or lasted
        5 s; after one that ended at once, a 503 (Redis unavailable), a 502/504 (a proxy while the API
        restarts) or a connection error, with a backoff (0.5 s doubling to 30 s, or the ``Retry-After``
        asked, at most 30 s); other refusals raise :class:`ApiError`. With ``reconnect`` false: one
        connection, its errors raised."""
        query = urlencode({k: v for k, v in {"type": type, "source": source}.items() if v})
        url = self.base_url + "/v1/events" + (f"?{query}" if query else "")
        failures = 0

        def backoff(asked: float | None = None) -> float:
            # the Retry-After asked is capped at 30 s too
            return _backoff(failures, min(30.0, asked or 0.0), jitter=1.25)

        while True:
            headers = self._headers({"Accept": "text/event-stream"})
            if last_event_id:
                headers["Last-Event-ID"] = last_event_id
            delay = 0.2
            try:
                async with self._http().get(url, headers=headers,
                                            timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as resp:
                    if resp.status in _UNAVAILABLE and reconnect:
                        failures += 1
                        delay = backoff(_retry_after(resp.headers.get("Retry-After")))
                    elif resp.status != 200:
                        raise ApiError(Response(resp.status, await resp.text()))
                    else:
                        opened, got_event = time.monotonic(), False
                        async for eid, event in _sse_blocks(resp.content):
                            last_event_id = eid
                            if event is not None:
                                failures, got_event = 0, True  # a working stream: a drop reconnects at once
                                yield event
                        if got_event or time.monotonic() - opened >= _STREAM_OK_SECONDS:
                            failures = 0
                        else:  # it ended at once with no event: back off as after a 503 (not 5 connections/s)
                            failures += 1
                            delay = backoff()
            except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError):
                if not reconnect:
                    raise
                failures += 1
                delay = backoff()
            if not reconnect:
                return
            await _sleep(delay)


def _backoff(attempt: int, asked: float = 0.0, jitter: float = 1.5) -> float:
    """The wait after ``attempt`` failures: 0.5 s doubling to 30 s, or ``asked`` when longer, jittered
    up to ``jitter`` times (never earlier than asked)."""
    return max(asked, min(30.0, 0.5 * 2 ** (attempt - 1))) * random.uniform(1.0, jitter)


_UNAVAILABLE = (502, 503, 504)  # Redis unavailable (503), or a proxy in front while the API restarts
_STREAM_OK_SECONDS = 5.0  # a stream that lasted this long (or gave an event) worked: reconnect at once
_sleep = asyncio.sleep  # events()'s waits between connections (a test records them)


class ApiError(Exception):
    """A listing or stream request the API refused (``.response``)."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"HTTP {response.http_status}: {response.error or response.body}")
        self.response = response


def retryable(result: SubmitResult) -> bool:
    """Worth sending again: the queue was full (429) or the API could not reach Redis (503)."""
    code = (result.error or {}).get("code") if isinstance(result.error, dict) else None
    return result.rejected and (result.http_status in (429, 503) or code in ("queue_full", "unavailable"))


def rate_limited(response: Response) -> bool:
    """The API key is over its rate limit (429 ``rate_limited``): worth the same call after ``Retry-After``."""
    error = response.error if isinstance(response.error, dict) else {}
    return response.http_status == 429 and error.get("code") == "rate_limited"


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds; None when absent or not a finite number ≥ 0 (``inf``, ``nan``, ``-5``)."""
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return seconds if seconds is not None and math.isfinite(seconds) and seconds >= 0 else None


async def _parse_sse(stream: AsyncIterator[bytes]) -> AsyncIterator[Event]:
    """Server-sent events from a response body (only ``data`` events with an id are yielded)."""
    async for _eid, event in _sse_blocks(stream):
        if event is not None:
            yield event


async def _sse_blocks(stream: AsyncIterator[bytes]) -> AsyncIterator[tuple[str, Event | None]]:
    """Every block of a response body with an id: ``(id, Event)`` for an event, ``(id, None)`` for an
    id-only block (the server's cursor, sent before it ends a stream: resume from it)."""
    fields: dict[str, str] = {}
    data: list[str] = []
    async for raw in stream:
        line = raw.decode().rstrip("\r\n")
        if not line:
            eid = fields.get("id")
            if eid:
                yield eid, Event.from_sse(eid, fields.get("event", "message"), "\n".join(data)) if data else None
            fields, data = {}, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        else:
            fields[name] = value
