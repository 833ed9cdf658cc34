"""Where an index lives on disk: generations behind an atomic pointer.

``index_dir/CURRENT`` names the generation directory in use (``gen-...``), which holds
the Whoosh index (``whoosh/``) and the catalog (``catalog.sqlite``). A full build
writes a fresh generation and replaces ``CURRENT`` (temp file + ``os.replace``) only
once both are committed, so an interrupted build never disturbs readers.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from tui.config import ChronicleError

POINTER = "CURRENT"
WHOOSH_DIR = "whoosh"
GEN_PREFIX = "gen-"


class IndexMissing(ChronicleError):
    """No index has been built in this directory yet."""


class IndexDamaged(ChronicleError):
    """The index cannot be read as it is; rebuilding it fixes that."""


class IndexOutdated(IndexDamaged):
    """The index was written with another schema version."""


class ArchiveMissing(ChronicleError):
    """The archive directory does not exist or is not a directory."""


class IndexUnwritable(ChronicleError):
    """The index directory cannot be created or written."""


def current_generation(index_dir: Path) -> Path | None:
    """The generation directory ``CURRENT`` names, or None when there is no index."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise IndexDamaged(f"cannot read {index_dir / POINTER}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise IndexDamaged(f"{index_dir / POINTER} is not text") from None
    if not name.startswith(GEN_PREFIX) or "/" in name:
        raise IndexDamaged(f"{index_dir / POINTER} does not name an index generation")
    return index_dir / name


def pointer_state(index_dir: Path) -> tuple[int, int] | None:
    """A cheap fingerprint of ``CURRENT`` (inode, mtime) that changes when a build switches."""
    try:
        st = os.stat(index_dir / POINTER)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def new_generation(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = index_dir / f"{GEN_PREFIX}{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    path.mkdir()
    return path


def switch_generation(index_dir: Path, generation: Path) -> None:
    """Point ``CURRENT`` at ``generation`` atomically (and durably)."""
    temp = index_dir / f".{POINTER}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, index_dir / POINTER)
    dir_fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_generations(index_dir: Path, keep: set[str]) -> None:
    """Delete generation directories (and stray temp pointers) not named in ``keep``."""
    for path in index_dir.iterdir():
        if path.name.startswith(GEN_PREFIX) and path.name not in keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{POINTER}.") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


def whoosh_step(meta: dict[str, str], whoosh_latest: int) -> str:
    """How the Whoosh index stands to the catalog: ``same``, ``ahead`` or ``behind``.

    An update commits Whoosh, then the catalog (which records the Whoosh generation it
    matches): Whoosh ``ahead`` means an update is between its two commits, or was
    stopped there; ``behind`` means Whoosh lost commits (damage). Catalogs written
    before the generation was recorded count as ``same``.
    """
    recorded = meta.get("whoosh_generation", "")
    if not recorded.isdigit() or int(recorded) == whoosh_latest:
        return "same"
    return "ahead" if whoosh_latest > int(recorded) else "behind"
