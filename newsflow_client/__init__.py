"""Python client for the newsflow API: :class:`AsyncClient` (asyncio) and :class:`Client` (blocking),
plus :func:`read_articles` (articles from JSON/NDJSON/.txt/.html files and stdin) and
:func:`summary_line` (a document in two lines).

Depends on aiohttp and the standard library only (installable apart: see ``pyproject.toml`` here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .inputs import InputError, read_articles
from .models import ArticleStatus, Event, Response, SubmitResult, WaitProgress
from .settings import default_url
from .signature import verify_signature
from .summary import summary_line

if TYPE_CHECKING:
    from .client import AsyncClient
    from .sync import Client

__all__ = ["ArticleStatus", "AsyncClient", "Client", "Event", "InputError", "Response", "SubmitResult", "WaitProgress",
           "default_url", "read_articles", "summary_line", "verify_signature", "__version__"]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """The clients (and aiohttp) are imported when first used: reading inputs stays light."""
    if name == "AsyncClient":
        from .client import AsyncClient
        return AsyncClient
    if name == "Client":
        from .sync import Client
        return Client
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
