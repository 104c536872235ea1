"""The stage registry: declarations, the order and options from Settings, requirement checks, the
document and schema composed from the enabled stages (no models are loaded: factories are not called)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from shared.config import Settings
from workers.pipeline.registry import (DEFAULT_STAGES, PipelineConfigError, document_model, enabled_specs, stage,
                                       stage_entries)

pytestmark = pytest.mark.unit


class Tally(BaseModel):
    tally: int


@stage("tally", requires=["text"], assigns=["tally"], output=Tally)
def make_tally():
    return lambda doc: Tally(tally=len(doc.text))


@stage("tally_again", requires=["text"], assigns=["tally"], output=Tally)
def make_tally_again():
    return lambda doc: Tally(tally=0)


def names(value: str) -> list[str]:
    return [s.name for s in enabled_specs(Settings(stages=value))]


def test_stage_entries_default_full_list_and_edits() -> None:
    assert stage_entries("") == list(DEFAULT_STAGES) == ["normalize", "language", "entities", "claims", "fingerprint"]
    assert stage_entries("normalize, language") == ["normalize", "language"]
    assert stage_entries("-claims") == ["normalize", "language", "entities", "fingerprint"]
    assert stage_entries("-claims,+pkg.mod:x") == ["normalize", "language", "entities", "fingerprint", "pkg.mod:x"]
    with pytest.raises(PipelineConfigError, match="mixes"):
        stage_entries("normalize,-claims")


def test_default_and_reordered_or_reduced_pipelines() -> None:
    assert names("") == ["normalize", "language", "entities", "claims", "fingerprint"]
    assert names("normalize,language,tally,entities") == ["normalize", "language", "tally", "entities"]
    assert names("-entities,-claims,+tally") == ["normalize", "language", "fingerprint", "tally"]


def test_unmet_requirement_is_a_clear_error() -> None:
    with pytest.raises(PipelineConfigError) as err:
        enabled_specs(Settings(stages="normalize,claims"))
    message = str(err.value)
    assert "'claims' requires 'language', 'entities'" in message and "normalize" in message
    with pytest.raises(PipelineConfigError, match="'tally' requires 'text'"):
        enabled_specs(Settings(stages="tally,normalize"))


def test_unknown_duplicate_and_clashing_stages_are_refused() -> None:
    with pytest.raises(PipelineConfigError, match="unknown pipeline stage 'nope'"):
        enabled_specs(Settings(stages="normalize,nope"))
    with pytest.raises(PipelineConfigError, match="enabled twice"):
        enabled_specs(Settings(stages="normalize,tally,tally"))
    with pytest.raises(PipelineConfigError, match="both add 'tally'"):
        enabled_specs(Settings(stages="normalize,tally,tally_again"))
    with pytest.raises(ModuleNotFoundError):
        enabled_specs(Settings(stages="normalize,no_such_module_x:tally"))


def test_output_fields_must_be_declared_as_assigned() -> None:
    with pytest.raises(PipelineConfigError, match="not in its assigns"):
        stage("bad", requires=["text"], assigns=[], output=Tally)


def test_document_model_has_exactly_the_enabled_stages_fields() -> None:
    full = document_model(Settings()).model_fields
    assert {"stats", "extraction", "language", "entities", "entities_supported", "claims"} <= set(full)
    assert "tally" not in full
    reduced = document_model(Settings(stages="normalize,language,tally")).model_fields
    assert "tally" in reduced and "claims" not in reduced and "entities" not in reduced
    assert reduced["tally"].is_required() is False  # absent until the document is done


def test_stage_options_come_from_settings() -> None:
    env = {"NEWSFLOW_STAGES": "-claims", "NEWSFLOW_LANGUAGES": "en,de", "NEWSFLOW_LANGUAGE_LOW_MEMORY": "1",
           "NEWSFLOW_CLAIM_THRESHOLD": "0.7", "NEWSFLOW_CUE_DROP": "0.2", "NEWSFLOW_WORKER_HEARTBEAT_FILE": "/tmp/x"}
    s = Settings.from_env(env)
    assert (s.stages, s.languages, s.language_low_memory, s.claim_threshold, s.cue_drop, s.worker_heartbeat_file) == \
        ("-claims", "en,de", True, 0.7, 0.2, "/tmp/x")
    lang = next(sp for sp in enabled_specs(s) if sp.name == "language")
    assert lang.make_config(s).model_dump() == {"languages": "en,de", "low_memory": True}
    claims = next(sp for sp in enabled_specs(Settings.from_env(env, stages="")) if sp.name == "claims")
    options = claims.make_config(s)  # a ClaimOptions; unset settings keep its defaults
    assert (options.threshold, options.cue_drop, options.nested) == (0.7, 0.2, "drop")
    assert options.cue_model == type(options)().cue_model
