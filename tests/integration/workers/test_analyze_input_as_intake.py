"""``newsflow analyze`` and ``POST /v1/articles`` give the same validation error for the same bad JSON
article (the real app on a real Redis; analyze's line parser in this process)."""

from __future__ import annotations

import pytest

from workers.analyze import _parse

BIG = 123456789012345678901234567890

BAD = [
    b'{"text": "x", "metadata": {"n": %d}}' % BIG,                            # integer beyond 64 bits
    b'{"text": "x", "metadata": {"f": 0.5, "l": [1, {"x": -%d}]}}' % BIG,
    b'{"text": "x", "metadata": {"n": %d}}' % (2 ** 64),
    b'{"text": "x", "external_id": %d}' % BIG,                                 # not a string, and too big
    b'{"text": "x", "metadata": ' + b'{"a": ' * 40 + b'1' + b'}' * 40 + b'}',  # metadata nested too deep
    b'{"title": "no body"}',                                                    # neither text nor html
]


@pytest.mark.parametrize("raw", BAD)
async def test_analyze_refuses_a_bad_article_with_intakes_error(make_client, raw):
    client = await make_client()
    resp = await client.post("/v1/articles", data=raw, headers={"Content-Type": "application/json"})
    assert resp.status == 422, await resp.text()
    intake = (await resp.json())["error"]
    out = _parse(raw, 3)
    assert out.get("error") == intake and out["line"] == 3, (out, intake)
