"""Shared fixtures: where the seeds and the real sample archive are."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The two-version archive fixtures (versions, started) of the crash-safety and writer tests.
pytest_plugins = ["archive_versions"]

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT / "seeds"
SAMPLE_ARCHIVE = REPO_ROOT.parent / "shared" / "sample-archive"

# Property-based tests: the same examples on every run (a failure reproduces), no
# per-example deadline (speed is the benchmark's job), and large generated texts allowed.
settings.register_profile(
    "chronicle",
    derandomize=True,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("chronicle")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def sample_archive() -> Path:
    if not (SAMPLE_ARCHIVE / "news").is_dir():
        pytest.skip(f"the real sample archive is not beside this checkout ({SAMPLE_ARCHIVE})")
    return SAMPLE_ARCHIVE


@pytest.fixture(scope="session")
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("user-cache")


@pytest.fixture(autouse=True)
def no_real_user_cache(monkeypatch: pytest.MonkeyPatch, user_cache: Path) -> None:
    """No test writes to the real user cache (the index falls back there when it must)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
