"""Two versions of a small archive and what an index of each answers.

Version 2 adds an event, changes one and removes one. The crash-safety and writer-lock
tests compare what an index answers with these, so "the previous index" and "the new
index" are exact, not approximate.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from index_fixtures import MONTI, QUAKE, make_archive

from tui.index.builder import build_index
from tui.library import Library

QUERIES = ("taraz", "napolitano", "zebras", "earthquake", "berlusconi", "commissioner")
ZEBRAS = "news/2011/11/13/zebras-escape-from-the-oslo-zoo.md"
ZEBRAS_PAGE = """### [2011-11-13](/news/2011/11/13/index.md)

# Zebras escape from the Oslo zoo.

Three zebras escaped from the Oslo zoo and trotted through the city centre.

### Source:

1. [NRK](http://nrk.example/zebras)
"""

Answers = tuple[object, ...]


def library_answers(library: Library, may_vanish: frozenset[str] = frozenset()) -> Answers:
    """What an open library says: counts, years, and every query's hits, each resolved.

    A reader racing a writer may find a hit of the old version gone by the time it
    opens it (the search and the lookup are two calls); ``may_vanish`` names the ids
    the new version removes, the only ones allowed to do that.
    """
    stats = library.stats()
    found: list[object] = [(stats.events, stats.articles, stats.day_pages)]
    found.append(tuple(library.years()))
    for query in QUERIES:
        results = library.search(query)
        assert results.error is None, results.error
        ids = sorted(hit.id for hit in results.hits)
        for doc_id in ids:
            found_doc = library.document(doc_id)
            assert found_doc is not None or doc_id in may_vanish, (query, doc_id)
        found.append((query, results.total, tuple(ids)))
    return tuple(found)


def answers(index: Path) -> Answers:
    """:func:`library_answers` of the index in ``index``, freshly opened."""
    library = Library.open(index)
    try:
        return library_answers(library)
    finally:
        library.close()


def change_archive(archive: Path) -> None:
    """Version 1 -> version 2: an event added, one changed, one removed."""
    (archive / ZEBRAS).write_text(ZEBRAS_PAGE, encoding="utf-8")
    monti = archive / MONTI
    text = monti.read_text(encoding="utf-8")
    monti.write_text(
        text.replace("economist", "economist and former commissioner"), encoding="utf-8"
    )
    (archive / QUAKE).unlink()


def build_versions(root: Path, seeds: Path) -> dict[str, object]:
    """Both archive versions, indexed cleanly, and their answers (``one``, ``two``)."""
    first = make_archive(root / "v1", seeds)
    second = make_archive(root / "v2", seeds)
    change_archive(second)
    build_index(first, root / "index-v1")
    build_index(second, root / "index-v2")
    one, two = answers(root / "index-v1"), answers(root / "index-v2")
    assert one != two
    return {"v1": first, "v2": second, "one": one, "two": two}


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> dict[str, object]:
    return build_versions(tmp_path_factory.mktemp("versions"), seeds_dir)


@pytest.fixture()
def started(tmp_path: Path, versions: dict[str, object]) -> tuple[Path, Path]:
    """An archive at version 2 whose index still holds version 1."""
    archive = tmp_path / "archive"
    shutil.copytree(versions["v1"], archive)  # type: ignore[arg-type]
    index = tmp_path / "index"
    build_index(archive, index)
    change_archive(archive)
    return archive, index


def index_command(archive: Path, index: Path, *extra: str) -> list[str]:
    """The argv of a quiet ``chronicle index`` run in a child process."""
    return [sys.executable, "-m", "tui.cli", "index", "--archive", str(archive),
            "--index", str(index), "--quiet", *extra]
