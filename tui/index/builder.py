"""Full and incremental index builds, safe to interrupt at any point.

A full build (first run, ``--rebuild``, another schema version or archive) writes a
new generation and switches the pointer only after Whoosh and the catalog are both
committed. An incremental build re-parses only added and changed files, reassembles
only the dates they touch, commits Whoosh first and then the catalog in one SQLite
transaction: a crash between the two leaves the catalog's old file states, so the
next run redoes the same (idempotent) work.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index

from tui.index.catalog import CATALOG_LAYOUT, CATALOG_NAME, Catalog
from tui.index.lock import WriterLock
from tui.index.schema import SCHEMA_VERSION, build_schema
from tui.index.store import (
    WHOOSH_DIR,
    ArchiveMissing,
    IndexDamaged,
    IndexUnwritable,
    current_generation,
    new_generation,
    remove_generations,
    switch_generation,
    whoosh_step,
)
from tui.index.update import BuildReport, Change, Progress, apply_changes
from tui.model import Skip
from tui.parsers import CANDIDATE_SUFFIXES
from tui.text import is_inert, shown_safely

__all__ = ["BuildReport", "build_index", "scan_archive"]
PARALLEL_MIN_FILES = 4_000
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_BAD_NAME = "file name is not valid UTF-8 or holds control characters; rename it to index it"
WRITER_LIMIT_MB = 256


def scan_archive(
    archive: Path, refused: list[Skip] | None = None
) -> dict[str, tuple[int, int]]:
    """Every candidate file's id -> (mtime_ns, size); hidden directories are not walked.

    A path that is not valid text or holds control characters can be neither stored
    nor shown safely: it is left out, and added to ``refused`` with its name escaped.
    """
    found: dict[str, tuple[int, int]] = {}
    # os.scandir and DirEntry.stat: no Path object per file, one stat call each (a
    # 100,000-event archive has about 124,000 files, and this runs before every update).
    # Names are checked a directory at a time: one file name at a time only when some
    # name there (or the directory's own path) is not inert.
    pending = [("", str(archive))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        all_inert = is_inert(prefix + "".join(entry.name for entry in entries))
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                pending.append((f"{prefix}{name}/", entry.path))
                continue
            if not name.lower().endswith(CANDIDATE_SUFFIXES):
                continue
            rel = prefix + name
            if not all_inert and not is_inert(rel):
                if refused is not None:
                    refused.append(Skip(shown_safely(rel), _BAD_NAME))
                continue
            try:
                st = entry.stat()
            except OSError:
                st = None
            found[rel] = (st.st_mtime_ns, st.st_size) if st else (0, -1)
    return found


def prepare_dirs(archive_dir: Path, index_dir: Path) -> tuple[Path, Path]:
    """Check the archive and make the index directory, with one clear error each."""
    archive = Path(archive_dir).expanduser()
    if not archive.exists():
        raise ArchiveMissing(f"archive directory {archive} does not exist")
    if not archive.is_dir():
        raise ArchiveMissing(f"archive {archive} is not a directory")
    index = Path(index_dir).expanduser()
    try:
        index.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexUnwritable(f"cannot create index directory {index}: {exc.strerror}") from None
    if not os.access(index, os.W_OK | os.X_OK):
        raise IndexUnwritable(f"index directory {index} is not writable")
    return archive.resolve(), index.resolve()


def _catalog_meta(generation: Path) -> dict[str, str]:
    """The meta table of a generation's catalog (raises whatever an unreadable one does)."""
    catalog = Catalog(generation / CATALOG_NAME)
    try:
        return catalog.meta()
    finally:
        catalog.close()


def _full_build_reason(generation: Path | None, archive: Path, rebuild: bool) -> str:
    if rebuild:
        return "rebuild requested"
    if generation is None:
        return "no index yet"
    if not generation.is_dir():
        return f"the index names a missing {generation.name}"
    try:
        meta = _catalog_meta(generation)
    except Exception as exc:  # noqa: BLE001 - any unreadable catalog means: rebuild
        return f"the catalog could not be read ({exc})"
    version = meta.get("schema_version")
    if version != str(SCHEMA_VERSION):
        return f"index schema version {version} is not {SCHEMA_VERSION}"
    if meta.get("catalog_layout") != str(CATALOG_LAYOUT):
        return f"the catalog's layout {meta.get('catalog_layout')} is not {CATALOG_LAYOUT}"
    if meta.get("archive") != str(archive):
        return f"the index was built from another archive ({meta.get('archive')})"
    if meta.get("complete") != "1":
        return "the previous build did not finish"
    try:
        if not whoosh_index.exists_in(str(generation / WHOOSH_DIR)):
            return "the search index is missing"
        ix = whoosh_index.open_dir(str(generation / WHOOSH_DIR))
        try:
            ix.reader().close()  # opens every segment: a truncated or lost one shows here
            latest = ix.latest_generation()
        finally:
            ix.close()
    except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises means damaged
        return f"the search index cannot be read ({type(exc).__name__}: {exc})"
    if whoosh_step(meta, latest) == "behind":
        return "the search index is older than the catalog"
    # Whoosh "ahead": an update stopped between its two commits; redoing it incrementally
    # (the catalog still has the old file states) finishes it.
    return ""


def build_index(
    archive_dir: Path,
    index_dir: Path,
    rebuild: bool = False,
    procs: int = 1,
    progress: Progress | None = None,
    lock_timeout: float = 30.0,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build or update the index of ``archive_dir`` in ``index_dir``.

    ``procs > 1`` lets a large full build use Whoosh's multiprocessing writer; it
    forks, so only the CLI passes it, never the app. ``progress(done, total, path)``
    is called per file parsed and per document written; an exception it raises stops
    the build and leaves the previous index as it was.
    """
    started = time.monotonic()
    archive, index = prepare_dirs(archive_dir, index_dir)
    with WriterLock(index, timeout=lock_timeout, on_wait=on_wait):
        try:
            current = current_generation(index)
            reason = _full_build_reason(current, archive, rebuild)
        except IndexDamaged as exc:
            current, reason = None, str(exc)
        refused: list[Skip] = []
        files = scan_archive(archive, refused)
        try:
            if reason:
                report = _full_build(archive, index, current, files, procs, progress)
                report.reason = reason
            else:
                assert current is not None
                report = _incremental(archive, current, files, progress)
        except OSError as exc:
            if exc.errno not in _NO_SPACE:
                raise
            kept = "there was no previous index"
            if current is not None:
                kept = "the previous index is unchanged and still usable"
                if not reason and _update_interrupted(current):
                    kept = "the search index is ahead of the catalog until the update is redone"
            raise IndexUnwritable(
                f"indexing stopped: no space left for the index in {index} "
                f"({exc.strerror}); {kept}; free some space and run `chronicle index` again"
            ) from None
    report.skips[:0] = refused
    report.counts["skipped"] = report.counts.get("skipped", 0) + len(refused)
    report.seconds = time.monotonic() - started
    return report


def _update_interrupted(generation: Path) -> bool:
    """Whether an update of ``generation`` committed Whoosh but not the catalog."""
    try:
        meta = _catalog_meta(generation)
        ix = whoosh_index.open_dir(str(generation / WHOOSH_DIR))
        try:
            return whoosh_step(meta, ix.latest_generation()) == "ahead"
        finally:
            ix.close()
    except Exception:  # noqa: BLE001 - unreadable: the next build decides what to redo
        return False


def _full_build(
    archive: Path,
    index: Path,
    previous: Path | None,
    files: dict[str, tuple[int, int]],
    procs: int,
    progress: Progress | None,
) -> BuildReport:
    remove_generations(index, keep={previous.name} if previous else set())
    generation = new_generation(index)
    try:
        (generation / WHOOSH_DIR).mkdir()
        ix = whoosh_index.create_in(str(generation / WHOOSH_DIR), build_schema())
        catalog = Catalog(generation / CATALOG_NAME, create=True)
        try:
            parallel = procs > 1 and len(files) >= PARALLEL_MIN_FILES
            change = Change(archive=archive, files=files, known={}, fresh=True,
                            procs=procs if parallel else 1)
            writer_args = {"limitmb": WRITER_LIMIT_MB}
            if parallel:
                writer_args.update(procs=procs, multisegment=True)
            report = apply_changes(ix, catalog, change, writer_args, progress)
            catalog.seal()
        finally:
            catalog.close()
            ix.close()
        switch_generation(index, generation)
    except BaseException:
        remove_generations(index, keep={previous.name} if previous else set())
        raise
    remove_generations(index, keep={generation.name} | ({previous.name} if previous else set()))
    report.full = True
    return report


def _incremental(
    archive: Path,
    generation: Path,
    files: dict[str, tuple[int, int]],
    progress: Progress | None,
) -> BuildReport:
    ix = whoosh_index.open_dir(str(generation / WHOOSH_DIR))
    catalog = Catalog(generation / CATALOG_NAME)
    try:
        change = Change(archive=archive, files=files, known=catalog.file_states(), fresh=False)
        report = apply_changes(ix, catalog, change, {"limitmb": WRITER_LIMIT_MB}, progress)
    finally:
        catalog.close()
        ix.close()
    return report
