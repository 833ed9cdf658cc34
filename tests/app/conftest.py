"""Indexes built once per session (seeds, and a small linked archive) shared by the app tests.

The app only reads the index, so tests share it; each test gets its own user data
directory and a fake browser that records what it was asked to open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from chronicle_testing import Browser, build_archive_index, linked_files

from tui.app import create_app
from tui.app.chronicle_app import ChronicleApp


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shipped seeds, indexed once."""
    return build_archive_index(tmp_path_factory.mktemp("seeds"), "seeds", {})


@pytest.fixture(scope="session")
def linked_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Seeds plus a few events that link to each other, a day page and a markup headline."""
    return build_archive_index(tmp_path_factory.mktemp("linked"), "linked", linked_files())


@pytest.fixture
def browser() -> Browser:
    return Browser()


@pytest.fixture
def make_app(tmp_path: Path, browser: Browser) -> Callable[..., ChronicleApp]:
    """create_app over a chosen (archive, index), with this test's own user data dir."""

    def make(where: tuple[Path, Path], data_dir: Path | None = None) -> ChronicleApp:
        archive, index = where
        return create_app(archive, index, data_dir or tmp_path / "data", open_url=browser)

    return make
