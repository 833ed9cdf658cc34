"""Deterministic synthetic archives in the real format, for benchmarks and tests.

    python -m tui.bench.generator --events 100000 --out bench-data/synthetic-100000-s1 --seed 1

``events`` counts distinct events. Over 1999-2025 the generator writes:

- event pages ``news/YYYY/MM/D/<slug>.md`` (month padded, day not; slugs cut at 140
  characters) in the three real layouts (60% plain, 30% ``Formats:`` line with
  ``##### story`` and ``### Sources:``, 10% ``### Formats:`` list); 15% have an empty
  summary, 5% no source list, a quarter a ``Cover Image`` entry; ``### Related:``
  links (2-10, none on 10%) to events sharing a topic, about half of them to events
  that have no page (as in the real archive), each with ``_Context: topic, topic_``;
  2% of pages write related links with a zero-padded day;
- duplicate pages for 6% of events: story- or topic-prefixed slugs (``Story:Headline``),
  ``-p`` artefacts (``story-pheadline``), truncation variants listed under ``### Changes:``;
- day pages ``news/YYYY/MM/D/index.md`` (half old style with the story prefixed into
  the headline, half with ``##### story`` headings; 5% of days also a ``README.md`` in the
  other style) with an excerpt or a ``_Context:`` line per entry; 2% of events exist only
  as a day-page entry and 2% of pages are left off their day page;
- one article per ten events, ``articles/YYYY/MM/<slug>.txt``, 400-1,500 words, 60%
  with YAML front matter (title, publisher, url, date, mostly event).

Words come from a fixed Zipf-ranked vocabulary (``tui.bench.vocabulary``), stories
recur over a span of days to years, topics are shared across events. Output depends
only on ``events`` and ``seed``: one ``random.Random(seed)``, no clock, no set order.
100,000 events take about half a minute. ``.generated.json`` in the output records
the parameters and counts (the parsers ignore it: it is not a candidate file type).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from tui.bench.archive_plan import plan_archive
from tui.bench.pages import (
    SyntheticEvent,
    render_article,
    render_day_page,
    render_event_page,
)

GENERATOR_VERSION = 2
MARKER = ".generated.json"


@dataclass(slots=True)
class ArchiveStats:
    """What one run wrote."""

    events: int = 0
    seed: int = 0
    event_pages: int = 0
    duplicate_pages: int = 0
    day_only_events: int = 0
    left_off_day_pages: int = 0
    day_pages: int = 0
    articles: int = 0
    articles_with_front_matter: int = 0
    related_links: int = 0
    missing_related_links: int = 0
    empty_summaries: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class _Writer:
    def __init__(self, root: Path, stats: ArchiveStats) -> None:
        self.root = root
        self.stats = stats
        self.made: set[str] = set()

    def write(self, relative: str, text: str) -> None:
        folder = relative.rpartition("/")[0]
        if folder not in self.made:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self.made.add(folder)
        data = text.encode("utf-8")
        with open(self.root / relative, "wb") as handle:
            handle.write(data)
        self.stats.files += 1
        self.stats.bytes += len(data)


def _excerpt(event: SyntheticEvent, use_summary: bool) -> str:
    if event.summary and use_summary:
        first, _, _ = event.summary.partition(". ")
        return first if first.endswith((".", ";")) else first + "."
    return f"_Context: {', '.join(event.topics)}_"


def generate_archive(
    out_dir: Path | str, events: int, seed: int = 1, overwrite: bool = False
) -> ArchiveStats:
    """Write a synthetic archive of ``events`` events into ``out_dir``; return its counts.

    Raises ``FileExistsError`` when ``out_dir`` holds files and ``overwrite`` is false;
    with ``overwrite`` only what a previous run wrote (news/, articles/, marker) goes.
    """
    if events < 1:
        raise ValueError(f"events must be at least 1, not {events}")
    started = time.perf_counter()
    root = Path(out_dir)
    _prepare(root, overwrite)
    plan = plan_archive(events, seed)
    stats = ArchiveStats(events=events, seed=seed)
    writer = _Writer(root, stats)
    rng = plan.rng
    by_day: dict[date, list[SyntheticEvent]] = {}
    for event in sorted(plan.events, key=lambda e: (e.day, e.number)):
        by_day.setdefault(event.day, []).append(event)
    for day, todays in by_day.items():
        for event in todays:
            if not event.has_page:
                stats.day_only_events += 1
                continue
            writer.write(event.path, render_event_page(event))
            stats.event_pages += 1
            stats.empty_summaries += not event.summary
            stats.related_links += len(event.related)
            stats.missing_related_links += sum(not t.has_page for t, _ in event.related)
            for duplicate in plan.duplicates.get(event.number, []):
                writer.write(duplicate.path, render_event_page(duplicate))
                stats.duplicate_pages += 1
        listed = [e for e in todays if e.on_day_page] or todays
        stats.left_off_day_pages += len(todays) - len(listed)
        excerpts = [_excerpt(e, rng.random() < 0.6) for e in listed]
        new_style = rng.random() < 0.5
        folder = todays[0].folder
        writer.write(f"{folder}/index.md", render_day_page(day, listed, excerpts, new_style))
        stats.day_pages += 1
        if rng.random() < 0.05:
            readme = render_day_page(day, listed, excerpts, not new_style)
            writer.write(f"{folder}/README.md", readme)
            stats.day_pages += 1
    for article in plan.articles:
        writer.write(
            article.path,
            render_article(article.title, article.paragraphs, article.front_matter,
                           article.padding),
        )
        stats.articles += 1
        stats.articles_with_front_matter += article.front_matter is not None
    marker = {"generator_version": GENERATOR_VERSION, "events": events, "seed": seed}
    marker["counts"] = {k: v for k, v in stats.to_dict().items() if k not in {"seconds"}}
    (root / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n")
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def _prepare(root: Path, overwrite: bool) -> None:
    if root.exists() and not root.is_dir():
        raise FileExistsError(f"{root} exists and is not a directory")
    if root.is_dir() and any(root.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f"{root} is not empty; choose an empty directory or pass --overwrite"
            )
        for name in ("news", "articles"):
            shutil.rmtree(root / name, ignore_errors=True)
        (root / MARKER).unlink(missing_ok=True)
    root.mkdir(parents=True, exist_ok=True)


def read_marker(root: Path) -> dict[str, object] | None:
    """The parameters a finished run recorded in ``root``, or None if there was none."""
    try:
        data = json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tui.bench.generator",
        description="Write a deterministic synthetic news-events archive in the real format.",
    )
    parser.add_argument("--events", type=int, required=True, help="distinct events to write")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace what an earlier run wrote in --out")
    args = parser.parse_args(argv)
    try:
        stats = generate_archive(args.out, args.events, args.seed, args.overwrite)
    except (OSError, ValueError) as error:
        print(f"generator: {error}", file=sys.stderr)
        return 2
    for key, value in stats.to_dict().items():
        print(f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
