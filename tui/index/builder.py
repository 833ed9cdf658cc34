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
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.index.archive_scan import ArchiveScan, SharedScan, scan_folders
from tui.index.catalog import CATALOG_LAYOUT, CATALOG_NAME, Catalog
from tui.index.lock import WriterLock
from tui.index.report import BuildReport, Progress
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
from tui.model import Skip

if TYPE_CHECKING:
    from whoosh.index import Index

    from tui.index.update_plan import Change

__all__ = ["BuildReport", "build_index", "scan_archive"]
PARALLEL_MIN_FILES = 4_000
# An update that parses at least this many files writes Whoosh in two processes too
# (a segment each): about 2 ms of analysis per document otherwise on one core.
PARALLEL_UPDATE_FILES = 400
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
WRITER_LIMIT_MB = 256


def scan_archive(
    archive: Path, refused: list[Skip] | None = None
) -> dict[str, tuple[int, int]]:
    """Every candidate file's id -> (mtime_ns, size); hidden directories are not walked.

    A path that is not valid text or holds control characters can be neither stored
    nor shown safely: it is left out, and added to ``refused`` with its name escaped.
    """
    scan = scan_folders(archive)
    if refused is not None:
        refused.extend(scan.refused)
    return scan.files


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


def open_whoosh(folder: Path) -> Index:
    """The Whoosh index in ``folder``, read through files: memory-mapped, Whoosh 2.7
    copies each segment's term file into memory (``BytesIO``) on every open, about
    0.2 s a time at 100,000 events."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder), supports_mmap=False).open_index()


def apply_changes(ix: Index, catalog: Catalog, change: Change, writer_args: dict[str, Any],
                  progress: Progress | None) -> BuildReport:
    """:func:`tui.index.update.apply_changes` (Whoosh and the parsers load here)."""
    from tui.index.update import apply_changes as apply

    return apply(ix, catalog, change, writer_args, progress)


@dataclass(slots=True)
class _Previous:
    """The generation in use, open for an update: its catalog and Whoosh index."""

    catalog: Catalog
    ix: Index
    meta: dict[str, str]

    def close(self) -> None:
        self.catalog.close()
        self.ix.close()


def _catalog_meta(generation: Path) -> dict[str, str]:
    """The meta table of a generation's catalog (raises whatever an unreadable one does)."""
    catalog = Catalog(generation / CATALOG_NAME)
    try:
        return catalog.meta()
    finally:
        catalog.close()


def _full_build_reason(meta: dict[str, str], archive: Path) -> str:
    """Why the catalog's ``meta`` calls for a full build ("" when an update will do)."""
    from tui.index.schema import SCHEMA_VERSION

    version = meta.get("schema_version")
    if version != str(SCHEMA_VERSION):
        return f"index schema version {version} is not {SCHEMA_VERSION}"
    if meta.get("catalog_layout") != str(CATALOG_LAYOUT):
        return f"the catalog's layout {meta.get('catalog_layout')} is not {CATALOG_LAYOUT}"
    if meta.get("archive") != str(archive):
        return f"the index was built from another archive ({meta.get('archive')})"
    if meta.get("complete") != "1":
        return "the previous build did not finish"
    return ""


def _open_catalog(generation: Path | None, rebuild: bool) -> tuple[str, Catalog | None]:
    """The catalog of the generation in use, or why a full build is due."""
    if rebuild:
        return "rebuild requested", None
    if generation is None:
        return "no index yet", None
    if not generation.is_dir():
        return f"the index names a missing {generation.name}", None
    try:
        return "", Catalog(generation / CATALOG_NAME)
    except Exception as exc:  # noqa: BLE001 - any unreadable catalog means: rebuild
        return f"the catalog could not be read ({exc})", None


def _trusted_digests(catalog: Catalog | None) -> dict[str, bytes] | None:
    """The catalog's folder digests, when it has some it can trust (see ``archive_scan``)."""
    if catalog is None:
        return None
    try:
        return catalog.folder_digests()
    except Exception:  # noqa: BLE001 - an unreadable catalog: every file is listed
        return None


def _open_previous(
    generation: Path, catalog: Catalog, archive: Path
) -> tuple[str, _Previous | None]:
    """The generation in use, opened once for the update, or why a full build is due
    (``catalog`` is then closed).

    Opening Whoosh's reader opens every segment: a truncated or lost one shows here.
    """
    from whoosh import index as whoosh_index

    try:
        meta = catalog.meta()
        reason = _full_build_reason(meta, archive)
    except Exception as exc:  # noqa: BLE001 - any unreadable catalog means: rebuild
        reason = f"the catalog could not be read ({exc})"
    if reason:
        catalog.close()
        return reason, None
    try:
        if not whoosh_index.exists_in(str(generation / WHOOSH_DIR)):
            catalog.close()
            return "the search index is missing", None
        ix = open_whoosh(generation / WHOOSH_DIR)
    except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises means damaged
        catalog.close()
        return f"the search index cannot be read ({type(exc).__name__}: {exc})", None
    previous = _Previous(catalog, ix, meta)
    try:
        ix.reader().close()
        latest = ix.latest_generation()
    except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises means damaged
        previous.close()
        return f"the search index cannot be read ({type(exc).__name__}: {exc})", None
    if whoosh_step(meta, latest) == "behind":
        previous.close()
        return "the search index is older than the catalog", None
    # Whoosh "ahead": an update stopped between its two commits; redoing it incrementally
    # (the catalog still has the old file states) finishes it.
    return "", previous


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

    ``procs > 1`` lets a large build parse files and write its search segments in
    that many processes, and the scan for changes use a second one; all fork, so only
    the CLI passes it, never the app. ``progress(done, total, path)`` is called per
    file parsed and as documents are written; an exception it raises stops the build
    and leaves the previous index as it was.
    """
    started = time.monotonic()
    archive, index = prepare_dirs(archive_dir, index_dir)
    with WriterLock(index, timeout=lock_timeout, on_wait=on_wait):
        current: Path | None = None
        catalog: Catalog | None = None
        try:
            current = current_generation(index)
            reason, catalog = _open_catalog(current, rebuild)
        except IndexDamaged as exc:
            reason = str(exc)
        previous: _Previous | None = None
        try:
            # The listing starts here, shared with a child while this process loads
            # Whoosh and opens the search index (the slowest part of a small update).
            known = _trusted_digests(catalog)
            listing = SharedScan(archive, known, procs)
            try:
                if catalog is not None and current is not None:
                    reason, previous = _open_previous(current, catalog, archive)
                    catalog = None  # the update's now, or closed
                if previous is not None:
                    import tui.index.update  # noqa: F401 - loaded while the child lists
                scan = listing.finish()
            except BaseException:
                listing.cancel()
                raise
            if previous is None and known is not None:  # a full build lists every file
                scan = scan_folders(archive, None, procs)
            if previous is None:
                report = _full_build(archive, index, current, scan.files, procs, progress)
                report.reason = reason
                _keep_folder_digests(index, scan)
            else:
                report = _incremental(archive, previous, scan, known, progress, procs)
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
        finally:
            if previous is not None:
                previous.close()
            if catalog is not None:
                catalog.close()
    report.skips[:0] = scan.refused
    report.counts["skipped"] = report.counts.get("skipped", 0) + len(scan.refused)
    report.seconds = time.monotonic() - started
    return report


def _update_interrupted(generation: Path) -> bool:
    """Whether an update of ``generation`` committed Whoosh but not the catalog."""
    try:
        meta = _catalog_meta(generation)
        ix = open_whoosh(generation / WHOOSH_DIR)
        try:
            return whoosh_step(meta, ix.latest_generation()) == "ahead"
        finally:
            ix.close()
    except Exception:  # noqa: BLE001 - unreadable: the next build decides what to redo
        return False


def _keep_folder_digests(index: Path, scan: ArchiveScan) -> None:
    """Store a new generation's folder digests, so its first update lists only changes.

    A separate transaction after the switch, and only a shortcut: should it fail or be
    lost, the next update compares every file once and stores them then.
    """
    generation = current_generation(index)
    if generation is None:
        return
    try:
        catalog = Catalog(generation / CATALOG_NAME)
    except (OSError, sqlite3.Error):
        return
    try:
        at = catalog.meta().get("whoosh_generation")
        if at:
            with catalog.transaction():
                catalog.put_folder_digests(scan.digests, (), at, replace=True)
    except (OSError, sqlite3.Error):
        pass
    finally:
        catalog.close()


def _full_build(
    archive: Path,
    index: Path,
    previous: Path | None,
    files: dict[str, tuple[int, int]],
    procs: int,
    progress: Progress | None,
) -> BuildReport:
    from whoosh import index as whoosh_index

    from tui.index.schema import build_schema
    from tui.index.update_plan import Change

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
            writer_args = {"procs": procs if parallel else 1}
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
    previous: _Previous,
    scan: ArchiveScan,
    known: dict[str, bytes] | None,
    progress: Progress | None,
    procs: int = 1,
) -> BuildReport:
    """Update the generation in use: the files of the folders whose digests changed
    (of every folder when the catalog holds no digests it can trust)."""
    from tui.index.update_plan import Change

    catalog = previous.catalog
    # An index added to the layout since this catalog was built (a no-op otherwise),
    # and event states to compare with (made again only when they do not match).
    catalog.create_indexes()
    catalog.refresh_event_states()
    if known is None:
        change = Change(archive=archive, files=scan.files, known=catalog.file_states(),
                        fresh=False, procs=procs, folders=scan.digests, all_folders=True)
    else:
        folders = scan.changed_folders(known)
        change = Change(archive=archive, files=scan.files, known=catalog.file_states_in(folders),
                        fresh=False, procs=procs,
                        folders={f: scan.digests[f] for f in folders if f in scan.digests},
                        gone_folders=sorted(f for f in folders if f not in scan.digests))
    recorded = previous.meta.get("whoosh_generation", "")
    change.in_step = recorded == str(previous.ix.latest_generation())
    writer_args: dict[str, object] = {"limitmb": WRITER_LIMIT_MB}
    added, changed, _ = change.diff()
    if procs > 1 and len(added) + len(changed) >= PARALLEL_UPDATE_FILES:
        writer_args.update(procs=procs)
    report = apply_changes(previous.ix, catalog, change, writer_args, progress)
    at = previous.meta.get("whoosh_generation")
    unchanged = not (report.added or report.changed or report.removed)
    if unchanged and at and (change.folders or change.gone_folders):
        # Nothing to update, but digests to store: the first update since they were
        # lost, or a folder listed in another order than last time.
        with catalog.transaction():
            catalog.put_folder_digests(change.folders or {}, change.gone_folders, at,
                                       replace=change.all_folders)
    return report
