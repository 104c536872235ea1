"""``shared/redis_server.py``: the embedded Redis's data folder is made private (0700); a folder this user
does not own (chmod raises PermissionError: shared or mounted data directory) used to stop the start with
a traceback; now the start goes on and a folder readable by others is warned about. (The tests run as
root, which may chmod anything: the refusal is simulated.)"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from shared import redis_server

pytestmark = pytest.mark.unit


def refuse(path, mode, *args, **kwargs):
    raise PermissionError(1, "Operation not permitted", str(path))


def test_a_folder_that_cannot_be_chmodded_is_warned_about_when_others_can_read_it(tmp_path: Path, monkeypatch,
                                                                                  caplog) -> None:
    shared_dir = tmp_path / "shared"
    shared_dir.mkdir()
    os.chmod(shared_dir, 0o755)
    monkeypatch.setattr(redis_server.os, "chmod", refuse)
    caplog.set_level(logging.WARNING, logger="newsflow.redis")
    redis_server._private_dir(shared_dir)
    [warning] = [r.getMessage() for r in caplog.records]
    assert str(shared_dir) in warning and "755" in warning


def test_a_private_folder_that_cannot_be_chmodded_is_fine(tmp_path: Path, monkeypatch, caplog) -> None:
    private = tmp_path / "private"
    private.mkdir()
    os.chmod(private, 0o700)
    monkeypatch.setattr(redis_server.os, "chmod", refuse)
    caplog.set_level(logging.WARNING, logger="newsflow.redis")
    redis_server._private_dir(private)
    assert not caplog.records


def test_the_folder_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    folder.mkdir()
    os.chmod(folder, 0o755)
    redis_server._private_dir(folder)
    assert folder.stat().st_mode & 0o777 == 0o700
