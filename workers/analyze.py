"""``newsflow analyze``: NDJSON articles in → NDJSON documents out, in input order, no Redis.

Runs exactly the worker's pipeline (:func:`workers.pipeline.build_pipeline` with the same
:class:`~shared.config.Settings`) in the worker's process pool (:class:`workers.executor.
PipelineExecutor`: soft and hard timeouts per document, a dead pool process replaced) on articles
validated by the intake schema, so a document has the same id and shape whichever way it was
produced. Streams: lines are read in chunks, each chunk goes through ``Pipeline.run_many`` in a
pool process (stages batch their work), results are written before the next chunks are read.
``jobs`` processes work on a bounded window of chunks in flight, still writing in input order.
A bad line (invalid JSON, schema error, a stage crashing on it, a timeout, its pool process dying)
gives an error object ``{"line", "error": {code, message, details}}`` on its own output line; the
run goes on.
"""

from __future__ import annotations

import collections
import functools
from typing import Any, BinaryIO, Callable, Iterator

import orjson

from shared.config import Settings
from shared.jsonscan import parse_exact
from workers.executor import Batch, PipelineExecutor, pipeline_timeouts
from workers.pipeline.base import iter_chunks


def _error(code: str, message: str, line: int, details: Any = None, doc_id: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"line": line, "error": {"code": code, "message": message, "details": details}}
    if doc_id:
        out["id"] = doc_id
    return out


def _parse(raw: bytes, line: int) -> dict[str, Any]:
    """An input line → ``{"article": …}`` or an error object. Read and validated as intake reads a
    ``POST /v1/articles`` body (:func:`shared.jsonscan.parse_exact`, then ``validate_article`` with its
    scan): an integer beyond 64 bits, a too deep ``metadata``… get intake's ``validation_error`` details."""
    from shared.schemas import validate_article

    try:
        obj, scan = parse_exact(raw)
    except orjson.JSONDecodeError as exc:
        return _error("invalid_json", f"line is not valid JSON: {exc}", line)
    article, errors = validate_article(obj, scan=scan)
    if article is None:
        return _error("validation_error", "the article does not match the schema", line, errors)
    return {"article": article}


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their 1-based line numbers."""
    for n, raw in enumerate(stream, 1):
        raw = raw.strip()
        if raw:
            yield n, raw


_CODES = {"worker_process_died": "process_died"}


class _Chunk:
    """One chunk of input lines: parse results, and the batch of its valid articles in the pool."""

    def __init__(self, executor: PipelineExecutor, chunk: list[tuple[int, bytes]]) -> None:
        self.lines = [n for n, _ in chunk]
        self.parsed = [_parse(raw, n) for n, raw in chunk]
        self.good = [i for i, p in enumerate(self.parsed) if "article" in p]
        articles = [self.parsed[i]["article"] for i in self.good]
        self.batch: Batch | None = executor.submit_many(articles) if articles else None

    def output(self, executor: PipelineExecutor) -> list[bytes]:
        from shared.ids import article_id

        out = [orjson.dumps(p, option=orjson.OPT_NON_STR_KEYS, default=str) for p in self.parsed]
        if self.batch is None:
            return out
        for i, outcome in zip(self.good, executor.results(self.batch)):
            if outcome["ok"]:
                out[i] = outcome["document"]
            else:
                code = _CODES.get(outcome["code"], outcome["code"])
                out[i] = orjson.dumps(_error(code, outcome["error"], self.lines[i],
                                             doc_id=article_id(self.parsed[i]["article"])))
        return out


def run(stdin: BinaryIO, stdout: BinaryIO, jobs: int = 1, chunk_size: int = 32,
        settings: Settings | None = None, executor: PipelineExecutor | None = None,
        on_written: Callable[[int], None] | None = None) -> int:
    """Analyse every line of ``stdin``; returns the number of lines written.

    ``executor``: the pool to use (default: ``jobs`` processes building the pipeline from
    ``settings``, with the worker's per-document timeouts for ``settings.job_timeout_seconds``).
    ``on_written`` is called with the number of lines written so far after each chunk.
    """
    settings = settings or Settings.from_env()
    own = executor is None
    if executor is None:
        from workers.pipeline.registry import build_pipeline

        soft, hard = pipeline_timeouts(settings.job_timeout_seconds)
        executor = PipelineExecutor(jobs, soft, hard, factory=functools.partial(build_pipeline, settings),
                                    start=settings.pool_start)
    written = 0

    def emit(lines: list[bytes]) -> None:
        nonlocal written
        stdout.write(b"\n".join(lines) + b"\n")
        stdout.flush()
        written += len(lines)
        if on_written is not None:
            on_written(written)

    window = max(1, executor.processes) * 2  # chunks in flight: keeps every process busy, memory bounded
    pending: collections.deque[_Chunk] = collections.deque()

    def settle() -> None:
        emit(pending.popleft().output(executor))
        for c in pending:  # the pool may have been replaced (hard timeout, dead process): send again
            if c.batch is not None:
                executor.resubmit(c.batch)

    try:
        for chunk in iter_chunks(numbered_lines(stdin), chunk_size):
            pending.append(_Chunk(executor, chunk))
            while len(pending) >= window:
                settle()
        while pending:
            settle()
    finally:
        if own:
            executor.close()
    return written
