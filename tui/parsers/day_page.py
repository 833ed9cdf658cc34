"""Day pages: ``## [date](...)`` then ``### [headline](link)`` entries.

Two layouts occur, often for the same day (``index.md`` and ``README.md``): the newer
one puts each entry under a ``##### story`` heading; the older one folds the story
into the headline (``2011 Syrian uprising:Opposition ...``). Each entry is followed by
an excerpt line or a ``_Context: ..._`` line. The ``## [Previous Day...](...)`` link
that closes the page, and anything after it, is navigation, not an entry.
"""

from __future__ import annotations

import re
from datetime import date

from tui.links import date_of, normalize_target, split_link
from tui.model import DayEntry, DayPage, Skip
from tui.parsers.event_page import split_topics_text
from tui.text import clean_label, clean_wiki_text, split_story_prefix

DAY_HEADING = re.compile(r"##[ \t]*\[[ \t]*(\d{4})-(\d{1,2})-(\d{1,2})[ \t]*\]\(")
_CONTEXT = re.compile(r"_?Context:", re.IGNORECASE)


def heading_level(line: str) -> int:
    """Number of leading ``#`` of a markdown heading line (0 if it is none)."""
    level = len(line) - len(line.lstrip("#"))
    if level == 0 or level > 6:
        return 0
    rest = line[level : level + 1]
    return level if rest in ("", " ", "\t", "[") else 0


def day_heading_date(line: str) -> date | None:
    """The date of a ``## [2011-11-10](...)`` line, or None."""
    match = DAY_HEADING.match(line)
    if match is None:
        return None
    return date_of(*match.groups())


def parse_day_page(lines: list[str], doc_id: str) -> DayPage | Skip:
    """Build a :class:`DayPage` from its lines: every entry of the first dated ``##`` section."""
    day: date | None = None
    in_day = False
    story = ""
    entries: list[DayEntry] = []
    current: DayEntry | None = None
    excerpt: list[str] = []

    def finish() -> None:
        if current is not None and excerpt and not current.excerpt:
            current.excerpt = clean_wiki_text(" ".join(excerpt))
        excerpt.clear()

    for line in lines:
        level = heading_level(line) if line.startswith("#") else 0
        if level:
            finish()
            current = None
            if level <= 2:
                found = day_heading_date(line) if level == 2 else None
                in_day = found is not None and day is None
                if in_day:
                    day = found
                    story = ""
                continue
            if not in_day:
                continue
            text = line[level:].strip()
            if level == 3:
                current = _entry(text, story)
                if current is not None:
                    entries.append(current)
            elif level == 5:
                story = clean_label(text)
            continue
        if current is None:
            continue
        stripped = line.strip()
        if not stripped:
            if excerpt:
                finish()
            continue
        context = _CONTEXT.match(stripped)
        if context is not None:
            current.topics = _merge(current.topics, split_topics_text(stripped[context.end() :]))
        elif not current.excerpt and stripped != "---":
            excerpt.append(stripped)
    finish()
    if day is None:
        return Skip(doc_id, "day page without a '## [YYYY-MM-D](...)' heading")
    return DayPage(id=doc_id, date=day, entries=entries)


def _entry(text: str, story: str) -> DayEntry | None:
    link = split_link(text)
    if link is None:
        return None
    headline = clean_label(link[0])
    prefix_story, headline = split_story_prefix(headline)
    target = normalize_target(link[1])
    if not headline or not target:
        return None
    return DayEntry(headline=headline, target=target, story=story or prefix_story)


def _merge(first: list[str], second: list[str]) -> list[str]:
    seen = {topic.casefold() for topic in first}
    merged = list(first)
    for topic in second:
        if topic.casefold() not in seen:
            seen.add(topic.casefold())
            merged.append(topic)
    return merged
