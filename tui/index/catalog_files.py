"""The catalog's record of the archive's files, and the reads an update makes of it.

Each file's state (mtime, size) and parse result live in the ``files`` and
``parse_results`` tables (``catalog_layout``); each folder's digest of its files'
states lives in ``folder_states`` (see ``archive_scan``), so that an update compares
one by one only the files of folders whose digest changed. An update then reads the
stored pages and events of the dates it reassembles, many dates per query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from tui.index.catalog_layout import result_data
from tui.model import DayPage, Event, document_from_dict

# Folder digests of the files table (see ``archive_scan``): a table of their own that
# older catalogs lack and older Chronicles ignore, trusted only while the meta key
# below names the search index generation the catalog was last updated with.
FOLDER_STATES = ("CREATE TABLE IF NOT EXISTS folder_states "
                 "(folder TEXT PRIMARY KEY, digest BLOB NOT NULL) WITHOUT ROWID")
FOLDER_STATES_AT = "folder_states_at"


def day_chunks(days: Iterable[str | None], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """Dates as (arguments, SQL condition) pairs: ``IN`` lists, and ``IS NULL`` for none."""
    wanted = set(days)
    dated = sorted(day for day in wanted if day is not None)
    for start in range(0, len(dated), size):
        chunk = dated[start:start + size]
        yield chunk, f"IN ({','.join('?' * len(chunk))})"
    if None in wanted:
        yield [], "IS NULL"


class CatalogFiles:
    """File states, folder digests and an update's batch reads, over ``conn``."""

    conn: sqlite3.Connection

    def file_states(self) -> dict[str, tuple[int, int]]:
        """Each known file's (mtime_ns, size), to tell added, changed and removed files."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a 100,000-event archive has 124,000 files
        rows = cursor.execute("SELECT path, mtime_ns, size FROM files")
        return {path: (mtime_ns, size) for path, mtime_ns, size in rows}

    def file_states_in(self, folders: Iterable[str]) -> dict[str, tuple[int, int]]:
        """:meth:`file_states` of the files directly in ``folders`` (keys as in
        ``archive_scan``: ``""`` or ending in ``/``), each a range of the primary key."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        found: dict[str, tuple[int, int]] = {}
        for folder in sorted(set(folders)):
            if folder:  # "/" sorts just before "0": the range holds this folder's subtree
                rows = cursor.execute("SELECT path, mtime_ns, size FROM files "
                                      "WHERE path > ? AND path < ?", (folder, folder[:-1] + "0"))
            else:
                rows = cursor.execute("SELECT path, mtime_ns, size FROM files "
                                      "WHERE instr(path, '/') = 0")
            start = len(folder)
            found.update((path, (mtime_ns, size)) for path, mtime_ns, size in rows
                         if path.find("/", start) < 0)
        return found

    def folder_digests(self) -> dict[str, bytes] | None:
        """Each folder's digest of its files (``archive_scan.folder_digest``) as the
        files table holds them, or None when they cannot be trusted: never stored, or
        stored before the catalog's last update (one made by a Chronicle that did not
        keep them; each update records the search index's new generation)."""
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        stored_at = meta.get(FOLDER_STATES_AT)
        if not stored_at or stored_at != meta.get("whoosh_generation"):
            return None
        cursor = self.conn.cursor()
        cursor.row_factory = None
        try:
            return dict(cursor.execute("SELECT folder, digest FROM folder_states"))
        except sqlite3.OperationalError:  # no such table
            return None

    def put_folder_digests(self, digests: dict[str, bytes], gone: Iterable[str],
                           whoosh_generation: int | str, replace: bool = False) -> None:
        """Store folder digests that match the files table now (in its transaction).

        ``replace``: ``digests`` are every folder's (the stored ones are dropped first);
        otherwise only those of changed folders, and ``gone`` the folders to forget.
        """
        self.conn.execute(FOLDER_STATES)
        if replace:
            self.conn.execute("DELETE FROM folder_states")
        else:
            self.conn.executemany("DELETE FROM folder_states WHERE folder = ?",
                                  [(folder,) for folder in gone])
        self.conn.executemany("INSERT OR REPLACE INTO folder_states VALUES (?, ?)",
                              sorted(digests.items()))
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                          (FOLDER_STATES_AT, str(whoosh_generation)))

    def parsed_on_days(self, days: Iterable[str | None]) -> dict[str | None, list[Event | DayPage]]:
        """:meth:`parsed_on` for many dates, a few queries in all (an update adding 1,000
        pages touches about 1,000 dates)."""
        found: dict[str | None, list[Event | DayPage]] = {}
        sql = ("SELECT f.date, r.result FROM files f JOIN parse_results r ON r.path = f.path "
               "WHERE f.date {} AND f.kind IN ('event', 'day') ORDER BY f.path")
        for chunk, marks in day_chunks(days):
            for day, blob in self.conn.execute(sql.format(marks), chunk).fetchall():
                doc = document_from_dict(result_data(blob))
                found.setdefault(day, []).append(doc)  # type: ignore[arg-type]
        return found

    def events_stored(self, event_ids: Iterable[str]) -> dict[str, tuple[int, str, str]]:
        """Each of these events as stored (those that are): id -> (seq, json, story)."""
        wanted = sorted(set(event_ids))
        found: dict[str, tuple[int, str, str]] = {}
        cursor = self.conn.cursor()
        cursor.row_factory = None
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = cursor.execute("SELECT id, seq, json, story FROM events WHERE id IN "
                                  f"({','.join('?' * len(chunk))})", chunk)
            found.update((event_id, (seq, data, story)) for event_id, seq, data, story in rows)
        return found

