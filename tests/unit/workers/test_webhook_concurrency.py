"""NEWSFLOW_WEBHOOK_CONCURRENCY: the delivery worker's arq ``max_jobs`` (default 20), validated like the
other settings (a non-integer or a value below 1 stops the start-up with the variable's name)."""

from __future__ import annotations

import pytest

from shared.config import Settings
from workers.settings import delivery_options, worker_options

pytestmark = pytest.mark.unit

URL = "redis://127.0.0.1:1/0"  # options only: nothing connects


def test_default_and_environment_set_the_delivery_workers_max_jobs():
    assert Settings().webhook_concurrency == 20
    assert delivery_options(Settings(), URL)["max_jobs"] == 20
    settings = Settings.from_env({"NEWSFLOW_WEBHOOK_CONCURRENCY": "3"})
    assert delivery_options(settings, URL)["max_jobs"] == 3
    # the article worker's job slots are not the deliveries'
    assert worker_options(settings, URL)["max_jobs"] == worker_options(Settings(), URL)["max_jobs"]


@pytest.mark.parametrize("raw", ["0", "-2", "many", "2.5"])
def test_bad_values_name_the_variable(raw):
    with pytest.raises(ValueError, match="NEWSFLOW_WEBHOOK_CONCURRENCY"):
        Settings.from_env({"NEWSFLOW_WEBHOOK_CONCURRENCY": raw})
