"""Webhook signatures (Stripe's scheme): ``Newsflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256
of "<t>.<raw body>">``. The service signs with :func:`sign`; a receiver checks with
:func:`verify_signature` (standard library only, so receivers can copy it)."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Newsflow-Signature"
EVENT_ID_HEADER = "Newsflow-Event-Id"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for ``body``."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(secret, t, body)}"


def verify_signature(secret: str, header: str | None, body: bytes, tolerance: float | None = 300.0,
                     now: float | None = None) -> bool:
    """True when ``header`` (the ``Newsflow-Signature`` value) signs the raw ``body`` with ``secret``
    and its timestamp is within ``tolerance`` seconds of now (``None``: any age)."""
    if not header:
        return False
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        k, _, v = item.strip().partition("=")
        parts.setdefault(k, []).append(v)
    try:
        t = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if tolerance is not None and abs((time.time() if now is None else now) - t) > tolerance:
        return False
    expected = signature(secret, t, body)
    return any(hmac.compare_digest(expected, v) for v in parts.get("v1", []))
