"""The one object every pipeline stage reads and fills."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .records import Record

if TYPE_CHECKING:
    from .entities.records import Entity
    from .language.output import LanguageResult


class TextStats(Record):
    chars: int = Field(..., description="characters of the normalised text")
    words: int = Field(..., description="words (each CJK character counts as one)")
    sentences: int


class Extraction(Record):
    method: str = Field(..., description="trafilatura (main text of an HTML page) | fallback (the plain tag "
                                          "stripper: no extractor, or it found no text) | text (plain text sent)")
    chars_in: int = Field(..., description="characters of the text or HTML received")
    chars_out: int = Field(..., description="characters of the normalised text")


@dataclass
class AnalysisDoc:
    """An article on its way through the pipeline.

    ``text`` is fixed by the normalisation stage and never changes afterwards: every offset any
    later stage reports (segments, mentions, claim spans, quantities) indexes into it, so that
    ``text[start:end]`` is the reported string.

    The built-in stages fill the typed fields; a stage declared elsewhere puts its output fields
    in ``outputs`` (see :meth:`set_output`). ``Pipeline.to_document`` serialises both.
    """

    id: str
    article: dict[str, Any]                 # the validated input article (url, title, text?, html?, …)
    text: str = ""                          # normalised text; offsets refer to this
    title: str | None = None
    language: "LanguageResult | None" = None  # language stage output
    entities: "list[Entity]" = field(default_factory=list)
    entities_supported: bool = True
    claims: list[dict[str, Any]] = field(default_factory=list)
    stats: TextStats | None = None
    extraction: Extraction | None = None
    page: dict[str, Any] | None = None      # HTML page metadata (shared.schemas.PageMetadata), html only
    timings_ms: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)  # fields added by other stages
    # Scratch space shared between stages within one run (e.g. the spaCy parse that the entity
    # stage makes and the claim stage reuses). Never serialised.
    cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.language, dict):  # a caller (tests) giving the record as a dict
            from .language.output import LanguageResult

            self.language = LanguageResult.model_validate(self.language)

    def set_output(self, output: BaseModel) -> None:
        """Store a stage's output model field by field (typed fields here, the rest in ``outputs``)."""
        for name in type(output).model_fields:
            value = getattr(output, name)
            if name in _OWN_FIELDS:
                setattr(self, name, value)
            else:
                self.outputs[name] = value

    def get_output(self, name: str) -> Any:
        return getattr(self, name) if name in _OWN_FIELDS else self.outputs.get(name)


_OWN_FIELDS = frozenset({"text", "title", "language", "entities", "entities_supported", "claims", "stats",
                         "extraction", "page"})
