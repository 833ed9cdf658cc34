"""Measurements that run in a process of their own, so each reports its own peak memory.

    python -m tui.bench.worker queries SPEC.json   # both search steps over a query set
    python -m tui.bench.worker app SPEC.json       # headless app: first paint, keypresses

The result is one JSON object on the last line of standard output.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402 - the clock above must start before any import
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def peak_rss_mb() -> float:
    """This process's own peak resident set size, in MB.

    Not ``ru_maxrss`` alone: Linux carries it over from the parent across fork and
    exec, so a worker started by a benchmark that holds a large archive in memory
    reported the benchmark's peak, not its own. ``VmHWM`` belongs to this program.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_queries(spec: dict[str, Any]) -> dict[str, Any]:
    """Each query once to warm up, then ``repeats`` times, in the app's two steps:
    ``times`` are the first step's (the hits, total and first screen of snippets, what
    a search waits for), ``facet_times`` the second step's (facets and the remaining
    snippets), each measured on its own."""
    from tui.bench.queries import BenchQuery
    from tui.library import Library
    from tui.search import FIRST_SCREEN

    opened = time.perf_counter()
    library = Library.open(Path(spec["index"]))
    open_seconds = time.perf_counter() - opened
    results = []
    for raw in spec["queries"]:
        query = BenchQuery(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})
        times, facet_times = [], []
        started = time.perf_counter()
        found = library.search(query.text, limit=50, sort=query.sort,
                               first_screen=FIRST_SCREEN)
        first = time.perf_counter() - started
        started = time.perf_counter()
        library.complete_search(found)
        first_facets = time.perf_counter() - started
        for _ in range(spec["repeats"]):
            started = time.perf_counter()
            found = library.search(query.text, limit=50, sort=query.sort,
                                   first_screen=FIRST_SCREEN)
            listed = time.perf_counter()
            done = library.complete_search(found)
            times.append(listed - started)
            facet_times.append(time.perf_counter() - listed)
        results.append({
            "name": query.name, "query": query.text, "sort": query.sort, "first": first,
            "first_facets": first_facets, "times": times, "facet_times": facet_times,
            "total": done.total, "shown": len(done.hits),
            "highlighted": sum(any(m for _, m in h.snippet) for h in done.hits),
            "error": done.error, "cut_short": done.cut_short,
            "suggestion": done.suggestion, "notes": list(done.notes),
        })
    library.close()
    return {"open_seconds": open_seconds, "queries": results, "peak_rss_mb": peak_rss_mb()}


async def _paint(spec: dict[str, Any]) -> dict[str, Any]:
    from tui.app import create_app
    from tui.bench.keypresses import run_scenarios

    imported = time.perf_counter() - STARTED
    app = create_app(Path(spec["archive"]), Path(spec["index"]), Path(spec["data"]))
    painted = None
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.perf_counter() + spec.get("timeout", 120)
        while time.perf_counter() < deadline:
            timeline = app.timeline
            if (app.library is not None and app.shown is not None
                    and timeline.root.children):
                await pilot.pause(0)
                painted = time.perf_counter() - STARTED
                break
            await asyncio.sleep(0.005)
        keys: list[dict[str, Any]] = []
        failures: list[str] = []
        if painted is not None:
            start_rss = peak_rss_mb()
            keys, failures = await run_scenarios(app, pilot)
    return {"import_seconds": imported, "first_paint_seconds": painted, "keys": keys,
            "key_failures": failures, "start_peak_rss_mb": start_rss if painted else None,
            "peak_rss_mb": peak_rss_mb()}


def main(argv: list[str]) -> int:
    task, spec_path = argv
    spec = json.loads(Path(spec_path).read_text())
    if task == "queries":
        result = run_queries(spec)
    elif task == "app":
        result = asyncio.run(_paint(spec))
    else:
        print(json.dumps({"error": f"unknown task {task!r}"}))
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
