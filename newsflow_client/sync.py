"""``Client``: :class:`AsyncClient` for code without an event loop (scripts, notebooks without one).

    with Client("http://127.0.0.1:8080") as api:
        res = api.submit({"text": "…"})
        print(api.wait([res.id])[res.id].status)

It runs its own event loop (``asyncio.Runner``), so it cannot be used from inside a running loop:
there, use :class:`AsyncClient`.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, Sequence

from .client import AsyncClient
from .models import ArticleStatus, Event, Response, SubmitResult, WaitProgress


class Client:
    """The same calls as :class:`AsyncClient` (same arguments), blocking."""

    def __init__(self, base_url: str | None = None, **kwargs: Any) -> None:
        self._runner = asyncio.Runner()
        self.aio = AsyncClient(base_url, **kwargs)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._runner.run(self.aio.close())
        finally:
            self._runner.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Response:
        return self._runner.run(self.aio.request(method, path, **kwargs))

    def submit(self, article: Any = None, **kwargs: Any) -> SubmitResult:
        return self._runner.run(self.aio.submit(article, **kwargs))

    def submit_page(self, body: bytes | str, **kwargs: Any) -> SubmitResult:
        return self._runner.run(self.aio.submit_page(body, **kwargs))

    def submit_batch(self, articles: Sequence[Any]) -> list[SubmitResult]:
        return self._runner.run(self.aio.submit_batch(articles))

    def submit_many(self, articles: Iterable[Any], **kwargs: Any) -> list[SubmitResult]:
        return self._runner.run(self.aio.submit_many(articles, **kwargs))

    def status(self, doc_id: str) -> ArticleStatus:
        return self._runner.run(self.aio.status(doc_id))

    def get(self, doc_id: str) -> Response:
        return self._runner.run(self.aio.get(doc_id))

    def wait(self, ids: Sequence[str], *, timeout: float = 600.0, interval: float = 0.25,
             on_progress: Callable[[WaitProgress], None] | None = None) -> dict[str, ArticleStatus]:
        return self._runner.run(self.aio.wait(ids, timeout=timeout, interval=interval, on_progress=on_progress))

    def _iterate(self, agen: AsyncIterator[Any]) -> Iterator[Any]:
        try:
            while True:
                try:
                    yield self._runner.run(agen.__anext__())
                except StopAsyncIteration:
                    return
        finally:
            self._runner.run(agen.aclose())  # type: ignore[attr-defined]

    def iter_done(self, ids: Sequence[str], **kwargs: Any) -> Iterator[ArticleStatus]:
        return self._iterate(self.aio.iter_done(ids, **kwargs))

    def articles(self, **filters: Any) -> Iterator[dict[str, Any]]:
        return self._iterate(self.aio.articles(**filters))

    def entities(self, q: str | None = None, **filters: Any) -> Iterator[dict[str, Any]]:
        return self._iterate(self.aio.entities(q, **filters))

    def entity_articles(self, key: str, **filters: Any) -> Iterator[dict[str, Any]]:
        return self._iterate(self.aio.entity_articles(key, **filters))

    def claims(self, **filters: Any) -> Iterator[dict[str, Any]]:
        return self._iterate(self.aio.claims(**filters))

    def events(self, **kwargs: Any) -> Iterator[Event]:
        return self._iterate(self.aio.events(**kwargs))

    def delete(self, doc_id: str) -> Response:
        return self._runner.run(self.aio.delete(doc_id))

    def create_webhook(self, url: str, **kwargs: Any) -> Response:
        return self._runner.run(self.aio.create_webhook(url, **kwargs))

    def webhooks(self) -> Response:
        return self._runner.run(self.aio.webhooks())

    def delete_webhook(self, hook_id: str) -> Response:
        return self._runner.run(self.aio.delete_webhook(hook_id))

    def deliveries(self, hook_id: str) -> Response:
        return self._runner.run(self.aio.deliveries(hook_id))
