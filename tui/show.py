"""A document as a person reads it in a plain terminal (``chronicle show``).

Everything is built as :class:`rich.text.Text` pieces, so archive text can never be
taken for markup or control sequences.
"""

from __future__ import annotations

from rich.text import Text

from tui.library import Library
from tui.model import Article, DayPage, Event


def render(doc: Event | Article | DayPage, library: Library) -> Text:
    if isinstance(doc, Event):
        return render_event(doc, library)
    if isinstance(doc, Article):
        return render_article(doc, library)
    return render_day_page(doc)


def _heading(out: Text, label: str) -> None:
    out.append("\n")
    out.append(label, style="bold underline")
    out.append("\n")


def render_event(event: Event, library: Library) -> Text:
    out = Text()
    out.append(event.headline or "(no headline)", style="bold")
    out.append("\n")
    facts = [event.date.isoformat() if event.date else "undated"]
    if event.story:
        facts.append(f"story: {event.story}")
    if event.from_day_page:
        facts.append("from the day page (no event page)")
    out.append(" · ".join(facts), style="dim")
    out.append("\n")
    if event.topics:
        out.append("topics: ", style="dim")
        out.append(", ".join(event.topics))
        out.append("\n")
    out.append("id: ", style="dim")
    out.append(event.id)
    out.append("\n")
    if event.summary:
        out.append("\n")
        out.append(event.summary)
        out.append("\n")
    if event.sources:
        _heading(out, "Sources")
        for number, source in enumerate(event.sources, 1):
            out.append(f"{number:>3}. ")
            out.append(source.publisher or "(unnamed)", style="bold")
            out.append("  ")
            out.append(source.url, style="underline")
            out.append("\n")
    neighbours = library.neighbours(event.id)
    if neighbours.related:
        _heading(out, "Related")
        for number, item in enumerate(neighbours.related, 1):
            out.append(f"{number:>3}. ")
            out.append(item.title or item.target)
            if item.resolved is None:
                out.append("  (not in archive)", style="italic dim")
            out.append("\n")
            out.append("     ")
            out.append(item.resolved or item.target, style="dim")
            if item.topics:
                out.append("  context: ", style="dim")
                out.append(", ".join(item.topics), style="dim")
            out.append("\n")
    if neighbours.articles:
        _heading(out, "Articles")
        for article in neighbours.articles:
            out.append("  - ")
            out.append(article.title or article.id, style="bold")
            if article.publisher:
                out.append(f" ({article.publisher})")
            out.append("\n    ")
            out.append(article.id, style="dim")
            out.append("\n")
    if neighbours.same_story:
        _heading(out, f"Same story ({event.story})")
        for other in neighbours.same_story[:10]:
            out.append(f"  {other.date.isoformat() if other.date else '          '}  ")
            out.append(other.headline)
            out.append("\n")
    if event.aliases:
        _heading(out, "Also at")
        for alias in event.aliases:
            out.append(f"  {alias}\n", style="dim")
    return out


def render_article(article: Article, library: Library) -> Text:
    out = Text()
    out.append(article.title or "(untitled article)", style="bold")
    out.append("\n")
    facts = [f for f in (article.publisher, article.date.isoformat() if article.date else "") if f]
    if facts:
        out.append(" · ".join(facts), style="dim")
        out.append("\n")
    if article.url:
        out.append(article.url, style="underline")
        out.append("\n")
    out.append("id: ", style="dim")
    out.append(article.id)
    out.append("\n")
    for paragraph in article.paragraphs:
        out.append("\n")
        out.append(paragraph)
        out.append("\n")
    events = library.neighbours(article.id).events
    _heading(out, "Event")
    if not events:
        out.append("  (no event in the archive matches this article)\n", style="italic dim")
    for event in events:
        out.append(f"  {event.date.isoformat() if event.date else 'undated'}  ")
        out.append(event.headline, style="bold")
        out.append("\n  ")
        out.append(event.id, style="dim")
        out.append("\n")
    return out


def render_day_page(page: DayPage) -> Text:
    out = Text()
    out.append(f"Day page {page.date.isoformat()}", style="bold")
    out.append("\n")
    out.append(page.id, style="dim")
    out.append("\n")
    story = None
    for entry in page.entries:
        if entry.story and entry.story != story:
            story = entry.story
            _heading(out, entry.story)
        out.append("  - ")
        out.append(entry.headline)
        out.append("\n")
        if entry.excerpt:
            out.append("    ")
            out.append(entry.excerpt, style="dim")
            out.append("\n")
    return out
