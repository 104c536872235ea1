"""Stub pipeline stages for executor tests: no models, behaviour chosen by the article text.

``sleep`` sleeps (the soft timeout interrupts it; ``swallow`` too, inside ``except Exception``), ``hang`` sleeps with SIGALRM blocked (only the
hard timeout ends it), ``crash`` kills its own process, ``boom`` raises, ``hog N`` holds N MB for a while, ``leak N`` keeps N MB; anything else gives
``{"echo": {"chars": len(text)}}``. Enabled with ``NEWSFLOW_STAGES=normalize,stub_stages:echo``
(this folder is on ``sys.path`` in the tests and in the pool processes they spawn).
"""

from __future__ import annotations

import os
import signal
import time

from pydantic import BaseModel

from workers.pipeline.registry import stage

STAGES = "normalize,stub_stages:echo"
_LEAKED: list[bytes] = []


class Echo(BaseModel):
    chars: int


class EchoOutput(BaseModel):
    echo: Echo


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
    elif text.startswith("hog"):  # "hog 400": 400 MB resident for a few seconds (the watchdog ends it)
        hog = b"x" * (int(text.split()[1]) << 20)
        time.sleep(5)
        del hog
    elif text.startswith("leak"):  # "leak 400": keeps 400 MB after the document is done
        _LEAKED.append(b"x" * (int(text.split()[1]) << 20))
    return EchoOutput(echo=Echo(chars=len(text)))


@stage("echo", requires=["text"], assigns=["echo"], output=EchoOutput)
def make_echo():
    return _echo
