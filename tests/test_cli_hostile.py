"""Hostile archives and queries through ``chronicle index``, ``show`` and ``search``.

Archive text full of escape sequences, control and bidi characters and Rich markup is
printed as inert text (the exact output is asserted, plain and ``--json``, and with
colours forced on); file names that are not text are skipped by name; any query gives
results or a one-line error; a full disk leaves the previous index usable; a read-only
archive is never written to.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from archive_versions import answers
from hostile import ESC, EVENT, MARHABA, SHALOM, TOKYO, event_page
from hypothesis import given
from hypothesis import strategies as st
from inert import unsafe_characters

from tui.cli import main
from tui.index.builder import build_index
from tui.library import Library

LONG_WORD = "Llanfair" * 40
EVENT_PAGE = event_page(LONG_WORD)
ARTICLE = "articles/hostile-article.md"
ARTICLE_PAGE = (
    f'---\ntitle: "[blink]Article[/blink] {ESC}title"\npublisher: "Evil{ESC} Press"\n---\n\n'
    f"First paragraph with \\x1b and {ESC}escapes [red]red[/red].\n\nSecond \u202eparagraph.\n"
)
BAD_NAMES = {
    b"news/2011/11/13/evil-\x1b[31mred\x1b]0;t\x07.md": "evil-\\x1b[31mred\\x1b]0;t\\x07.md",
    b"news/2011/11/13/latin-\xe9t\xe9.md": "latin-\\xe9t\\xe9.md",
    b"news/2011/11/13/rtl-\xe2\x80\xae-name.md": "rtl-\\u202e-name.md",
}
EVENT_SHOWN = f"""[bold red]Hostile[/] headline {TOKYO} {MARHABA}
2011-11-13
topics: Terror, [b]Topic[/b]
id: {EVENT}

Summary [link=file:///etc/passwd]click[/link] and {SHALOM} {LONG_WORD}.

Sources
  1. Evil Times  javascript:alert(1)
  2. Good Times  https://good.example/ab

Related
  1. Another [i]event[/i]  (not in archive)
     news/2011/11/12/other.md  context: Terror, [b]Topic[/b]
"""
ARTICLE_SHOWN = f"""[blink]Article[/blink] title
Evil Press
id: {ARTICLE}

First paragraph with \\x1b and escapes [red]red[/red].

Second paragraph.

Event
  (no event in the archive matches this article)
"""
SGR = re.compile(r"\x1b\[[0-9;]*m")


def unsafe(text: str) -> list[str]:
    return unsafe_characters(text, newlines=True)


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CHRONICLE_ARCHIVE", "CHRONICLE_INDEX", "FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHRONICLE_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture()
def hostile(tmp_path: Path) -> list[str]:
    """A hostile archive, indexed; the ``--archive``/``--index`` arguments for it."""
    archive = tmp_path / "archive"
    for rel, text in ((EVENT, EVENT_PAGE), (ARTICLE, ARTICLE_PAGE)):
        path = archive / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name in BAD_NAMES:
        with open(os.fsencode(archive) + b"/" + name, "wb") as handle:
            handle.write(EVENT_PAGE.replace("Hostile", "Badname").encode())
    return ["--archive", str(archive), "--index", str(tmp_path / "index")]


def test_index_skips_file_names_that_are_not_text(
    hostile: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", *hostile, "--quiet"]) == 0
    captured = capsys.readouterr()
    reason = "file name is not valid UTF-8 or holds control characters; rename it to index it"
    assert sorted(captured.err.splitlines()) == sorted(
        f"chronicle: warning: skipped news/2011/11/13/{shown}: {reason}"
        for shown in BAD_NAMES.values()
    )
    assert captured.out.splitlines()[1] == "  1 events, 1 articles, 0 day pages; 3 files skipped"
    assert not unsafe(captured.out + captured.err)


@pytest.mark.parametrize(("doc_id", "shown"), [(EVENT, EVENT_SHOWN), (ARTICLE, ARTICLE_SHOWN)])
def test_show_prints_hostile_text_inert(
    hostile: list[str], capsys: pytest.CaptureFixture[str], doc_id: str, shown: str
) -> None:
    assert main(["index", *hostile, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["show", *hostile, doc_id]) == 0
    captured = capsys.readouterr()
    assert captured.out == shown + "\n"
    assert captured.err == ""


@pytest.mark.parametrize(("doc_id", "shown"), [(EVENT, EVENT_SHOWN), (ARTICLE, ARTICLE_SHOWN)])
def test_show_with_colours_forced_adds_only_styles(
    hostile: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    doc_id: str,
    shown: str,
) -> None:
    assert main(["index", *hostile, "--quiet"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["show", *hostile, doc_id]) == 0
    out = capsys.readouterr().out
    assert "\x1b[1m" in out  # colours really are on
    assert SGR.sub("", out) == shown + "\n"
    assert "\x1b" not in SGR.sub("", out)


def test_search_plain_and_json_are_inert(
    hostile: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", *hostile, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", *hostile, "paragraph", "OR", "summary"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"2 results for 'paragraph OR summary' \(\d+ ms\)", out[0])
    assert out[1:] == [
        "  1. undated     article [blink]Article[/blink] title",
        "     First paragraph with \\x1b and escapes [red]red[/red]. Second paragraph",
        f"     {ARTICLE}",
        f"  2. 2011-11-13  event   [bold red]Hostile[/] headline {TOKYO} {MARHABA}",
        f"     Summary [link=file:///etc/passwd]click[/link] and {SHALOM} {LONG_WORD}",
        f"     {EVENT}",
    ]
    assert main(["search", *hostile, "--json", "paragraph", "OR", "summary"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(hit["id"], hit["title"], hit["topics"]) for hit in data["results"]] == [
        (ARTICLE, "[blink]Article[/blink] title", []),
        (EVENT, f"[bold red]Hostile[/] headline {TOKYO} {MARHABA}", ["Terror", "[b]Topic[/b]"]),
    ]
    assert data["results"][0]["snippet"] == (
        "First paragraph with \\x1b and escapes [red]red[/red]. Second paragraph"
    )


# -- queries --------------------------------------------------------------------------------

QUERIES = {
    '"unbalanced': "unbalanced quote",
    "a)": "unbalanced bracket ')'",
    "(": "bracket '(' is never closed",
    "[": "bracket '[' is never closed",
    "date:[2011 to": "bracket '[' is never closed",
    "nosuchfield:x": "unknown field 'nosuchfield'",
    "date:2011-13-45": "'2011-13-45' is not a date",
    "x" * 10_000: "the query is too long (10,000 characters; at most 1,000)",
    "AND": None,
    "OR": None,
    "NOT": None,
    "*": None,
    ":": None,
    "headline:": None,
    "a~": None,
    "^": None,
    "-": None,
    "+x": None,
    "''": None,
    "\\": None,
    "hostile " * 100: None,
    "\x1b]8;;http://evil.example\x07hostile\x1b]8;;\x07": None,
    "\u202ehostile\u200b\x9b2J": None,
    "hostile\r\nheadline\t\x00": None,
}


@pytest.mark.parametrize("query", list(QUERIES), ids=lambda q: repr(q[:20]))
def test_any_query_gives_results_or_one_line_error(
    hostile: list[str], capsys: pytest.CaptureFixture[str], query: str
) -> None:
    assert main(["index", *hostile, "--quiet"]) == 0
    capsys.readouterr()
    fault = QUERIES[query]
    code = main(["search", *hostile, "--", query])
    captured = capsys.readouterr()
    assert not unsafe(captured.out + captured.err)
    if fault is None:
        assert code == 0 and captured.err == ""
        assert re.match(r"(\d+ results?|No results) for ", captured.out)
    else:
        assert code == 2 and captured.out == ""
        assert len(captured.err.splitlines()) == 1 and fault in captured.err
    code = main(["search", *hostile, "--json", "--", query])
    data = json.loads(capsys.readouterr().out)
    assert not unsafe(data["query"])
    if fault is None:
        assert code == 0 and "results" in data
    else:
        assert code == 2 and set(data) == {"query", "error"} and fault in data["error"]


def test_control_characters_in_a_query_are_dropped(
    hostile: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", *hostile, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", *hostile, "--json", "--", "\u202ehostile\u200b\x1b[0m"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "hostile"
    assert [hit["id"] for hit in data["results"]] == [EVENT]


def test_a_search_cut_short_says_so(
    hostile: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", *hostile, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", *hostile, "--time-limit", "0", "summary"]) == 0
    out = capsys.readouterr().out
    assert "note: the search took too long and stopped; results are partial" in out
    assert main(["search", *hostile, "--json", "--time-limit", "0", "summary"]) == 0
    assert json.loads(capsys.readouterr().out)["cut_short"] is True


@pytest.fixture(scope="module")
def seeds_library(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Library:
    index = tmp_path_factory.mktemp("seeds-index")
    build_index(seeds_dir, index)
    return Library.open(index)


@given(st.text(max_size=300))
def test_library_search_of_any_text_never_raises(seeds_library: Library, text: str) -> None:
    results = seeds_library.search(text)
    assert not unsafe(results.query)
    if results.error is not None:
        assert results.error.strip() and not results.hits
    else:
        assert results.total >= len(results.hits)
    if results.suggestion is not None:
        assert not unsafe(results.suggestion)


# -- the archive, the disk ------------------------------------------------------------------


def tree(root: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        path.relative_to(root).as_posix(): (
            path.stat().st_mode,
            path.stat().st_mtime_ns,
            path.read_bytes() if path.is_file() else b"",
        )
        for path in sorted(root.rglob("*"))
    }


def test_a_read_only_archive_is_indexed_and_never_written(
    hostile: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    archive = Path(hostile[1])
    for path in [archive, *archive.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    before = tree(archive)
    assert main(["index", *hostile, "--quiet"]) == 0
    assert main(["search", *hostile, "hostile"]) == 0
    assert main(["show", *hostile, EVENT]) == 0
    assert main(["index", *hostile, "--rebuild", "--quiet"]) == 0
    assert "1 result for 'hostile'" in capsys.readouterr().out
    assert tree(archive) == before
    for path in [archive, *archive.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def no_space_after(calls: int) -> object:
    from tui.index import search_writing

    real = search_writing.whoosh_fields
    seen = 0

    def fields(doc: object) -> object:
        nonlocal seen
        seen += 1
        if seen > calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(doc)  # type: ignore[arg-type]

    return fields


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("rebuild", [True, False])
def test_a_full_disk_leaves_the_previous_index_usable(
    tmp_path: Path,
    seeds_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    rebuild: bool,
    parallel: bool,
) -> None:
    """Also when the segments are written in forked children (``parallel``): the
    child that fails leaves its share to the parent, which meets the same full disk."""
    from index_fixtures import make_archive

    import tui.index.builder as builder
    import tui.index.search_writing as search_writing

    shared: list[int] = []
    if parallel:
        monkeypatch.setattr("os.cpu_count", lambda: 2)
        monkeypatch.setattr(builder, "PARALLEL_MIN_FILES", 1)
        monkeypatch.setattr(builder, "PARALLEL_UPDATE_FILES", 1)
        write_shares = search_writing.write_shares
        monkeypatch.setattr(search_writing, "write_shares",
                            lambda *args: shared.append(1) or write_shares(*args))
    archive = make_archive(tmp_path / "archive", seeds_dir)
    index = tmp_path / "index"
    build_index(archive, index)
    before = answers(index)
    (archive / "news/2011/11/13/monti.md").write_text(
        "### [2011-11-13](x)\n\n# Zebras escape.\n\n### Source:\n", encoding="utf-8"
    )
    (archive / "news/2011/11/13/zoo.md").write_text(
        "### [2011-11-13](x)\n\n# Lions stay.\n\n### Source:\n", encoding="utf-8"
    )
    monkeypatch.setattr("tui.index.search_writing.whoosh_fields", no_space_after(1))
    where = ["--archive", str(archive), "--index", str(index), "--quiet"]
    assert main(["index", *where, *(["--rebuild"] if rebuild else [])]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"chronicle: indexing stopped: no space left for the index in {index} (No space left "
        "on device); the previous index is unchanged and still usable; free some space and "
        "run `chronicle index` again\n"
    )
    assert answers(index) == before
    assert bool(shared) == parallel
    monkeypatch.undo()
    assert main(["index", *where]) == 0
    assert answers(index) != before
