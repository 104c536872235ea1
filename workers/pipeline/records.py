"""Base class of the typed records stages put on an :class:`~.document.AnalysisDoc`.

Records are pydantic models: typed on the internal path, serialised to the same JSON at the
document boundary (``Pipeline.to_document``), and the same models describe the stored document in
the OpenAPI schema. ``record["field"]`` / ``record.get("field")`` still work for readers written
against the former dict shape.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Record(BaseModel):
    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


def plain(value: Any) -> Any:
    """A stage output value as JSON-ready Python (models dumped, containers walked)."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
