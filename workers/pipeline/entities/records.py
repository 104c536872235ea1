"""The entity stage's records (``doc.entities``) and its stored-document model."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..records import Record


class EntityMention(Record):
    start: int
    end: int
    text: str = Field(..., description="text[start:end]")


class Entity(Record):
    id: str = Field(..., description="cross-document canonical key, <kind>:<slug of the canonical name>")
    text: str = Field(..., description="canonical name")
    label: str = Field(..., description="OntoNotes label: PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, …")
    mentions: list[EntityMention] = []
    count: int = 0
    salience: float = Field(0.0, description="0..1: frequency, position, headline/lead presence")
    aliases: list[str] = Field([], description="slugs of the other forms seen in this document")


class EntitiesOutput(BaseModel):
    entities: list[Entity] = Field([], description="canonical entities, most salient first")
    entities_supported: bool = Field(True, description="false when the document's language has no entity "
                                                       "backend (no entities were looked for)")
