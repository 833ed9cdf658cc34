"""What the app remembers between launches: bookmarks, history, last document, theme.

Each archive keeps its own places: its history, last place and bookmarks live in its
folder of the user data directory (:func:`tui.config.archive_data_dir`), so opening
another archive never shows, reopens or lists the first one's documents. The theme and
the recent searches (typed words, not places) are shared at the top of the directory.

Plain Python (no Textual) so it is tested without an app. Every file is written
atomically (temp file + ``os.replace``) so a crash never leaves half a file; a file
that cannot be read is renamed aside (``bookmarks.json.corrupt-<timestamp>``) and
reported in :attr:`UserData.problems`, and the app starts with the default.
The app writes behind (``write_behind=True``): each save is handed to one writer
thread, since an fsync on the interface's thread held up every page opened by
tens to hundreds of milliseconds; the thread also turns the data into JSON (the
history's 200 entries), and lives as long as the app, as starting a thread per page
opened cost the interface a switch to it; ``flush`` finishes the writes when the app
ends.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tui.app.history import Location, NavigationHistory
from tui.config import archive_data_dir
from tui.text import is_inert

BOOKMARKS = "bookmarks.json"
HISTORY = "history.json"
STATE = "state.json"
SEARCHES = "searches.json"
LEGACY_CLAIM = "legacy-claim.json"  # which archive the files from before are going to
ARCHIVE_STATE = frozenset({"last", "timeline_day"})  # state.json keys kept per archive
MAX_SEARCHES = 50
WRITER_LINGERS = 10.0  # seconds the writer thread waits for another save before ending


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to a temp file beside ``path`` and move it into place."""
    write_text_atomic(path, _dumps(data))


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def write_text_atomic(path: Path, text: str) -> None:
    """Write text to a temp file beside ``path``, sync it, and move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class UserData:
    """The user's files, loaded once and saved on each change.

    With an ``archive``, its places (bookmarks, history, the ``ARCHIVE_STATE`` keys) are
    in that archive's folder of ``directory`` and the rest at its top; without one,
    everything is in ``directory`` itself.
    """

    def __init__(
        self, directory: Path, archive: Path | None = None, *, write_behind: bool = False
    ) -> None:
        self.directory = Path(directory)
        self.archive_directory = (
            self.directory if archive is None else archive_data_dir(self.directory, archive)
        )
        self.problems: list[str] = []
        self.notices: list[str] = []
        self._write_behind = write_behind
        self._pending: dict[Path, Any] = {}  # file -> its newest data, not yet written
        self._pending_lock = threading.Condition()
        self._writing = False
        self._writer: threading.Thread | None = None
        shared: dict[str, Any] = {}
        if archive is not None:  # the files from before move first, then all is read
            top_state = self._load(self.directory / STATE, {}, dict)
            shared = self._take_over_legacy(archive, top_state)
        self.bookmarks: list[Location] = self._load_locations(self.archive_directory / BOOKMARKS)
        self.history: NavigationHistory = NavigationHistory.from_dict(
            self._load(self.archive_directory / HISTORY, {}, dict)
        )
        own: dict[str, Any] = self._load(self.archive_directory / STATE, {}, dict)
        if archive is not None:
            shared = {k: v for k, v in shared.items() if k not in ARCHIVE_STATE}
            own = {k: v for k, v in own.items() if k in ARCHIVE_STATE}
        self.state: dict[str, Any] = {**shared, **own}
        self.searches: list[str] = [
            s for s in self._load(self.directory / SEARCHES, [], list)
            if isinstance(s, str) and is_inert(s)
        ][:MAX_SEARCHES]

    @property
    def per_archive(self) -> bool:
        return self.archive_directory != self.directory

    # -- reading -------------------------------------------------------------------

    def _load(self, path: Path, default: Any, expected: type) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return default
        except OSError as exc:
            self.problems.append(f"Could not read {path}: {exc.strerror or exc}")
            return default
        try:
            data = json.loads(text)
            if not isinstance(data, expected):
                raise ValueError(f"expected a JSON {expected.__name__}")
        except ValueError as exc:
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(path, aside)
                where = f"moved aside to {aside.name}"
            except OSError:
                where = "left in place"
            self.problems.append(f"{path} is not valid ({exc}); {where}, starting afresh")
            return default
        return data

    def _load_locations(self, path: Path) -> list[Location]:
        locations: list[Location] = []
        for item in self._load(path, [], list):
            try:
                locations.append(Location.from_dict(item))
            except (ValueError, AttributeError):
                self.problems.append(f"Skipped a malformed entry in {path}")
        return locations

    def _take_over_legacy(self, archive: Path, shared: dict[str, Any]) -> dict[str, Any]:
        """Move the places kept before they were per archive into this archive's folder;
        returns the shared state left at the top.

        Those files (``bookmarks.json``, ``history.json`` and the ``last`` place in
        ``state.json`` at the top of the directory) never recorded which archive they
        came from, and their references cannot be checked against an archive before
        its index is open. So they go to the archive of the first launch after the
        upgrade whose folder does not exist yet (nearly always the one the user was
        reading): nothing is dropped, and another archive never shows them. That
        launch first writes a claim naming its archive, so a takeover cut short is
        finished by the next launch on the same archive and never by another one; the
        claim stays, marked done, so files an older version writes at the top later
        are left there rather than taken by another archive. Unreadable files are set
        aside by ``_load`` like any other; a file already in the folder is never
        overwritten; a directory that cannot be looked into is a problem reported.
        """
        try:
            return self._take_over(archive, shared)
        except OSError as exc:
            self.problems.append(
                f"Could not look for bookmarks and history from before in {self.directory}: "
                f"{exc}; they are left where they are"
            )
            return shared

    def _take_over(self, archive: Path, shared: dict[str, Any]) -> dict[str, Any]:
        claim_path = self.directory / LEGACY_CLAIM
        key = self.archive_directory.name
        claim = self._load(claim_path, None, dict) if claim_path.exists() else None
        legacy = [n for n in (BOOKMARKS, HISTORY) if (self.directory / n).exists()]
        kept_place = {k: v for k, v in shared.items() if k in ARCHIVE_STATE}
        if claim is None:
            if not (legacy or kept_place) or self.archive_directory.exists():
                return shared
            # The path as text whatever its bytes (a name that is not UTF-8 is escaped).
            named = os.fsencode(archive).decode("utf-8", "backslashreplace")
            claim = {"folder": key, "archive": named}
            if not self._write_now(claim_path, claim):
                return shared
        elif claim.get("folder") != key or claim.get("done"):
            return shared  # the files from before went, or belong, to another archive
        rest = {k: v for k, v in shared.items() if k not in ARCHIVE_STATE}
        try:
            self.archive_directory.mkdir(parents=True, exist_ok=True)
            for name in legacy:
                self._move_legacy(name)
            if kept_place and not (self.archive_directory / STATE).exists():
                write_json_atomic(self.archive_directory / STATE, kept_place)
            if kept_place:
                write_json_atomic(self.directory / STATE, rest)
            write_json_atomic(claim_path, {**claim, "done": True})
        except OSError as exc:
            self.problems.append(
                f"Could not move the bookmarks and history from before into "
                f"{self.archive_directory}: {exc}; they are kept in {self.directory}"
            )
            return shared
        self.notices.append(
            f"Bookmarks and history are now kept per archive: those from before are "
            f"this archive's ({archive}), in {self.archive_directory}"
        )
        return rest

    def _move_legacy(self, name: str) -> None:
        """Move one file from before into the archive's folder, if it can be read."""
        source, target = self.directory / name, self.archive_directory / name
        if target.exists():
            self.problems.append(f"{source} is from before and {target} exists; left in place")
            return
        if self._load(source, None, list if name == BOOKMARKS else dict) is not None:
            os.replace(source, target)

    # -- writing -------------------------------------------------------------------

    def _save(self, path: Path, data: Any) -> None:
        """Save ``data``, which must be a snapshot: a structure of new lists and dicts
        (or one nothing changes afterwards) holding plain values."""
        if not self._write_behind:
            self._write(path, _dumps(data))
            return
        with self._pending_lock:
            self._pending[path] = data  # a newer save of the same file replaces it
            if self._writer is None:
                self._writer = threading.Thread(target=self._drain, name="user-data",
                                                daemon=True)
                self._writer.start()
            self._pending_lock.notify_all()

    def _write(self, path: Path, text: str) -> None:
        try:
            write_text_atomic(path, text)
        except OSError as exc:
            self.problems.append(f"Could not save {path}: {exc}")

    def _write_now(self, path: Path, data: Any) -> bool:
        """Write at once (start-up only); False, with the problem noted, if it failed."""
        try:
            write_json_atomic(path, data)
        except (OSError, ValueError) as exc:  # ValueError: text that cannot be encoded
            self.problems.append(f"Could not save {path}: {exc}")
            return False
        return True

    def _drain(self) -> None:
        """The writer thread: write what is pending, then wait for more (it ends after
        a while with nothing to write; the next save starts another)."""
        while True:
            with self._pending_lock:
                while not self._pending:
                    self._writing = False
                    self._pending_lock.notify_all()
                    if not self._pending_lock.wait(WRITER_LINGERS) and not self._pending:
                        self._writer = None
                        return
                self._writing = True
                path = next(iter(self._pending))
                data = self._pending.pop(path)
            self._write(path, _dumps(data))

    def flush(self) -> None:
        """Wait until every save so far is on disk."""
        with self._pending_lock:
            while self._pending or self._writing:
                self._pending_lock.wait()

    def is_bookmarked(self, kind: str, ref: str) -> bool:
        return any((b.kind, b.ref) == (kind, ref) for b in self.bookmarks)

    def toggle_bookmark(self, location: Location) -> bool:
        """Add or remove a bookmark; returns True when it is now bookmarked."""
        key = (location.kind, location.ref)
        if self.is_bookmarked(*key):
            self.bookmarks = [b for b in self.bookmarks if (b.kind, b.ref) != key]
            added = False
        else:
            self.bookmarks.append(location)
            added = True
        self._save_bookmarks()
        return added

    def remove_bookmark(self, kind: str, ref: str) -> None:
        self.bookmarks = [b for b in self.bookmarks if (b.kind, b.ref) != (kind, ref)]
        self._save_bookmarks()

    def _save_bookmarks(self) -> None:
        self._save(self.archive_directory / BOOKMARKS, [b.to_dict() for b in self.bookmarks])

    def save_history(self) -> None:
        self._save(self.archive_directory / HISTORY, self.history.to_dict())

    def set_state(self, **values: Any) -> None:
        """Remember small settings (theme; the last place and timeline day go with the
        archive); only the file holding a changed key is written."""
        self.state.update(values)
        if not self.per_archive:
            self._save(self.directory / STATE, dict(self.state))
            return
        if any(k in ARCHIVE_STATE for k in values):
            own = {k: v for k, v in self.state.items() if k in ARCHIVE_STATE}
            self._save(self.archive_directory / STATE, own)
        if any(k not in ARCHIVE_STATE for k in values):
            shared = {k: v for k, v in self.state.items() if k not in ARCHIVE_STATE}
            self._save(self.directory / STATE, shared)

    def add_search(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        self.searches = [query, *[s for s in self.searches if s != query]][:MAX_SEARCHES]
        self._save(self.directory / SEARCHES, list(self.searches))
