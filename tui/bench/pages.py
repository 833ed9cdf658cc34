"""Writing synthetic events, day pages and articles in the archive's own markdown.

The layouts copy the real archive byte for byte in shape: the plain event page
(``### [date]`` first, ``### Source:``), the ``Formats:`` line with ``##### story``
and ``### Sources:``, the ``### Formats:`` bullet list, ``Cover Image`` entries that
repeat the previous number, ``### Changes:`` before or after ``### Related:``, day
pages old (story prefixed into the headline) and new (``##### story`` headings).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

PLAIN, FORMATS_LINE, FORMATS_LIST = "plain", "formats-line", "formats-list"


@dataclass(slots=True)
class SyntheticEvent:
    """One generated event (or a missing one that only related links point at)."""

    number: int
    day: date
    headline: str
    slug: str
    topics: list[str]
    story: str = ""
    phantom: bool = False
    summary: str = ""
    sources: list[tuple[int, str, str]] = field(default_factory=list)
    related: list[tuple[SyntheticEvent, list[str]]] = field(default_factory=list)
    layout: str = PLAIN
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    changes_first: bool = False
    has_page: bool = True
    on_day_page: bool = True
    padded_links: bool = False

    @property
    def folder(self) -> str:
        return f"news/{self.day.year}/{self.day.month:02d}/{self.day.day}"

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.slug}.md"

    @property
    def heading(self) -> str:
        """The ``##### story`` heading: the story, else the first topic."""
        return self.story or (self.topics[0] if self.topics else "")


def date_label(day: date) -> str:
    """``2011-11-5``: the archive pads the month but not the day."""
    return f"{day.year}-{day.month:02d}-{day.day}"


def day_href(day: date) -> str:
    return f"/news/{day.year}/{day.month:02d}/{day.day}/index.md"


def event_href(event: SyntheticEvent, padded: bool = False) -> str:
    day = f"{event.day.day:02d}" if padded else str(event.day.day)
    return f"/news/{event.day.year}/{event.day.month:02d}/{day}/{event.slug}.md"


def _formats(event: SyntheticEvent, as_list: bool) -> str:
    base = f"/{event.folder}/{event.slug}"
    links = [(kind, f"{base}.{kind.lower()}") for kind in ("HTML", "JSON", "XML")]
    if as_list:
        return "\n### Formats:\n\n" + "".join(f"* [{k}]({h})\n" for k, h in links)
    return "\nFormats: " + "".join(f"[{k}]({h})  " for k, h in links) + "\n\n"


def _numbered(lines: list[str]) -> str:
    return "".join(f"{n}. {text}\n" for n, text in enumerate(lines, 1))


def _related_section(event: SyntheticEvent) -> str:
    lines = []
    for target, context in event.related:
        lead = "  " if target.number % 7 == 0 else ""
        href = event_href(target, padded=event.padded_links)
        lines.append(f"[{lead}{target.headline} ]({href}) _Context: {', '.join(context)}_")
    return "### Related:\n\n" + _numbered(lines) if lines else ""


def _changes_section(event: SyntheticEvent) -> str:
    if not event.changes:
        return ""
    lines = [f"1. [{title} ]({href}) _{note}_\n" for title, href, note in event.changes]
    return "### Changes:\n\n" + "".join(lines)


def render_event_page(event: SyntheticEvent) -> str:
    """An event page in one of the three real layouts."""
    parts: list[str] = []
    if event.layout == FORMATS_LINE:
        parts.append(_formats(event, as_list=False))
    elif event.layout == FORMATS_LIST:
        parts.append(_formats(event, as_list=True))
    parts.append(f"### [{date_label(event.day)}]({day_href(event.day)})\n\n")
    if event.layout == FORMATS_LINE and event.heading:
        parts.append(f"##### {event.heading}\n")
    parts.append(f"# {event.headline} \n\n")
    parts.append(f"{event.summary}\n\n\n" if event.summary else "\n\n\n")
    if event.sources:
        label = "Source:" if event.layout == PLAIN else "Sources:"
        items = "".join(f"{n}. [{pub}]({url})\n" for n, pub, url in event.sources)
        parts.append(f"### {label}\n\n{items}\n")
    related, changes = _related_section(event), _changes_section(event)
    ordered = [changes, related] if event.changes_first else [related, changes]
    parts.append("\n".join(section for section in ordered if section))
    return "".join(parts)


def render_day_page(day: date, events: list[SyntheticEvent], excerpts: list[str], new: bool) -> str:
    """A day page: new style with ``##### story`` headings, old style with story prefixes.

    ``excerpts[i]`` is the line under event ``i``: an excerpt, or ``_Context: ..._``.
    """
    parts: list[str] = []
    if new:
        folder = f"{day.year}/{day.month:02d}/{day.day}/index"
        parts.append(f"\nFormats: [HTML]({folder}.html)  [JSON]({folder}.json)  "
                     f"[XML]({folder}.xml)  \n\n")
    else:
        parts.append("\n")
    parts.append(f"## [{date_label(day)}]({day_href(day)})\n\n")
    for event, excerpt in zip(events, excerpts, strict=True):
        title = event.headline
        if new and event.heading:
            parts.append(f"##### {event.heading}\n")
        elif event.story:
            title = f"{event.story}:{title}" if event.number % 3 else f"{event.story}: {title}"
        parts.append(f"### [{title} ]({event_href(event)})\n{excerpt}\n\n")
    parts.append(f"## [Previous Day...]({day_href(day - timedelta(days=1))})\n\n")
    return "".join(parts)


def render_article(
    title: str, paragraphs: list[str], front_matter: dict[str, str] | None, padding: str
) -> str:
    """An article: YAML front matter (quoted values) or none, then paragraphs."""
    body = "".join(f"{p}{padding}\n\n" for p in paragraphs)
    if front_matter is None:
        return "\n" + body
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    for key, value in front_matter.items():
        quoted = value if key == "date" else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {quoted}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body
