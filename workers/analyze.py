"""``newsflow analyze``: NDJSON articles in → NDJSON documents out, in input order, no Redis.

Runs exactly :func:`workers.pipeline.build_pipeline` (the worker's pipeline) on articles validated
by the intake schema, so a document has the same id and shape whichever way it was produced.
Streams: lines are read in chunks, each chunk goes through ``Pipeline.run_many`` (stages batch
their work), results are written before the next chunks are read. ``jobs > 1`` spreads chunks over
processes (each builds the pipeline once) with a bounded window of chunks in flight, still
writing in input order. A bad line (invalid JSON, schema error, a stage crashing on it) gives an
error object on its own output line; the run goes on.
"""

from __future__ import annotations

import collections
import concurrent.futures
import concurrent.futures.process
import multiprocessing
from typing import Any, BinaryIO, Iterable, Iterator

import orjson

from workers.pipeline.base import iter_chunks

_pipeline: Any = None


def _get_pipeline() -> Any:
    global _pipeline
    if _pipeline is None:
        from workers.pipeline import build_pipeline

        _pipeline = build_pipeline()
    return _pipeline


def _error(code: str, message: str, line: int, details: Any = None, doc_id: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"line": line, "error": {"code": code, "message": message, "details": details}}
    if doc_id:
        out["id"] = doc_id
    return out


def _parse(raw: bytes, line: int) -> dict[str, Any]:
    """An input line → ``{"article": …}`` or an error object."""
    from shared.schemas import validate_article

    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return _error("invalid_json", f"line is not valid JSON: {exc}", line)
    article, errors = validate_article(obj)
    if article is None:
        return _error("validation_error", "the article does not match the schema", line, errors)
    return {"article": article}


def analyse_chunk(chunk: list[tuple[int, bytes]]) -> list[bytes]:
    """Analyse one chunk of ``(line number, raw line)``; one serialised output line per input line."""
    from shared.ids import article_id

    pipeline = _get_pipeline()
    parsed = [_parse(raw, n) for n, raw in chunk]
    good = [i for i, p in enumerate(parsed) if "article" in p]
    articles = [parsed[i]["article"] for i in good]
    results: list[dict[str, Any]] = [p for p in parsed]
    try:
        docs = pipeline.run_many(articles) if articles else []
    except Exception:  # noqa: BLE001 - one document broke the batch: redo one by one to isolate it
        docs = []
        for i, article in zip(good, articles):
            try:
                docs.append(pipeline.run(article))
            except Exception as exc:  # noqa: BLE001
                docs.append(_error("stage_error", f"{type(exc).__name__}: {exc}"[:2000], chunk[i][0],
                                   doc_id=article_id(article)))
    for i, doc in zip(good, docs):
        results[i] = doc
    return [orjson.dumps(r, option=orjson.OPT_NON_STR_KEYS, default=str) for r in results]


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their 1-based line numbers."""
    for n, raw in enumerate(stream, 1):
        raw = raw.strip()
        if raw:
            yield n, raw


def _init_process() -> None:
    _get_pipeline()


def run(stdin: BinaryIO, stdout: BinaryIO, jobs: int = 1, chunk_size: int = 32) -> int:
    """Analyse every line of ``stdin``; returns the number of lines written."""
    written = 0

    def emit(lines: list[bytes]) -> None:
        nonlocal written
        stdout.write(b"\n".join(lines) + b"\n")
        stdout.flush()
        written += len(lines)

    if jobs <= 1:
        for chunk in iter_chunks(numbered_lines(stdin), chunk_size):
            emit(analyse_chunk(chunk))
        return written

    window = jobs * 2  # chunks in flight: keeps every process busy, memory bounded
    ctx = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_process)
    pending: collections.deque[tuple[list[tuple[int, bytes]], concurrent.futures.Future[list[bytes]]]] = \
        collections.deque()

    def settle() -> None:
        nonlocal pool
        chunk, fut = pending.popleft()
        try:
            emit(fut.result())
        except concurrent.futures.process.BrokenProcessPool:
            # a process died (crash, OOM killer) on some line of this chunk: say so on those lines,
            # start a fresh pool and resubmit what was in flight behind it
            emit([orjson.dumps(_error("process_died", "the analysis process died on this chunk", n))
                  for n, _ in chunk])
            pool.shutdown(wait=False, cancel_futures=True)
            pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_process)
            for i, (c, _) in enumerate(pending):
                pending[i] = (c, pool.submit(analyse_chunk, c))

    try:
        for chunk in iter_chunks(numbered_lines(stdin), chunk_size):
            pending.append((chunk, pool.submit(analyse_chunk, chunk)))
            while len(pending) >= window:
                settle()
        while pending:
            settle()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return written
