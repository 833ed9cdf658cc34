"""A full build sizes Whoosh's in-memory pools by the machine's memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tui.index.builder as builder
import tui.index.full_build as full_build
from tui.index.full_build import MAX_POOL_MB, MIN_POOL_MB, pool_limit_mb


def test_pool_limit_follows_physical_memory() -> None:
    assert pool_limit_mb(2, memory_mb=24_000) == MAX_POOL_MB  # capped
    assert pool_limit_mb(2, memory_mb=8_000) == 1_000  # a quarter, shared by two writers
    assert pool_limit_mb(1, memory_mb=8_000) == 2_000
    assert pool_limit_mb(1, memory_mb=16_000) == MAX_POOL_MB
    assert pool_limit_mb(2, memory_mb=1_000) == MIN_POOL_MB  # never below Whoosh's default


def test_pool_limit_when_memory_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(full_build, "physical_memory_mb", lambda: None)
    assert pool_limit_mb(2) == MIN_POOL_MB


def test_full_build_passes_the_pool_limit(seeds_dir: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    apply = builder.apply_changes

    def recording(ix: Any, catalog: Any, change: Any, writer_args: dict[str, Any],
                  progress: Any) -> Any:
        seen.append(dict(writer_args))
        return apply(ix, catalog, change, writer_args, progress)

    monkeypatch.setattr(builder, "apply_changes", recording)
    monkeypatch.setattr(builder, "pool_limit_mb", lambda writers: 300 + writers)
    report = builder.build_index(seeds_dir, tmp_path / "index")
    assert report.full and seen == [{"limitmb": 301}]
