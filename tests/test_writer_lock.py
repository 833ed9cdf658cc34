"""One writer at a time, and readers that never see half an update.

A second ``chronicle index`` waits for the first with a message, or stops with a clear
one; a library open while another process indexes answers exactly as the old index or
exactly as the new one, and follows the new one once it is committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_versions import answers, index_command, library_answers
from index_fixtures import QUAKE

from tui.index.lock import WriterLock, writer_active
from tui.library import Library

REPO = Path(__file__).resolve().parents[1]
KILLER = Path(__file__).with_name("index_killer.py")
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def chronicle_index(archive: Path, index: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        index_command(archive, index, *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=REPO,
    )

def paused_between_commits(archive: Path, index: Path, mode: str) -> subprocess.Popen[str]:
    """An indexer paused after the Whoosh commit, before the catalog's (it goes on by itself)."""
    builder = subprocess.Popen(
        [sys.executable, str(KILLER), str(archive), str(index), mode, "catalog", "pause"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert builder.stdout is not None
    assert builder.stdout.readline() == "paused\n"
    return builder



def test_second_indexer_gives_up_with_a_clear_message(started: tuple[Path, Path]) -> None:
    archive, index = started
    resolved = index.resolve()
    with WriterLock(resolved):
        assert writer_active(resolved)
        out, err = chronicle_index(archive, index, "--wait", "0.5").communicate(timeout=60)
    assert not writer_active(resolved)
    assert out == ""
    assert err.splitlines() == [
        f"chronicle: another process is updating the index in {resolved} "
        f"(pid {os.getpid()}); waiting up to 0.5 s",
        f"chronicle: the index in {resolved} is still being updated by another process "
        f"(pid {os.getpid()}) after 0.5 s; try again later",
    ]


def test_second_indexer_waits_and_then_updates(
    started: tuple[Path, Path], versions: dict[str, object]
) -> None:
    archive, index = started
    resolved = index.resolve()
    with WriterLock(resolved):
        process = chronicle_index(archive, index, "--wait", "60")
        time.sleep(1.0)
        assert process.poll() is None  # still waiting for the lock
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert err.splitlines() == [
        f"chronicle: another process is updating the index in {resolved} "
        f"(pid {os.getpid()}); waiting up to 60 s"
    ]
    assert out.startswith(f"Indexed {archive.resolve()} into {resolved} in ")
    assert answers(index) == versions["two"]


def test_two_indexers_at_once_both_finish(
    started: tuple[Path, Path], versions: dict[str, object]
) -> None:
    archive, index = started
    first, second = chronicle_index(archive, index, "--rebuild"), chronicle_index(archive, index)
    results = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    assert all("Traceback" not in err for _, err in results)
    assert answers(index) == versions["two"]


@pytest.mark.parametrize("mode", ["update", "full"])
def test_reader_sees_old_or_new_index_never_a_mixture(
    started: tuple[Path, Path], versions: dict[str, object], mode: str
) -> None:
    archive, index = started
    library = Library.open(index)
    assert library_answers(library) == versions["one"]
    builder = paused_between_commits(archive, index, mode)
    # Whoosh has committed version 2, the catalog not yet: the open library keeps
    # answering version 1 until the catalog commits, then version 2, and never goes back.
    removed = frozenset({QUAKE})
    observed = [library_answers(library, removed)]
    while builder.poll() is None:
        observed.append(library_answers(library, removed))
    assert builder.wait(timeout=60) == 0
    observed.append(library_answers(library))
    labels = [version_of(item, versions) for answer in observed for item in enumerate(answer)]
    assert "?" not in labels
    changes = [label for label in labels if label != "either"]
    assert changes == sorted(changes)  # ones, then twos
    assert changes[0] == "one" and changes[-1] == "two"
    assert len(observed) > 3  # the reader really looked during the pause
    assert observed[-1] == versions["two"]
    library.close()


def version_of(item: tuple[int, object], versions: dict[str, object]) -> str:
    """Which version one answer (counts, years, or one query's hits) belongs to."""
    position, value = item
    one, two = versions["one"][position], versions["two"][position]  # type: ignore[index]
    if value == one == two:
        return "either"
    return "one" if value == one else "two" if value == two else "?"


def test_library_opened_mid_update_waits_for_the_catalog(
    started: tuple[Path, Path], versions: dict[str, object]
) -> None:
    archive, index = started
    builder = paused_between_commits(archive, index, "update")
    assert writer_active(index.resolve())
    assert answers(index) == versions["two"]
    assert builder.wait(timeout=60) == 0
