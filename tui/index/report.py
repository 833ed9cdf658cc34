"""What a build reports, apart from the build itself: the CLI and the app import it
without loading Whoosh or the parsers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.model import Skip

Progress = Callable[[int, int, str], None]
# What a build does after its last document, as the progress bar names it.
CATALOG_INDEXES = "catalog indexes"
LINKING = "linking articles"


def after_documents(progress: Progress | None, total: int, step: str) -> None:
    """Tell ``progress`` which step runs after the last document (the bar would
    otherwise sit silent at its end: some 15 seconds at 100,000 events); like any
    progress call, it may raise to cancel the build."""
    if progress is not None:
        progress(total, total, step)


@dataclass(slots=True)
class BuildReport:
    """What a build did: documents by kind now in the index, skipped files, timing."""

    counts: dict[str, int] = field(default_factory=dict)
    skips: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)
    full: bool = False
    reason: str = ""
