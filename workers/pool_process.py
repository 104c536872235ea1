"""What runs inside a pipeline pool process (:class:`workers.pool.PipelinePool`'s processes).

:func:`init_process` gets the pipeline (the fork server's, shared, or built here with the
executor's ``factory``) and starts the memory watchdog (:mod:`workers.memory`). The parent submits
:func:`analyse` (one document), :func:`analyse_many` (a batch of ``newsflow analyze``, redone one
document at a time if it fails), :func:`analyse_batch` (the worker's micro-batch,
:mod:`workers.batching`) and :func:`warm_up`. They never raise: each run happens under the soft
timeout (``SIGALRM``) and its outcome is a small dict, ``{"ok": True, "document": …}`` or a failure
with ``transient``, ``code`` and ``error`` that the parent turns into
:class:`~workers.executor.TransientError` or :class:`~workers.executor.PermanentError`. After a run,
a process over the memory ceiling exits, naming the document that pushed it there.
"""

from __future__ import annotations

import os
import signal
import traceback
from typing import Any, Callable

import orjson

from . import memory, shared_pool

_pipeline: Any = None
_limit: tuple[int, str] = (0, "")  # (max RSS in bytes, folder of the memory watchdog's marks)


class _SoftTimeout(BaseException):
    """Raised by SIGALRM inside a pool process. A BaseException (like KeyboardInterrupt), so a
    stage's own ``except Exception`` fallback cannot swallow it and carry on past the deadline."""


def init_process(factory: Callable[[], Any] | None = None, max_rss: int = 0, marks: str = "") -> None:
    global _pipeline, _limit
    _limit = (max_rss, marks)
    shared_pool.die_with_parent()  # the worker (spawn) or the fork server, which dies with the worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    if max_rss > 0 and marks:
        memory.start_watchdog(max_rss, marks)
    if shared_pool.PIPELINE is not None:  # forked from the preloaded fork server: its pipeline, shared
        _pipeline = shared_pool.PIPELINE
        return
    if factory is None:
        from workers.pipeline import build_pipeline

        factory = build_pipeline
    _pipeline = factory()


def running_pipeline() -> Any:
    """The pipeline this pool process runs (None before :func:`init_process`)."""
    return _pipeline


def _on_alarm(signum: int, frame: Any) -> None:
    raise _SoftTimeout()


def _failing_stage(exc: BaseException) -> str:
    return getattr(_pipeline, "failed_stage", None) or "pipeline"


def analyse(article: dict[str, Any], doc_id: str | None, soft_timeout: float, as_json: bool = False) -> dict[str, Any]:
    """Run the pipeline on one article; never raises (the outcome is a small dict)."""
    memory.current_doc = doc_id
    try:
        outcome = _guarded(lambda: [_pipeline.run(article, doc_id)], soft_timeout, as_json)[0]
        _exit_if_over_limit(doc_id)  # this document pushed the process past it
        return outcome
    finally:
        memory.current_doc = None


def analyse_many(articles: list[dict[str, Any]], ids: list[str] | None, soft_timeout: float,
                 as_json: bool) -> list[dict[str, Any]]:
    """One outcome per article: the batch through ``run_many`` (soft timeout: ``soft_timeout`` per
    document); if it fails, one document at a time, so only the culprit gets the error."""
    outcomes = _guarded(lambda: _pipeline.run_many(articles, ids), soft_timeout * len(articles), as_json)
    if len(articles) > 1 and not outcomes[0]["ok"]:
        return [analyse(a, ids[i] if ids else None, soft_timeout, as_json) for i, a in enumerate(articles)]
    return outcomes


def analyse_batch(articles: list[dict[str, Any]], ids: list[str], soft_timeout: float) -> list[dict[str, Any]]:
    """The worker's micro-batch (:mod:`workers.batching`): one outcome per article through ``run_many``
    under one soft budget, or ``[failure]`` (the worker then redoes each document alone). The memory
    ceiling names no document here (the batch's are redone alone, and the culprit is named then)."""
    memory.current_doc = None
    outcomes = _guarded(lambda: _pipeline.run_many(articles, ids), soft_timeout, False)
    _exit_if_over_limit(None)
    return outcomes


def _exit_if_over_limit(doc_id: str | None) -> None:
    """End this pool process when it is over the memory ceiling (naming ``doc_id`` as the culprit)."""
    max_rss, marks = _limit
    if max_rss and marks and memory.over(max_rss):
        memory.exit_over_limit(doc_id, marks)


def _dumps(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS, default=str)


def _guarded(run: Callable[[], list[dict[str, Any]]], soft_timeout: float, as_json: bool) -> list[dict[str, Any]]:
    """``run()`` under the soft timeout: ``[{"ok": True, "document": …}, …]`` or ``[failure]``."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    if soft_timeout > 0:
        signal.setitimer(signal.ITIMER_REAL, soft_timeout)
    try:
        docs = run()
        signal.setitimer(signal.ITIMER_REAL, 0)
        return [{"ok": True, "document": _dumps(d) if as_json else d} for d in docs]
    except _SoftTimeout:
        return [{"ok": False, "transient": True, "code": "timeout",
                 "error": f"pipeline timed out after {soft_timeout:g}s"}]
    except MemoryError:
        return [{"ok": False, "transient": True, "code": "out_of_memory", "error": "pipeline ran out of memory"}]
    except Exception as exc:  # noqa: BLE001 - every stage error becomes this document's failure
        stage = _failing_stage(exc)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [{"ok": False, "transient": False, "stage": stage, "code": "stage_error",
                 "error": f"stage {stage!r} failed: {type(exc).__name__}: {exc}"[:2000],
                 "where": f"{os.path.basename(where.filename)}:{where.lineno}"}]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def warm_up() -> int:
    _pipeline.run({"text": "Warm-up: Ada Lovelace said the engine works in London."}, "warmup")
    return os.getpid()
