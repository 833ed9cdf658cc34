"""``to_dict``: the plain form the catalog stores, the same as ``dataclasses.asdict``."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from tui.model import (
    Article,
    DayEntry,
    DayPage,
    Document,
    Event,
    RelatedLink,
    Source,
    document_from_dict,
)


def as_dict(doc: Document) -> dict[str, Any]:
    data = dataclasses.asdict(doc)
    if data.get("date") is not None:
        data["date"] = data["date"].isoformat()
    return data


DOCUMENTS: list[Document] = [
    Event(id="news/2011/11/12/a.md", date=date(2011, 11, 12), headline="A", summary="S",
          sources=[Source("AFP", "http://afp.example/1")],
          related=[RelatedLink("B", "news/2011/11/13/b.md", ["Kazakhstan", "Taraz"])],
          day_link="news/2011/11/12/index.md", story="Terror", topics=["Kazakhstan"],
          aliases=["news/2011/11/12/pa.md"], from_day_page=True),
    Event(id="x.md", date=None, headline="Undated"),
    DayPage(id="news/2011/11/12/index.md", date=date(2011, 11, 12),
            entries=[DayEntry("A", "news/2011/11/12/a.md", "Terror", "Ex", ["K"])]),
    Article(id="a.txt", title="T", paragraphs=["One.", "Two."], publisher="P", url="http://u",
            date=date(2011, 11, 12), event_ref="news/2011/11/12/a.md"),
    Article(id="b.txt", title="T"),
]


def test_to_dict_is_asdict_with_iso_dates_and_the_same_key_order() -> None:
    for doc in DOCUMENTS:
        data = doc.to_dict()
        assert data == as_dict(doc) and list(data) == list(as_dict(doc))
        assert document_from_dict(data) == doc


def test_to_dict_copies_lists() -> None:
    event = DOCUMENTS[0]
    assert isinstance(event, Event)
    data = event.to_dict()
    data["topics"].append("changed")
    data["related"][0]["topics"].append("changed")
    assert event.topics == ["Kazakhstan"] and event.related[0].topics == ["Kazakhstan", "Taraz"]
