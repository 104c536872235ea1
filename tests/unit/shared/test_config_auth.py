"""NEWSFLOW_AUTH: which listen addresses need keys; the lifetime attempt cap."""

from __future__ import annotations

import pytest

from shared.config import Settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("host, required", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                            ("127.0.0.2", False), ("0.0.0.0", True), ("", True), ("::", True),
                                            ("10.1.2.3", True), ("api.example.org", True)])
def test_loopback_mode_opens_only_loopback_listeners(host, required):
    assert Settings(host=host).auth_required is required
    assert Settings(host=host, auth="required").auth_required is True
    assert Settings(host=host, auth="off").auth_required is False


def test_auth_from_env_and_bad_values():
    assert Settings.from_env({"NEWSFLOW_AUTH": "required"}).auth_required
    with pytest.raises(ValueError, match="NEWSFLOW_AUTH"):
        Settings(auth="maybe").auth_required


def test_lifetime_attempts_default_and_override():
    assert Settings(max_attempts=5).lifetime_attempts == 15
    assert Settings.from_env({"NEWSFLOW_MAX_LIFETIME_ATTEMPTS": "7"}).lifetime_attempts == 7


@pytest.mark.parametrize("seconds", [0, -1])
def test_a_pool_start_without_a_limit_is_refused(seconds):
    # no limit would let a hanging pool restart hand every job back for ever, uncounted
    with pytest.raises(ValueError, match="NEWSFLOW_POOL_START_TIMEOUT_SECONDS"):
        Settings(pool_start_timeout_seconds=seconds)
    assert Settings(pool_start_timeout_seconds=0.5).pool_start_timeout_seconds == 0.5
