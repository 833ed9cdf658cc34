"""The command palette (Ctrl-P): every action from the table, and "open event by title".

Event titles come from the index's catalog through the query layer, in a thread so
the palette never waits; titles are shown as Text, never as markup.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.app.actions import palette_actions
from tui.app.history import Location

if TYPE_CHECKING:
    from tui.app.chronicle_app import ChronicleApp

TITLE_PREFIX = "Open event: "
MIN_TITLE_QUERY = 3
TITLE_HITS = 12


class ChronicleCommands(Provider):
    """Actions by their palette titles, then events whose text matches what was typed."""

    @property
    def chronicle(self) -> ChronicleApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for act in palette_actions():
            yield DiscoveryHit(
                act.palette,
                partial(self.app.run_action, act.action),
                help=f"{act.keys_text} — {act.help}",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for act in palette_actions():
            assert act.palette is not None
            score = matcher.match(act.palette)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(act.palette),
                    partial(self.app.run_action, act.action),
                    help=f"{act.keys_text} — {act.help}",
                )
        library = self.chronicle.library
        if library is None or len(query.strip()) < MIN_TITLE_QUERY:
            return
        events = await asyncio.to_thread(library.titles, query, TITLE_HITS)
        for rank, event in enumerate(events):
            display = Text.assemble((TITLE_PREFIX, "dim"))
            display.append(event.headline or event.id)
            if event.date is not None:
                display.append(f"  {event.date.isoformat()}", style="dim")
            location = Location("event", event.id, event.headline)
            yield Hit(
                max(0.05, 0.5 - rank * 0.02),
                display,
                partial(self.chronicle.open_location, location),
                text=TITLE_PREFIX + (event.headline or event.id),
                help="open this event in the reader",
            )
