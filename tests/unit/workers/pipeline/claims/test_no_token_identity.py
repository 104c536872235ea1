"""spaCy makes a new ``Token`` on every access, so ``x.head is x`` is always False: the pipeline
compares tokens by index (the behaviour itself is tested in tests/e2e/.../test_token_identity.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[5]


def test_no_identity_comparison_of_a_tokens_head_in_the_pipeline():
    """``x.head is x`` is always False (and ``is not`` always True): compare ``.i``."""
    bad = []
    for p in sorted((ROOT / "workers" / "pipeline").rglob("*.py")):
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not isinstance(n, ast.Compare):
                continue
            sides = [n.left, *n.comparators]
            for op, a, b in zip(n.ops, sides, sides[1:]):
                if isinstance(op, (ast.Is, ast.IsNot)) and not isinstance(a, ast.Constant) \
                        and not isinstance(b, ast.Constant) and ".head" in ast.unparse(a) + ast.unparse(b):
                    bad.append(f"{p.relative_to(ROOT)}:{n.lineno}: {ast.unparse(n)}")
    assert not bad, bad
