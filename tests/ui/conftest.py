"""Fixtures for the interface tests: every test saves into its own folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def save_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A save folder for the test (also the default one, so nothing lands in saves/)."""
    folder = tmp_path / "saves"
    folder.mkdir()
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(folder))
    return folder
