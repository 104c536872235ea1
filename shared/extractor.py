"""Is the HTML extractor usable? One check, made the way the worker imports it.

A fresh install once lost trafilatura silently (an old pip left ``lxml_html_clean`` out, and a
broad ``except`` fell back to a tag stripper). Now the import is checked at start-up: the worker
refuses to start without it unless ``NEWSFLOW_HTML_FALLBACK=allow``, and ``/readyz`` and
``/metrics`` report it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


class ExtractorUnavailable(RuntimeError):
    """The HTML extractor cannot be imported and the fallback was not allowed."""


@dataclass(frozen=True)
class ExtractorStatus:
    name: str
    available: bool
    version: str | None = None
    error: str | None = None


@lru_cache(maxsize=1)
def extractor_status() -> ExtractorStatus:
    """Import trafilatura (and what it needs at extraction time) once; never raises."""
    try:
        import lxml_html_clean  # noqa: F401 - trafilatura needs it; a missing one is the classic break
        import trafilatura
        from trafilatura import extract, extract_metadata  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - reported, not swallowed: see require_extractor
        return ExtractorStatus("trafilatura", False, None, f"{type(exc).__name__}: {exc}")
    return ExtractorStatus("trafilatura", True, getattr(trafilatura, "__version__", None))


def require_extractor(html_fallback: str) -> ExtractorStatus:
    """Raise :class:`ExtractorUnavailable` with a clear message unless the extractor imports or
    ``html_fallback == "allow"``."""
    status = extractor_status()
    if not status.available and html_fallback != "allow":
        raise ExtractorUnavailable(
            f"the HTML extractor (trafilatura) cannot be imported: {status.error}. "
            "Reinstall the project (`make install`, or `pip install -e .` with a current pip), "
            "or set NEWSFLOW_HTML_FALLBACK=allow to run with the plain tag stripper "
            "(much worse text from web pages; every document records extraction.method='fallback')."
        )
    return status
