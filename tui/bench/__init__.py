"""Synthetic archives and the benchmark that compares Chronicle with FTS5 and grep.

``python -m tui.bench.generator`` writes a deterministic archive in the real format;
``python -m tui.bench`` measures builds, search, start-up and memory (BENCHMARKS.md).
Nothing here is imported by the app or the CLI.
"""
