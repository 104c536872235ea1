"""Progress lines, the announced API URL, webhook signatures and event parsing (pure)."""

from __future__ import annotations

import io

import pytest

from newsflow_client import WaitProgress, verify_signature
from newsflow_client.models import Event
from newsflow_client.progress import ProgressLine, rate_line, wait_line
from newsflow_client.settings import announced_url, default_url
from newsflow_client.signature import sign

pytestmark = pytest.mark.unit


def test_wait_line_has_done_failed_queued_and_rate() -> None:
    line = wait_line(WaitProgress(3, 10, {"done": 2, "failed": 1, "queued": 6, "processing": 1}), 2.0)
    assert line == "3/10 finished  done 2  failed 1  queued 6  processing 1  1.5/s  2s"


def test_rate_line_eta_only_with_a_total() -> None:
    assert rate_line(50, 200, 10.0) == "50/200 documents  5.0/s  ETA 30s"
    assert rate_line(50, None, 10.0) == "50 documents  5.0/s"


def test_progress_line_not_live_writes_one_line_per_update() -> None:
    out = io.StringIO()
    p = ProgressLine(out, live=False, min_interval=0)
    p.show("a")
    p.show("b")
    p.end("done")
    assert out.getvalue() == "a\nb\ndone\n"


def test_progress_line_live_rewrites_in_place() -> None:
    out = io.StringIO()
    p = ProgressLine(out, live=True, min_interval=0)
    p.show("long text")
    p.show("short")
    p.end()
    assert out.getvalue() == "\rlong text\rshort    \n"


def test_default_url_prefers_env_then_announced_file(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NEWSFLOW_API_URL", raising=False)
    monkeypatch.setenv("NEWSFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSFLOW_PORT", "8080")
    assert default_url() == "http://127.0.0.1:8080"
    with announced_url(tmp_path, "http://127.0.0.1:8093"):
        assert default_url() == "http://127.0.0.1:8093"
        monkeypatch.setenv("NEWSFLOW_API_URL", "http://example.org:1/")
        assert default_url() == "http://example.org:1"
        monkeypatch.delenv("NEWSFLOW_API_URL")
    assert default_url() == "http://127.0.0.1:8080"  # removed when the service stops


def test_signature_roundtrip_and_tampering() -> None:
    header = sign("k" * 16, b'{"a":1}', timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert verify_signature("k" * 16, header, b'{"a":1}', now=1_700_000_010)
    assert not verify_signature("k" * 16, header, b'{"a":2}', now=1_700_000_010)
    assert not verify_signature("k" * 16, header, b'{"a":1}', now=1_700_001_000)  # too old
    assert verify_signature("k" * 16, header, b'{"a":1}', tolerance=None)
    assert not verify_signature("k" * 16, None, b"")
    assert not verify_signature("k" * 16, "v1=abc", b"")


def test_event_from_sse() -> None:
    ev = Event.from_sse("1-0", "article.done", '{"id":"1-0","type":"article.done","created":5,'
                                                '"data":{"article":{"id":"ab"}}}')
    assert (ev.id, ev.type, ev.created, ev.article_id) == ("1-0", "article.done", 5.0, "ab")
