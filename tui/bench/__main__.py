"""``python -m tui.bench``: Chronicle against SQLite FTS5 and grep, side by side.

    python -m tui.bench [--sizes 10000,100000] [--archive DIR] [--json FILE]
                        [--out BENCHMARKS.md] [--quick] [--work bench-data]

For each size it generates the synthetic archive if absent (``bench-data/``, git-ignored),
then measures a full ``chronicle index`` (procs=2 on two cores or more), the index on
disk, a query session over the published query set, the app's first paint, the same
queries on FTS5 and grep, and incremental updates (one file changed, 1,000 added).
``--archive DIR`` measures an existing archive with queries drawn from its own words.
Figures are printed against the targets, written to ``--out`` and, with ``--json``, all
of them to a file. Measurements only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tui.bench.baselines import FtsBaseline, GrepBaseline
from tui.bench.generator import GENERATOR_VERSION, generate_archive, read_marker
from tui.bench.measure import (
    chronicle_index,
    directory_size,
    incremental,
    latency_summary,
    percentile,
    query_spec,
    timed,
    worker,
)
from tui.bench.queries import BenchQuery, archive_queries, fixed_queries
from tui.bench.report import judge, machine, markdown

SEED = 1


def _archive_for(size: int, work: Path, quiet: bool) -> Path:
    archive = work / f"synthetic-{size}-s{SEED}"
    marker = read_marker(archive)
    wanted = {"events": size, "seed": SEED, "generator_version": GENERATOR_VERSION}
    if marker is None or any(marker.get(k) != v for k, v in wanted.items()):
        _say(quiet, f"generating {size:,} events into {archive}")
        stats = generate_archive(archive, size, SEED, overwrite=True)
        _say(quiet, f"  {stats.files:,} files in {stats.seconds:.1f} s")
    return archive


def _documents(archive: Path) -> tuple[list[Any], float]:
    from tui.index.builder import scan_archive
    from tui.model import Skip
    from tui.parsers import parse_file

    started = time.perf_counter()
    docs = []
    for rel in sorted(scan_archive(archive)):
        doc = parse_file(archive / rel, archive)
        if not isinstance(doc, Skip):
            docs.append(doc)
    return docs, time.perf_counter() - started


def _app_figures(archive: Path, index: Path, timeout: float) -> dict[str, Any]:
    try:
        from tui.app import create_app  # noqa: F401 - only whether it exists
    except ImportError as exc:
        return {"skipped": f"the app is not available yet ({exc})"}
    with tempfile.TemporaryDirectory(prefix="chronicle-bench-data-") as data:
        spec = {"archive": str(archive), "index": str(index), "data": data, "timeout": timeout}
        result, run = worker("app", spec, timeout=timeout + 60)
    if "error" in result or result.get("first_paint_seconds") is None:
        return {"skipped": result.get("error", "the app did not paint in time")}
    result.update(process_seconds=run.seconds, **keypress_figures(result["keys"]))
    return result


def keypress_figures(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Per scenario p50/p95/max; browsing keys are judged by the CPU time a key cost,
    search as you type by the wall time from the key to the new results."""
    scenarios: dict[str, list[float]] = {}
    browsing: list[float] = []
    typing: list[float] = []
    for sample in samples:
        value = sample["cpu"] if sample["cpu"] is not None else sample["wall"]
        scenarios.setdefault(sample["scenario"], []).append(value)
        (browsing if sample["cpu"] is not None else typing).append(value)
    return {
        "key_scenarios": {name: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95),
                                 "max": max(v), "n": len(v),
                                 "measure": "wall" if name.startswith("search") else "cpu"}
                          for name, v in scenarios.items()},
        "key_browse_p95": percentile(browsing, 0.95) if browsing else None,
        "key_browse_max": max(browsing, default=None),
        "key_search_p95": percentile(typing, 0.95) if typing else None,
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1e3


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr, flush=True)


def measure_size(archive: Path, events: int | None, work: Path, queries: list[BenchQuery] | None,
                 repeats: int, added: int, quiet: bool) -> dict[str, Any]:
    """Every figure for one archive; ``queries`` None draws them from the archive."""
    name = archive.name
    index = work / f"index-{name}"
    shutil.rmtree(index, ignore_errors=True)
    _say(quiet, f"[{name}] full build (chronicle index)")
    build = chronicle_index(archive, index, rebuild=True)
    counted = build["counts"].get("events", 0)
    build["events_per_second"] = counted / build["seconds"] if build["seconds"] else None
    index_bytes = directory_size(index)
    _say(quiet, f"[{name}]   {build['seconds']:.1f} s, {counted:,} events; parsing for FTS5")
    docs, parse_seconds = _documents(archive)
    if queries is None:
        queries = archive_queries(docs)
    _say(quiet, f"[{name}] {len(queries)} queries on Chronicle")
    session, _ = worker("queries", {"index": str(index), "queries": query_spec(queries),
                                    "repeats": repeats})
    if "error" in session:
        raise RuntimeError(session["error"])
    _say(quiet, f"[{name}] app start")
    app = _app_figures(archive, index, timeout=120)
    _say(quiet, f"[{name}] SQLite FTS5 and grep")
    fts = FtsBaseline(work / f"fts5-{name}.sqlite3")
    fts.add(docs)
    del docs
    grep = GrepBaseline(archive)
    fts_times: dict[str, list[float]] = {}
    grep_times: dict[str, list[float]] = {}
    grep_repeats = max(1, min(repeats, 2))
    fts_totals: dict[str, int] = {}
    grep_files: dict[str, int] = {}
    for query in queries:
        fts_times[query.name], (fts_totals[query.name], _) = timed(fts.search, query,
                                                                   repeats=repeats)
        grep_times[query.name], grep_files[query.name] = timed(grep.search, query,
                                                               repeats=grep_repeats)
    fts_figures = {"build_seconds": fts.build_seconds, "parse_seconds": parse_seconds,
                   "bytes": fts.size()}
    fts.close()
    _say(quiet, f"[{name}] incremental updates")
    changes = incremental(archive, index, SEED, added=added)
    mine = {q["name"]: q["times"] for q in session["queries"]}
    facets = {q["name"]: q["facet_times"] for q in session["queries"]}
    per_query = []
    for q in session["queries"]:
        per_query.append({
            "name": q["name"], "query": q["query"], "sort": q["sort"], "total": q["total"],
            "highlighted": q["highlighted"], "error": q["error"], "cut_short": q["cut_short"],
            "chronicle_ms": statistics.median(q["times"]) * 1e3 if q["times"] else None,
            "facets_ms": (statistics.median(q["facet_times"]) * 1e3 if q["facet_times"]
                          else None),
            "first_ms": q["first"] * 1e3,
            "first_facets_ms": q["first_facets"] * 1e3,
            "fts5_ms": statistics.median(fts_times[q["name"]]) * 1e3,
            "grep_ms": statistics.median(grep_times[q["name"]]) * 1e3,
            "fts5_total": fts_totals[q["name"]], "grep_files": grep_files[q["name"]],
        })
    result: dict[str, Any] = {
        "name": name, "archive": str(archive), "events": events or counted,
        "files": sum(1 for p in archive.rglob("*") if p.is_file() and p.name[0] != "."),
        "archive_bytes": directory_size(archive), "build": build, "index_bytes": index_bytes,
        "queries": {"chronicle": latency_summary(mine),
                    "chronicle_facets": latency_summary(facets),
                    "fts5": latency_summary(fts_times),
                    "grep": latency_summary(grep_times), "grep_tool": grep.tool,
                    "open_seconds": session["open_seconds"],
                    "peak_rss_mb": session["peak_rss_mb"]},
        "per_query": per_query, "fts5": fts_figures, "app": app,
        "incremental": {"one_seconds": changes["one_file"]["seconds"],
                        "one_warm_seconds": changes["one_file"].get("warm_seconds"),
                        "many_seconds": changes["many_files"]["seconds"],
                        "added_files": changes["added_files"], "runs": changes},
    }
    rss = [session["peak_rss_mb"], app.get("peak_rss_mb")]
    figures = {
        "search_p50_ms": result["queries"]["chronicle"]["p50"] * 1e3,
        "search_p95_ms": result["queries"]["chronicle"]["p95"] * 1e3,
        "search_max_ms": result["queries"]["chronicle"]["max"] * 1e3,
        "start_seconds": app.get("first_paint_seconds"),
        "keypress_browse_p95_ms": _ms(app.get("key_browse_p95")),
        "keypress_search_p95_ms": _ms(app.get("key_search_p95")),
        "peak_rss_mb": max(r for r in rss if r is not None),
        "build_events_per_second": build["events_per_second"],
        "build_seconds_100k": build["seconds"],
        "incremental_one_seconds": result["incremental"]["one_seconds"],
        # The target is for 1,000 files; a --quick run adds fewer and is not judged.
        "incremental_many_seconds": (result["incremental"]["many_seconds"]
                                     if changes["added_files"] >= 1000 else None),
    }
    result["targets"] = judge(figures, result["events"])
    return result


def _print_summary(result: dict[str, Any]) -> None:
    print(f"\n== {result['name']}: {result['events']:,} events ==")
    for verdict in result["targets"]:
        value = verdict["value"]
        shown = "–" if value is None else f"{value:,.2f}"
        sign = "≥" if verdict["higher_is_better"] else "≤"
        print(f"  {verdict['what']:<34} {shown:>12} {verdict['unit']:<9} target {sign} "
              f"{verdict['target']:,g}: {verdict['state']}")
    q = result["queries"]
    for tool in ("chronicle", "chronicle_facets", "fts5", "grep"):
        s = q[tool]
        name = "(facets)" if tool == "chronicle_facets" else tool
        print(f"  {name:<10} p50 {s['p50'] * 1e3:9.1f} ms  p95 {s['p95'] * 1e3:9.1f} ms  "
              f"max {s['max'] * 1e3:9.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated event counts (default 10000,100000)")
    parser.add_argument("--archive", type=Path, help="measure this existing archive instead")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"),
                        help="markdown report (default BENCHMARKS.md)")
    parser.add_argument("--quick", action="store_true",
                        help="one warm run per query, 100 files added: a fast check")
    parser.add_argument("--work", type=Path, default=Path("bench-data"),
                        help="where archives and indexes go (default bench-data/)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    repeats, added = (1, 100) if args.quick else (5, 1000)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"bench: --sizes must be numbers separated by commas, not {args.sizes!r}",
              file=sys.stderr)
        return 2
    if args.archive is not None and not (args.archive / "news").is_dir() and not any(
            args.archive.glob("*.md")):
        print(f"bench: {args.archive} does not look like an archive", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "command": "python -m tui.bench " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(), "repeats": repeats, "results": [],
    }
    targets = [(args.archive.resolve(), None, None)] if args.archive else [
        (_archive_for(n, args.work, args.quiet), n, fixed_queries()) for n in sizes]
    for archive, events, queries in targets:
        result = measure_size(archive, events, args.work, queries, repeats, added, args.quiet)
        report["results"].append(result)
        _print_summary(result)
        args.out.write_text(markdown(report), encoding="utf-8")
        if args.json:
            args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nwrote {args.out}" + (f" and {args.json}" if args.json else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
