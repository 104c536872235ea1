"""Where the client connects when not told (the same variables the service listens on)."""

from __future__ import annotations

import os


def default_url() -> str:
    """``NEWSFLOW_API_URL``, else ``http://$NEWSFLOW_HOST:$NEWSFLOW_PORT`` (127.0.0.1 and 8080 by
    default; a wildcard listen address becomes 127.0.0.1)."""
    if os.environ.get("NEWSFLOW_API_URL"):
        return os.environ["NEWSFLOW_API_URL"].rstrip("/")
    host = os.environ.get("NEWSFLOW_HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('NEWSFLOW_PORT') or 8080}"


def default_api_key() -> str | None:
    """``NEWSFLOW_API_KEY`` (sent as ``Authorization: Bearer …``), else none."""
    return os.environ.get("NEWSFLOW_API_KEY") or None
