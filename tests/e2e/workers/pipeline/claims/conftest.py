"""The claim-stage e2e tests share one pipeline (``build_pipeline()`` with the default settings): the
models are loaded once for the folder."""

from __future__ import annotations

import pytest

from workers.pipeline import build_pipeline


@pytest.fixture(scope="session")
def pipeline():
    return build_pipeline()
