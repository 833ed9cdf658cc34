"""Telling documents apart by content, and reading files that fight back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tui.model import Article, DayPage, Event, Skip
from tui.parsers import MAX_BYTES, document_id, parse_file, parse_text, recognise

EVENT = "### [2011-11-12](/news/2011/11/12/index.md)\n\n# A headline.\n\nSummary.\n"
DAY = "## [2011-11-12](/news/2011/11/12/index.md)\n\n### [A headline.](/news/2011/11/12/a.md)\n"
FRONT_PAGE = (
    "## [News](/news/2017/06/19/index.md)\n\n### [One event.](/news/2017/06/19/a.md)\nExcerpt.\n\n"
    "## [Yesterday](/news/2017/06/18/index.md)\n\n### [Another.](/news/2017/06/18/b.md)\n"
)
LINK_LISTS = "## API\n\nThe API is very simple to use.\n\n### Tree\n\n" + "".join(
    f"- [/news/{n}](http://x/{n}) a list entry\n" for n in range(6)
)


@pytest.mark.parametrize("name", ["event.md", "event.markdown", "event.txt", "noext"])
def test_kind_comes_from_content_not_extension(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(EVENT, encoding="utf-8")
    parsed = parse_file(tmp_path / name, tmp_path)
    assert isinstance(parsed, Event)
    assert parsed.id == name


def test_each_kind(tmp_path: Path) -> None:
    assert isinstance(parse_text(EVENT, "e"), Event)
    assert isinstance(parse_text(DAY, "d"), DayPage)
    assert isinstance(parse_text("Plain prose of a story, nothing more.\n", "a"), Article)
    assert recognise(FRONT_PAGE.splitlines()) == "front page"
    assert recognise(LINK_LISTS.splitlines()) == "navigation"


def test_navigation_pages_are_skipped_with_a_reason() -> None:
    front = parse_text(FRONT_PAGE, "index.md")
    assert isinstance(front, Skip) and "navigation" in front.reason
    links = parse_text(LINK_LISTS, "api/README.md")
    assert isinstance(links, Skip) and "navigation" in links.reason


def test_id_is_the_relative_path_with_slashes(tmp_path: Path) -> None:
    nested = tmp_path / "news" / "2011" / "11" / "12"
    nested.mkdir(parents=True)
    (nested / "x.md").write_text(EVENT, encoding="utf-8")
    parsed = parse_file(nested / "x.md", tmp_path)
    assert isinstance(parsed, Event)
    assert parsed.id == "news/2011/11/12/x.md"
    assert document_id(nested / "x.md", tmp_path) == "news/2011/11/12/x.md"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t\n", "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        (bytes(range(128, 256)) * 20, "binary or not UTF-8 text"),
    ],
)
def test_files_that_are_not_documents(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    parsed = parse_file(path, tmp_path)
    assert isinstance(parsed, Skip)
    assert parsed.path == "bad.md"
    assert parsed.reason.startswith(reason)


def test_a_few_bad_bytes_in_a_long_text_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(b"Bogot\xe1 " + b"is the capital of Colombia, a long sentence. " * 40)
    parsed = parse_file(path, tmp_path)
    assert isinstance(parsed, Article)
    assert parsed.paragraphs[0].startswith("Bogot\ufffd is the capital")


def test_bom_and_utf16(tmp_path: Path) -> None:
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + EVENT.encode())
    (tmp_path / "wide.md").write_bytes(EVENT.encode("utf-16"))
    for name in ("bom.md", "wide.md"):
        parsed = parse_file(tmp_path / name, tmp_path)
        assert isinstance(parsed, Event), name
        assert parsed.headline == "A headline."


def test_crlf_file(tmp_path: Path) -> None:
    (tmp_path / "crlf.md").write_bytes(EVENT.replace("\n", "\r\n").encode())
    parsed = parse_file(tmp_path / "crlf.md", tmp_path)
    assert isinstance(parsed, Event) and parsed.summary == "Summary."


def test_too_large_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 5 * 1024 * 1024)
    parsed = parse_file(path, tmp_path)
    assert parsed == Skip("huge.md", "too large (25 MB)")


def test_unreadable_paths_are_skipped(tmp_path: Path) -> None:
    missing = parse_file(tmp_path / "gone.md", tmp_path)
    assert isinstance(missing, Skip) and missing.reason.startswith("cannot be read")
    (tmp_path / "dir.md").mkdir()
    directory = parse_file(tmp_path / "dir.md", tmp_path)
    assert isinstance(directory, Skip) and directory.reason.startswith("cannot be read")


def test_control_sequences_never_survive() -> None:
    text = EVENT.replace("A headline.", "A \x1b[2J\x1b]0;title\x07headline\u202e.")
    parsed = parse_text(text, "e")
    assert isinstance(parsed, Event)
    assert parsed.headline == "A headline."


def test_parse_text_never_raises_on_odd_input() -> None:
    odd = [
        "#",
        "# \n### Source:\n1. [",
        "## [2011-11-10](\n### [",
        "---\n---\n",
        "---\n: : :\n---\n#",
        "### [9999-99-99](x)\n# h\n",
        "\x00\x01\x02",
        "]()[" * 1000,
        "### [2011-11-10](x)\n# h\n### Related:\n1. [t](/news/2011/1/1/x.md) _Context: "
        + "," * 5000,
    ]
    for text in odd:
        result = parse_text(text, "odd.md")
        assert isinstance(result, Event | DayPage | Article | Skip)


def test_five_megabyte_lines_in_every_kind() -> None:
    hostile = ("[http:( ''a __b **c {{d |e [f](g " * 160_000)[:5_000_000]
    texts = [
        "### [2011-11-12](x)\n# " + hostile + "\n\n" + hostile + "\n### Related:\n1. [" + hostile,
        "## [2011-11-12](x)\n### [" + hostile + "](/news/a.md)\n" + hostile + "\n",
        hostile + "\n\n" + hostile,
        "---\ntitle: " + hostile + "\n---\n" + hostile,
    ]
    started = time.process_time()
    for text in texts:
        assert isinstance(parse_text(text, "big.md"), Event | DayPage | Article | Skip)
    # Not a benchmark: a guard against catastrophic backtracking (which takes minutes).
    assert time.process_time() - started < 60
