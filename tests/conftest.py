"""Shared fixtures: where the seeds and the real sample archive are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT / "seeds"
SAMPLE_ARCHIVE = REPO_ROOT.parent / "shared" / "sample-archive"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def sample_archive() -> Path:
    if not (SAMPLE_ARCHIVE / "news").is_dir():
        pytest.skip(f"the real sample archive is not beside this checkout ({SAMPLE_ARCHIVE})")
    return SAMPLE_ARCHIVE
