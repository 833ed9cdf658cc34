"""The machine a benchmark ran on, the targets it is judged by, and BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from tui.search import FACET_SAMPLE, FIRST_SCREEN

# (key, what, limit, unit, higher is better)
TARGETS = (
    ("search_p50_ms", "search p50", 10.0, "ms", False),
    ("search_p95_ms", "search p95", 60.0, "ms", False),
    ("search_max_ms", "search max", 250.0, "ms", False),
    ("start_seconds", "start to first paint", 1.0, "s", False),
    ("keypress_browse_p95_ms", "browsing key press p95 (CPU)", 50.0, "ms", False),
    ("keypress_search_p95_ms", "search as you type, key to results p95", 100.0, "ms", False),
    ("peak_rss_mb", "peak RSS (app, query session)", 250.0, "MB", False),
    ("build_events_per_second", "full build rate", 2200.0, "events/s", True),
    ("build_seconds_100k", "full build at 100k", 45.0, "s", False),
    ("incremental_one_seconds", "incremental, one file", 1.0, "s", False),
    ("incremental_many_seconds", "incremental, 1,000 files added", 5.0, "s", False),
)


def _first_line(path: str, key: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python and the versions of what was measured."""
    memory_kb = _first_line("/proc/meminfo", "MemTotal").split(" ")[0]
    rg = shutil.which("rg")
    rg_version = ""
    if rg:
        done = subprocess.run([rg, "--version"], capture_output=True, text=True, check=False)
        rg_version = done.stdout.splitlines()[0] if done.stdout else ""
    return {
        "cpu": _first_line("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "ram_gb": round(int(memory_kb) / 1024 / 1024, 1) if memory_kb.isdigit() else None,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "textual": _version("textual"),
        "whoosh": _version("whoosh-reloaded"),
        "sqlite": sqlite3.sqlite_version,
        "grep_tool": rg_version or "grep (ripgrep not installed)",
        "load_average": list(os.getloadavg()),
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def judge(figures: dict[str, float | None], events: int) -> list[dict[str, Any]]:
    """Each target with the figure measured, and met / missed / not measured."""
    verdicts = []
    for key, what, limit, unit, higher in TARGETS:
        if key == "build_seconds_100k" and events < 100_000:
            continue
        value = figures.get(key)
        if value is None:
            state = "not measured"
        else:
            state = "met" if (value >= limit if higher else value <= limit) else "missed"
        verdicts.append({"key": key, "what": what, "target": limit, "unit": unit,
                         "higher_is_better": higher, "value": value, "state": state})
    return verdicts


def shortfall(verdict: dict[str, Any]) -> float | None:
    """By what factor a missed figure falls short of its limit (1.0 would be on target)."""
    value, limit = verdict["value"], verdict["target"]
    if verdict["state"] != "missed" or not value or not limit:
        return None
    return limit / value if verdict["higher_is_better"] else value / limit


def _verdict(verdict: dict[str, Any]) -> str:
    times = shortfall(verdict)
    return verdict["state"] if times is None else f"missed by {times:,.1f}×"


def _n(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _ratio(mine: float | None, other: float | None) -> str:
    if not mine or other is None:
        return "–"
    return f"{other / mine:,.1f}×"


def _facets_rows(queries: dict[str, Any]) -> list[str]:
    """The second step of Chronicle's searches, timed on its own (none in the figures
    above): the facets and the snippets after the first screen."""
    facets = queries.get("chronicle_facets")
    if not facets:
        return []
    return [f"| search, second step (facets, remaining snippets) p50 / p95 / max | "
            f"{_n(facets['p50'] * 1e3)} / {_n(facets['p95'] * 1e3)} / "
            f"{_n(facets['max'] * 1e3)} ms | none (no facets) | none |"]


def _size_section(result: dict[str, Any]) -> list[str]:
    build, queries = result["build"], result["queries"]
    mine, fts, grep = queries["chronicle"], queries["fts5"], queries["grep"]
    app = result["app"]
    lines = [
        f"### {result['events']:,} events ({result['archive']})",
        "",
        f"{result['files']:,} files, {result['archive_bytes'] / 1e6:,.0f} MB; indexed "
        f"{build['counts'].get('events', 0):,} events, {build['counts'].get('articles', 0):,} "
        f"articles, {build['counts'].get('day_pages', 0):,} day pages.",
        "",
        "| measure | Chronicle | SQLite FTS5 | grep |",
        "|---|---|---|---|",
        f"| full build | {_n(build['seconds'])} s ({_n(build['events_per_second'], 0)} "
        f"events/s) | {_n(result['fts5']['build_seconds'])} s + parse "
        f"{_n(result['fts5']['parse_seconds'])} s | none |",
        f"| index size | {_n(result['index_bytes'] / 1e6)} MB | "
        f"{_n(result['fts5']['bytes'] / 1e6)} MB | none |",
        f"| search p50 | {_n(mine['p50'] * 1e3)} ms | {_n(fts['p50'] * 1e3)} ms "
        f"({_ratio(mine['p50'], fts['p50'])}) | {_n(grep['p50'] * 1e3, 0)} ms "
        f"({_ratio(mine['p50'], grep['p50'])}) |",
        f"| search p95 | {_n(mine['p95'] * 1e3)} ms | {_n(fts['p95'] * 1e3)} ms "
        f"({_ratio(mine['p95'], fts['p95'])}) | {_n(grep['p95'] * 1e3, 0)} ms "
        f"({_ratio(mine['p95'], grep['p95'])}) |",
        f"| search max | {_n(mine['max'] * 1e3)} ms | {_n(fts['max'] * 1e3)} ms "
        f"({_ratio(mine['max'], fts['max'])}) | {_n(grep['max'] * 1e3, 0)} ms "
        f"({_ratio(mine['max'], grep['max'])}) |",
        *_facets_rows(queries),
        "",
        f"Ratios are the other tool's time over Chronicle's (above 1× means Chronicle is "
        f"faster). Slowest Chronicle query: {mine.get('slowest', '–')}.",
        "",
        "| other figure | value |",
        "|---|---|",
        f"| peak RSS, full build (process tree) | {_n(build['peak_rss_mb'], 0)} MB |",
        f"| peak RSS, query session | {_n(queries.get('peak_rss_mb'), 0)} MB |",
        f"| index open (Library.open) | {_n((queries.get('open_seconds') or 0) * 1e3)} ms |",
        f"| incremental, one file changed | {_n(result['incremental'].get('one_seconds'), 2)} s |",
        "| incremental, one file changed again at once (index pages in memory) | "
        f"{_n(result['incremental'].get('one_warm_seconds'), 2)} s |",
        f"| incremental, {result['incremental'].get('added_files', 0):,} files added | "
        f"{_n(result['incremental'].get('many_seconds'), 2)} s |",
    ]
    if app.get("first_paint_seconds") is not None:
        lines += [
            f"| app start to first paint (headless) | {_n(app['first_paint_seconds'], 2)} s |",
            f"| app peak RSS | {_n(app.get('peak_rss_mb'), 0)} MB |",
        ]
        for name, figures in app.get("key_scenarios", {}).items():
            lines.append(f"| key: {name} ({figures['measure']}, n={figures['n']}) p50 / p95 / "
                         f"max | {_n(figures['p50'] * 1e3)} / {_n(figures['p95'] * 1e3)} / "
                         f"{_n(figures['max'] * 1e3)} ms |")
        for failure in app.get("key_failures", []):
            lines.append(f"| key scenario failed | {failure} |")
    else:
        lines.append(f"| app start | not measured: {app.get('skipped', 'unknown')} |")
    lines += ["", "| target | limit | measured | |", "|---|---|---|---|"]
    for verdict in result["targets"]:
        sign = "≥" if verdict["higher_is_better"] else "≤"
        lines.append(f"| {verdict['what']} | {sign} {verdict['target']:,g} {verdict['unit']} | "
                     f"{_n(verdict['value'], 2)} | {_verdict(verdict)} |")
    lines += ["", "<details><summary>per-query latencies (ms, warm)</summary>", "",
              "| query | Chronicle median | its facets step | first run | FTS5 median | "
              "grep median | hits (Chronicle / FTS5 / grep files) |",
              "|---|---|---|---|---|---|---|"]
    for row in result["per_query"]:
        lines.append(f"| `{row['query']}` ({row['sort']}) | {_n(row['chronicle_ms'])} | "
                     f"{_n(row.get('facets_ms'))} | {_n(row['first_ms'])} | "
                     f"{_n(row['fts5_ms'])} | {_n(row['grep_ms'], 0)} | "
                     f"{row['total']:,} / {row['fts5_total']:,} / {row['grep_files']:,} |")
    lines += ["", "</details>", ""]
    return lines


def markdown(report: dict[str, Any]) -> str:
    """BENCHMARKS.md: how it was run, on what, and a table per archive size."""
    m = report["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m tui.bench` (see `tui/bench/__main__.py`); do not edit by hand.",
        f"Command: `{report['command']}`",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}; "
        f"Python {m['python']}, Textual {m['textual']}, Whoosh {m['whoosh']}, "
        f"SQLite {m['sqlite']}, {m['grep_tool']}. Load average at start: "
        f"{', '.join(f'{x:.2f}' for x in m['load_average'])}. Run {m['when']}.",
        "",
        "Queries: the fixed set in `tui/bench/queries.py` (or, with `--archive`, one drawn "
        "from that archive's words), each run once to warm up and then "
        f"{report['repeats']} times; latencies are over every warm run. Chronicle's search "
        f"is the first of its two steps, `Library.search(limit=50, first_screen={FIRST_SCREEN})`: "
        f"the 50 hits ranked, the total, any suggestion and the snippets of the first "
        f"{FIRST_SCREEN} hits (what the app paints first). Its second step, "
        f"`Library.complete_search` (the facets, i.e. the topics of the best {FACET_SAMPLE} "
        f"matches counted, and the other {50 - FIRST_SCREEN} snippets), runs right "
        "after it and is timed on its own: the \"second step\" row and the \"facets step\" "
        "column; one search with both steps costs the sum. FTS5 is a count plus the first "
        "50 rows with `snippet()` (no facets); grep is one pass over the files per pattern "
        "(no ranking).",
        "",
        "Every measured program runs with Python's bytecode cache on, as a user's Python "
        "has it (`PYTHONDONTWRITEBYTECODE` is dropped from the environment). Page cache "
        "left idle may be reclaimed by the machine between steps: a first run after a "
        "pause can read the index from disk.",
        "",
        "Why a target is missed, what the profiles show and what would close it: "
        "[docs/PERFORMANCE.md](docs/PERFORMANCE.md).",
        "",
    ]
    for result in report["results"]:
        lines += _size_section(result)
    return "\n".join(lines).rstrip() + "\n"
