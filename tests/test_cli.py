"""The ``chronicle`` command: index, search, show, bad input, exit statuses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from index_fixtures import (
    BERLUSCONI,
    BERLUSCONI_ALIAS,
    MONTI,
    QUAKE,
    SEED_ARTICLE,
    SEED_EVENT,
    make_archive,
)

from tui import __version__
from tui.cli import main
from tui.config import fallback_index
from tui.index.lock import WriterLock

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CHRONICLE_ARCHIVE", "CHRONICLE_INDEX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHRONICLE_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture()
def where(tmp_path: Path, seeds_dir: Path) -> list[str]:
    archive = make_archive(tmp_path / "archive", seeds_dir)
    return ["--archive", str(archive), "--index", str(tmp_path / "index")]


@pytest.fixture()
def indexed(where: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["index", *where]) == 0
    capsys.readouterr()
    return where


def one_line_error(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].startswith("chronicle: ")
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"chronicle {__version__}"
    for command in ([], ["index"], ["search"], ["show"]):
        assert main([*command, "--help"]) == 0
        assert "usage: chronicle" in capsys.readouterr().out


def test_import_is_light() -> None:
    code = "import sys, tui.cli; print('textual' in sys.modules, 'whoosh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out.split() == ["False", "False"]


def test_an_update_starts_scanning_before_heavy_imports() -> None:
    """``chronicle index`` forks its scan before Whoosh, Rich or PyYAML are loaded: each
    would hold up every update by tens of milliseconds until something needs it."""
    code = ("import sys, tui.index.builder, tui.parsers.recognise; "
            "print(*(name in sys.modules for name in ('whoosh', 'rich', 'yaml')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_no_command_opens_the_app(where: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.app

    opened: list[tuple[Path, Path, tuple[str, ...]]] = []
    monkeypatch.setattr(tui.app, "run_app", lambda archive, index, notes=(): opened.append(
        (archive, index, tuple(notes))))
    assert main(where) == 0
    assert opened == [(Path(where[1]), Path(where[3]), ())]


def test_index_full_then_incremental(where: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", *where]) == 0
    out = capsys.readouterr().out
    assert "full build: no index yet" in out
    assert "5 events, 1 articles, 2 day pages; 0 files skipped" in out
    assert main(["index", *where]) == 0
    out = capsys.readouterr().out
    assert "incremental update" in out and "0 added, 0 changed, 0 removed; 0 parsed" in out
    assert main(["index", "--rebuild", *where]) == 0
    assert "full build: rebuild requested" in capsys.readouterr().out


def test_index_bad_files_warn_and_go_on(where: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    archive = Path(where[1])
    (archive / "empty.md").write_bytes(b"")
    (archive / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (archive / "invalid.txt").write_bytes(b"\xff\xfe\xfa not utf-8 \x80\x81" * 300)
    (archive / "noheadline.md").write_text(
        "### [2011-11-13](/news/2011/11/13/index.md)\n\n### Source:\n\n1. [AFP](http://a)\n",
        encoding="utf-8")
    (archive / "frontmatter.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    assert main(["index", *where]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if "warning: skipped" in line]
    named = {line.split("skipped ", 1)[1].split(":", 1)[0] for line in warnings}
    assert {"empty.md", "binary.md", "invalid.txt", "noheadline.md"} <= named
    assert all(line.split(": ", 2)[2] for line in warnings)
    assert "Traceback" not in captured.err
    assert f"{len(warnings)} files skipped" in captured.out


def test_index_missing_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["index", "--archive", str(tmp_path / "nope"), "--index", str(tmp_path / "i")])
    assert code == 2
    one_line_error(capsys, "does not exist", str(tmp_path / "nope"))


def test_index_unwritable_index_dir_falls_back_to_the_user_cache(
        tmp_path: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    where = ["--archive", str(seeds_dir), "--index", str(blocker / "index")]
    assert main(["index", *where]) == 0
    fallback = fallback_index(seeds_dir)
    assert fallback.parent == Path(os.environ["XDG_CACHE_HOME"]) / "chronicle"
    captured = capsys.readouterr()
    assert captured.err == (
        f"chronicle: cannot write the index in {blocker / 'index'} ({blocker} is not a "
        f"directory); using {fallback}\n"
    )
    assert captured.out.startswith(f"Indexed {seeds_dir} into {fallback} in ")
    assert main(["search", *where, "taraz"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("2 results for 'taraz'")
    assert captured.err.startswith("chronicle: cannot write the index in ")


def test_index_busy(where: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    index = Path(where[3])
    index.mkdir()
    with WriterLock(index):
        assert main(["index", "--wait", "0.2", *where]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "waiting up to 0.2 s" in err[0] and "still being updated" in err[-1]
    assert "Traceback" not in "\n".join(err)


def test_search_builds_a_missing_index(where: list[str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *where, "napolitano"]) == 0
    captured = capsys.readouterr()
    assert "building the index" in captured.err
    assert "1 result for 'napolitano'" in captured.out and MONTI in captured.out


def test_search_rebuilds_a_damaged_index(indexed: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (Path(indexed[3]) / "CURRENT").write_text("gen-that-is-gone\n")
    assert main(["search", *indexed, "napolitano"]) == 0
    captured = capsys.readouterr()
    assert "missing gen-that-is-gone" in captured.err and MONTI in captured.out


def test_search_plain_output(indexed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *indexed, "monti", "government"]) == 0
    out = capsys.readouterr().out
    assert "result" in out and "2011-11-13" in out and "Mario Monti is asked" in out
    assert "\x1b[" not in out  # no styles when not a terminal
    assert main(["search", *indexed, "zzzzqqq"]) == 0
    assert "No results for 'zzzzqqq'" in capsys.readouterr().out


@pytest.mark.parametrize(("query", "expected"), [
    (["berlusconi", "rome"], [BERLUSCONI]),
    (["berlusconi", "OR", "earthquake", "--kind", "event"], [BERLUSCONI, MONTI, QUAKE]),
    (['"form a government"', "--kind", "event"], [MONTI]),
    (["title:monti"], [MONTI]),
    (["topic:kazakhstan"], [SEED_EVENT]),
    (["publisher:ap"], [QUAKE]),
    (["date:2010"], [QUAKE]),
    (["date:2011-11-13", "kind:event", "monti"], [MONTI]),
    (["date:[2009 to 2010]"], [QUAKE]),
    (["kind:article", "taraz"], [SEED_ARTICLE]),
    (["earthq*"], [QUAKE]),
])
def test_search_query_forms_json(indexed: list[str], capsys: pytest.CaptureFixture[str],
                                 query: list[str], expected: list[str]) -> None:
    assert main(["search", *indexed, "--json", *query]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in data["results"]) == sorted(expected)


def test_search_json_shape(indexed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *indexed, "--json", "--limit", "1", "italy"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["query", "total", "shown", "elapsed_ms", "sort", "suggestion",
                          "cut_short", "results"]
    assert data["query"] == "italy" and data["shown"] == 1 and data["total"] >= 2
    assert data["sort"] == "relevance" and data["cut_short"] is False
    result = data["results"][0]
    assert list(result) == ["id", "kind", "date", "title", "story", "topics", "snippet", "score"]
    assert isinstance(result["snippet"], str) and isinstance(result["topics"], list)


def test_search_prints_every_rows_snippet_past_the_first_screen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command prints a search whole (both steps): its rows after the app's first
    screen have their snippets and topics too."""
    from tui.bench.generator import generate_archive
    from tui.cli import results_json
    from tui.library import Library
    from tui.search import FIRST_SCREEN

    generate_archive(tmp_path / "archive", 80, seed=3)
    where = ["--archive", str(tmp_path / "archive"), "--index", str(tmp_path / "index")]
    assert main(["index", *where]) == 0
    capsys.readouterr()
    limit = FIRST_SCREEN + 20
    assert main(["search", *where, "--json", "--limit", str(limit), "people"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert main(["search", *where, "--limit", str(limit), "people"]) == 0
    plain = capsys.readouterr().out
    library = Library.open(tmp_path / "index")
    try:
        library.time_limit = 2.0  # the command's own limit
        whole = results_json(library.search("people", limit=limit))
    finally:
        library.close()
    assert len(printed["results"]) == limit
    for key in ("elapsed_ms",):
        printed.pop(key), whole.pop(key)
    assert printed == whole
    later = printed["results"][FIRST_SCREEN:]
    assert sum(bool(row["snippet"]) for row in later) > 10
    assert sum(bool(row["topics"]) for row in later) > 0
    for row in later:
        assert row["snippet"][:30] in " ".join(plain.split())


def test_search_sort_by_date(indexed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for sort, reverse in (("date", False), ("oldest", False), ("newest", True)):
        assert main(["search", *indexed, "--json", "--sort", sort, "kind:event"]) == 0
        dates = [r["date"] for r in json.loads(capsys.readouterr().out)["results"]]
        assert dates == sorted(dates, reverse=reverse) and len(dates) == 5


def test_search_did_you_mean(indexed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *indexed, "Berlusconni"]) == 0
    assert "Did you mean: berlusconi?" in capsys.readouterr().out
    assert main(["search", *indexed, "--json", "Tarz"]) == 0
    assert json.loads(capsys.readouterr().out)["suggestion"] == "taraz"


@pytest.mark.parametrize(("query", "fault"), [
    ('"berlusconi', "unbalanced quote"),
    ("colour:red", "unknown field 'colour'"),
    ("(monti", "never closed"),
    ("date:[2011 to 2012", "never closed"),
    ("date:2011-02-30", "is not a date"),
])
def test_search_malformed(indexed: list[str], capsys: pytest.CaptureFixture[str], query: str,
                          fault: str) -> None:
    assert main(["search", *indexed, query]) == 2
    one_line_error(capsys, fault, repr(query))
    assert main(["search", *indexed, "--json", query]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == query and fault in data["error"]


def test_search_bad_limit(indexed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *indexed, "--limit", "0", "monti"]) == 2
    one_line_error(capsys, "--limit")


@pytest.mark.parametrize("seconds", ["-1", "4000", "nan"])
def test_search_bad_time_limit(indexed: list[str], capsys: pytest.CaptureFixture[str],
                               seconds: str) -> None:
    assert main(["search", *indexed, "--time-limit", seconds, "monti"]) == 2
    one_line_error(capsys, "--time-limit")


def test_search_time_limit_bounds_the_collection(indexed: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", *indexed, "--json", "--time-limit", "0", "italy"]) == 0
    cut = json.loads(capsys.readouterr().out)
    assert main(["search", *indexed, "--json", "italy"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert cut["cut_short"] and not whole["cut_short"]
    assert 0 < cut["shown"] < whole["shown"]


def test_show_event(indexed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", *indexed, BERLUSCONI_ALIAS]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Silvio Berlusconi resigns as Prime Minister of Italy.")
    assert "2011-11-12" in out and "story: Italian politics" in out
    assert 'shouted "clown"' in out
    assert "1. Reuters  http://reuters.example/berlusconi" in out
    lines = out.splitlines()
    missing = [line for line in lines if "A page that is not in this archive." in line]
    assert missing and missing[0].endswith("(not in archive)")
    present = [line for line in lines if "Mario Monti is asked to form a government." in line]
    assert present and "(not in archive)" not in present[0]
    assert MONTI in out  # the resolved id of the differently slugged link


def test_show_article_and_linked_event(indexed: list[str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", *indexed, SEED_ARTICLE]) == 0
    out = capsys.readouterr().out
    assert "Kazakhstan" in out and "Event" in out and SEED_EVENT in out
    assert main(["show", *indexed, SEED_EVENT]) == 0
    out = capsys.readouterr().out
    assert "Articles" in out and SEED_ARTICLE in out


def test_show_accepts_link_spellings(indexed: list[str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", *indexed, "/" + BERLUSCONI.replace(".md", ".html")]) == 0
    assert "Silvio Berlusconi resigns" in capsys.readouterr().out


def test_show_unknown_id(indexed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", *indexed, "news/1900/01/1/nothing.md"]) == 2
    one_line_error(capsys, "'news/1900/01/1/nothing.md'")


def test_show_markup_in_archive_text_stays_text(tmp_path: Path, seeds_dir: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(seeds_dir, archive)
    event = archive / "news" / "2011" / "11" / "13" / "markup.md"
    event.parent.mkdir(parents=True)
    event.write_text("### [2011-11-13](/news/2011/11/13/index.md)\n\n# [bold]Rich[/bold] "
                     "markup [link=x]stays[/link] text.\n\nSummary.\n", encoding="utf-8")
    where = ["--archive", str(archive), "--index", str(tmp_path / "index")]
    assert main(["index", *where]) == 0
    capsys.readouterr()
    assert main(["show", *where, "news/2011/11/13/markup.md"]) == 0
    assert "[bold]Rich[/bold] markup [link=x]stays[/link] text." in capsys.readouterr().out


def test_the_app_is_told_when_the_index_moved_to_the_user_cache(
        tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import tui.app

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    opened: list[tuple[str, ...]] = []
    monkeypatch.setattr(tui.app, "run_app",
                        lambda archive, index, notes=(): opened.append(tuple(notes)))
    assert main(["--archive", str(seeds_dir), "--index", str(blocker / "index")]) == 0
    assert len(opened) == 1 and f"using {fallback_index(seeds_dir)}" in opened[0][0]
    assert opened[0][0] in capsys.readouterr().err
