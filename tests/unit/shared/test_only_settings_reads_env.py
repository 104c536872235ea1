"""Only ``shared/config.py`` (``Settings``) reads the environment: a source scan of services/,
workers/ and shared/ for ``os.environ`` / ``os.getenv`` (and ``environ``/``getenv`` imported from os)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
ALLOWED = {"shared/config.py"}
# shared/supervise.py (the cli branch) asks whether NEWSFLOW_PORT was set, to tell a chosen port
# from the default; to be replaced by a Settings field (e.g. "port explicitly set").
PENDING: set[str] = set()


def env_reads(source: str) -> list[int]:
    """Line numbers that read the environment. Handing the whole environment on to a child process
    (``{**os.environ, …}``) is not reading it."""
    tree = ast.parse(source)
    passed_on = {id(v) for node in ast.walk(tree) if isinstance(node, ast.Dict)
                 for k, v in zip(node.keys, node.values) if k is None}
    lines = []
    for node in ast.walk(tree):
        if id(node) in passed_on:
            continue
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and any(a.name in ("environ", "getenv", "environb") for a in node.names):
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_env_reads() -> None:
    assert env_reads("import os\nx = os.environ.get('A')\n") == [2]
    assert env_reads("import os\n\n\ny = os.getenv('B')\n") == [4]
    assert env_reads("from os import environ\n") == [1]
    assert env_reads("import os\nos.path.join('a')\n") == []
    assert env_reads("import os\nenv = {**os.environ, 'A': '1'}\n") == []


def test_only_settings_reads_the_environment() -> None:
    offenders = {}
    for folder in ("services", "workers", "shared"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED or rel in PENDING:
                continue
            lines = env_reads(path.read_text(encoding="utf-8"))
            if lines:
                offenders[rel] = lines
    assert not offenders, f"read the environment outside shared/config.py (add a Settings field): {offenders}"
