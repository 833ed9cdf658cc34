"""Browser-like navigation history: back, forward, and a breadcrumb of where you came from.

A plain class (no Textual) so its rules are unit-tested on their own and the same
list can be saved in the user data directory and restored at the next launch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.text import clean_text, is_inert

DEFAULT_CAPACITY = 200


@dataclass(frozen=True, slots=True)
class Location:
    """One place the reader showed: a document, a day page or a followed story/topic.

    ``kind`` is ``event``, ``article``, ``day``, ``story``, ``topic`` or ``search``;
    ``ref`` is what reopens it (an id, an ISO date, a story name, a query);
    ``title`` is what the breadcrumb shows.
    """

    kind: str
    ref: str
    title: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref, "title": self.title}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        """A location read back from a user data file, which may have been hand-edited.

        A title is cleaned like archive text; a kind or ref holding control characters
        is no location (it never came from Chronicle) and is refused.
        """
        kind, ref = data.get("kind"), data.get("ref")
        if not isinstance(kind, str) or not isinstance(ref, str) or not kind or not ref:
            raise ValueError(f"not a location: {data!r}")
        if not is_inert(kind) or not is_inert(ref):
            raise ValueError(f"control characters in a location: {data!r}")
        title = data.get("title", "")
        return cls(kind, ref, clean_text(title) if isinstance(title, str) else "")


class NavigationHistory:
    """A list of visited locations with a cursor, like a web browser's.

    Visiting a new place drops everything forward of the cursor; visiting the place
    already shown changes nothing; the oldest entries fall off past ``capacity``.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._entries: list[Location] = []
        self._index = -1

    @property
    def current(self) -> Location | None:
        return self._entries[self._index] if self._entries else None

    @property
    def entries(self) -> list[Location]:
        return list(self._entries)

    @property
    def index(self) -> int:
        return self._index

    def can_go_back(self) -> bool:
        return self._index > 0

    def can_go_forward(self) -> bool:
        return 0 <= self._index < len(self._entries) - 1

    def visit(self, location: Location) -> None:
        """Record a new place; forward entries are discarded."""
        current = self.current
        if current is not None and (current.kind, current.ref) == (location.kind, location.ref):
            self._entries[self._index] = location
            return
        del self._entries[self._index + 1 :]
        self._entries.append(location)
        overflow = len(self._entries) - self.capacity
        if overflow > 0:
            del self._entries[:overflow]
        self._index = len(self._entries) - 1

    def back(self) -> Location | None:
        """Step back; None (and no change) at the oldest entry."""
        if not self.can_go_back():
            return None
        self._index -= 1
        return self._entries[self._index]

    def forward(self) -> Location | None:
        """Step forward; None (and no change) at the newest entry."""
        if not self.can_go_forward():
            return None
        self._index += 1
        return self._entries[self._index]

    def breadcrumb(self, length: int = 4) -> list[Location]:
        """The last ``length`` places up to and including the current one."""
        if not self._entries:
            return []
        start = max(0, self._index - length + 1)
        return self._entries[start : self._index + 1]

    def to_dict(self) -> dict[str, Any]:
        return {"index": self._index, "entries": [e.to_dict() for e in self._entries]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], capacity: int = DEFAULT_CAPACITY) -> NavigationHistory:
        """Rebuild from ``to_dict`` output; malformed entries are dropped, not fatal."""
        history = cls(capacity)
        raw = data.get("entries") if isinstance(data, dict) else None
        entries: list[Location] = []
        for item in raw if isinstance(raw, list) else []:
            try:
                entries.append(Location.from_dict(item))
            except (ValueError, AttributeError):
                continue
        dropped = max(0, len(entries) - capacity)
        entries = entries[dropped:]
        history._entries = entries
        index = data.get("index") if isinstance(data, dict) else None
        if isinstance(index, int):
            index -= dropped
        if not entries:
            history._index = -1
        elif isinstance(index, int) and 0 <= index < len(entries):
            history._index = index
        else:
            history._index = len(entries) - 1
        return history
