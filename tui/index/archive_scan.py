"""Listing an archive's candidate files a folder at a time, to find what changed.

A file edited in place changes no folder's mtime, so every update stats every file
(about 124,000 at 100,000 events). What keeps that cheap is the rest: each folder's
listing (names, mtimes, sizes) comes down to a digest, compared with the digest the
catalog stored when it last matched the archive; only the files of a folder whose
digest differs are compared one by one. The CLI shares the folders between itself
and one forked child (a stat is mostly kernel time, so two processes halve it), and
starts the child before it loads Whoosh and opens the search index: the two take
the folders' subtrees from one queue, so whichever has time lists more of them.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from array import array
from collections.abc import Iterator, Mapping
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
# Shares handed out at most (the pipe holds their numbers: 4 bytes each).
MAX_SHARES = 1024
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

    ``procs > 1`` shares the folders with a forked child (the CLI only: the app never
    forks). Should the child fail, its folders are listed here instead.
    """
    return SharedScan(archive, known, procs).finish()


class SharedScan:
    """A listing of the archive shared with a forked child, started before the caller
    does other work (the CLI imports and opens the search index meanwhile) and
    finished by :meth:`finish`.

    The top folders are listed here, a level at a time; the subtrees below them are
    numbered and handed out through a pipe, a number at a time, to the child and to
    whoever calls :meth:`finish`: each lists as many as it gets to, so neither waits
    for the other.
    """

    def __init__(self, archive: Path, known: Mapping[str, bytes] | None = None,
                 procs: int = 1) -> None:
        self.known: Mapping[str, bytes] = known if known is not None else {}
        self.scan = ArchiveScan()
        pending = [("", str(archive))]
        if procs > 1:
            while pending and len(pending) < SHARE_FOLDERS:  # a level at a time
                level, pending = pending, []
                for prefix, folder in level:
                    _list_folder(prefix, folder, self.known, self.scan, pending)
        pending.sort()
        size = max(1, -(-len(pending) // MAX_SHARES))  # folders per share
        self.shares = [pending[n:n + size] for n in range(0, len(pending), size)]
        self._queue: int | None = None
        self._child: forked.Child | None = None
        if procs > 1 and len(self.shares) > 1:
            self._queue = _share_queue(len(self.shares))
            if self._queue is not None:
                self._child = forked.start(partial(_child_scan, self.shares, self._queue,
                                                   self.known))

    def finish(self) -> ArchiveScan:
        """List the shares the child has not taken, and merge what the child found."""
        known, scan = self.known, self.scan
        if self._queue is None:
            for share in self.shares:
                _list_all(list(share), known, scan)
            return scan
        mine: set[int] = set()
        try:
            for number in _taken(self._queue):
                mine.add(number)
                _list_all(list(self.shares[number]), known, scan)
        finally:
            os.close(self._queue)
            self._queue = None
            found = _child_result(forked.finish(self._child))
        if found is None:  # no child, or it failed: its shares are listed here
            for number, share in enumerate(self.shares):
                if number not in mine:
                    _list_all(list(share), known, scan)
        else:
            _merge(scan, found)
        return scan

    def cancel(self) -> None:
        """Stop the child, if :meth:`finish` will not be called."""
        if self._queue is not None:
            os.close(self._queue)
            self._queue = None
            forked.stop(self._child)


def _share_queue(count: int) -> int | None:
    """The read end of a pipe holding the share numbers ``0..count-1`` (the write end
    closed: a reader that finds it empty is done), or None when there is no pipe."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        os.write(write, array("I", range(count)).tobytes())  # fits a pipe's buffer
    finally:
        os.close(write)
    return read


def _taken(queue: int) -> Iterator[int]:
    """Share numbers taken from the queue, one read each (a pipe read of 4 bytes is
    atomic, so the child and the parent never take the same one)."""
    while True:
        data = os.read(queue, 4)
        if len(data) < 4:
            return
        yield int.from_bytes(data, sys.byteorder)


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
    not inert. An entry named like a candidate is taken for a file unless it is a
    folder (no system call: the listing says which); a file's stat is the only call.
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
            if name[0] == ".":
                continue
            if not (name.endswith(".md") or name.lower().endswith(CANDIDATE_SUFFIXES)):
                if _is_folder(entry):
                    pending.append((f"{prefix}{name}/", f"{folder}/{name}"))
                continue
            if _is_folder(entry):
                pending.append((f"{prefix}{name}/", f"{folder}/{name}"))
                continue
            if not all_inert and not is_inert(prefix + name):
                scan.refused.append(Skip(shown_safely(prefix + name), BAD_NAME))
                continue
            try:
                st = entry.stat()
            except OSError:
                states += (0, -1)
            else:
                states += (st.st_mtime_ns, st.st_size)
            names.append(name)
    finally:
        os.close(fd)
    digest = scan.digests[prefix] = folder_digest(names, states)
    if known.get(prefix) != digest:
        files = scan.files
        for n, name in enumerate(names):
            files[prefix + name] = (states[2 * n], states[2 * n + 1])


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _inert(text: str) -> bool:
    """:func:`is_inert`, quicker for ASCII text (almost every archive's names): there,
    the unsafe characters are exactly the unprintable ones."""
    return text.isprintable() if text.isascii() else is_inert(text)


def _child_scan(shares: list[list[tuple[str, str]]], queue: int,
                known: Mapping[str, bytes]) -> bytes:
    """List the shares this child takes from ``queue``: what it found, marshalled for
    the parent."""
    scan = ArchiveScan()
    for number in _taken(queue):
        _list_all(list(shares[number]), known, scan)
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
