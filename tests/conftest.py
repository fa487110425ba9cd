"""Shared fixtures: a fresh library in a temp folder, paths to ../shared data (skip if absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcite import Medcite

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared benchmark data at run time")
    return path


@pytest.fixture
def app(tmp_path: Path):
    """A Medcite over an empty library in a temporary folder (real SQLite, real files)."""
    instance = Medcite.open(tmp_path / "library")
    yield instance
    instance.close()
