"""``Client``: :class:`AsyncClient` for code without an event loop (scripts, notebooks without one).

    with Client("http://127.0.0.1:8080") as api:
        res = api.submit({"text": "…"})
        print(api.wait([res.id])[res.id].status)

It runs its own event loop (``asyncio.Runner``), so it cannot be used from inside a running loop:
there, use :class:`AsyncClient`.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Sequence

from .client import AsyncClient
from .models import ArticleStatus, Response, SubmitResult, WaitProgress


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

    def submit(self, article: Any) -> SubmitResult:
        return self._runner.run(self.aio.submit(article))

    def submit_batch(self, articles: Sequence[Any]) -> list[SubmitResult]:
        return self._runner.run(self.aio.submit_batch(articles))

    def submit_many(self, articles: Sequence[Any]) -> list[SubmitResult]:
        return self._runner.run(self.aio.submit_many(articles))

    def status(self, doc_id: str) -> ArticleStatus:
        return self._runner.run(self.aio.status(doc_id))

    def get(self, doc_id: str) -> Response:
        return self._runner.run(self.aio.get(doc_id))

    def wait(self, ids: Sequence[str], *, timeout: float = 600.0, interval: float = 0.25,
             on_progress: Callable[[WaitProgress], None] | None = None) -> dict[str, ArticleStatus]:
        return self._runner.run(self.aio.wait(ids, timeout=timeout, interval=interval, on_progress=on_progress))
