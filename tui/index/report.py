"""What a build reports, apart from the build itself: the CLI and the app import it
without loading Whoosh or the parsers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.model import Skip

Progress = Callable[[int, int, str], None]


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
