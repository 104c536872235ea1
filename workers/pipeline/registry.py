"""Pipeline stages declare themselves where they are defined; settings choose and order them.

Modelled on spaCy's ``@Language.factory(name, requires=, assigns=, default_config=)``::

    class ShoutOutput(BaseModel):
        shout: Shout = Field(..., description="exclamation marks in the text")

    @stage("shout", requires=["text"], assigns=["shout"], output=ShoutOutput)
    def make_shout(config=None):
        return lambda doc: ShoutOutput(shout=Shout(count=doc.text.count("!")))

* ``name`` — the stage's name (``NEWSFLOW_STAGES`` entries, ``timings_ms`` keys, error reports);
* ``requires`` / ``assigns`` — document fields read / written; :func:`build_pipeline` checks that
  every field a stage requires is assigned by an earlier stage;
* ``output`` — a pydantic model of the fields the stage adds to the stored document (with their
  descriptions): the stored document (``Pipeline.to_document``) and the OpenAPI ``Document`` schema
  are composed from the enabled stages' output models;
* ``config`` — an optional pydantic model (or dataclass) of the stage's options; ``settings`` maps its fields to
  :class:`shared.config.Settings` attributes (the only reader of the environment). The factory is
  called as ``factory(config)`` (``factory()`` without a config model) and returns the stage: a
  callable ``(AnalysisDoc) -> None | output model`` (optionally with ``pipe(docs)`` for batches).

A factory must be cheap to import: models load inside the factory or on first call (the API
process imports the registry to build its schema). A stage defined outside this package is
enabled by a ``package.module:stage_name`` entry in ``NEWSFLOW_STAGES``: the module is imported
(its decorator registers the stage) in every process that builds the pipeline.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from pydantic import BaseModel

if TYPE_CHECKING:
    from shared.config import Settings

    from .base import Pipeline

log = logging.getLogger(__name__)

DEFAULT_STAGES = ("normalize", "language", "entities", "claims", "fingerprint")
# Fields every document has before the first stage runs.
BASE_FIELDS = frozenset({"id", "article", "title"})
# The built-in stage modules (imported on demand, each registers its stage).
_BUILTIN = {
    "normalize": "workers.pipeline.normalize",
    "language": "workers.pipeline.language",
    "entities": "workers.pipeline.entities",
    "claims": "workers.pipeline.claims",
    "fingerprint": "workers.pipeline.fingerprint",
}


class PipelineConfigError(ValueError):
    """The configured stage list cannot make a pipeline (unknown stage, unmet requirement, clash)."""


@dataclass(frozen=True)
class StageSpec:
    name: str
    factory: Callable[..., Any]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    output: type[BaseModel] | None
    config: type[Any] | None
    settings: tuple[tuple[str, str], ...]   # (config field, Settings attribute)

    def make_config(self, settings: "Settings") -> Any:
        if self.config is None:
            return None
        # an empty setting ("" = unset, as in the environment) leaves the config's default
        values = {field: getattr(settings, attr) for field, attr in self.settings if getattr(settings, attr) != ""}
        if isinstance(self.config, type) and issubclass(self.config, BaseModel):
            return self.config.model_validate(values)
        return self.config(**values)  # a dataclass or any class taking keyword options

    def create(self, settings: "Settings") -> Any:
        """The stage object, built by the factory, named after the declaration."""
        config = self.make_config(settings)
        obj = self.factory(config) if self.config is not None else self.factory()
        if getattr(obj, "name", None) != self.name:
            try:
                obj.name = self.name
            except AttributeError:  # an object that refuses new attributes: wrap it
                obj = _Named(self.name, obj)
        return obj


class _Named:
    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.name, self._fn = name, fn
        if hasattr(fn, "pipe"):
            self.pipe = fn.pipe

    def __call__(self, doc: Any) -> Any:
        return self._fn(doc)


_REGISTRY: dict[str, StageSpec] = {}


def stage(name: str, *, requires: Sequence[str] = (), assigns: Sequence[str] = (),
          output: type[BaseModel] | None = None, config: type[Any] | None = None,
          settings: dict[str, str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated factory as stage ``name`` (see the module docstring)."""
    fields = set(output.model_fields) if output is not None else set()
    if fields - set(assigns):
        raise PipelineConfigError(f"stage {name!r}: output fields {sorted(fields - set(assigns))} "
                                  f"are not in its assigns")
    if settings and config is None:
        raise PipelineConfigError(f"stage {name!r}: settings given without a config model")

    def register(factory: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REGISTRY and _REGISTRY[name].factory is not factory:
            log.debug("stage %r registered again (%s); the new declaration wins", name, factory)
        _REGISTRY[name] = StageSpec(name, factory, tuple(requires), tuple(assigns), output, config,
                                    tuple((settings or {}).items()))
        return factory

    return register


def get_spec(entry: str) -> StageSpec:
    """The declaration of a stage entry: ``name`` (built in or registered) or ``module:name``."""
    module, _, name = entry.rpartition(":")
    name = name.strip()
    if module:
        importlib.import_module(module.strip())
    elif name in _BUILTIN and name not in _REGISTRY:
        importlib.import_module(_BUILTIN[name])
    spec = _REGISTRY.get(name)
    if spec is None:
        known = sorted(set(_REGISTRY) | set(_BUILTIN))
        raise PipelineConfigError(f"unknown pipeline stage {entry!r} (known: {', '.join(known)}; a stage "
                                  f"defined elsewhere is given as package.module:name)")
    return spec


def stage_entries(value: str | Sequence[str] | None) -> list[str]:
    """The ordered stage entries of a ``NEWSFLOW_STAGES`` value.

    ``""``/None → the default order; ``a,b,c`` → exactly these; a list of only ``+x`` / ``-x`` edits
    the default order (``-claims`` drops it, ``+pkg.mod:shout`` appends it).
    """
    items = [v.strip() for v in (value.split(",") if isinstance(value, str) else value or []) if v.strip()]
    if not items:
        return list(DEFAULT_STAGES)
    if all(i[0] in "+-" for i in items):
        out = list(DEFAULT_STAGES)
        for i in items:
            name = i[1:].strip()
            if i[0] == "-":
                out = [e for e in out if e != name and e.rpartition(":")[2] != name]
            elif name not in out:
                out.append(name)
        return out
    if any(i[0] in "+-" for i in items):
        raise PipelineConfigError(f"NEWSFLOW_STAGES mixes a full list with +/- edits: {value!r}")
    return items


def enabled_specs(settings: "Settings | None" = None) -> list[StageSpec]:
    """The enabled stages' declarations, in order, checked: known, no duplicates, requirements met,
    no two stages adding the same document field."""
    if settings is None:
        from shared.config import Settings

        settings = Settings.from_env()
    specs = [get_spec(e) for e in stage_entries(settings.stages)]
    available = set(BASE_FIELDS)
    outputs: dict[str, str] = {}
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise PipelineConfigError(f"stage {spec.name!r} is enabled twice")
        seen.add(spec.name)
        missing = [r for r in spec.requires if r not in available]
        if missing:
            before = ", ".join(s.name for s in specs[:specs.index(spec)]) or "none"
            raise PipelineConfigError(
                f"stage {spec.name!r} requires {', '.join(map(repr, missing))}, which no earlier stage assigns "
                f"(stages before it: {before}); enable a stage that assigns it, earlier in NEWSFLOW_STAGES")
        available.update(spec.assigns)
        for f in (spec.output.model_fields if spec.output is not None else ()):
            if f in outputs:
                raise PipelineConfigError(f"stages {outputs[f]!r} and {spec.name!r} both add {f!r} to the document")
            outputs[f] = spec.name
    return specs


def build_pipeline(settings: "Settings | None" = None) -> "Pipeline":
    """The pipeline of the enabled stages (``Settings.stages``), each built with its options."""
    from . import PIPELINE_VERSION
    from .base import Pipeline

    if settings is None:
        from shared.config import Settings

        settings = Settings.from_env()
    specs = enabled_specs(settings)
    return Pipeline([s.create(settings) for s in specs], PIPELINE_VERSION, outputs=_outputs(specs))


def _outputs(specs: Sequence[StageSpec]) -> list[str]:
    return [f for s in specs if s.output is not None for f in s.output.model_fields]


def document_model(settings: "Settings | None" = None) -> type[BaseModel]:
    """The API's ``Document`` model: the status and article fields plus the enabled stages' outputs."""
    from shared.schemas import compose_document

    return compose_document([s.output for s in enabled_specs(settings) if s.output is not None])


__all__ = ["stage", "build_pipeline", "enabled_specs", "document_model", "stage_entries", "StageSpec",
           "PipelineConfigError", "DEFAULT_STAGES"]
