"""``newsflow_client`` result types and the document summary line."""

from __future__ import annotations

import pytest

from newsflow_client import ArticleStatus, Response, WaitProgress, summary_line

pytestmark = pytest.mark.unit


def test_response_error_only_for_failures() -> None:
    assert Response(200, {"error": "not one"}).error is None
    assert Response(404, {"error": {"code": "not_found"}}).error == {"code": "not_found"}
    assert Response(500, None).error is None and not Response(500, None).ok


def test_article_status_from_answers() -> None:
    done = ArticleStatus.from_response("d", Response(200, {"id": "d", "status": "done", "attempts": 1}))
    assert done.finished and done.status == "done" and done.body["attempts"] == 1
    failed = ArticleStatus.from_response("f", Response(200, {"status": "failed", "error": {"message": "x"}}))
    assert failed.finished and failed.error == {"message": "x"}
    assert not ArticleStatus.from_response("q", Response(200, {"status": "queued"})).finished
    missing = ArticleStatus.from_response("m", Response(404, {"error": {"code": "not_found"}}))
    assert missing.status == "unknown" and not missing.finished and missing.error == {"code": "not_found"}
    odd = ArticleStatus.from_response("o", Response(502, ["not", "a", "dict"]))
    assert odd.status == "unknown" and odd.error is None


def test_progress_line() -> None:
    assert WaitProgress(3, 5, {"queued": 2, "done": 3}).line() == "[3/5 finished] done 3  queued 2"


def test_summary_line() -> None:
    doc = {"id": "abc", "title": "T" * 70, "language": {"code": "en", "languages": [{"code": "en"}, {"code": "fr"}]},
           "claims": [{}, {}], "entities": [{"text": "Paris", "mentions": [1, 2, 3]}, {"name": "UN"}]}
    head, tail = summary_line(doc).split("\n")
    assert head == "  abc  " + "T" * 60
    assert tail == "      language en+fr  claims 2  entities 2: Paris (3), UN (1)"
    assert summary_line({"id": "x"}).endswith("language ?  claims 0  entities 0: -")
