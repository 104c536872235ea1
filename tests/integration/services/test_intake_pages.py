"""POST /v1/articles with a raw page (text/html) or plain text (text/plain), over real HTTP and a real
Redis: charset from the header, from <meta>, or detected; query parameters as the article's fields;
the same 413/415/422 rules as JSON."""

from __future__ import annotations

import pytest

from shared.ids import article_id

pytestmark = pytest.mark.integration

# (label for the header, Python codec, text in that language)
PAGES = [
    ("windows-1251", "cp1251", "Москва — столица России. Президент заявил, что «переговоры продолжатся»."),
    ("Shift_JIS", "shift_jis", "東京都は月曜日、新しい防災計画を発表した。知事は「準備は整っている」と述べた。"),
    ("GBK", "gbk", "北京市政府周一宣布了新的交通计划。市长表示，这项计划将在明年实施。"),
    ("ISO-8859-1", "latin-1", "Le ministre a déclaré à Genève : « Ça coûte très cher », ajoutant qu'il était déçu."),
]


def page(body_text: str, meta: str = "") -> str:
    return (f"<!DOCTYPE html><html><head>{meta}<title>Titel</title></head><body><article>"
            f"<p>{body_text}</p></article></body></html>")


async def submitted(client, store, data: bytes, ctype: str, params: dict | None = None) -> tuple[dict, dict]:
    resp = await client.post("/v1/articles", data=data, headers={"Content-Type": ctype}, params=params or {})
    body = await resp.json()
    assert resp.status == 202, body
    stored = await store.get_article(body["id"])
    assert stored is not None
    return body, stored


@pytest.mark.parametrize("label,codec,text", PAGES)
async def test_html_charset_from_the_header(client, store, label, codec, text):
    html = page(text)
    _, stored = await submitted(client, store, html.encode(codec), f"text/html; charset={label}")
    assert stored["html"] == html


@pytest.mark.parametrize("label,codec,text", PAGES)
async def test_html_charset_from_meta_tags(client, store, label, codec, text):
    for meta in (f'<meta charset="{label}">', f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'):
        html = page(text, meta)
        _, stored = await submitted(client, store, html.encode(codec), "text/html",
                                    {"url": f"https://example.com/{codec}/{len(meta)}"})
        assert stored["html"] == html


@pytest.mark.parametrize("label,codec,text", PAGES)
async def test_html_charset_detected_without_header_or_meta(client, store, label, codec, text):
    html = page(" ".join([text] * 6))  # detection needs a little text
    _, stored = await submitted(client, store, html.encode(codec), "text/html")
    assert stored["html"] == html


async def test_query_parameters_become_the_article_fields(client, store):
    html = page("Body of the page.")
    params = {"url": "https://example.com/a/1", "source": "Example", "title": "Given title", "external_id": "x-1",
              "published_at": "2024-05-28T10:00:00+09:00", "language": "en"}
    body, stored = await submitted(client, store, html.encode(), "text/html; charset=utf-8", params)
    assert stored["html"] == html
    for k in ("url", "source", "title", "external_id", "language"):
        assert stored[k] == params[k]
    assert stored["published_at"].startswith("2024-05-28T10:00:00")
    assert body["id"] == article_id(stored)
    again = await client.post("/v1/articles", data=html.encode(), headers={"Content-Type": "text/html"}, params=params)
    assert again.status == 200 and (await again.json())["duplicate"] is True


async def test_text_plain(client, store):
    text = "Zürich, 3 May. The council said « no » to the plan.\nSecond line."
    _, stored = await submitted(client, store, text.encode("utf-8"), "text/plain; charset=utf-8", {"source": "S"})
    assert stored["text"] == text and "html" not in stored and stored["source"] == "S"
    _, stored = await submitted(client, store, "Привет, мир. Это проверка.".encode("cp1251"),
                                "text/plain; charset=windows-1251")
    assert stored["text"] == "Привет, мир. Это проверка."


async def test_limits_and_errors(make_client):
    client = await make_client(max_article_bytes=200)
    big = page("x" * 300).encode()
    resp = await client.post("/v1/articles", data=big, headers={"Content-Type": "text/html"})
    assert resp.status == 413 and (await resp.json())["error"]["code"] == "payload_too_large"
    resp = await client.post("/v1/articles", data=b"x" * 201, headers={"Content-Type": "text/plain"})
    assert resp.status == 413
    # an unknown charset label
    resp = await client.post("/v1/articles", data=b"<p>x</p>", headers={"Content-Type": "text/html; charset=nope-42"})
    assert resp.status == 415 and (await resp.json())["error"]["code"] == "unsupported_media_type"
    # a content type neither JSON nor a page lists what is accepted
    resp = await client.post("/v1/articles", data=b"a,b", headers={"Content-Type": "text/csv"})
    err = (await resp.json())["error"]
    assert resp.status == 415 and {"text/html", "text/plain", "application/json"} <= set(err["details"]["accepted"])
    # 422: a bad query value, an unknown or repeated parameter, an empty page
    for params in ({"url": "not a url"}, {"published_at": "yesterday"}, {"colour": "red"}, [("url", "https://a.b/1"),
                                                                                           ("url", "https://a.b/2")]):
        resp = await client.post("/v1/articles", data=b"<p>Some text.</p>", headers={"Content-Type": "text/html"},
                                 params=params)
        assert resp.status == 422, params
        assert (await resp.json())["error"]["code"] == "validation_error"
    resp = await client.post("/v1/articles", data=b"   \n ", headers={"Content-Type": "text/plain"})
    assert resp.status == 422
    resp = await client.post("/v1/articles", data=b"", headers={"Content-Type": "text/html"})
    assert resp.status == 400
