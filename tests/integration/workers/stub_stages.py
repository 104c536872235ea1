"""Stub pipeline stages for executor tests: no models, behaviour chosen by the article text.

``sleep`` sleeps (the soft timeout interrupts it; ``swallow`` too, inside ``except Exception``), ``gate PATH`` runs until
the file PATH exists (the test opens the gate when it has seen what it waits for: no guess of how long a
step of the test takes), ``hang`` sleeps with SIGALRM blocked (only the
hard timeout ends it), ``crash`` kills its own process, ``boom`` raises, ``hog N`` holds N MB for a while, ``leak N`` keeps N MB; anything else gives
``{"echo": {"chars": len(text)}}``; ``warmed`` gives the pid of the process where the stage's ``warm()``
ran (0 if it never ran: the fork server runs it, its pool processes inherit the result). Enabled with ``NEWSFLOW_STAGES=normalize,stub_stages:echo``
(this folder is on ``sys.path`` in the tests and in the pool processes they spawn).
``batch`` (``BATCH_STAGES``) says how many documents went through the pipeline together:
``{"batch": {"size": n, "pid": …}}`` (1 for a document analysed alone).
``NF_STUB_START_GATE=DIR``: once the file ``DIR/armed`` exists, building the ``echo`` stage (the start of
a pool process, spawned) touches ``DIR/waiting`` and waits until ``DIR/open`` exists (at most 120 s): a
pool (re)start that takes as long as the test wants.
"""

from __future__ import annotations

import os
import signal
import time

from pydantic import BaseModel

from workers.pipeline.registry import stage

STAGES = "normalize,stub_stages:echo"
BATCH_STAGES = "normalize,stub_stages:echo,stub_stages:batch"
_LEAKED: list[bytes] = []
_WARMED: list[int] = []


class Echo(BaseModel):
    chars: int


class EchoOutput(BaseModel):
    echo: Echo


def _logged(text: str, seconds: float) -> None:
    """Sleep ``seconds``; append ``text<TAB>pid<TAB>start<TAB>end`` to the file named by NF_STUB_LOG
    (the fault tests check that no article was analysed twice at the same time)."""
    start = time.time()
    time.sleep(seconds)
    _log(text, start)


def _gated(text: str, gate: str, limit: float = 120.0) -> None:
    """Run until the file ``gate`` exists (at most ``limit`` seconds); logged like :func:`_logged`."""
    start = time.time()
    while not os.path.exists(gate) and time.time() - start < limit:
        time.sleep(0.01)
    _log(text, start)


def _log(text: str, start: float) -> None:
    path = os.environ.get("NF_STUB_LOG")
    if path:
        with open(path, "a") as f:
            f.write(f"{text}\t{os.getpid()}\t{start:.6f}\t{time.time():.6f}\n")


def _echo(doc) -> EchoOutput:
    text = doc.text
    if text.startswith("sleep"):
        time.sleep(30)
    elif text.startswith("swallow"):  # a stage's own safety net must not hide the soft timeout
        try:
            time.sleep(30)
        except Exception:  # noqa: BLE001
            return EchoOutput(echo=Echo(chars=-1))
    elif text.startswith("hang"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)
    elif text.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    elif text.startswith("boom"):
        raise ValueError("boom")
    elif text.startswith("slow"):  # "slow 2.5 …": takes 2.5 s; with NF_STUB_LOG set, the run is logged
        _logged(text, float(text.split()[1]))
    elif text.startswith("gate"):  # "gate /tmp/x/open …": runs until /tmp/x/open exists; logged as "slow"
        _gated(text, text.split()[1])
    elif text.startswith("hog"):  # "hog 400": 400 MB resident for a few seconds (the watchdog ends it)
        hog = b"x" * (int(text.split()[1]) << 20)
        time.sleep(5)
        del hog
    elif text.startswith("warmed"):
        return EchoOutput(echo=Echo(chars=_WARMED[0] if _WARMED else 0))
    elif text.startswith("leak"):  # "leak 400": keeps 400 MB after the document is done
        _LEAKED.append(b"x" * (int(text.split()[1]) << 20))
    return EchoOutput(echo=Echo(chars=len(text)))


def _start_gate() -> None:
    gate = os.environ.get("NF_STUB_START_GATE")
    if not gate or not os.path.exists(os.path.join(gate, "armed")):
        return
    with open(os.path.join(gate, "waiting"), "a") as f:
        f.write(f"{os.getpid()}\n")
    start = time.time()
    while not os.path.exists(os.path.join(gate, "open")) and time.time() - start < 120:
        time.sleep(0.01)


@stage("echo", requires=["text"], assigns=["echo"], output=EchoOutput)
def make_echo():
    _start_gate()
    _echo.warm = lambda: _WARMED.append(os.getpid())
    return _echo


class BatchInfo(BaseModel):
    size: int
    pid: int


class BatchOutput(BaseModel):
    batch: BatchInfo


class _BatchSize:
    name = "batch"

    def __call__(self, doc) -> BatchOutput:
        return BatchOutput(batch=BatchInfo(size=1, pid=os.getpid()))

    def pipe(self, docs) -> None:
        for d in docs:
            d.set_output(BatchOutput(batch=BatchInfo(size=len(docs), pid=os.getpid())))


@stage("batch", requires=["text"], assigns=["batch"], output=BatchOutput)
def make_batch():
    return _BatchSize()
