"""The benchmark runs end to end on a tiny archive and writes sane JSON and markdown.

A measurement, not a test of speed: no figure is compared with a time here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tui.bench.__main__ import keypress_figures, main
from tui.bench.baselines import GrepBaseline
from tui.bench.measure import latency_summary, percentile
from tui.bench.queries import archive_queries, fixed_queries
from tui.bench.report import TARGETS, judge, shortfall
from tui.bench.vocabulary import vocabulary
from tui.model import Event


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, Path]:
    work = tmp_path_factory.mktemp("bench")
    out, figures = work / "BENCHMARKS.md", work / "bench.json"
    status = main(
        [
            "--sizes",
            "200",
            "--quick",
            "--quiet",
            "--work",
            str(work),
            "--out",
            str(out),
            "--json",
            str(figures),
        ]
    )
    assert status == 0
    return json.loads(figures.read_text()), out.read_text(), work


def test_json_holds_every_figure(bench_run: tuple[dict, str, Path]) -> None:
    report, _, _ = bench_run
    assert report["machine"]["cores"] >= 1 and report["machine"]["python"]
    (result,) = report["results"]
    assert result["events"] == 200
    assert result["build"]["counts"]["events"] == 200
    assert result["build"]["counts"]["skipped"] == 0
    assert result["build"]["seconds"] > 0 and result["build"]["peak_rss_mb"] > 0
    assert result["index_bytes"] > 0 and result["fts5"]["bytes"] > 0
    for tool in ("chronicle", "chronicle_facets", "fts5", "grep"):
        summary = result["queries"][tool]
        assert 0 < summary["p50"] <= summary["p95"] <= summary["max"]
        assert summary["runs"] == len(fixed_queries())
    # the search's second step (facets) is timed on its own, for every query
    assert all(row["facets_ms"] > 0 and row["first_facets_ms"] > 0
               for row in result["per_query"])
    assert result["queries"]["peak_rss_mb"] > 0
    assert result["incremental"]["one_seconds"] > 0
    assert result["incremental"]["one_warm_seconds"] > 0
    assert result["incremental"]["added_files"] == 100
    app = result["app"]
    assert app.get("first_paint_seconds") or app.get("skipped")
    if app.get("first_paint_seconds"):
        assert app["key_failures"] == []
        scenarios = app["key_scenarios"]
        assert {"timeline up/down", "expand the largest year", "reader scroll",
                "navigator open + back", "search as you type (key to results)"} <= set(scenarios)
        assert all(0 < s["p50"] <= s["p95"] <= s["max"] for s in scenarios.values())
        assert app["key_search_p95"] > 0 and app["key_browse_p95"] > 0
    assert {v["key"] for v in result["targets"]} >= {
        "search_p50_ms",
        "start_seconds",
        "peak_rss_mb",
        "incremental_one_seconds",
    }


def test_queries_find_what_the_archive_holds(bench_run: tuple[dict, str, Path]) -> None:
    report, _, _ = bench_run
    rows = {row["name"]: row for row in report["results"][0]["per_query"]}
    assert all(row["error"] is None for row in rows.values())
    assert rows["word in almost every document"]["total"] > 150
    assert rows["word in almost every document"]["highlighted"] > 0
    assert rows["topic field"]["total"] > 0
    assert rows["date range only"]["total"] > 0
    assert rows["rare made-up word"]["total"] < rows["word in most documents"]["total"]


def test_markdown_report(bench_run: tuple[dict, str, Path]) -> None:
    _, text, _ = bench_run
    assert text.startswith("# Benchmarks")
    assert "| search p50 |" in text and "SQLite FTS5" in text
    # the first step is the search latency, and the second is reported beside it
    assert "| search, second step (facets, remaining snippets) p50 / p95 / max |" in text
    assert "its facets step" in text and "first_screen=" in text
    assert "### 200 events" in text
    assert "cores" in text and "Python" in text
    assert "| met |" in text or "| missed by " in text


def test_benchmark_leaves_the_archive_as_it_found_it(bench_run: tuple[dict, str, Path]) -> None:
    _, _, work = bench_run
    archive = work / "synthetic-200-s1"
    files = [p for p in archive.rglob("*") if p.is_file() and p.name[0] != "."]
    assert sum(1 for p in files if "Benchmark edit" in p.read_text(encoding="utf-8")) == 0
    report, _, _ = bench_run
    assert len(files) == report["results"][0]["files"]


def test_existing_archive_gets_queries_from_its_own_words(tmp_path: Path) -> None:
    events = [
        Event(
            id=f"news/2011/11/{d}/e.md",
            date=None,
            headline=h,
            summary=s,
            topics=["Kazakhstan"],
            story="Aktobe attack",
        )
        for d, (h, s) in enumerate(
            [
                ("Police in Aktobe report an attack", "Police say gunmen attacked a base"),
                ("Gunmen attack a police station", "Seven police officers are killed"),
                ("Kazakh police kill suspected militants", "Police report militants dead"),
                ("An explosion in Almaty kills three", "Police investigate the blast"),
            ],
            1,
        )
    ]
    queries = archive_queries(events)
    texts = [q.text for q in queries]
    assert "police" in texts
    assert 'topic:"Kazakhstan"' in texts and 'story:"Aktobe attack"' in texts
    with pytest.raises(ValueError, match="too few"):
        archive_queries(events[:0])


def test_fixed_queries_name_the_fixed_vocabulary() -> None:
    vocab = vocabulary()
    words = set(vocab.words)
    stories = {s.name for s in vocab.stories}
    for query in fixed_queries():
        if query.text.startswith("topic:"):
            assert query.text.split('"')[1] in vocab.topics
        elif query.text.startswith("story:"):
            assert query.text.split('"')[1] in stories
    assert {"people", "said", "police", "keprekak"} <= words


def test_measured_programs_run_with_the_bytecode_cache_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.bench.measure import run_process

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    done = run_process([sys.executable, "-c", "import sys; print(sys.dont_write_bytecode)"])
    assert done.stdout.strip() == "False"


def test_percentiles_and_targets() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    summary = latency_summary({"a": [0.001, 0.002], "b": [0.1]})
    assert summary["max"] == 0.1 and summary["slowest"] == "b" and summary["runs"] == 3
    verdicts = {
        v["key"]: v
        for v in judge(
            {"search_p50_ms": 5.0, "search_p95_ms": 99.0, "build_events_per_second": 3000.0},
            100_000,
        )
    }
    assert verdicts["search_p50_ms"]["state"] == "met"
    assert verdicts["search_p95_ms"]["state"] == "missed"
    assert verdicts["build_events_per_second"]["state"] == "met"
    assert verdicts["start_seconds"]["state"] == "not measured"
    assert len(verdicts) == len(TARGETS)
    assert "build_seconds_100k" not in {v["key"] for v in judge({}, 10_000)}
    assert shortfall(verdicts["search_p95_ms"]) == pytest.approx(99.0 / 60.0)
    assert shortfall(verdicts["search_p50_ms"]) is None
    slow_build = judge({"build_events_per_second": 1100.0}, 10_000)
    assert shortfall(next(v for v in slow_build if v["key"] == "build_events_per_second")) == 2.0


def test_keypress_figures_judge_browsing_by_cpu_and_typing_by_wall() -> None:
    samples = [
        {"scenario": "timeline up/down", "key": "down", "wall": 0.09, "cpu": 0.004},
        {"scenario": "timeline up/down", "key": "up", "wall": 0.08, "cpu": 0.006},
        {"scenario": "search as you type (key to results)", "key": "g", "wall": 0.07,
         "cpu": None},
    ]
    figures = keypress_figures(samples)
    assert figures["key_browse_p95"] == 0.006 and figures["key_search_p95"] == 0.07
    assert figures["key_scenarios"]["timeline up/down"]["measure"] == "cpu"
    assert figures["key_scenarios"]["search as you type (key to results)"]["n"] == 1


def test_grep_fallback_agrees_with_ripgrep(bench_run: tuple[dict, str, Path]) -> None:
    _, _, work = bench_run
    archive = work / "synthetic-200-s1"
    plain = GrepBaseline(archive)
    plain.rg = None
    counts = {q.name: plain.search(q) for q in fixed_queries()}
    assert counts["word in almost every document"] > 150
    assert counts["date range only"] > 0
    ripgrep = GrepBaseline(archive)
    if ripgrep.rg is None:
        pytest.skip("ripgrep is not installed: only the grep fallback ran")
    assert {q.name: ripgrep.search(q) for q in fixed_queries()} == counts
