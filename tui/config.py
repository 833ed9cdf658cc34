"""Where the archive, the index and the user's data live.

Each location comes from the first of: a command-line flag, an environment variable
(``CHRONICLE_ARCHIVE`` / ``CHRONICLE_INDEX``), the ``config.toml`` in the user config
directory (or the file ``CHRONICLE_CONFIG`` names) with keys ``archive`` and ``index``,
and finally the checkout's own ``seeds/`` and ``index/``. An index directory that cannot
be written (read-only, or a file in the way) gives way to one in the user cache
directory, with a note saying so.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "chronicle"
CONFIG_NAME = "config.toml"
ARCHIVES_DIR = "archives"  # in the user data directory: one folder per archive
ARCHIVE_STEM_LENGTH = 32


class ChronicleError(Exception):
    """A problem a person can act on; the CLI prints it as one line, never a traceback."""


class ConfigError(ChronicleError):
    """The configuration file cannot be read or has wrong values."""


def repo_root() -> Path:
    """The checkout the ``tui`` package sits in."""
    return Path(__file__).resolve().parents[1]


def config_file() -> Path:
    override = os.environ.get("CHRONICLE_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_NAME


def load_config(path: Path | None = None) -> dict[str, Path]:
    """The locations a config file sets; relative paths are relative to the file."""
    path = path or config_file()
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    found: dict[str, Path] = {}
    for key in ("archive", "index"):
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"config file {path}: {key!r} must be a path in quotes")
        location = Path(value).expanduser()
        found[key] = location if location.is_absolute() else path.parent / location
    return found


@dataclass(frozen=True, slots=True)
class Locations:
    archive: Path
    index: Path
    notes: tuple[str, ...] = ()


def locations(archive: str | Path | None = None, index: str | Path | None = None) -> Locations:
    """Resolve both locations: flags, then environment, then config file, then defaults."""
    config: dict[str, Path] | None = None

    def pick(flag: str | Path | None, env: str, key: str, default: Path) -> Path:
        nonlocal config
        if flag:
            return Path(flag).expanduser()
        if os.environ.get(env):
            return Path(os.environ[env]).expanduser()
        if config is None:
            config = load_config()
        return config.get(key, default)

    root = repo_root()
    chosen_archive = pick(archive, "CHRONICLE_ARCHIVE", "archive", root / "seeds")
    chosen_index = pick(index, "CHRONICLE_INDEX", "index", root / "index")
    problem = unwritable(chosen_index)
    if problem:
        fallback = fallback_index(chosen_archive)
        if not unwritable(fallback):
            note = f"cannot write the index in {chosen_index} ({problem}); using {fallback}"
            return Locations(chosen_archive, fallback, (note,))
    return Locations(chosen_archive, chosen_index)


def unwritable(directory: Path) -> str:
    """Why ``directory`` cannot be created or written, or "" when it can.

    Nothing is created: the nearest existing ancestor is what decides.
    """
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a directory"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is read-only"
    return ""


def fallback_index(archive: Path) -> Path:
    """The index location in the user cache directory, one per archive."""
    digest = hashlib.sha256(str(archive.expanduser().resolve()).encode("utf-8", "surrogateescape"))
    return Path(platformdirs.user_cache_dir(APP_NAME)) / f"index-{digest.hexdigest()[:16]}"


def archive_data_dir(data_dir: Path, archive: Path) -> Path:
    """The folder of ``data_dir`` keeping one archive's history, last place and bookmarks.

    Its name is a short readable stem of the archive's resolved path (its last part, cut
    to letters, digits, ``-`` and ``_``) plus a hash of the whole path: two archives never
    share a folder, and the name is safe on any file system.
    """
    try:
        resolved = Path(archive).expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: the path as written still names it
        resolved = Path(os.path.abspath(Path(archive).expanduser()))
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", resolved.name)[:ARCHIVE_STEM_LENGTH].strip("-_")
    return Path(data_dir) / ARCHIVES_DIR / f"{stem or 'archive'}-{digest[:16]}"


def user_data_dir() -> Path:
    """Where bookmarks and history go (``CHRONICLE_DATA`` overrides); created on demand.

    Settings shared by every archive sit at its top; each archive's own places sit in
    its :func:`archive_data_dir`.
    """
    override = os.environ.get("CHRONICLE_DATA")
    path = Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the data directory {path}: {exc.strerror}") from None
    return path
