"""The synthetic archive generator: deterministic, counted, and in the real format."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tui.bench.generator import MARKER, generate_archive, main, read_marker
from tui.bench.prose import slugify
from tui.bench.vocabulary import vocabulary
from tui.model import Article, DayPage, Event
from tui.parsers import parse_file

EVENTS = 600
_DAY_FOLDER = re.compile(r"^news/(\d{4})/(\d{2})/([1-9]\d?)/")


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("synthetic") / "archive"
    stats = generate_archive(root, EVENTS, seed=7)
    return root, stats


@pytest.fixture(scope="module")
def parsed(archive: tuple[Path, object]) -> dict[str, object]:
    root, _ = archive
    return {
        p.relative_to(root).as_posix(): parse_file(p, root)
        for p in sorted(root.rglob("*"))
        if p.suffix in (".md", ".txt")
    }


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    generate_archive(tmp_path / "a", 250, seed=3)
    generate_archive(tmp_path / "b", 250, seed=3)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert list(first) == list(second)
    assert first == second


def test_another_seed_gives_another_archive(tmp_path: Path) -> None:
    generate_archive(tmp_path / "a", 100, seed=1)
    generate_archive(tmp_path / "b", 100, seed=2)
    assert _files(tmp_path / "a") != _files(tmp_path / "b")


def test_counts_match_the_files_written(archive: tuple[Path, object]) -> None:
    root, stats = archive
    files = _files(root)
    days = [p for p in files if p.endswith(("/index.md", "/README.md"))]
    pages = [p for p in files if p.startswith("news/") and p not in days]
    articles = [p for p in files if p.startswith("articles/")]
    assert stats.events == EVENTS
    assert len(pages) == stats.event_pages + stats.duplicate_pages
    assert stats.event_pages + stats.day_only_events == EVENTS
    assert len(days) == stats.day_pages
    assert len(articles) == stats.articles
    assert stats.files == len(files) - 1  # the marker is not counted
    assert stats.bytes == sum(len(files[p]) for p in files if p != MARKER)
    assert 0.05 * EVENTS <= stats.articles <= 0.15 * EVENTS
    assert 0.35 <= stats.missing_related_links / stats.related_links <= 0.65
    assert 0 < stats.duplicate_pages < 0.15 * EVENTS
    assert 0 < stats.empty_summaries < 0.3 * EVENTS
    assert read_marker(root)["events"] == EVENTS


def test_paths_follow_the_archive_layout(archive: tuple[Path, object]) -> None:
    root, _ = archive
    years = set()
    for path in _files(root):
        if path.startswith("news/"):
            match = _DAY_FOLDER.match(path)
            assert match, path
            years.add(int(match.group(1)))
            slug = path.rsplit("/", 1)[1]
            assert len(slug) <= 140 + 3
        elif path.startswith("articles/"):
            assert re.match(r"^articles/\d{4}/\d{2}/[a-z0-9-]+\.txt$", path), path
    assert min(years) == 1999 and max(years) >= 2024
    assert len(years) >= 20


def test_every_file_parses_to_its_kind(parsed: dict[str, object]) -> None:
    kinds = Counter()
    for path, doc in parsed.items():
        if path.startswith("articles/"):
            assert isinstance(doc, Article), (path, doc)
            assert doc.paragraphs and len(" ".join(doc.paragraphs).split()) >= 380
        elif path.endswith(("/index.md", "/README.md")):
            assert isinstance(doc, DayPage), (path, doc)
            assert doc.entries, path
            assert all(e.target.startswith("news/") for e in doc.entries)
        else:
            assert isinstance(doc, Event), (path, doc)
            year, month, day = (int(x) for x in _DAY_FOLDER.match(path).groups())
            assert doc.date == date(year, month, day), path
            assert 10 <= len(doc.headline.split()) <= 60, path
            assert "&" not in doc.headline and "''" not in doc.headline
            assert all(s.publisher != "Cover Image" for s in doc.sources)
            for link in doc.related:
                assert _DAY_FOLDER.match(link.target), link.target
                assert link.topics and link.title
        kinds[type(doc).__name__] += 1
    events = [d for d in parsed.values() if isinstance(d, Event)]
    assert sum(bool(e.sources) for e in events) > 0.9 * len(events)
    assert sum(bool(e.related) for e in events) > 0.8 * len(events)
    assert sum(bool(e.summary) for e in events) > 0.7 * len(events)
    assert kinds["Event"] and kinds["DayPage"] and kinds["Article"]


def test_the_real_format_quirks_occur(archive: tuple[Path, object]) -> None:
    root, _ = archive
    files = _files(root)
    text = b"\n".join(files[p] for p in files if p.startswith("news/")).decode()
    articles = [files[p].decode() for p in files if p.startswith("articles/")]
    for marker in (
        "\nFormats: [HTML]",
        "### Formats:",
        "##### ",
        "### Sources:",
        "### Source:",
        "### Changes:",
        "(First version)",
        "Cover Image",
        "&quot;",
        "&#039;",
        "&hellip;",
        "_Context: ",
        "## [Previous Day...]",
    ):
        assert marker in text, marker
    assert any(a.startswith("---\ntitle:") for a in articles)
    assert any(not a.startswith("---") for a in articles)
    assert any("&rsquo;" in a for a in articles)
    slugs = [p.rsplit("/", 1)[1] for p in files if p.startswith("news/")]
    assert any(re.search(r"-p[a-z0-9]", slug) for slug in slugs), "no -p artefact slug"


def test_related_links_reach_both_present_and_missing_events(
    archive: tuple[Path, object], parsed: dict[str, object]
) -> None:
    root, _ = archive
    targets = [
        link.target for doc in parsed.values() if isinstance(doc, Event) for link in doc.related
    ]
    present = sum((root / t).is_file() for t in targets)
    assert 0.3 * len(targets) < present < 0.7 * len(targets)


def test_stories_recur_and_topics_are_shared(parsed: dict[str, object]) -> None:
    events = [d for d in parsed.values() if isinstance(d, Event)]
    story_days: dict[str, set[date]] = {}
    for event in events:
        if event.story:
            story_days.setdefault(event.story, set()).add(event.date)
    assert max(len(days) for days in story_days.values()) >= 10
    topic_counts = Counter(t for e in events for link in e.related for t in link.topics)
    assert topic_counts.most_common(1)[0][1] >= 20


def test_word_frequencies_are_zipf_like(parsed: dict[str, object]) -> None:
    events = [d for d in parsed.values() if isinstance(d, Event)]
    document_frequency: Counter[str] = Counter()
    for event in events:
        document_frequency.update(set(f"{event.headline} {event.summary}".lower().split()))
    assert document_frequency["the"] > 0.95 * len(events)
    rare = sum(1 for word in vocabulary().words if 0 < document_frequency[word] < 10)
    assert rare > 1000


def test_vocabulary_is_the_same_for_every_seed() -> None:
    vocab = vocabulary()
    assert len(vocab.words) >= 3000
    assert vocab.words[0] == "the"
    assert len(set(vocab.topics)) == len(vocab.topics)
    assert slugify("Friday's \"big\" ''test''!") == "friday-s-big-test"


def test_refuses_a_directory_with_files_unless_told(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        generate_archive(tmp_path, 10, seed=1)
    generate_archive(tmp_path, 10, seed=1, overwrite=True)
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert read_marker(tmp_path)["events"] == 10


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["--events", "40", "--out", str(out), "--seed", "5"]) == 0
    assert "event_pages" in capsys.readouterr().out
    assert read_marker(out)["seed"] == 5
    assert main(["--events", "40", "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
