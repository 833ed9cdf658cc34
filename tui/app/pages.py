"""Reader pages for an event, an article and a day, built from the query layer's documents.

Only presentation: which fields show, in what order, which lines are links. Every
piece of archive text is appended as a plain string into ``rich.text.Text``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text

from tui.app.reader import Page, ReaderLink
from tui.model import Article, Event

if TYPE_CHECKING:
    from tui.library import DayView, Neighbours

MISSING = " ✗ not in archive"


def long_date(day: date | None) -> str:
    return day.strftime("%A %-d %B %Y") if day else "undated"


def iso(day: date | None) -> str:
    return day.isoformat() if day else "undated"


def event_page(event: Event, neighbours: Neighbours | None) -> Page:
    """Headline, date, story, topics, summary, numbered sources, related, articles."""
    page = Page()
    page.add((event.headline or "(untitled event)", "bold"))
    meta = Text.assemble((iso(event.date), "cyan"))
    if event.story:
        meta.append("  ·  story: ", style="dim")
        meta.append(event.story, style="magenta")
    page.add(meta)
    if event.topics:
        page.add(("topics: ", "dim"), (", ".join(event.topics), "green"))
    page.blank()
    if event.summary:
        page.add(event.summary)
    else:
        page.add(("No summary in the archive.", "dim italic"))

    page.heading("Sources" if len(event.sources) != 1 else "Source")
    if not event.sources:
        page.add(("none listed", "dim"))
    for number, source in enumerate(event.sources, start=1):
        label = source.publisher or source.url
        page.link(
            ReaderLink("url", source.url, label, number=number),
            Text(f" {number:>2}. "),
            Text(label),
            Text.assemble("  ", (source.url, "dim")),
        )

    articles = list(neighbours.articles) if neighbours is not None else []
    if articles:
        page.heading("Linked articles")
        for item in articles:
            title = getattr(item, "title", "") or item.id
            page.link(
                ReaderLink("article", item.id, title),
                Text("  ▸ "),
                Text(title),
                _article_suffix(item),
            )

    page.heading("Related events")
    if not event.related:
        page.add(("none listed", "dim"))
    resolved: dict[str, str | None] = {}
    if neighbours is not None:
        resolved = {item.target: item.resolved for item in neighbours.related}
    for number, rel in enumerate(event.related, start=1):
        topics = Text(f"  ({', '.join(rel.topics)})", style="green") if rel.topics else Text("")
        target = resolved.get(rel.target) if neighbours is not None else None
        prefix = Text(f" {number:>2}. ")
        title = rel.title or rel.target
        if target:
            page.link(ReaderLink("event", target, title), prefix, Text(title), topics)
        elif neighbours is None:
            page.add(prefix, Text(title), topics, hang=True)
        else:
            page.add(prefix, Text(title, style="dim"), (MISSING, "dim red"), topics, hang=True)
    if event.aliases:
        page.blank()
        page.add(("Also filed as: ", "dim"), (", ".join(event.aliases), "dim"))
    page.blank()
    page.add(("id: ", "dim"), (event.id, "dim"))
    return page


def _article_suffix(item: Any) -> Text:
    day = getattr(item, "date", None)
    parts = [p for p in (getattr(item, "publisher", ""), iso(day) if day else "") if p]
    return Text(f"  ({', '.join(parts)})", style="dim") if parts else Text("")


def article_page(article: Article, event: Any | None, *, pending: bool = False) -> Page:
    """Title, publisher, date, its event, then the paragraphs.

    ``pending`` says the article's event is still being looked up.
    """
    page = Page()
    page.add((article.title or "(untitled article)", "bold"))
    meta = Text()
    if article.publisher:
        meta.append(article.publisher, style="magenta")
        meta.append("  ·  ", style="dim")
    if article.date is not None:
        meta.append(iso(article.date), style="cyan")
    else:
        meta.append("no date given", style="dim")
    page.add(meta)
    if article.url:
        page.link(
            ReaderLink("url", article.url, article.url),
            Text("link: ", style="dim"),
            Text(article.url, style="blue"),
        )
    if event is not None:
        page.link(
            ReaderLink("event", event.id, event.headline),
            Text("event: ", style="dim"),
            Text(event.headline),
            Text(f"  ({iso(event.date)})", style="dim"),
        )
    elif not pending:
        page.add(("event: none found in the archive", "dim"))
    page.blank()
    for paragraph in article.paragraphs:
        page.add(paragraph)
        page.blank()
    if not article.paragraphs:
        page.add(("The article has no text.", "dim italic"))
    page.add(("id: ", "dim"), (article.id, "dim"))
    return page


def day_page(day: date, view: DayView) -> Page:
    """A day's events under their story headings, like the archive's own day pages."""
    page = Page()
    groups = list(view.groups if hasattr(view, "groups") else view)
    total = sum(len(events) for _, events in groups)
    page.add((long_date(day), "bold"))
    page.add((f"{total} event{'s' if total != 1 else ''}", "dim"))
    for story, events in groups:
        page.blank()
        page.add((story or "Other events", "bold magenta"))
        for summary in events:
            suffix = (
                Text(f"  ({', '.join(summary.topics)})", style="green") if summary.topics else ""
            )
            page.link(
                ReaderLink("event", summary.id, summary.headline),
                Text("  • "),
                Text(summary.headline or summary.id),
                suffix,
            )
    if not groups:
        page.blank()
        page.add(("No events on this day.", "dim italic"))
    return page


def document_page(doc: Event | Article, neighbours: Neighbours | None) -> Page:
    """An event's or article's page; ``neighbours`` None while its links are looked up."""
    if isinstance(doc, Article):
        events = list(neighbours.events) if neighbours is not None else []
        return article_page(doc, events[0] if events else None, pending=neighbours is None)
    return event_page(doc, neighbours)


def list_page(title: str, note: str) -> Page:
    """A one-line page (a message in the reader, e.g. while the index is built)."""
    page = Page()
    page.add((title, "bold"))
    page.blank()
    page.add(note)
    return page
