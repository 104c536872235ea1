"""One walk over a parsed JSON article (``orjson.loads`` / ``json.loads`` output) that reports, in a
single pass, everything intake checks before and around validation:

* how deep objects and arrays nest, per top-level field (``too_deep`` is refused before pydantic
  recurses into it; the error names the first field, in the object's order, that nests too deep);
* whether any value is a float (orjson reads integers beyond 64 bits as floats: only then does
  :func:`parse_exact` look for such an integer in the raw bytes);
* whether ``metadata`` holds an integer outside the 64-bit range (it would not round-trip).

Iterative (a hostile document cannot exhaust the stack). Containers are ``dict``/``list`` (and
subclasses); any other value is a leaf. :func:`parse_exact` is the parse plus that walk, for every
reader of submitted articles (intake, ``newsflow analyze``), so the same bytes get the same errors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

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


_BIG_INT = re.compile(rb"\d{20,}")  # orjson reads integers beyond 64 bits as floats (precision lost)


def parse_exact(data: bytes, batch: bool = False) -> tuple[Any, Any]:
    """``orjson.loads`` plus the one walk of the result: ``(value, scan)``, where ``scan`` is the
    article's :class:`ArticleScan`, or with ``batch`` and an array, one per item. Raises
    ``orjson.JSONDecodeError`` on bytes that are not JSON (or not UTF-8).

    Integers too big for 64 bits come back exact (Python ints) so that validation can refuse them by
    name instead of storing a rounded float. orjson reads such an integer as a float, so the bytes
    are only searched for one when the walk saw a float (the search is ~190 µs on a 4 KB article);
    if there is one, the body is parsed again with ``json`` and that value walked."""
    obj = orjson.loads(data)
    scan = _scan(obj, batch)
    if (any(s.floats for s in scan) if isinstance(scan, list) else scan.floats) and _BIG_INT.search(data):
        try:
            obj = json.loads(data)  # valid JSON (orjson said so): the same values, integers exact
        except (RecursionError, ValueError):
            pass
        else:
            scan = _scan(obj, batch)
    return obj, scan


def _scan(obj: Any, batch: bool) -> ArticleScan | list[ArticleScan]:
    return [scan_article(item) for item in obj] if batch and isinstance(obj, list) else scan_article(obj)


def loads_exact(data: bytes) -> Any:
    """The value of :func:`parse_exact` (integers beyond 64 bits exact)."""
    return parse_exact(data)[0]
