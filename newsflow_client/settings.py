"""Where the client connects when not told (the same variables the service listens on)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

URL_FILE = "api_url"  # in the data directory: written by `newsflow up` / `newsflow api` while serving


def url_file(data_dir: str | Path | None = None) -> Path:
    return Path(data_dir or os.environ.get("NEWSFLOW_DATA_DIR") or "./var") / URL_FILE


@contextlib.contextmanager
def announced_url(data_dir: str | Path, url: str) -> Iterator[None]:
    """Write ``url`` to the data directory while the block runs (removed afterwards if still ours)."""
    path = url_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(url + "\n")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if path.read_text().strip() == url:
                path.unlink()


def default_url() -> str:
    """``NEWSFLOW_API_URL``, else the URL a running ``newsflow up`` wrote to the data directory
    (``$NEWSFLOW_DATA_DIR/api_url``, ./var by default), else ``http://$NEWSFLOW_HOST:$NEWSFLOW_PORT``
    (127.0.0.1 and 8080 by default; a wildcard listen address becomes 127.0.0.1)."""
    if os.environ.get("NEWSFLOW_API_URL"):
        return os.environ["NEWSFLOW_API_URL"].rstrip("/")
    with contextlib.suppress(OSError):
        announced = url_file().read_text().strip()
        if announced:
            return announced.rstrip("/")
    host = os.environ.get("NEWSFLOW_HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('NEWSFLOW_PORT') or 8080}"


def default_api_key() -> str | None:
    """``NEWSFLOW_API_KEY`` (sent as ``Authorization: Bearer …``; None when unset or empty)."""
    return os.environ.get("NEWSFLOW_API_KEY") or None
