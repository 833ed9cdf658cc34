"""Whether an archive's files still match its index: added, changed or removed files.

Checking means listing every file of the archive (176,000 at 100,000 events) and
comparing it with the catalog's record of each: seconds of CPU and tens of megabytes
of dictionaries. The app asks a child process (``python -m tui.freshness INDEX
ARCHIVE``), so that work neither competes with the interface for Python's one lock
nor stays in the app's memory; the CLI asks in-process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui.index.catalog import Catalog

EXIT_UNCHANGED = 0
EXIT_CHANGED = 1
EXIT_FAILED = 2
CHILD_TIMEOUT = 600.0


class FreshnessUnknown(Exception):
    """The check could not be made; the message says why."""


def archive_changed(catalog: Catalog, archive_dir: Path) -> bool:
    """Whether the archive's files differ (added, removed, touched) from the catalog's."""
    from tui.index.builder import scan_archive  # the builder and parsers load only here

    if catalog.meta().get("archive") != str(Path(archive_dir).expanduser().resolve()):
        return True
    return scan_archive(Path(archive_dir)) != catalog.file_states()


def changed_in_child(index_dir: Path, archive_dir: Path, timeout: float = CHILD_TIMEOUT) -> bool:
    """``archive_changed`` for the current index of ``index_dir``, run in a child process.

    Raises FreshnessUnknown when the child cannot run or cannot tell.
    """
    command = [sys.executable, "-m", "tui.freshness", str(index_dir), str(archive_dir)]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise FreshnessUnknown(f"could not check {archive_dir} for changes ({exc})") from None
    if done.returncode in (EXIT_UNCHANGED, EXIT_CHANGED):
        return done.returncode == EXIT_CHANGED
    reason = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
    raise FreshnessUnknown(f"could not check {archive_dir} for changes ({reason[0]})")


def main(argv: list[str]) -> int:
    """``INDEX ARCHIVE``: exit 0 when unchanged, 1 when changed, 2 (with a reason) if unknown."""
    from tui.index.catalog import CATALOG_NAME
    from tui.index.store import current_generation

    try:
        index_dir, archive_dir = (Path(arg) for arg in argv)
        generation = current_generation(index_dir)
        if generation is None:
            print(f"no index in {index_dir}", file=sys.stderr)
            return EXIT_FAILED
        catalog = Catalog(generation / CATALOG_NAME)
        try:
            changed = archive_changed(catalog, archive_dir)
        finally:
            catalog.close()
    except Exception as exc:  # noqa: BLE001 - the parent reports it as one line
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_CHANGED if changed else EXIT_UNCHANGED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
