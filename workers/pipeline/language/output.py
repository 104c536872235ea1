"""The language stage's output record (``doc.language``) and its stored-document model."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field

from ..records import Record


class LanguageSegment(Record):
    start: int
    end: int
    code: str = Field(..., description="ISO 639-1 code, or und")
    confidence: float = 0.0


class LanguageShare(Record):
    code: str
    share: float = Field(..., description="share of the letters")


class LanguageResult(Record):
    code: str = Field(..., description="main language: ISO 639-1 code, or und")
    name: str = ""
    confidence: float = 0.0
    script: str = Field("Zyyy", description="ISO 15924 script of the main language's letters")
    reliable: bool = False
    segments: list[LanguageSegment] = Field([], description="tile the text in order; neighbours merged")
    languages: list[LanguageShare] = Field([], description="share of the letters per language, largest first")
    hint: Optional[str] = Field(None, description="the client's language hint (breaks ties only)")


class LanguageOutput(BaseModel):
    language: Optional[LanguageResult] = Field(None, description="document language, per-segment languages, "
                                                                 "mixture shares")
