"""Index planning of a document save (shared.store.documents.save_plan / save_args, pure)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from shared import keys as K
from shared.store import claim_summary, save_plan
from shared.store.documents import STATUS_FIELDS, save_args
from shared.store.scripts import encode_args

pytestmark = pytest.mark.unit


def doc(**over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": "d1", "title": "A title", "url": "https://x.example/1", "source": " The Wire ",
        "published_at": "2026-01-02T03:04:05Z",
        "language": {"code": "EN", "languages": [{"code": "en"}, {"code": "fr"}, "und", {"code": "de"}]},
        "entities": [
            {"id": "person:ann-lee", "text": "Ann  Lee", "label": "PERSON", "aliases": ["lee"],
             "mentions": [{"text": "Ann Lee"}, {"text": "LEE"}, {"text": ""}, "junk"]},
            {"id": None, "text": "no key"},
            {"id": "place:x", "label": None, "mentions": []},
        ],
        "claims": [
            {"id": "c1", "text": "one", "kind": "direct",
             "speaker": {"name": "Ann Lee", "entity_id": "person:ann-lee", "entity_ids": ["person:ann-lee", "org:y"]},
             "entity_ids": ["place:x", "place:x", "org:y"], "checkworthiness": 0.5},
            {"id": "c2", "text": "two", "kind": None, "speaker": None, "entity_ids": []},
        ],
    }
    d.update(over)
    return d


def zsets(plan: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, member in plan["z"]:
        out.setdefault(key, []).append(member)
    return out


def test_document_indexes():
    z = zsets(save_plan(doc(), 12.0))
    assert z[K.idx_language("en")] == ["d1"] and z[K.idx_language("fr")] == ["d1"] and z[K.idx_language("de")] == ["d1"]
    assert K.idx_language("und") not in z
    assert z[K.idx_source("the wire")] == ["d1"]
    assert z[K.idx_entity("person:ann-lee")] == ["d1"] and z[K.idx_entity("place:x")] == ["d1"]
    assert not any(k.startswith(K.ENTITY_INDEX_PREFIX + "None") for k in z)


def test_entity_registry_and_name_index():
    plan = save_plan(doc(), 12.0)
    assert plan["entities"] == [["person:ann-lee", "Ann  Lee", "PERSON"], ["place:x", "place:x", ""]]
    # folded names (canonical + every mention form), each once, sorted, NUL-separated from the key
    assert plan["names"] == [[K.ENTITY_NAMES, "ann lee\x00person:ann-lee"], [K.ENTITY_NAMES, "lee\x00person:ann-lee"],
                             [K.ENTITY_NAMES, "place:x\x00place:x"]]


def test_claim_indexes_and_summaries():
    d = doc()
    plan = save_plan(d, 12.0)
    z = zsets(plan)
    assert z[K.IDX_CLAIMS] == ["d1:0000", "d1:0001"]
    assert z[K.idx_claims_kind("direct")] == ["d1:0000"]
    assert not any(k.startswith(K.idx_claims_kind("")) and k != K.idx_claims_kind("direct") for k in z)
    # a speaker's keys (coordinated: all of them) each once; its name; the claim's entities each once
    assert z[K.idx_claims_speaker("person:ann-lee")] == ["d1:0000"]
    assert z[K.idx_claims_speaker("org:y")] == ["d1:0000"]
    assert z[K.idx_claims_speaker_name("ann  LEE")] == ["d1:0000"]
    assert z[K.idx_claims_entity("place:x")] == ["d1:0000"]
    assert z[K.idx_claims_entity("org:y")] == ["d1:0000"]
    assert [f for f, _ in plan["claims"]] == ["0000", "0001"]
    assert [orjson.loads(j) for _, j in plan["claims"]] == [claim_summary(d, c) for c in d["claims"]]


@pytest.mark.parametrize("ms, first", [(0.0, 10), (10.0, 10), (10.001, 25), (59999.0, 60000), (1e9, None)])
def test_histogram_buckets(ms, first):
    buckets = save_plan(doc(), ms)["buckets"]
    expected = [f"le:{b}" for b in K.PROCESSING_BUCKETS_MS if first is not None and b >= first] + ["le:+Inf"]
    assert buckets == expected
    # the wait histogram: the same buckets for wait_ms, none when the wait is not known
    plan = save_plan(doc(), 2e9, ms)  # a processing time apart from the wait: its buckets are its own
    assert plan["wait_buckets"] == expected and plan["buckets"] == ["le:+Inf"]
    assert save_plan(doc(), ms)["wait_buckets"] == []


def test_listing_summary():
    assert save_plan(doc(), 1.0)["summary"] == [
        "language", "en", "entity_count", "3", "claim_count", "2", "title", "A title", "url", "https://x.example/1",
        "source", " The Wire ", "published_at", "2026-01-02T03:04:05Z"]
    bare = save_plan({"id": "d2"}, 1.0)
    assert bare["summary"] == ["entity_count", "0", "claim_count", "0"]
    assert bare["z"] == bare["entities"] == bare["names"] == bare["aliases"] == bare["claims"] == []


def _nulls(x: Any, path: str = "") -> list[str]:
    if x is None:
        return [path]
    if isinstance(x, dict):
        return [p for k, v in x.items() for p in _nulls(v, f"{path}.{k}")]
    if isinstance(x, (list, tuple)):
        return [p for i, v in enumerate(x) for p in _nulls(v, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize("d", [doc(), doc(title=None, url=None, source=None, language=None, published_at=None),
                               {"id": "d3", "entities": None, "claims": None}])
def test_save_args_hold_no_null_and_only_text_for_lua(d):
    """JSON null would reach Lua as cjson.null, and a number would be formatted by Lua: neither may occur."""
    args = save_args(d, 12.3456, 1764650000.123456, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.001Z")
    assert _nulls(args) == []
    assert args["processing_ms"] == "12.346"
    assert args["fallback_score"] == "1764650000123456"
    stored = orjson.loads(args["document"])
    assert stored["id"] == d["id"] and not set(stored) & set(STATUS_FIELDS)

    def leaves(x: Any) -> list[Any]:
        if isinstance(x, dict):
            return [y for v in x.values() for y in leaves(v)]
        if isinstance(x, list):
            return [y for v in x for y in leaves(v)]
        return [x]
    assert all(isinstance(v, str) for v in leaves(args))
    assert orjson.loads(encode_args(args)) == args


def test_status_fields_are_not_stored_in_the_document():
    args = save_args(doc(status="processing", attempts=2, error={"x": 1}, received_at="r"), 1.0, 0.0, "f", "r")
    assert set(orjson.loads(args["document"])) == set(doc())
