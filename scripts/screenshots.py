"""Take the README screenshots (SVG) from the real app on the shipped seeds.

    python scripts/screenshots.py [--out screenshots] [--size 120x40]

The seeds are indexed into a temporary directory (the checkout's index is left
alone) and a temporary user data directory is used, so the pictures do not
depend on anyone's bookmarks or history.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from textual.worker import WorkerCancelled  # noqa: E402

from tui.app import create_app  # noqa: E402
from tui.app.history import Location  # noqa: E402
from tui.index.builder import build_index  # noqa: E402

SEED_EVENT = "001_6bffd24d702e132c.txt"


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):  # superseded by a newer request: expected
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def take(out: Path, size: tuple[int, int], work: Path) -> list[Path]:
    seeds = REPO / "seeds"
    index = work / "index"
    build_index(seeds, index, rebuild=False, procs=1)
    app = create_app(seeds, index, work / "data", open_url=lambda url: True)
    saved: list[Path] = []

    def shot(name: str) -> None:
        saved.append(Path(app.save_screenshot(f"{name}.svg", str(out))))

    async with app.run_test(size=size) as pilot:
        for _ in range(20):
            await _settle(pilot)
            if app.library is not None and app.shown is not None:
                break
        shot("day-page")
        app.open_location(Location("event", SEED_EVENT))
        await _settle(pilot)
        await pilot.press("2", "l")
        await _settle(pilot)
        shot("main-view")
        await pilot.press("3", "down")
        await _settle(pilot)
        shot("related-navigator")
        await pilot.press("t")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        shot("followed-topic")
        await pilot.press("escape", "question_mark")
        await _settle(pilot)
        shot("help-screen")
        await pilot.press("escape", "slash", *"taraz")
        for _ in range(100):  # search runs as you type, after a short pause in typing
            await pilot.pause(0.02)
            if app.search_panel.settled:
                break
        await pilot.press("enter", "enter")
        await _settle(pilot)
        shot("search-results")
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--size", default="120x40", help="columns x rows, e.g. 120x40")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chronicle-shots-") as work:
        for path in asyncio.run(take(args.out, (columns, rows), Path(work))):
            print(path)


if __name__ == "__main__":
    main()
