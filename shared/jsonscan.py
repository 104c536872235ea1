"""One walk over a parsed JSON article (``orjson.loads`` / ``json.loads`` output) that reports, in a
single pass, everything intake checks before and around validation:

* how deep objects and arrays nest, per top-level field (``too_deep`` is refused before pydantic
  recurses into it; the error names the first field, in the object's order, that nests too deep);
* whether any value is a float (orjson reads integers beyond 64 bits as floats: only then does
  intake look for such an integer in the raw bytes, ``services.intake.parse_exact``);
* whether ``metadata`` holds an integer outside the 64-bit range (it would not round-trip).

Iterative (a hostile document cannot exhaust the stack). Containers are ``dict``/``list`` (and
subclasses); any other value is a leaf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_METADATA_DEPTH = 32  # nesting levels of objects/arrays inside ``metadata`` (documented in the README)
MAX_DEPTH = MAX_METADATA_DEPTH + 1  # the same limit counted from the article (the article itself is level 1)
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 64 - 1  # integers kept exactly (orjson's range); others are refused

TOO_DEEP = f"nested deeper than {MAX_METADATA_DEPTH} levels"
BIG_INT = "integer out of the 64-bit range (it would not round-trip exactly; send it as a string)"


@dataclass(frozen=True, slots=True)
class Walk:
    """What one walk found in a value: its nesting depth (a scalar is 0, ``[]`` is 1), whether it holds
    a float, whether it holds an integer outside ``INT_MIN..INT_MAX``."""

    depth: int = 0
    floats: bool = False
    big_int: bool = False


LEAF = Walk()
FLOAT_LEAF = Walk(0, True, False)
BIG_INT_LEAF = Walk(0, False, True)


def walk(value: Any) -> Walk:
    """Depth, floats and out-of-range integers of ``value``, in one pass."""
    cls = value.__class__
    if cls is float:
        return FLOAT_LEAF
    if not isinstance(value, (dict, list)):
        if isinstance(value, int) and cls is not bool and not INT_MIN <= value <= INT_MAX:
            return BIG_INT_LEAF
        return LEAF
    deepest = 0
    floats = big = False
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > deepest:
            deepest = depth
        for child in (node.values() if isinstance(node, dict) else node):
            cls = child.__class__
            if cls is str:
                continue
            if cls is float:
                floats = True
            elif isinstance(child, (dict, list)):
                push((child, depth + 1))
            elif isinstance(child, int) and cls is not bool and not INT_MIN <= child <= INT_MAX:
                big = True
    return Walk(deepest, floats, big)


def value_problem(w: Walk, max_depth: int) -> str | None:
    """Why a walked value cannot be stored exactly (nested deeper than ``max_depth`` first, then an
    out-of-range integer); None when it can."""
    if w.depth > max_depth:
        return f"nested deeper than {max_depth} levels"
    return BIG_INT if w.big_int else None


@dataclass(slots=True)  # not frozen: made once per article, a frozen __init__ costs 0.3 µs more
class ArticleScan:
    too_deep: list[str] | None  # the error's loc: [field] nested deeper than MAX_METADATA_DEPTH, or [] (not an object)
    floats: bool                # a float anywhere
    metadata_problem: str | None  # why ``metadata`` cannot be stored exactly (None: it can, or there is none)


def scan_article(obj: Any) -> ArticleScan:
    """One walk over a submitted article (any parsed JSON value)."""
    if not isinstance(obj, dict):
        w = walk(obj)
        return ArticleScan([] if w.depth > MAX_DEPTH else None, w.floats, None)
    too_deep: list[str] | None = None
    floats = False
    metadata_problem = None
    for key, value in obj.items():
        cls = value.__class__
        if cls is str or value is None:  # most fields: nothing to walk
            continue
        w = walk(value)
        floats = floats or w.floats
        if too_deep is None and w.depth > MAX_METADATA_DEPTH:
            too_deep = [key]
        if key == "metadata":
            metadata_problem = value_problem(w, MAX_METADATA_DEPTH)
    return ArticleScan(too_deep, floats, metadata_problem)
