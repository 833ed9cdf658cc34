"""The navigator's rows for an event, an article or a day: headings, items, notes.

Only what the rows say; drawing and keys are in ``navigator``. A section whose events
are still being looked up (the link graph arrives in stages: the page's own links
first, then the catalog's neighbours, then Whoosh's "more like this") shows that it
is, and the rows are made again when it arrives. Archive text only enters ``Text``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text

from tui.app.pages import MISSING, iso
from tui.model import Article

if TYPE_CHECKING:
    from tui.library import Neighbours

DAY_ROWS = 100
LOOKING = "  finding…"


@dataclass(frozen=True, slots=True)
class NavItem:
    """One openable row: an event or article id, plus a topic for shared-topic rows."""

    kind: str
    target: str
    title: str
    topic: str = ""


@dataclass(frozen=True, slots=True)
class NavRow:
    """A row; one without an item (a heading, a note, a link to a missing event)
    cannot be highlighted or opened. ``id`` names an item's row (``nav-3``)."""

    prompt: Text
    item: NavItem | None = None
    id: str | None = None

    @property
    def disabled(self) -> bool:
        return self.item is None

    @property
    def divider(self) -> bool:
        return False


class RowList:
    """Rows being put together; items are numbered in the order they are added."""

    def __init__(self) -> None:
        self.rows: list[NavRow] = []
        self._items = 0

    def note(self, prompt: Text) -> None:
        self.rows.append(NavRow(prompt))

    def heading(self, title: str, count: int | None = None) -> None:
        text = Text.assemble((title, "bold underline"))
        if count is not None:
            text.append(f" {count}", style="dim")
        self.note(text)

    def item(self, item: NavItem, prompt: Text) -> None:
        self.rows.append(NavRow(prompt, item, f"nav-{self._items}"))
        self._items += 1

    def section(
        self,
        title: str,
        rows: Iterable[tuple[Any, str]] | None,
        topic_rows: bool = False,
    ) -> None:
        """A heading and its events; ``rows`` None while they are being looked up."""
        if rows is None:
            self.heading(title)
            self.note(Text(LOOKING, style="dim italic"))
            return
        found = list(rows)
        self.heading(title, len(found))
        if not found:
            self.note(Text("  none", style="dim"))
        for summary, topic in found:
            item = NavItem("event", summary.id, summary.headline, topic if topic_rows else "")
            self.item(item, event_row(summary, topic))


def event_row(summary: Any, note: str = "") -> Text:
    text = Text.assemble(("• ", "dim"))
    text.append(iso(getattr(summary, "date", None)) + " ", style="cyan")
    text.append(summary.headline or summary.id)
    if note:
        text.append("  ")
        text.append(note, style="green")
    return text


def message_rows(message: str) -> list[NavRow]:
    return [NavRow(Text(message, style="dim italic"))]


def event_rows(neighbours: Neighbours, pending: Collection[str] = ()) -> list[NavRow]:
    """Related, linked articles, same story, shared topics, more like this, linked from;
    ``pending`` names the sections (fields of ``Neighbours``) still being looked up."""
    rows = RowList()
    rows.heading("Related events", len(neighbours.related))
    for rel in neighbours.related:
        topics = f"  ({', '.join(rel.topics)})" if rel.topics else ""
        if rel.resolved:
            prompt = Text.assemble(("• ", "dim"))
            prompt.append(rel.title or rel.target)
            prompt.append(topics, style="green")
            rows.item(NavItem("event", rel.resolved, rel.title), prompt)
        else:
            prompt = Text("• " + (rel.title or rel.target), style="dim")
            prompt.append(MISSING, style="dim red")
            prompt.append(topics, style="dim")
            rows.note(prompt)
    rows.heading("Linked articles", len(neighbours.articles))
    for art in neighbours.articles:
        title = getattr(art, "title", "") or art.id
        prompt = Text.assemble(("• ", "dim"))
        prompt.append(title)
        publisher = getattr(art, "publisher", "")
        if publisher:
            prompt.append(f"  ({publisher})", style="dim")
        rows.item(NavItem("article", art.id, title), prompt)

    def found(name: str, pairs: Iterable[tuple[Any, str]]) -> Iterable[tuple[Any, str]] | None:
        return None if name in pending else pairs

    rows.section("Same story", found("same_story", ((s, "") for s in neighbours.same_story)))
    rows.section("Shared topics",
                 found("shared_topics", ((s, t) for t, s in neighbours.shared_topics)),
                 topic_rows=True)
    rows.section("More like this",
                 found("more_like_this", ((s, "") for s in neighbours.more_like_this)))
    if neighbours.linked_from and "linked_from" not in pending:
        rows.section("Linked from", ((s, "") for s in neighbours.linked_from))
    return rows.rows


def article_rows(
    events: list[Any], more_like_this: Iterable[Any], pending: Collection[str] = ()
) -> list[NavRow]:
    """An article's own event(s), then similar events."""
    rows = RowList()
    rows.heading("Its event", len(events))
    for event in events:
        rows.item(NavItem("event", event.id, event.headline), event_row(event))
    if not events:
        rows.note(Text("  no event found for this article", style="dim"))
    similar = None if "more_like_this" in pending else ((s, "") for s in more_like_this)
    rows.section("More like this", similar)
    return rows.rows


def document_rows(doc: Any, neighbours: Neighbours, pending: Collection[str] = ()) -> list[NavRow]:
    """The rows for an event or an article and what has been found of its neighbours."""
    if isinstance(doc, Article):
        return article_rows(list(neighbours.events), neighbours.more_like_this, pending)
    return event_rows(neighbours, pending)


def day_rows(summaries: list[Any]) -> list[NavRow]:
    """A day page: its events, one row each (the first ``DAY_ROWS`` of a busy day: the
    reader lists them all)."""
    rows = RowList()
    rows.heading("Events on this day", len(summaries))
    for summary in summaries[:DAY_ROWS]:
        rows.item(NavItem("event", summary.id, summary.headline), event_row(summary))
    if len(summaries) > DAY_ROWS:
        more = f"  {len(summaries) - DAY_ROWS:,} more: the reader lists them all"
        rows.note(Text(more, style="dim italic"))
    return rows.rows
