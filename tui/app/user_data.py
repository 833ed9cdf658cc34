"""What the app remembers between launches: bookmarks, history, last document, theme.

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
from tui.text import is_inert

BOOKMARKS = "bookmarks.json"
HISTORY = "history.json"
STATE = "state.json"
SEARCHES = "searches.json"
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
    """The user's files in one directory, loaded once and saved on each change."""

    def __init__(self, directory: Path, *, write_behind: bool = False) -> None:
        self.directory = Path(directory)
        self.problems: list[str] = []
        self._write_behind = write_behind
        self._pending: dict[str, Any] = {}  # file name -> its newest data, not yet written
        self._pending_lock = threading.Condition()
        self._writing = False
        self._writer: threading.Thread | None = None
        self.bookmarks: list[Location] = self._load_locations(BOOKMARKS)
        self.history: NavigationHistory = NavigationHistory.from_dict(self._load(HISTORY, {}, dict))
        self.state: dict[str, Any] = self._load(STATE, {}, dict)
        self.searches: list[str] = [
            s for s in self._load(SEARCHES, [], list) if isinstance(s, str) and is_inert(s)
        ][:MAX_SEARCHES]

    # -- reading -------------------------------------------------------------------

    def _load(self, name: str, default: Any, expected: type) -> Any:
        path = self.directory / name
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
            aside = path.with_name(f"{name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(path, aside)
                where = f"moved aside to {aside.name}"
            except OSError:
                where = "left in place"
            self.problems.append(f"{path} is not valid ({exc}); {where}, starting afresh")
            return default
        return data

    def _load_locations(self, name: str) -> list[Location]:
        locations: list[Location] = []
        for item in self._load(name, [], list):
            try:
                locations.append(Location.from_dict(item))
            except (ValueError, AttributeError):
                self.problems.append(f"Skipped a malformed entry in {self.directory / name}")
        return locations

    # -- writing -------------------------------------------------------------------

    def _save(self, name: str, data: Any) -> None:
        """Save ``data``, which must be a snapshot: a structure of new lists and dicts
        (or one nothing changes afterwards) holding plain values."""
        if not self._write_behind:
            self._write(name, _dumps(data))
            return
        with self._pending_lock:
            self._pending[name] = data  # a newer save of the same file replaces it
            if self._writer is None:
                self._writer = threading.Thread(target=self._drain, name="user-data",
                                                daemon=True)
                self._writer.start()
            self._pending_lock.notify_all()

    def _write(self, name: str, text: str) -> None:
        try:
            write_text_atomic(self.directory / name, text)
        except OSError as exc:
            self.problems.append(f"Could not save {self.directory / name}: {exc}")

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
                name = next(iter(self._pending))
                data = self._pending.pop(name)
            self._write(name, _dumps(data))

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
        self._save(BOOKMARKS, [b.to_dict() for b in self.bookmarks])
        return added

    def remove_bookmark(self, kind: str, ref: str) -> None:
        self.bookmarks = [b for b in self.bookmarks if (b.kind, b.ref) != (kind, ref)]
        self._save(BOOKMARKS, [b.to_dict() for b in self.bookmarks])

    def save_history(self) -> None:
        self._save(HISTORY, self.history.to_dict())

    def set_state(self, **values: Any) -> None:
        """Remember small settings (theme, last document, timeline position)."""
        self.state.update(values)
        self._save(STATE, dict(self.state))

    def add_search(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        self.searches = [query, *[s for s in self.searches if s != query]][:MAX_SEARCHES]
        self._save(SEARCHES, list(self.searches))
