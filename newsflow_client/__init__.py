"""Python client for the newsflow API: :class:`AsyncClient` (asyncio) and :class:`Client` (blocking),
plus :func:`read_articles` (articles from JSON/NDJSON/.txt/.html files and stdin) and
:func:`summary_line` (a document in two lines).

Depends on aiohttp and the standard library only (installable apart: see ``pyproject.toml`` here).
"""

from .client import AsyncClient
from .inputs import InputError, read_articles
from .models import ArticleStatus, Response, SubmitResult, WaitProgress
from .summary import summary_line
from .sync import Client

__all__ = ["ArticleStatus", "AsyncClient", "Client", "InputError", "Response", "SubmitResult", "WaitProgress",
           "read_articles", "summary_line"]
