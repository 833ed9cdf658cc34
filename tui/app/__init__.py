"""The Textual app: ``run_app`` for the CLI, ``create_app`` for tests and scripts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.app.chronicle_app import ChronicleApp

__all__ = ["create_app", "run_app"]


def create_app(
    archive_dir: Path,
    index_dir: Path,
    data_dir: Path | None = None,
    *,
    open_url: Callable[[str], Any] | None = None,
    notes: Sequence[str] = (),
) -> ChronicleApp:
    """The app over one archive and index; tests pass their own data directory and browser.
    ``notes`` (e.g. that the index moved to the user cache) are shown when it opens."""
    from tui.app.chronicle_app import ChronicleApp

    if data_dir is None:
        from tui.config import user_data_dir

        data_dir = user_data_dir()
    kwargs: dict[str, Any] = {} if open_url is None else {"open_url": open_url}
    return ChronicleApp(Path(archive_dir), Path(index_dir), Path(data_dir), notes=notes,
                        **kwargs)


def run_app(
    archive_dir: Path, index_dir: Path, data_dir: Path | None = None, notes: Sequence[str] = ()
) -> None:
    """Open the app (building or updating the index first when needed) until the user quits."""
    create_app(archive_dir, index_dir, data_dir, notes=notes).run()
