"""Building or updating the index before the app can browse, with visible progress.

The build runs in a thread worker with one process (the multiprocessing writer
forks, which must not happen inside a running Textual app); the screen dismisses
with None when done or with the error message, which the app shows.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

UPDATE_EVERY = 0.1  # seconds between progress redraws: a call per file would slow the build


class BuildCancelled(Exception):
    """Raised from the progress callback when the app is closing mid-build."""


class IndexingScreen(ModalScreen[str | None]):
    """Shows a progress bar while ``build_index`` runs; dismisses with an error or None."""

    DEFAULT_CSS = """
    IndexingScreen { align: center middle; }
    IndexingScreen > Vertical {
        width: 70; height: auto; border: heavy $accent; background: $surface; padding: 1 2;
    }
    IndexingScreen #index-file { color: $text-muted; }
    """

    def __init__(self, archive_dir: Path, index_dir: Path, reason: str) -> None:
        super().__init__()
        self.archive_dir = archive_dir
        self.index_dir = index_dir
        self.reason = reason
        self._last_update = 0.0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Indexing {self.archive_dir}", id="index-title", markup=False)
            yield Label(self.reason, id="index-reason", markup=False)
            yield ProgressBar(id="index-progress", show_eta=False)
            yield Label("", id="index-file", markup=False)

    def on_mount(self) -> None:
        self._build()

    def _progress(self, done: int, total: int, path: str) -> None:
        if get_current_worker().is_cancelled:
            raise BuildCancelled
        now = time.monotonic()
        if now - self._last_update >= UPDATE_EVERY or done >= total:
            self._last_update = now
            self.app.call_from_thread(self._update, done, total, path)

    def _update(self, done: int, total: int, path: str) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#index-file", Label).update(str(path)[-66:])

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _build(self) -> None:
        from tui.index.builder import build_index

        try:
            build_index(
                self.archive_dir, self.index_dir, rebuild=False, procs=1, progress=self._progress
            )
        except BuildCancelled:
            return
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never a traceback
            self.app.call_from_thread(self.dismiss, f"Could not index {self.archive_dir}: {exc}")
            return
        self.app.call_from_thread(self.dismiss, None)
