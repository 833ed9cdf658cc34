"""Run one index build and SIGKILL it, or pause it, at a chosen point.

``python tests/index_killer.py ARCHIVE INDEX full|update POINT [pause]``, where POINT is
``progress:K`` (the K-th progress call: parsing, then writing documents), or a named
moment of the commit: ``toc`` (Whoosh's new segment written, its table of contents
not yet renamed into place), ``catalog`` (Whoosh committed, the catalog transaction
not begun), ``catalog-meta`` (inside the catalog transaction), ``switch`` (a full
build committed, the pointer not yet moved), ``pointer`` (the new pointer written to
its temporary file, not yet renamed) and ``cleanup`` (the pointer moved, old
generations not yet removed). ``none`` stops nothing.

With ``pause`` the build prints ``paused`` at the point, sleeps :data:`PAUSE` seconds
and goes on, so readers can look at the index meanwhile. Nothing here changes the code
under test: the points are reached by wrapping functions from the outside. Used by
test_crash_safety.py and test_writer_lock.py.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

import tui.index.builder as builder
import tui.index.store as store
from tui.index.catalog import Catalog

PAUSE = 1.5
Stop = Callable[[Callable[..., Any]], Callable[..., Any]]


def killing(_: Callable[..., Any]) -> Callable[..., Any]:
    def die(*args: Any, **kwargs: Any) -> None:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    return die


def pausing(original: Callable[..., Any]) -> Callable[..., Any]:
    def pause_then_go_on(*args: Any, **kwargs: Any) -> Any:
        print("paused", flush=True)
        time.sleep(PAUSE)
        return original(*args, **kwargs)

    return pause_then_go_on


def stop_at(point: str, stop: Stop) -> None:
    """Wrap the function that marks ``point`` so that it calls ``stop`` first."""
    if point == "toc":
        FileStorage.rename_file = stop(FileStorage.rename_file)  # type: ignore[method-assign]
    elif point == "catalog":
        Catalog.transaction = stop(Catalog.transaction)  # type: ignore[method-assign]
    elif point == "catalog-meta":
        Catalog.set_meta = stop(Catalog.set_meta)  # type: ignore[method-assign]
    elif point == "switch":
        builder.switch_generation = stop(builder.switch_generation)
    elif point == "pointer":
        store.os.replace = stop(store.os.replace)  # type: ignore[attr-defined]
    elif point == "cleanup":
        remove = builder.remove_generations
        stopped = stop(remove)
        calls = 0

        def second_removal_stops(*args: Any, **kwargs: Any) -> None:
            nonlocal calls
            calls += 1
            (stopped if calls == 2 else remove)(*args, **kwargs)

        builder.remove_generations = second_removal_stops


def main() -> None:
    archive, index, mode, point = sys.argv[1:5]
    stop: Stop = pausing if sys.argv[5:] == ["pause"] else killing
    calls = 0
    target = int(point.split(":")[1]) if point.startswith("progress:") else -1
    at_target = stop(lambda: None)

    def progress(done: int, total: int, path: str) -> None:
        nonlocal calls
        calls += 1
        if calls == target:
            at_target()

    stop_at(point, stop)
    builder.build_index(Path(archive), Path(index), rebuild=mode == "full", progress=progress)
    print(f"finished after {calls} progress calls", flush=True)


if __name__ == "__main__":
    main()
