"""``newsflow_client.batching``: how articles are split into batches and how answers map back."""

from __future__ import annotations

import json
import random

import pytest

from newsflow_client.batching import MAX_BYTES, MAX_ITEMS, batch_body, batch_results, encode, plan_batches, \
    single_result
from newsflow_client.models import Response, SubmitResult

pytestmark = pytest.mark.unit


def body_len(sizes: list[int], part: range) -> int:
    return 2 + sum(sizes[i] for i in part) + max(0, len(part) - 1)


def test_defaults_are_the_api_defaults() -> None:
    from shared.config import Settings

    assert MAX_ITEMS == Settings().batch_max_items and MAX_BYTES == Settings().max_batch_bytes


def test_plan_splits_by_item_count() -> None:
    assert plan_batches([]) == []
    assert plan_batches([10] * 5) == [range(0, 5)]
    assert plan_batches([10] * 2500, max_items=1000) == [range(0, 1000), range(1000, 2000), range(2000, 2500)]
    assert plan_batches([10] * 3, max_items=1) == [range(0, 1), range(1, 2), range(2, 3)]
    with pytest.raises(ValueError):
        plan_batches([1], max_items=0)


def test_plan_splits_by_body_size_and_sends_an_oversized_article_alone() -> None:
    # two items of 10 bytes: "[" + 10 + "," + 10 + "]" = 23 bytes
    assert plan_batches([10, 10, 10], max_bytes=23) == [range(0, 2), range(2, 3)]
    assert plan_batches([10, 10, 10], max_bytes=22) == [range(0, 1), range(1, 2), range(2, 3)]
    assert plan_batches([5, 100, 5, 5], max_bytes=20) == [range(0, 1), range(1, 2), range(2, 4)]


@pytest.mark.parametrize("seed", range(20))
def test_plan_covers_everything_in_order_within_limits_and_greedily(seed: int) -> None:
    rng = random.Random(seed)
    sizes = [rng.choice([1, 5, 50, 400]) for _ in range(rng.randint(1, 300))]
    max_items, max_bytes = rng.randint(1, 40), rng.randint(50, 3000)
    parts = plan_batches(sizes, max_items, max_bytes)
    assert [i for p in parts for i in p] == list(range(len(sizes)))
    for n, part in enumerate(parts):
        assert len(part) <= max_items
        assert len(part) == 1 or body_len(sizes, part) <= max_bytes
        if n + 1 < len(parts):  # the next article would not have fitted
            grown = range(part.start, part.stop + 1)
            assert len(grown) > max_items or body_len(sizes, grown) > max_bytes


def test_encoding_is_compact_utf8_and_batches_are_json_arrays() -> None:
    articles = [{"text": "Привет, мир", "title": "ü"}, {"html": "<p>\"q\"</p>"}, {"text": "x\ud800y"}]
    encoded = [encode(a) for a in articles]
    assert encoded[0] == '{"text":"Привет, мир","title":"ü"}'.encode()
    assert encoded[2] == b'{"text":"x\\ud800y"}'  # a lone surrogate cannot be UTF-8: escaped
    assert json.loads(batch_body(encoded)) == articles
    assert len(batch_body(encoded)) == body_len([len(e) for e in encoded], range(3))


def test_single_answers() -> None:
    accepted = single_result(Response(202, {"id": "a" * 16, "status": "queued", "duplicate": False}))
    assert accepted == SubmitResult(0, "accepted", id="a" * 16, status="queued", http_status=202)
    dup = single_result(Response(200, {"id": "b" * 16, "status": "done", "duplicate": True}))
    assert dup.result == "duplicate" and dup.id == "b" * 16 and not dup.rejected
    err = {"code": "validation_error", "message": "no", "details": []}
    bad = single_result(Response(422, {"error": err}))
    assert bad.rejected and bad.error == err and bad.http_status == 422 and bad.id is None
    assert single_result(Response(502, None)).rejected


def test_batch_answers_map_back_to_input_positions() -> None:
    items = [{"index": 0, "result": "accepted", "id": "i0", "status": "queued", "links": {}},
             {"index": 1, "result": "rejected", "error": {"code": "validation_error"}},
             {"index": 2, "result": "duplicate", "id": "i2", "status": "done"}]
    got = batch_results(Response(202, {"items": items, "accepted": 1}), start=1000, count=3)
    assert [(r.index, r.result, r.id) for r in got] == [(1000, "accepted", "i0"), (1001, "rejected", None),
                                                         (1002, "duplicate", "i2")]
    assert got[1].error == {"code": "validation_error"}


def test_a_full_queue_carries_the_items_in_the_error_details() -> None:
    items = [{"index": i, "result": "rejected", "error": {"code": "queue_full"}} for i in range(2)]
    body = {"error": {"code": "queue_full", "message": "full", "details": {"items": items}}}
    got = batch_results(Response(429, body), start=0, count=2)
    assert [(r.index, r.result, r.error["code"]) for r in got] == [(0, "rejected", "queue_full"),
                                                                  (1, "rejected", "queue_full")]


@pytest.mark.parametrize(("status", "body"), [
    (413, {"error": {"code": "too_many_items", "message": "at most 2"}}),
    (500, {"error": {"code": "internal", "message": "boom"}}),
    (202, {"unexpected": True}),
    (502, None),
])
def test_a_failed_request_rejects_every_article_in_it(status: int, body: object) -> None:
    got = batch_results(Response(status, body), start=10, count=3)
    assert [r.index for r in got] == [10, 11, 12]
    assert all(r.rejected and r.http_status == status for r in got)
    expected = body.get("error") if isinstance(body, dict) else None
    assert all(r.error == expected for r in got)
