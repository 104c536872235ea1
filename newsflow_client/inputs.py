"""Articles from files and stdin, by format: what ``newsflow submit`` accepts.

- ``.json``: one article object or an array of them; ``.ndjson`` / ``.jsonl``: one object per line
  (a ``.json`` file that is not one JSON value is read as NDJSON too);
- ``.txt``: the file is the article's ``text``; ``.html`` / ``.htm``: the file is its ``html``
  (both record ``metadata.file``, the file's name);
- ``-``: stdin, sniffed: JSON/NDJSON if it starts with ``{`` or ``[``, HTML if with ``<``, else text.

Standard library only (the client package depends on aiohttp alone).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["InputError", "Input", "json_articles", "read_articles", "read_inputs"]

JSON_SUFFIXES = (".json", ".ndjson", ".jsonl")
HTML_SUFFIXES = (".html", ".htm")


class InputError(ValueError):
    """An input that cannot be read as articles (missing file, bad JSON line, not UTF-8)."""


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")  # NaN/Infinity: the API would refuse them


def _loads(data: bytes) -> Any:
    return json.loads(data, parse_constant=_no_constants)


def json_articles(data: bytes, name: str = "<input>") -> list[Any]:
    """A JSON object (one article), a JSON array (its items), or NDJSON (one item per non-blank line)."""
    stripped = data.strip()
    if not stripped:
        return []
    try:
        obj = _loads(stripped)
    except ValueError:  # JSONDecodeError, or bytes that are not UTF-8
        items = []
        for n, line in enumerate(stripped.splitlines(), 1):
            if line.strip():
                try:
                    items.append(_loads(line))
                except ValueError as exc:
                    raise InputError(f"{name}: line {n} is not valid JSON ({exc})") from None
        return items
    return obj if isinstance(obj, list) else [obj]


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 ({exc})") from None


def read_articles(path: str, stdin: IO[bytes] | None = None) -> list[Any]:
    """Articles from one input: ``-`` (``stdin``, default ``sys.stdin.buffer``; sniffed), a
    .json/.ndjson/.jsonl, .txt or .html/.htm file, or any other file (sniffed like stdin)."""
    if path == "-":
        data = (stdin or sys.stdin.buffer).read()
        name, suffix = "<stdin>", ""
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{path}: no such file")
        data = p.read_bytes()
        name, suffix = path, p.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return json_articles(data, name)
    if suffix in HTML_SUFFIXES:
        return [{"html": _decode(data, name), "metadata": {"file": Path(path).name}}]
    if suffix == ".txt":
        return [{"text": _decode(data, name), "metadata": {"file": Path(path).name}}]
    if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"["):
        return json_articles(data, name)
    text = _decode(data, name)
    if text.lstrip()[:1] == "<":
        return [{"html": text}]
    return [{"text": text}] if text.strip() else []


@dataclass(frozen=True)
class Input:
    """One thing to submit, named for the output (``a.json``, ``a.ndjson:3``, ``page.html``, ``-``):
    an ``article`` (a JSON object, sent as JSON) or a raw ``body`` with its ``content_type``
    (``text/html`` or ``text/plain``, sent as it is so the API decodes its charset)."""

    label: str
    article: Any = None
    body: bytes | None = None
    content_type: str | None = None


def read_inputs(path: str, stdin: IO[bytes] | None = None) -> list[Input]:
    """What ``newsflow submit`` sends for one input: .html/.htm and .txt files as raw pages
    (``text/html``, ``text/plain``; any charset), JSON as articles (labelled ``file:N`` when the
    file holds more than one), stdin sniffed like :func:`read_articles`."""
    suffix = "" if path == "-" else Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES or suffix == ".txt":
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{path}: no such file")
        return [Input(path, body=p.read_bytes(), content_type="text/html" if suffix in HTML_SUFFIXES else "text/plain")]
    articles = read_articles(path, stdin)
    if len(articles) == 1:
        return [Input(path, article=articles[0])]
    return [Input(f"{path}:{n}", article=a) for n, a in enumerate(articles, 1)]
