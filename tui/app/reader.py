"""The reader pane: an event, an article or a day page as one scrolling list of lines.

The page is a list of text blocks drawn by one line-API widget, not one widget per
item, and only the blocks on screen are wrapped (``reader_lines``), so a day of
hundreds of events opens as fast as a short one. Archive text only ever enters
``rich.text.Text`` objects, so brackets in a headline can never become markup.
Links (sources, related events, linked articles, a day's events) can be selected
with the keyboard or clicked; the app decides what following one means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.message import Message

from tui.app.actions import bindings_for
from tui.app.line_pane import LinePane
from tui.app.reader_lines import ReaderLines

HIGHLIGHT = "bold black on yellow"
SELECTED = "reverse"


@dataclass(frozen=True, slots=True)
class ReaderLink:
    """Something on the page that can be followed.

    ``kind`` is ``url`` (a source or article address: opens in the browser),
    ``event`` or ``article`` (opens in the reader); ``number`` is a source's number.
    """

    kind: str
    target: str
    title: str
    number: int | None = None


class Page:
    """Builds a reader page block by block, remembering where each link sits."""

    def __init__(self) -> None:
        self.blocks: list[Text] = []
        self.indents: list[int] = []  # wrapped lines hang this far in (0: flush left)
        self.links: list[ReaderLink] = []
        self.link_spans: list[tuple[int, int, int]] = []  # block, start, end

    def add(
        self, *parts: str | Text | tuple[str, str | Style], style: str = "", hang: bool = False
    ) -> Text:
        """A block; with ``hang``, its wrapped lines align under the text after the first
        part (a list item's number or bullet)."""
        text = Text.assemble(*parts, style=style)
        self.blocks.append(text)
        first = parts[0] if parts else ""
        width = len(first[0] if isinstance(first, tuple) else first)
        self.indents.append(width if hang else 0)
        return text

    def blank(self) -> None:
        self.blocks.append(Text(""))
        self.indents.append(0)

    def heading(self, title: str) -> None:
        self.blank()
        self.add((title, "bold underline"))

    def link(
        self, link: ReaderLink, prefix: Text | str, label: Text | str, suffix: Text | str = ""
    ) -> None:
        """A line holding one followable link; the label is clickable."""
        index = len(self.links)
        self.links.append(link)
        text = Text.assemble(prefix)
        start = len(text)
        label_text = label if isinstance(label, Text) else Text(label)
        label_text = label_text.copy()
        label_text.stylize(Style(meta={"@click": f"app.reader_link({index})"}, underline=True))
        text.append_text(label_text)
        end = len(text)
        text.append_text(suffix if isinstance(suffix, Text) else Text(suffix))
        self.link_spans.append((len(self.blocks), start, end))
        self.blocks.append(text)
        self.indents.append(start)


class Reader(LinePane):
    """Shows one page and keeps a selected link for Enter, ``y`` and ``o``."""

    BINDINGS = bindings_for("reader")

    class LinkActivated(Message):
        """The user followed a link on the page."""

        def __init__(self, link: ReaderLink) -> None:
            self.link = link
            super().__init__()

    class LinkSelected(Message):
        """The selected link changed (the footer and status line show it)."""

        def __init__(self, link: ReaderLink | None) -> None:
            self.link = link
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.page = Page()
        self.terms: list[str] = []
        self.selected: int | None = None

    @property
    def links(self) -> list[ReaderLink]:
        return self.page.links

    def show_page(
        self, page: Page, terms: Iterable[str] = (), *, keep_scroll: bool = False
    ) -> None:
        """Replace the page; ``terms`` (from a search) are highlighted."""
        self.page = page
        self.terms = [t for t in terms if t.strip()]
        if self.selected is not None and (not keep_scroll or self.selected >= len(page.links)):
            self.selected = None
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, force=True)
        self.invalidate_lines()

    # -- drawing --------------------------------------------------------------------

    def styled_block(self, index: int) -> Text:
        """Block ``index`` as shown: search terms marked, the selected link reversed."""
        text = self.page.blocks[index]
        selected = self.page.link_spans[self.selected] if self.selected is not None else None
        if not self.terms and (selected is None or selected[0] != index):
            return text
        text = text.copy()
        if selected is not None and selected[0] == index:
            text.stylize(SELECTED, selected[1], selected[2])
        if self.terms:
            text.highlight_words(self.terms, HIGHLIGHT, case_sensitive=False)
        return text

    def make_lines(self, width: int) -> ReaderLines:
        return ReaderLines(self.page.blocks, self.page.indents, width, self.styled_block,
                           self.render_text, self.rich_style, wrap_short=False,
                           count=self.count_lines)

    def draw_page_ahead(self, page: Page) -> None:
        """``draw_ahead`` for a page this pane may show next, as it would be shown then:
        from the top, no link selected, no search terms marked."""
        self.draw_ahead(lambda width: ReaderLines(
            page.blocks, page.indents, width, page.blocks.__getitem__, self.render_text,
            self.rich_style, wrap_short=False, count=self.count_lines))

    # Keys scroll in one step: an animated scroll repaints the pane a dozen times
    # (tens of milliseconds each), so keys pressed meanwhile waited for it.
    def action_scroll_down(self) -> None:
        self.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)

    @property
    def body_text(self) -> Text:
        """The whole page as shown, marks included (for tests; the screen draws lines)."""
        return Text("\n").join(self.styled_block(i) for i in range(len(self.page.blocks)))

    @property
    def plain_text(self) -> str:
        """The page as plain text (what tests and screen readers can check)."""
        return "\n".join(b.plain for b in self.page.blocks)

    # -- links ----------------------------------------------------------------------

    def select_link(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.page.links):
            return
        previous, self.selected = self.selected, index
        if self._lines is not None:
            for block in {self.page.link_spans[i][0] for i in (previous, index) if i is not None}:
                self._lines.restyle(block)
        self.refresh()
        self.post_message(self.LinkSelected(self.selected_link))
        if index is not None:
            self.call_after_refresh(self._scroll_to_link, index)

    @property
    def selected_link(self) -> ReaderLink | None:
        return None if self.selected is None else self.page.links[self.selected]

    def _scroll_to_link(self, index: int) -> None:
        block = self.page.link_spans[index][0]
        line = self._lay_out().starts[block]
        height = self.scrollable_content_region.height
        if not self.scroll_y <= line < self.scroll_y + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False)

    def action_next_link(self) -> None:
        if self.page.links:
            nxt = 0 if self.selected is None else (self.selected + 1) % len(self.page.links)
            self.select_link(nxt)

    def action_previous_link(self) -> None:
        if self.page.links:
            count = len(self.page.links)
            prev = count - 1 if self.selected is None else (self.selected - 1) % count
            self.select_link(prev)

    def action_activate_link(self) -> None:
        link = self.selected_link
        if link is None:
            self.notify("No link selected: press l to select one.", severity="warning")
            return
        self.post_message(self.LinkActivated(link))

    def activate_index(self, index: int) -> None:
        """A click on link ``index``: select it and follow it."""
        if 0 <= index < len(self.page.links):
            self.select_link(index)
            self.post_message(self.LinkActivated(self.page.links[index]))

    def source(self, number: int) -> ReaderLink | None:
        """The source numbered ``number`` on the shown event, if any."""
        for link in self.page.links:
            if link.number == number:
                return link
        return None

    @property
    def source_count(self) -> int:
        return sum(1 for link in self.page.links if link.number is not None)
