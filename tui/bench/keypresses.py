"""Key presses a person makes in the app, timed headless, one scenario at a time.

Each browsing key is sent through Textual's Pilot, and two figures are taken: the
CPU time of the app's own thread from sending the key until the app is idle again (the work the key
cost: the app is one thread, so this is what stands between the key and the repaint)
and the wall time of the same span (which includes Pilot's own idle-detection sleeps,
tens of milliseconds, so it is an upper bound). Search as you type is timed as wall
time from the key to the search panel showing the answer to the new text, the
typing pause included, until the results list has repainted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

Sample = dict[str, Any]
SEARCH_WORD = "government"
TYPING_GAP = 0.25  # seconds between typed letters: each letter gets its own search
SEARCH_TIMEOUT = 10.0


async def _press(pilot: Any, scenario: str, key: str, samples: list[Sample]) -> None:
    wall, cpu = time.perf_counter(), time.thread_time()
    await pilot.press(key)
    if await _workers_finished(pilot.app):
        await pilot.pause()  # what the workers handed over is painted
    samples.append({"scenario": scenario, "key": key, "wall": time.perf_counter() - wall,
                    "cpu": time.thread_time() - cpu})


async def _workers_finished(app: Any) -> bool:
    """Wait for the workers a key started (the page it opens) to end; True if any ran.

    Pilot's idle check compares the process's CPU time with the clock, so on a busy
    machine a worker thread waiting for a core looked idle: the key was timed without
    its page, and the page's work was counted against the next key. The app's start-up
    worker (group ``library``: the index check, waiting on a child process) is not the
    key's."""
    waited = False
    while any(not w.is_finished and w.group != "library" for w in app.workers):
        waited = True
        await asyncio.sleep(0.005)
    return waited


def _largest_year_node(app: Any) -> Any:
    from tui.app.timeline import Timeline

    timeline = app.query_one(Timeline)
    library = app.library
    counts = dict(library.years())
    years = [n for n in timeline.root.children if n.data is not None]
    return timeline, max(years, key=lambda n: counts.get(n.data.year, 0), default=None)


async def _timeline(app: Any, pilot: Any, samples: list[Sample]) -> None:
    from tui.app.timeline import Timeline

    app.query_one(Timeline).focus()
    await pilot.pause()
    for key in ("down", "down", "down", "up", "down", "up", "up", "down", "down", "up"):
        await _press(pilot, "timeline up/down", key, samples)


async def _expand_year(app: Any, pilot: Any, samples: list[Sample]) -> None:
    timeline, node = _largest_year_node(app)
    if node is None:
        return
    timeline.focus()
    for _ in range(3):
        node.collapse()
        timeline.move_cursor(node)
        await pilot.pause()
        await _press(pilot, "expand the largest year", "right", samples)
        month = node.children[0] if node.children else None
        if month is not None:
            timeline.move_cursor(month)
            await pilot.pause()
            await _press(pilot, "expand a month of it", "right", samples)
            month.collapse()


async def _jumps(app: Any, pilot: Any, samples: list[Sample]) -> None:
    for key in ("less_than_sign", "greater_than_sign") * 3:
        await _press(pilot, "jump first/last day (whole archive)", key, samples)
    for key in ("p", "p", "n", "p", "n", "n"):
        await _press(pilot, "previous/next day", key, samples)


async def _reader(app: Any, pilot: Any, samples: list[Sample]) -> None:
    await pilot.press("2")
    await pilot.pause()
    for key in ("down", "down", "pagedown", "up", "end", "home", "pagedown", "pageup"):
        await _press(pilot, "reader scroll", key, samples)


async def _navigator(app: Any, pilot: Any, samples: list[Sample]) -> None:
    await pilot.press("3")
    await pilot.pause()
    for key in ("down", "down", "up", "down", "down", "up"):
        await _press(pilot, "navigator up/down", key, samples)
    for _ in range(3):
        await pilot.press("3")
        await pilot.press("down")
        await _press(pilot, "navigator open + back", "enter", samples)
        await _press(pilot, "navigator open + back", "left_square_bracket", samples)


async def _search_as_you_type(app: Any, pilot: Any, samples: list[Sample]) -> None:
    """Each letter goes in as the search box's own key handler puts it (Pilot's key
    press would add its idle-detection sleeps); the time runs until the results list
    has repainted with the answer to the new text."""
    from tui.app.search_panel import SearchPanel

    await pilot.press("slash")
    await pilot.pause()
    panel = app.query_one(SearchPanel)
    loop = asyncio.get_running_loop()
    for letter in SEARCH_WORD:
        before = panel.seq
        started = time.perf_counter()
        panel.box.insert_text_at_cursor(letter)
        deadline = started + SEARCH_TIMEOUT
        while time.perf_counter() < deadline and not (panel.seq > before and panel.settled):
            await asyncio.sleep(0.001)
        painted = loop.create_future()
        panel.results_list.call_after_refresh(
            lambda done=painted: done.done() or done.set_result(time.perf_counter()))
        finished = await asyncio.wait_for(painted, SEARCH_TIMEOUT)
        samples.append({"scenario": "search as you type (key to results)", "key": letter,
                         "wall": finished - started, "cpu": None})
        await asyncio.sleep(TYPING_GAP)
    await pilot.press("escape")
    await pilot.pause()


SCENARIOS: tuple[Callable[[Any, Any, list[Sample]], Awaitable[None]], ...] = (
    _timeline, _expand_year, _jumps, _reader, _navigator, _search_as_you_type,
)


async def run_scenarios(app: Any, pilot: Any) -> tuple[list[Sample], list[str]]:
    """Every scenario's samples; a scenario that fails is named, the others still run."""
    samples: list[Sample] = []
    failures: list[str] = []
    for scenario in SCENARIOS:
        try:
            await scenario(app, pilot, samples)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            failures.append(f"{scenario.__name__.strip('_')}: {type(exc).__name__}: {exc}")
    return samples, failures
