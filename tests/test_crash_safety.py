"""The index survives SIGKILL at any point of a build, and damage to its files.

Each test builds an index of archive version 1, changes the archive (one event added,
one changed, one removed), then runs a build in a subprocess and kills it with SIGKILL
at a chosen point (see ``index_killer.py``). Afterwards the index must answer exactly
as version 1 or exactly as version 2 did (never a mixture), and the next
``chronicle index`` must bring it to version 2 with one line of report and no traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_versions import Answers, answers, index_command
from index_fixtures import MONTI

from tui.index.builder import build_index
from tui.index.store import IndexDamaged, IndexMissing, current_generation
from tui.library import Library

REPO = Path(__file__).resolve().parents[1]
KILLER = Path(__file__).with_name("index_killer.py")
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
INTERRUPTED = ("interrupted",)


def answers_or_interrupted(index: Path) -> Answers:
    """:func:`answers`, or :data:`INTERRUPTED` when opening reports an unfinished update.

    An update commits the search index, then the catalog; stopped between the two, the
    index must say so (the next ``chronicle index`` finishes the update) rather than
    answer from two different versions.
    """
    try:
        return answers(index)
    except IndexDamaged as exc:
        assert str(exc) == (
            f"the last update of the index in {index.resolve()} was interrupted between the "
            "search index and the catalog; `chronicle index` finishes it"
        )
        return INTERRUPTED


def kill_during(archive: Path, index: Path, mode: str, point: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(KILLER), str(archive), str(index), mode, point],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )


def next_run(archive: Path, index: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        index_command(archive, index),
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        cwd=REPO,
    )


def assert_recovers(archive: Path, index: Path, versions: dict[str, object]) -> None:
    """The next ``chronicle index`` reports in one line and leaves exactly version 2."""
    run = next_run(archive, index)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "unexpected error" not in run.stderr
    assert run.stdout.startswith(f"Indexed {archive.resolve()} into {index.resolve()} in ")
    assert answers(index) == versions["two"]


POINTS = [
    *(f"progress:{k}" for k in (1, 3, 5, 8, 10, 12, 14, 16)),
    "toc",
    "catalog",
    "catalog-meta",
    "switch",
    "pointer",
    "cleanup",
]


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_during_a_full_rebuild_leaves_the_previous_index(
    started: tuple[Path, Path], versions: dict[str, object], point: str
) -> None:
    archive, index = started
    before = current_generation(index)
    run = kill_during(archive, index, "full", point)
    assert run.returncode in (-signal.SIGKILL, 0), run.stderr
    if run.returncode == 0:  # the build had fewer progress calls than this point
        assert answers(index) == versions["two"]
        return
    after = answers(index)
    if point == "cleanup":  # killed after the switch: the new index is in place
        assert after == versions["two"]
    else:
        assert current_generation(index) == before
        assert after == versions["one"]
    assert_recovers(archive, index, versions)


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_during_an_incremental_update(
    started: tuple[Path, Path], versions: dict[str, object], point: str
) -> None:
    archive, index = started
    run = kill_during(archive, index, "update", point)
    assert run.returncode in (-signal.SIGKILL, 0), run.stderr
    if run.returncode == 0:
        assert answers(index) == versions["two"]
        return
    assert answers_or_interrupted(index) in (versions["one"], versions["two"], INTERRUPTED)
    if point in ("catalog", "catalog-meta"):  # Whoosh committed, the catalog not
        assert answers_or_interrupted(index) == INTERRUPTED
    assert_recovers(archive, index, versions)


@pytest.mark.parametrize("mode", ["full", "update"])
def test_sigkill_at_random_moments(
    started: tuple[Path, Path], versions: dict[str, object], mode: str
) -> None:
    archive, index = started
    for delay in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8):
        process = subprocess.Popen(
            [sys.executable, str(KILLER), str(archive), str(index), mode, "none"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=ENV,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=60)
        assert b"Traceback" not in err
        assert answers_or_interrupted(index) in (versions["one"], versions["two"], INTERRUPTED)
    assert_recovers(archive, index, versions)


def whoosh_files(index: Path, suffix: str) -> list[Path]:
    generation = current_generation(index)
    assert generation is not None
    return sorted(path for path in (generation / "whoosh").iterdir() if path.suffix == suffix)


def truncate(path: Path, size: int | None = None) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 if size is None else size])


DAMAGE = {
    "toc truncated": lambda index: [truncate(p) for p in whoosh_files(index, ".toc")],
    "toc emptied": lambda index: [truncate(p, 0) for p in whoosh_files(index, ".toc")],
    "toc deleted": lambda index: [p.unlink() for p in whoosh_files(index, ".toc")],
    "segment truncated": lambda index: [truncate(p) for p in whoosh_files(index, ".seg")],
    "segment deleted": lambda index: [p.unlink() for p in whoosh_files(index, ".seg")],
    "catalog truncated": lambda index: truncate(current_generation(index) / "catalog.sqlite"),
    "catalog deleted": lambda index: (current_generation(index) / "catalog.sqlite").unlink(),
    "pointer garbage": lambda index: (index / "CURRENT").write_bytes(b"\x00\xff\xfe"),
    "pointer emptied": lambda index: (index / "CURRENT").write_bytes(b""),
    "generation deleted": lambda index: shutil.rmtree(current_generation(index)),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_files_are_detected_and_rebuilt(
    tmp_path: Path, versions: dict[str, object], damage: str
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(versions["v1"], archive)  # type: ignore[arg-type]
    index = tmp_path / "index"
    build_index(archive, index)
    DAMAGE[damage](index)
    with pytest.raises((IndexDamaged, IndexMissing)):
        Library.open(index)
    run = next_run(archive, index)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"Indexed {archive.resolve()} into {index.resolve()} in ")
    assert "(full build: " in first
    assert answers(index) == versions["one"]


def test_search_after_damage_rebuilds_with_one_line(
    tmp_path: Path, versions: dict[str, object]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(versions["v1"], archive)  # type: ignore[arg-type]
    index = tmp_path / "index"
    build_index(archive, index)
    DAMAGE["segment truncated"](index)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui.cli",
            "search",
            "--archive",
            str(archive),
            "--index",
            str(index),
            "napolitano",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        cwd=REPO,
    )
    assert run.returncode == 0
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("chronicle: the search index in ")
    assert lines[0].endswith(f"; building the index of {archive.resolve()} now") or lines[
        0
    ].endswith(f"; building the index of {archive} now")
    assert MONTI in run.stdout
