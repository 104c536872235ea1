"""The client's typed results: small frozen dataclasses over the API's JSON answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FINISHED = ("done", "failed")


@dataclass(frozen=True)
class Response:
    """One HTTP answer: its status and the decoded JSON body (``None`` when empty; a
    ``{"error": {"code": "bad_response", ...}}`` object when the body is not JSON)."""

    http_status: int
    body: Any
    retry_after: float | None = None  # seconds, from a Retry-After header

    @property
    def ok(self) -> bool:
        return 200 <= self.http_status < 300

    @property
    def error(self) -> dict[str, Any] | None:
        """The API's ``error`` object (``code``, ``message``, ``details``) of a failed request."""
        if self.ok or not isinstance(self.body, dict):
            return None
        err = self.body.get("error")
        return err if isinstance(err, dict) else None


@dataclass(frozen=True)
class SubmitResult:
    """What became of one submitted article. ``result`` is ``accepted``, ``duplicate`` (already
    known: ``id`` is the existing article's) or ``rejected`` (``error`` says why). ``index`` is the
    article's position in the submitted sequence; ``http_status`` that of the response carrying it."""

    index: int
    result: str
    id: str | None = None
    status: str | None = None
    error: dict[str, Any] | None = None
    http_status: int | None = None
    retry_after: float | None = None

    @property
    def rejected(self) -> bool:
        return self.result == "rejected"


@dataclass(frozen=True)
class ArticleStatus:
    """``GET /v1/articles/{id}/status``: ``status`` is the processing status (``queued``,
    ``processing``, ``done``, ``failed``…) or ``unknown`` when the answer carries none (e.g. 404);
    ``error`` the failure (or the API's error object); ``body`` the whole answer."""

    id: str
    status: str
    error: Any = None
    http_status: int = 200
    body: Any = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        """Done or failed (nothing more will happen without a retry)."""
        return self.http_status == 200 and self.status in FINISHED

    @classmethod
    def from_response(cls, doc_id: str, resp: Response) -> "ArticleStatus":
        body = resp.body if isinstance(resp.body, dict) else {}
        return cls(id=doc_id, status=str(body.get("status") or "unknown"), error=body.get("error"),
                   http_status=resp.http_status, body=resp.body)


@dataclass(frozen=True)
class WaitProgress:
    """Reported after each polling round of :meth:`AsyncClient.wait`."""

    finished: int
    total: int
    counts: dict[str, int]  # status -> articles

    def line(self) -> str:
        """``[3/5 finished] done 3  queued 2`` (statuses in alphabetical order)."""
        text = "  ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        return f"[{self.finished}/{self.total} finished] {text}"


@dataclass(frozen=True)
class Event:
    """One event of ``GET /v1/events`` (or one webhook delivery's body): ``id`` (the stream entry id,
    unique: de-duplicate on it; resume after it with ``Last-Event-ID``), ``type`` (``article.done`` or
    ``article.failed``), ``created`` (unix seconds) and ``data`` (``{"article": {id, status, …}}``)."""

    id: str
    type: str
    created: float
    data: dict[str, Any]

    @property
    def article_id(self) -> str | None:
        article = self.data.get("article") if isinstance(self.data, dict) else None
        return article.get("id") if isinstance(article, dict) else None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Event":
        return cls(id=str(body.get("id")), type=str(body.get("type")), created=float(body.get("created") or 0),
                   data=body.get("data") or {})

    @classmethod
    def from_sse(cls, event_id: str, event_type: str, data: str) -> "Event":
        import json

        body = json.loads(data)
        return cls(id=event_id, type=str(body.get("type") or event_type), created=float(body.get("created") or 0),
                   data=body.get("data") or {})
