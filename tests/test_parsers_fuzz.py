"""Parsers against anything: arbitrary text and bytes, and real pages mangled on purpose.

Every input must give a document whose text is inert (no control, escape, bidi or
zero-width character) and whose id is the one given, or a skip with a reason. Real
pages come from the seeds and, when it is beside the checkout, the sample archive.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from inert import unsafe_characters

from tui.model import Article, DayPage, Event, Skip
from tui.parsers import parse_file, parse_text
from tui.text import LABEL_LIMIT

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT / "seeds"
SAMPLE_ARCHIVE = REPO_ROOT.parent / "shared" / "sample-archive"
MULTI_LINE_FIELDS = frozenset({"summary"})
ID = "news/2011/11/12/fuzzed-page.md"
FIVE_MB = 5 * 1024 * 1024


def string_fields(value: object, name: str = "") -> list[tuple[str, str]]:
    """Every ``(field name, text)`` inside a document, through lists and nested records."""
    if isinstance(value, str):
        return [(name, value)]
    if isinstance(value, list):
        return [pair for item in value for pair in string_fields(item, name)]
    if dataclasses.is_dataclass(value):
        return [
            pair
            for item in dataclasses.fields(value)
            for pair in string_fields(getattr(value, item.name), item.name)
        ]
    return []


def assert_outcome(result: object, doc_id: str) -> None:
    """A document with this id and inert text everywhere, or a skip that says why."""
    if isinstance(result, Skip):
        assert result.path == doc_id
        assert isinstance(result.reason, str) and result.reason.strip()
        return
    assert isinstance(result, Event | DayPage | Article), type(result)
    assert result.id == doc_id
    assert result.date is None or isinstance(result.date, date)
    for field, text in string_fields(result):
        if field == "id":
            continue
        assert not unsafe_characters(text, newlines=field in MULTI_LINE_FIELDS), (field, text[:200])
    if isinstance(result, Event):
        assert result.headline and result.headline == result.headline.strip()
        assert len(result.headline) <= LABEL_LIMIT
    if isinstance(result, Article):
        assert result.title and len(result.title) <= LABEL_LIMIT


# -- arbitrary input ------------------------------------------------------------------------

HOSTILE_FRAGMENTS = [
    "\x1b[31m",
    "\x1b[2J\x1b[H",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]0;title\x1b\\",
    "\x9b1;31m",
    "\x9d8;;x\x9c",
    "\x07\x08\x7f\x85\x00",
    "\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
    "\u200b\u200c\u200d\ufeff\u2060",
    "[bold red]",
    "[/]",
    "[link=https://evil.example]",
    "[@click=app.quit]",
    "&#27;[31m",
    "&amp;#x202e;",
    "&nbsp;&amp;&lt;&gt;",
    "''",
    "'''",
    "{{es icon}}",
    "[http://x (BBC)]",
    "8|tonne|lb",
    "مرحبا بالعالم",
    "東京で地震",
    "\ud800",
    "\r",
    "\r\n",
    "\u2028",
    "\x0c",
    "\t",
]
ARCHIVE_FRAGMENTS = [
    "### [2011-11-12](/news/2011/11/12/index.md)",
    "### [2011-02-30](x)",
    "## [2011-11-12](/news/2011/11/12/index.md)",
    "## [Previous Day](/news/2011/11/11/index.md)",
    "# ",
    "# A headline",
    "#",
    "##### Story",
    "### Source:",
    "### Sources:",
    "### Related:",
    "### Changes:",
    "### Formats:",
    "Formats: [HTML](x) [JSON](y)",
    "1. [AFP](http://afp.example/a)",
    "3. [Cover Image](http://x/y.jpg)",
    "2. [ An event. ](/news/2016/06/5/an-event.md) _Context: Kazakhstan, Islamic terrorism_",
    "1. [v2](/news/2011/11/12/old-slug.md)",
    "### [A day entry](/news/2011/11/12/entry.md)",
    "_Context: Topic, Other_",
    "---",
    "title: A title",
    "date: 2011-11-12",
    "...",
    "Plain prose of a story, with several words.",
    "",
]
LINE = st.one_of(
    st.sampled_from(ARCHIVE_FRAGMENTS),
    st.lists(st.one_of(st.sampled_from(HOSTILE_FRAGMENTS), st.text(max_size=20)), max_size=4).map(
        "".join
    ),
)
ARCHIVE_LIKE_TEXT = st.lists(LINE, max_size=40).map("\n".join)


@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    assert_outcome(parse_text(text, ID), ID)


@given(ARCHIVE_LIKE_TEXT)
def test_archive_like_text_with_hostile_characters(text: str) -> None:
    assert_outcome(parse_text(text, ID), ID)


@given(ARCHIVE_LIKE_TEXT, st.sampled_from(HOSTILE_FRAGMENTS))
def test_hostile_characters_in_an_event_never_reach_its_fields(text: str, hostile: str) -> None:
    page = (
        f"### [2011-11-12](/news/2011/11/12/index.md{hostile})\n# Head{hostile}line\n\n"
        f"Sum{hostile}mary.\n\n### Source:\n1. [A{hostile}FP](http://a.example/{hostile}x)\n"
        f"### Related:\n1. [Ti{hostile}tle](/news/2011/11/1/x{hostile}.md) "
        f"_Context: To{hostile}pic_\n{text}"
    )
    parsed = parse_text(page, ID)
    assert_outcome(parsed, ID)
    assert isinstance(parsed, Event)
    assert parsed.date == date(2011, 11, 12)
    assert parsed.headline.startswith("Head")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@given(data=st.binary(max_size=4000))
def test_arbitrary_bytes_from_a_file(scratch: Path, data: bytes) -> None:
    path = scratch / "news" / "2011" / "11" / "12" / "bytes.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    assert_outcome(parse_file(path, scratch), "news/2011/11/12/bytes.md")


# -- real pages, mangled --------------------------------------------------------------------


def real_pages() -> list[Path]:
    """The seeds always; every page of the sample archive when it is there."""
    pages = sorted(SEEDS.glob("*.txt"))
    if (SAMPLE_ARCHIVE / "news").is_dir():
        pages += sorted(
            path for path in SAMPLE_ARCHIVE.rglob("*") if path.suffix in (".md", ".txt")
        )
    return pages


REAL_PAGES = real_pages()


def real_id(path: Path) -> str:
    root = SAMPLE_ARCHIVE if SAMPLE_ARCHIVE in path.parents else SEEDS
    return path.relative_to(root).as_posix()


def sections(text: str) -> list[list[str]]:
    """The page's lines in runs, a new run at each heading line."""
    runs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.startswith("#") and runs[-1]:
            runs.append([])
        runs[-1].append(line)
    return runs


def headline_run(runs: list[list[str]]) -> int:
    """Index of the run that holds the page's ``# headline`` (-1 if none)."""
    for index, run in enumerate(runs):
        if run[0].startswith("# ") and run[0][2:].strip():
            return index
    return -1


MUTATIONS = ("drop", "duplicate", "reorder", "blank heading", "hostile line", "related links")


@st.composite
def mangled_pages(draw: st.DrawFn) -> tuple[Path, str, bool]:
    """``(page, mangled text, headline and date lines kept)``."""
    path = draw(st.sampled_from(REAL_PAGES))
    text = path.read_text(encoding="utf-8", errors="replace")
    runs = sections(text)
    keep_from = headline_run(runs) + 1
    for _ in range(draw(st.integers(1, 4))):
        mutation = draw(st.sampled_from(MUTATIONS))
        movable = len(runs) - keep_from
        if movable <= 0:
            break
        index = draw(st.integers(keep_from, len(runs) - 1))
        if mutation == "drop":
            del runs[index]
        elif mutation == "duplicate":
            runs.insert(draw(st.integers(keep_from, len(runs))), list(runs[index]))
        elif mutation == "reorder":
            tail = runs[keep_from:]
            runs[keep_from:] = draw(st.permutations(tail))
        elif mutation == "blank heading":
            runs[index][0] = runs[index][0].rstrip(":").split(" ", 1)[0] + " "
        elif mutation == "hostile line":
            runs[index].insert(
                draw(st.integers(1, len(runs[index]))),
                "".join(draw(st.lists(st.sampled_from(HOSTILE_FRAGMENTS), max_size=6))),
            )
        else:
            count = draw(st.integers(1, 300))
            links = [f"{n}. [E{n}](/news/2011/1/1/e{n}.md)" for n in range(count)]
            runs.append(["### Related:", *links])
    mangled = "\n".join(line for run in runs for line in run)
    kept = keep_from > 0
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(mangled)))
        headline_end = mangled.find("\n", _headline_start(mangled)) if kept else -1
        kept = kept and headline_end >= 0 and cut >= headline_end
        mangled = mangled[:cut]
    return path, mangled, kept


def _headline_start(text: str) -> int:
    return text.find("\n# ") + 1 if not text.startswith("# ") else 0


@given(mangled_pages())
def test_mangled_real_pages(page: tuple[Path, str, bool]) -> None:
    path, mangled, kept = page
    doc_id = real_id(path)
    original = parse_text(path.read_text(encoding="utf-8", errors="replace"), doc_id)
    parsed = parse_text(mangled, doc_id)
    assert_outcome(parsed, doc_id)
    if kept and isinstance(original, Event):
        assert isinstance(parsed, Event)
        assert (parsed.headline, parsed.date) == (original.headline, original.date)


@given(st.sampled_from(REAL_PAGES), st.binary(min_size=1, max_size=8), st.floats(0, 1))
def test_real_pages_with_bytes_spliced_in(
    scratch: Path, path: Path, junk: bytes, where: float
) -> None:
    data = path.read_bytes()
    cut = int(len(data) * where)
    target = scratch / "spliced.md"
    target.write_bytes(data[:cut] + junk + data[cut:])
    assert_outcome(parse_file(target, scratch), "spliced.md")


@pytest.mark.parametrize("path", REAL_PAGES[:1] + REAL_PAGES[-1:], ids=lambda p: p.name)
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le"])
def test_real_pages_in_other_encodings(scratch: Path, path: Path, encoding: str) -> None:
    text = path.read_text(encoding="utf-8")
    target = scratch / f"encoded-{encoding}.md"
    target.write_bytes(text.encode(encoding))
    parsed = parse_file(target, scratch)
    assert_outcome(parsed, target.name)
    if encoding == "utf-16-le":
        # No byte-order mark: every other byte is NUL, which only binary files have.
        assert isinstance(parsed, Skip) and "binary" in parsed.reason
    else:
        reference = parse_text(text, target.name)
        assert parsed == reference


# -- sizes no archive should have, but some will ---------------------------------------------

SEED_EVENT = (SEEDS / "001_6bffd24d702e132c.txt").read_text(encoding="utf-8")
SEED_ARTICLE = (SEEDS / "000_ff699fc5e1eaf1b9.txt").read_text(encoding="utf-8")
SEED_HEADLINE = (
    "A suspected Islamist attacker kills seven people in the southern Kazakh city of "
    "Taraz before blowing himself up."
)
DAY = (
    "## [2011-11-12](/news/2011/11/12/index.md)\n\n##### Islamic terrorism\n\n"
    "### [An attack in Taraz.](/news/2011/11/12/taraz.md)\n_Context: Kazakhstan_\n"
)


def long_line(size: int = FIVE_MB) -> str:
    words = "Taraz police &amp; ''wiki'' [bold] \x1b[31m "
    return (words * (size // len(words) + 1))[:size]


def test_ten_thousand_related_links_with_topics() -> None:
    links = "".join(
        f"{n}. [Event {n}](/news/2011/11/{n % 28 + 1:02d}/e{n}.md)"
        f" _Context: T{n % 5}, Kazakhstan_\n"
        for n in range(10_000)
    )
    parsed = parse_text(SEED_EVENT.replace("### Related:\n", "### Related:\n" + links), ID)
    assert isinstance(parsed, Event)
    assert parsed.headline == SEED_HEADLINE
    assert len(parsed.related) == 10_000 + 5
    assert parsed.related[0].target == "news/2011/11/1/e0.md"
    assert parsed.related[9_999].topics == ["T4", "Kazakhstan"]
    assert parsed.topics[:6] == ["T0", "Kazakhstan", "T1", "T2", "T3", "T4"]


def test_five_megabyte_headline_is_clipped() -> None:
    parsed = parse_text(SEED_EVENT.replace("# A suspected", "# " + long_line() + " A"), ID)
    assert_outcome(parsed, ID)
    assert isinstance(parsed, Event)
    assert parsed.headline.startswith("Taraz police & wiki [bold] Taraz")
    assert len(parsed.headline) <= LABEL_LIMIT and parsed.headline.endswith("\u2026")
    assert parsed.date == date(2011, 11, 12) and len(parsed.sources) == 3


def test_five_megabyte_summary_is_kept_whole() -> None:
    parsed = parse_text(SEED_EVENT.replace("Media in Kazakhstan", long_line() + "\nMedia"), ID)
    assert_outcome(parsed, ID)
    assert isinstance(parsed, Event)
    assert parsed.headline == SEED_HEADLINE
    assert len(parsed.summary) > 3_000_000
    assert parsed.summary.endswith("southern city of Taraz.")


def test_five_megabyte_related_line_and_topics() -> None:
    hostile = "1. [" + long_line() + "](/news/2011/1/1/x.md) _Context: " + "a, " * 1_000_000 + "_"
    parsed = parse_text(SEED_EVENT.replace("### Related:\n", "### Related:\n" + hostile + "\n"), ID)
    assert_outcome(parsed, ID)
    assert isinstance(parsed, Event)
    assert parsed.related[0].target == "news/2011/01/1/x.md"
    assert len(parsed.related[0].title) <= LABEL_LIMIT
    assert parsed.related[0].topics == ["a"]
    assert len(parsed.related) == 6


def test_five_megabyte_lines_in_a_day_page() -> None:
    text = (
        DAY.replace("##### Islamic terrorism", "##### " + long_line())
        + "### ["
        + long_line()
        + "](/news/2011/11/12/long.md)\n"
        + long_line()
        + "\n"
    )
    parsed = parse_text(text, "news/2011/11/12/index.md")
    assert_outcome(parsed, "news/2011/11/12/index.md")
    assert isinstance(parsed, DayPage)
    assert parsed.date == date(2011, 11, 12)
    assert [entry.target for entry in parsed.entries] == [
        "news/2011/11/12/taraz.md",
        "news/2011/11/12/long.md",
    ]
    assert len(parsed.entries[0].story) <= LABEL_LIMIT
    assert len(parsed.entries[1].excerpt) > 3_000_000


@pytest.mark.parametrize("front_matter", [False, True])
def test_five_megabyte_article_line(front_matter: bool) -> None:
    text = SEED_ARTICLE.replace("MOSCOW", long_line() + " MOSCOW", 1)
    if front_matter:
        text = f"---\ntitle: {long_line()}\npublisher: NYT\n---\n{text}"
    parsed = parse_text(text, "000_big.txt")
    assert_outcome(parsed, "000_big.txt")
    assert isinstance(parsed, Article)
    assert len(parsed.paragraphs) == 13
    assert parsed.paragraphs[0].endswith("Kazakh authorities said.")
    assert parsed.title.startswith("Taraz police & wiki [bold]")
    assert parsed.publisher == ("NYT" if front_matter else "")


@pytest.mark.parametrize(
    "text",
    [
        "#" * FIVE_MB,
        "[" * FIVE_MB,
        "\x1b[" * (FIVE_MB // 2),
        "&amp;" * (FIVE_MB // 5),
        "*a " * (FIVE_MB // 3),
        "---\n" + "a: b\n" * (FIVE_MB // 5),
        "a b c\n\n" * (FIVE_MB // 7),
    ],
    ids=["hashes", "brackets", "escapes", "entities", "emphasis", "open-front-matter", "lines"],
)
def test_five_megabytes_of_one_pattern(text: str) -> None:
    parsed = parse_text(text, "big.md")
    assert_outcome(parsed, "big.md")


def test_five_megabytes_of_entities_decode_like_html_unescape() -> None:
    parsed = parse_text("&amp;lt;b&amp;gt; &quot;x&quot; " * (FIVE_MB // 30), "e.md")
    assert isinstance(parsed, Article)
    assert parsed.paragraphs[0].startswith('<b> "x" <b> "x"')


def test_many_changes_links_become_distinct_aliases() -> None:
    changes = "### Changes:\n" + "".join(
        f"1. [v{n}](/news/2011/11/12/slug-{n % 50_000}.md)\n" for n in range(100_000)
    )
    parsed = parse_text(SEED_EVENT + changes, ID)
    assert isinstance(parsed, Event)
    assert len(parsed.aliases) == 50_000
    assert parsed.aliases[-1] == "news/2011/11/12/slug-49999.md"


@given(st.sampled_from(REAL_PAGES))
def test_a_page_and_its_crlf_twin_parse_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc_id = real_id(path)
    assume(not isinstance(parse_text(text, doc_id), Skip))
    assert parse_text(text.replace("\n", "\r\n"), doc_id) == parse_text(text, doc_id)
