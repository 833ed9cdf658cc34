"""Listing an archive's candidate files a folder at a time, to find what changed.

A file edited in place changes no folder's mtime, so every update stats every file
(about 124,000 at 100,000 events). What keeps that cheap is the rest: each folder's
listing (names, mtimes, sizes) comes down to a digest, compared with the digest the
catalog stored when it last matched the archive; only the files of a folder whose
digest differs are compared one by one. The CLI shares the folders between itself
and one forked child: a stat is mostly kernel time, so two processes halve it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tui.index import forked
from tui.model import Skip
from tui.parsers import CANDIDATE_SUFFIXES
from tui.text import is_inert, shown_safely

BAD_NAME = "file name is not valid UTF-8 or holds control characters; rename it to index it"
# Folders listed here before the rest is shared with a child (breadth first, so the
# shares are whole subtrees of about the same size).
SHARE_FOLDERS = 32
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)

FileState = tuple[int, int]


@dataclass(slots=True)
class ArchiveScan:
    """What one listing of the archive found.

    ``digests``: every folder listed (its path relative to the archive: ``""`` or
    ending in ``/``) -> :func:`folder_digest` of its candidate files. ``files``: each
    candidate file's (mtime_ns, size), for the folders whose digest was not already
    known (all of them when nothing was). ``refused``: files whose names cannot be
    stored or shown safely.
    """

    digests: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, FileState] = field(default_factory=dict)
    refused: list[Skip] = field(default_factory=list)

    def changed_folders(self, known: Mapping[str, bytes]) -> set[str]:
        """Folders whose listing differs from ``known``'s, or that are gone or new."""
        digests = self.digests
        found = {folder for folder, digest in digests.items() if known.get(folder) != digest}
        found.update(folder for folder in known if folder not in digests)
        return found


def folder_digest(names: list[str], states: list[int]) -> bytes:
    """A digest of one folder's files: ``names`` and their (mtime_ns, size), flattened."""
    digest = hashlib.blake2b(len(names).to_bytes(8, "little"), digest_size=16)
    digest.update("/".join(names).encode("utf-8", "surrogateescape"))
    digest.update(array("q", states).tobytes())
    return digest.digest()


def folder_of(path: str) -> str:
    """The folder key of a file id: ``news/2011/3/4/`` for ``news/2011/3/4/x.md``."""
    return path[: path.rfind("/") + 1]


def scan_folders(
    archive: Path, known: Mapping[str, bytes] | None = None, procs: int = 1
) -> ArchiveScan:
    """List the archive; ``known``: folder digests the caller already holds the files of.

    ``procs > 1`` forks one child for half of the folders (the CLI only: the app never
    forks). Should the child fail, its folders are listed here instead.
    """
    known = known if known is not None else {}
    scan = ArchiveScan()
    pending = [("", str(archive))]
    if procs > 1:
        while pending and len(pending) < SHARE_FOLDERS:  # a level at a time
            level, pending = pending, []
            for prefix, folder in level:
                _list_folder(prefix, folder, known, scan, pending)
        if len(pending) > 1:
            pending.sort()
            theirs, pending = pending[1::2], pending[0::2]
            child = forked.start(partial(_child_scan, theirs, known))
            try:
                _list_all(pending, known, scan)
            finally:
                found = _child_result(forked.finish(child))
            if found is None:
                _list_all(theirs, known, scan)
            else:
                _merge(scan, found)
            return scan
    _list_all(pending, known, scan)
    return scan


def _list_all(pending: list[tuple[str, str]], known: Mapping[str, bytes],
              scan: ArchiveScan) -> None:
    while pending:
        _list_folder(*pending.pop(), known, scan, pending)


def _list_folder(prefix: str, folder: str, known: Mapping[str, bytes], scan: ArchiveScan,
                 pending: list[tuple[str, str]]) -> None:
    """List one folder into ``scan`` and queue its subfolders (hidden ones are skipped).

    The folder is opened once and its files are stat-ed relative to it, so the kernel
    does not walk the whole path again for each file. Names are checked a folder at a
    time: one name at a time only when some name there (or the folder's own path) is
    not inert.
    """
    try:
        fd = os.open(folder, _OPEN_DIR)
    except OSError:
        return
    try:
        try:
            entries = list(os.scandir(fd))
        except OSError:
            return
        all_inert = _inert(prefix + "".join([entry.name for entry in entries]))
        names: list[str] = []
        states: list[int] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                pending.append((f"{prefix}{name}/", f"{folder}/{name}"))
                continue
            if not name.lower().endswith(CANDIDATE_SUFFIXES):
                continue
            if not all_inert and not is_inert(prefix + name):
                scan.refused.append(Skip(shown_safely(prefix + name), BAD_NAME))
                continue
            try:
                st = entry.stat()
            except OSError:
                states.append(0)
                states.append(-1)
            else:
                states.append(st.st_mtime_ns)
                states.append(st.st_size)
            names.append(name)
    finally:
        os.close(fd)
    digest = scan.digests[prefix] = folder_digest(names, states)
    if known.get(prefix) != digest:
        files = scan.files
        for n, name in enumerate(names):
            files[prefix + name] = (states[2 * n], states[2 * n + 1])


def _inert(text: str) -> bool:
    """:func:`is_inert`, quicker for ASCII text (almost every archive's names): there,
    the unsafe characters are exactly the unprintable ones."""
    return text.isprintable() if text.isascii() else is_inert(text)


def _child_scan(folders: list[tuple[str, str]], known: Mapping[str, bytes]) -> bytes:
    """List ``folders`` in a child: what it found, marshalled for the parent."""
    scan = ArchiveScan()
    _list_all(list(folders), known, scan)
    return marshal.dumps((scan.digests, scan.files,
                          [(skip.path, skip.reason) for skip in scan.refused]))


def _child_result(data: bytes | None) -> ArchiveScan | None:
    """The child's findings, or None when it failed (or there was none)."""
    if data is None:
        return None
    try:
        digests, files, refused = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return ArchiveScan(digests, files, [Skip(path, reason) for path, reason in refused])


def _merge(scan: ArchiveScan, other: ArchiveScan) -> None:
    scan.digests.update(other.digests)
    scan.files.update(other.files)
    scan.refused.extend(other.refused)
