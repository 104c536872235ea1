"""What bench/fuzz.py (schemathesis) found in the OpenAPI document, on the real app with a real Redis:
the document declares security only when keys are enforced, and describes /v1/keys' real answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


async def _spec(client) -> dict:
    resp = await client.get("/openapi.json")
    assert resp.status == 200
    return await resp.json()


async def test_no_security_requirement_is_declared_when_auth_is_off(make_client):
    spec = await _spec(await make_client(auth="off"))
    ops = [op for path in spec["paths"].values() for op in path.values()]
    assert ops and all(op.get("security") == [] for op in ops)
    assert all("401" not in op["responses"] for op in ops)


async def test_security_is_declared_when_keys_are_required(make_client):
    spec = await _spec(await make_client(auth="required"))
    op = spec["paths"]["/v1/articles"]["post"]
    assert op["security"] == [{"bearer": []}, {"apiKey": []}] and "401" in op["responses"]


async def test_create_key_documents_every_status_it_answers(make_client):
    client = await make_client(auth="off")
    op = (await _spec(client))["paths"]["/v1/keys"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert schema["scopes"]["minItems"] == 1 and schema["name"]["pattern"] == "\\S"
    for body, headers in ((b"\x00", {"Content-Type": "application/json"}), (b"{}", {"Content-Type": "text/plain"}),
                          (b'{"name": "x", "scopes": []}', {"Content-Type": "application/json"})):
        resp = await client.post("/v1/keys", data=body, headers=headers)
        assert str(resp.status) in op["responses"], (body, resp.status)


async def test_the_documented_revision_range_is_accepted(make_client):
    client = await make_client(auth="off")
    param = next(p for p in (await _spec(client))["paths"]["/v1/articles/{id}"]["get"]["parameters"]
                 if p["name"] == "revision")
    top = param["schema"]["maximum"]
    resp = await client.get(f"/v1/articles/0000000000000000?revision={top}")
    assert resp.status == 404  # unknown article; the value itself is valid
    resp = await client.get(f"/v1/articles/0000000000000000?revision={top + 1}")
    assert resp.status == 422
