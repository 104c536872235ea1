"""``newsflow_client``'s server-sent events parser: events with their ids, and the ids of id-only blocks
(the server sends its cursor that way before it ends a stream, so a client whose filters matched nothing
still resumes from there). The old parser dropped id-only blocks."""

from __future__ import annotations

import pytest

from newsflow_client.client import _parse_sse, _sse_blocks

pytestmark = pytest.mark.unit

BODY = (b": connected\n\n"
        b'id: 1700000000000-0\nevent: article.done\ndata: {"id": "1700000000000-0", "type": "article.done", '
        b'"created": 1.0, "data": {"article": {"id": "a1", "status": "done"}}}\n\n'
        b": keep-alive\n\n"
        b"id: 1700000000005-2\n\n"
        b": server shutting down; reconnect with Last-Event-ID\n\n")


async def lines(body: bytes):
    for line in body.splitlines(keepends=True):
        yield line


async def test_id_only_blocks_give_their_id_without_an_event() -> None:
    blocks = [(eid, ev is not None) async for eid, ev in _sse_blocks(lines(BODY))]
    assert blocks == [("1700000000000-0", True), ("1700000000005-2", False)]


async def test_events_are_parsed_with_their_id_and_type() -> None:
    [event] = [ev async for ev in _parse_sse(lines(BODY))]
    assert (event.id, event.type, event.article_id) == ("1700000000000-0", "article.done", "a1")
