"""Locations: flags, then environment, then the config file, then the checkout's defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import ConfigError, locations, repo_root, user_data_dir


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CHRONICLE_ARCHIVE", "CHRONICLE_INDEX", "CHRONICLE_DATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHRONICLE_CONFIG", str(tmp_path / "absent.toml"))


def test_defaults_are_the_checkout() -> None:
    where = locations()
    assert where.archive == repo_root() / "seeds"
    assert where.index == repo_root() / "index"
    assert (repo_root() / "tui" / "config.py").is_file()


def test_config_file_then_env_then_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "conf" / "config.toml"
    config.parent.mkdir()
    config.write_text('archive = "arch"\nindex = "/abs/index"\n', encoding="utf-8")
    monkeypatch.setenv("CHRONICLE_CONFIG", str(config))
    where = locations()
    assert where.archive == config.parent / "arch" and where.index == Path("/abs/index")
    monkeypatch.setenv("CHRONICLE_ARCHIVE", "/env/archive")
    assert locations().archive == Path("/env/archive")
    assert locations().index == Path("/abs/index")
    assert locations(archive="/flag/a", index="/flag/i") == type(where)(
        Path("/flag/a"), Path("/flag/i"))


def test_bad_config_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("archive = [unclosed", encoding="utf-8")
    monkeypatch.setenv("CHRONICLE_CONFIG", str(config))
    with pytest.raises(ConfigError, match="not valid TOML"):
        locations()
    config.write_text("archive = 3", encoding="utf-8")
    with pytest.raises(ConfigError, match="'archive' must be a path"):
        locations()
    assert locations(archive="/a", index="/i").index == Path("/i")


def test_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHRONICLE_DATA", str(tmp_path / "data"))
    assert user_data_dir() == tmp_path / "data" and (tmp_path / "data").is_dir()


def test_user_data_dir_that_cannot_be_made(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("CHRONICLE_DATA", str(tmp_path / "file" / "data"))
    with pytest.raises(ConfigError, match="cannot create the data directory"):
        user_data_dir()
