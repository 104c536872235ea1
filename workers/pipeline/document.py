"""The one object every pipeline stage reads and fills."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class AnalysisDoc:
    """An article on its way through the pipeline.

    ``text`` is fixed by the normalisation stage and never changes afterwards: every offset any
    later stage reports (segments, mentions, claim spans, quantities) indexes into it, so that
    ``text[start:end]`` is the reported string.
    """

    id: str
    article: dict[str, Any]                 # the validated input article (url, title, text?, html?, …)
    text: str = ""                          # normalised text; offsets refer to this
    title: str | None = None
    language: dict[str, Any] | None = None  # language stage output (issue: language)
    entities: list[dict[str, Any]] = field(default_factory=list)
    entities_supported: bool = True
    claims: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    extraction: dict[str, Any] = field(default_factory=dict)  # {method, chars_in, chars_out}
    page: dict[str, Any] | None = None      # HTML page metadata (shared.schemas.PageMetadata), html only
    timings_ms: dict[str, float] = field(default_factory=dict)
    # Scratch space shared between stages within one run (e.g. the spaCy parse that the entity
    # stage makes and the claim stage reuses). Never serialised.
    cache: dict[str, Any] = field(default_factory=dict)
