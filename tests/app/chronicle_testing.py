"""Shared by the app tests: a small linked archive, index builds, waiting for workers.

Imported by the tests directly (pytest puts this directory on the path).
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from textual import events
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tui.app.chronicle_app import ChronicleApp
from tui.index.builder import build_index
from tui.search import SearchResults

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "seeds"

SEED_EVENT = "001_6bffd24d702e132c.txt"
SEED_ARTICLE = "000_ff699fc5e1eaf1b9.txt"
AKTOBE = (
    "news/2016/06/5/three-people-are-killed-and-10-more-are-injured-following-an-attack-"
    "on-a-military-base-in-aktobe-kazakhstan-by-suspected-islamists.md"
)
DETAIN = "news/2016/06/5/kazakh-police-detain-suspects-after-the-aktobe-attack.md"
MARKUP = "news/2016/06/8/markup-in-a-headline.md"
MARKUP_HEADLINE = "[bold red]x[/] \x1b[31m looks like markup"

LINKED_ARCHIVE = Path(__file__).resolve().parent / "linked-archive"
MARKUP_PAGE = (
    "### [2016-06-8](/news/2016/06/8/index.md)\n\n"
    f"# {MARKUP_HEADLINE}\n\n"
    "A summary with [link](brackets) and [i]tags[/i] that must stay literal.\n\n"
    "### Source:\n\n1. [Example](https://example.com/markup)\n"
)


def linked_files() -> dict[str, str]:
    """The linked archive's files (kept as files) plus the markup page (built here)."""
    files = {
        path.relative_to(LINKED_ARCHIVE).as_posix(): path.read_text(encoding="utf-8")
        for path in LINKED_ARCHIVE.rglob("*.md")
    }
    files[MARKUP] = MARKUP_PAGE
    return files


def build_archive_index(tmp: Path, name: str, extra: dict[str, str]) -> tuple[Path, Path]:
    archive = tmp / name / "archive"
    archive.mkdir(parents=True)
    for seed in SEEDS.iterdir():
        shutil.copy(seed, archive / seed.name)
    for rel, text in extra.items():
        path = archive / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    index = tmp / name / "index"
    build_index(archive, index, rebuild=False, procs=1)
    return archive, index


class Browser:
    """Stands in for webbrowser.open: records URLs instead of opening them."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        return True


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Let workers finish and their results reach the screen (they chain: open, then links)."""
    app = pilot.app
    for _ in range(rounds):
        # a worker superseded by a newer one, or ended with its screen, is expected
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def started(pilot: Pilot) -> ChronicleApp:
    """The app once the library is open and the first page is shown."""
    app = pilot.app
    assert isinstance(app, ChronicleApp)
    for _ in range(20):
        await settle(pilot)
        if app.library is not None and app.shown is not None:
            return app
    raise AssertionError("the app did not finish opening the archive")


async def searched(pilot: Pilot) -> ChronicleApp:
    """Wait (by polling, not by a fixed sleep) until the newest search has been answered."""
    app = pilot.app
    assert isinstance(app, ChronicleApp)
    await pilot.pause()  # the keys already sent are handled first
    for _ in range(200):
        await pilot.pause(0.02)
        if app.search_panel.settled:
            await pilot.pause()
            return app
    raise AssertionError("the search never answered")


def burst(app: ChronicleApp, *keys: tuple[str, str | None]) -> None:
    """Keys (name, character) posted all at once, as a fast typist or a terminal sending
    them in one go: none waits for the screen to redraw."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


def navigator_rows(app: ChronicleApp) -> list[str]:
    nav = app.navigator
    return [str(nav.get_option_at_index(i).prompt) for i in range(nav.option_count)]


async def until(pilot: Pilot, condition, seconds: float = 10.0) -> None:
    """Poll (workers may be held up on purpose, so not ``settle``)."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never got there")


class SearchCall(NamedTuple):
    """One call of the library's search: its query and options, the time limit it ran
    under, and its number (the first is 1)."""

    query: str
    options: dict[str, Any]
    time_limit: float
    number: int

    @property
    def complete(self) -> bool:
        """Whether it is a complete search's first step (``first_screen`` given)."""
        return self.options.get("first_screen") is not None


class HeldSearches:
    """Stands in for the app's library's search: records every call, and holds those
    ``held`` picks until ``release`` is set (ten seconds at most)."""

    def __init__(self, app: ChronicleApp, held: Callable[[SearchCall], bool]) -> None:
        library = app.library
        assert library is not None
        self.release = threading.Event()
        self.calls: list[SearchCall] = []
        real = library.search

        def search(query: str, **options: Any) -> SearchResults:
            call = SearchCall(query, options, library.time_limit, len(self.calls) + 1)
            self.calls.append(call)
            if held(call):
                self.release.wait(10)
            return real(query, **options)

        library.search = search  # type: ignore[method-assign]

    @property
    def queries(self) -> list[str]:
        return [call.query for call in self.calls]

    @property
    def complete(self) -> list[str]:
        """The queries of the complete searches started."""
        return [call.query for call in self.calls if call.complete]
