"""Timing Chronicle the way a person meets it: ``chronicle index`` runs, the index on
disk, a query session, and the app's first paint, each in a process of its own.

Builds run the real command line (``python -m tui.cli index``) in a subprocess and
``os.wait4`` gives that process tree's peak memory; the incremental figures change
one file, then add 1,000, and always put the archive back as it was afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.bench.generator import generate_archive
from tui.bench.queries import BenchQuery

_COUNTS = re.compile(r"(\d+) events, (\d+) articles, (\d+) day pages; (\d+) files skipped")


@dataclass(slots=True)
class Run:
    """One finished subprocess: wall seconds, peak RSS of its tree (when known), output."""

    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    status: int


def user_environment() -> dict[str, str]:
    """This environment with Python's bytecode cache on, as a user's Python has it:
    some environments turn it off for every process, and every run of ``chronicle``
    then compiles its modules again (0.2-0.4 s)."""
    return {key: value for key, value in os.environ.items()
            if key != "PYTHONDONTWRITEBYTECODE"}


def run_process(command: list[str], cwd: Path | None = None, timeout: float = 3600) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=user_environment())
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    # Peak memory is left to the child to report (see _measured and the worker).
    return Run(time.perf_counter() - started, 0.0, stdout, stderr, process.returncode)


def _measured(command: list[str], timeout: float = 3600) -> Run:
    """Run ``command`` under a fresh Python parent so its peak RSS is its own."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "s = time.perf_counter() - t\n"
        "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stderr.write(p.stderr)\n"
        "print(p.stdout)\n"
        "print(json.dumps({'seconds': s, 'rss': m, 'status': p.returncode}))\n"
    )
    run = run_process([sys.executable, "-c", wrapper, *command], timeout=timeout)
    lines = run.stdout.rstrip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        return run
    return Run(result["seconds"], result["rss"], "\n".join(lines[:-1]), run.stderr,
               result["status"])


def chronicle_index(archive: Path, index: Path, rebuild: bool = False) -> dict[str, Any]:
    """``chronicle --archive A --index I index`` as a user runs it (procs=2 on 2+ cores)."""
    command = [sys.executable, "-m", "tui.cli", "--archive", str(archive), "--index", str(index),
               "index", "--quiet"]
    if rebuild:
        command.append("--rebuild")
    run = _measured(command)
    if run.status != 0:
        raise RuntimeError(f"chronicle index failed ({run.status}): {run.stderr.strip()[-500:]}")
    match = _COUNTS.search(run.stdout)
    counts = dict(zip(("events", "articles", "day_pages", "skipped"),
                      (int(x) for x in match.groups()), strict=True)) if match else {}
    return {"seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb, "counts": counts,
            "output": run.stdout.strip()}


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _pick_event_page(archive: Path) -> Path:
    for path in sorted((archive / "news").rglob("*.md")):
        if path.name not in ("index.md", "README.md"):
            return path
    raise FileNotFoundError(f"no event page in {archive}")


def _edited(page: bytes) -> bytes:
    """The page with a sentence added under its ``# headline`` (a real edit, still valid)."""
    lines = page.split(b"\n")
    at = next((i for i, line in enumerate(lines) if line.startswith(b"# ")), len(lines) - 1)
    lines.insert(at + 1, b"\nBenchmark edit: one more sentence.")
    return b"\n".join(lines)


def incremental(archive: Path, index: Path, seed: int, added: int = 1000) -> dict[str, Any]:
    """Change one event page, then add ``added`` new pages; restore the archive after,
    and index it once more so the index matches it again: the query and app
    measurements that follow must not find (and apply) a pending update."""
    changed = _pick_event_page(archive)
    original = changed.read_bytes()
    new_files: list[Path] = []
    try:
        changed.write_bytes(_edited(original))
        one = chronicle_index(archive, index)
        # The same change again at once: the index's pages now in memory (the first
        # run may find them evicted, as this machine reclaims idle page cache).
        changed.write_bytes(_edited(_edited(original)))
        one["warm_seconds"] = chronicle_index(archive, index)["seconds"]
        with tempfile.TemporaryDirectory(prefix="chronicle-bench-") as tmp:
            extra = Path(tmp) / "extra"
            generate_archive(extra, max(added, 50), seed=seed + 7919)
            pages = [p for p in sorted((extra / "news").rglob("*.md"))
                     if p.name not in ("index.md", "README.md")]
            for page in pages:
                target = archive / page.relative_to(extra)
                if target.exists():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page, target)
                new_files.append(target)
                if len(new_files) == added:
                    break
        many = chronicle_index(archive, index)
    finally:
        changed.write_bytes(original)
        for path in new_files:
            path.unlink(missing_ok=True)
        chronicle_index(archive, index)
    return {"one_file": one, "added_files": len(new_files), "many_files": many}


def worker(task: str, spec: dict[str, Any], timeout: float = 1800) -> tuple[dict[str, Any], Run]:
    """Run ``tui.bench.worker`` with ``spec``; its JSON result and the process figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        run = run_process([sys.executable, "-m", "tui.bench.worker", task, handle.name],
                          timeout=timeout)
    finally:
        os.unlink(handle.name)
    lines = run.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]), run
    except (IndexError, ValueError):
        detail = run.stderr.strip().splitlines()[-3:]
        return {"error": f"{task} worker failed ({run.status}): {' / '.join(detail)}"}, run


def query_spec(queries: list[BenchQuery]) -> list[dict[str, Any]]:
    return [{name: getattr(q, name) for name in q.__slots__} for q in queries]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a real measurement)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def latency_summary(per_query: dict[str, list[float]]) -> dict[str, float]:
    """p50/p95/max over every warm run of every query of the set, in seconds."""
    runs = [t for times in per_query.values() for t in times]
    medians = {name: statistics.median(times) for name, times in per_query.items() if times}
    slowest = max(medians, key=lambda name: medians[name], default="")
    return {"p50": percentile(runs, 0.5), "p95": percentile(runs, 0.95),
            "max": max(runs, default=0.0), "runs": len(runs), "slowest": slowest}


def timed(function: Any, *args: Any, repeats: int = 3) -> tuple[list[float], Any]:
    times, result = [], None
    function(*args)
    for _ in range(repeats):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return times, result
