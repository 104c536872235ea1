"""``newsflow_client.inputs``: which articles each input format gives, and the errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from newsflow_client.inputs import InputError, json_articles, read_articles

pytestmark = pytest.mark.unit


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


@pytest.mark.parametrize("name", ["a.json", "a.ndjson", "a.jsonl", "A.JSON"])
def test_json_files_take_an_object_an_array_or_lines(tmp_path: Path, name: str) -> None:
    assert read_articles(write(tmp_path, name, '{"text": "one"}')) == [{"text": "one"}]
    assert read_articles(write(tmp_path, name, '[{"text": "a"}, {"text": "b"}]')) == [{"text": "a"}, {"text": "b"}]
    lines = '{"text": "a"}\n\n  \n{"text": "b"}\n'
    assert read_articles(write(tmp_path, name, lines)) == [{"text": "a"}, {"text": "b"}]
    assert read_articles(write(tmp_path, name, "  \n")) == []


def test_an_array_line_in_ndjson_is_one_item_not_spread(tmp_path: Path) -> None:
    got = read_articles(write(tmp_path, "x.ndjson", '{"text": "a"}\n[1, 2]\n'))
    assert got == [{"text": "a"}, [1, 2]]  # the API rejects the odd item; the reader keeps positions


def test_text_and_html_files_become_one_article_named_after_the_file(tmp_path: Path) -> None:
    assert read_articles(write(tmp_path, "story.txt", "Plain\u00a0story.\n")) == [
        {"text": "Plain\u00a0story.\n", "metadata": {"file": "story.txt"}}]
    for name in ("page.html", "page.HTM"):
        assert read_articles(write(tmp_path, name, "<p>Hi</p>")) == [{"html": "<p>Hi</p>", "metadata": {"file": name}}]
    # a .txt that looks like JSON is still text
    assert read_articles(write(tmp_path, "j.txt", '{"text": "x"}'))[0]["text"] == '{"text": "x"}'
    # the UTF-8 byte order mark is dropped
    assert read_articles(write(tmp_path, "bom.txt", b"\xef\xbb\xbfHello"))[0]["text"] == "Hello"


@pytest.mark.parametrize(("data", "expected"), [
    (b'[{"text": "x"}]', [{"text": "x"}]),
    (b'  {"text": "x"}\n{"text": "y"}', [{"text": "x"}, {"text": "y"}]),
    (b'\xef\xbb\xbf{"text": "x"}', [{"text": "x"}]),
    (b"<p>page</p>", [{"html": "<p>page</p>"}]),
    (b"\n  <html></html>", [{"html": "\n  <html></html>"}]),
    (b"just words", [{"text": "just words"}]),
    (b" \n\t", []),
    (b"", []),
])
def test_stdin_is_sniffed(data: bytes, expected: list) -> None:
    assert read_articles("-", io.BytesIO(data)) == expected


def test_other_suffixes_are_sniffed_like_stdin(tmp_path: Path) -> None:
    assert read_articles(write(tmp_path, "feed.out", '[{"text": "x"}]')) == [{"text": "x"}]
    assert read_articles(write(tmp_path, "page", "<div>x</div>")) == [{"html": "<div>x</div>"}]
    assert read_articles(write(tmp_path, "notes.md", "# words")) == [{"text": "# words"}]


def test_errors_name_the_input_and_the_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.ndjson", '{"text": "a"}\n{"text": "b"}\n{oops\n')
    with pytest.raises(InputError, match=r"bad\.ndjson: line 3 is not valid JSON"):
        read_articles(bad)
    with pytest.raises(InputError, match="no such file"):
        read_articles(str(tmp_path / "missing.json"))
    with pytest.raises(InputError, match="no such file"):
        read_articles(str(tmp_path))  # a directory
    with pytest.raises(InputError, match="not UTF-8"):
        read_articles(write(tmp_path, "latin.txt", "café".encode("latin-1")))
    with pytest.raises(InputError, match="<stdin>: line 1"):
        read_articles("-", io.BytesIO(b'{"text": \xff}'))


def test_nan_and_infinity_are_refused_like_the_api_does() -> None:
    for const in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(InputError, match="line 1"):
            json_articles(f'{{"text": "x", "n": {const}}}'.encode(), "in")


def test_json_articles_keeps_any_json_value_in_order() -> None:
    items = [{"text": "a"}, {"html": "<p>b</p>"}, {"text": "ü", "metadata": {"k": [1, 2.5, None]}}]
    assert json_articles(json.dumps(items).encode()) == items
    assert json_articles("\n".join(json.dumps(i, ensure_ascii=False) for i in items).encode()) == items
