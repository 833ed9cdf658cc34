"""One day's pages and day pages -> its events."""

from __future__ import annotations

from datetime import date

from tui.assembly import assemble, assemble_day, copy_event, same_headline
from tui.model import Article, DayEntry, DayPage, Event, RelatedLink, Source
from tui.text import headline_key

DAY = date(2011, 11, 10)
LONG = "Opposition activists claim that at least 38 people have been killed across Syria."


def page(slug: str, headline: str, **fields: object) -> Event:
    return Event(id=f"news/2011/11/10/{slug}.md", date=DAY, headline=headline, **fields)  # type: ignore[arg-type]


def test_pages_with_one_headline_merge_into_the_fullest() -> None:
    plain = page("opposition", LONG, sources=[Source("CNN", "http://cnn/x")])
    prefixed = page(
        "2011-syrian-uprising-opposition",
        LONG,
        story="2011 Syrian uprising",
        sources=[Source("CNN", "http://cnn/x")],
        related=[RelatedLink("R", "news/2012/03/22/r.md", ["Syria"])],
        topics=["Syria"],
    )
    artefact = page(
        "2011-syrian-uprising-popposition",
        LONG,
        story="2011 Syrian uprising",
        summary="A summary.",
        sources=[Source("BBC", "http://bbc/y")],
        related=[RelatedLink("R", "news/2012/03/22/r.md", ["Syria"])],
        topics=["Syria", "Homs"],
        aliases=["news/2011/11/10/older.md"],
    )
    (merged,) = assemble_day([plain, prefixed, artefact], [])
    assert merged.id == artefact.id
    assert merged.aliases == ["news/2011/11/10/older.md", prefixed.id, plain.id]
    assert merged.summary == "A summary."
    assert merged.sources == [Source("BBC", "http://bbc/y"), Source("CNN", "http://cnn/x")]
    assert merged.related == [RelatedLink("R", "news/2012/03/22/r.md", ["Syria"])]
    assert merged.topics == ["Syria", "Homs"]
    assert merged.story == "2011 Syrian uprising"


def test_equally_full_pages_keep_the_clean_slug() -> None:
    plain = page("opposition", LONG)
    prefixed = page("2011-syrian-uprising-popposition", LONG, story="2011 Syrian uprising")
    (merged,) = assemble_day([prefixed, plain], [])
    assert merged.id == plain.id
    assert merged.aliases == [prefixed.id]
    assert merged.story == "2011 Syrian uprising"


def test_truncated_and_story_prefixed_headlines_merge() -> None:
    full = page(
        "khamenei",
        "The supreme leader of Iran condemns the incriminating IAEA report and warns of "
        "retaliation.",
    )
    truncated = page(
        "the-supreme", "The supreme leader of Iran condemns the incriminating IAEA report and warns"
    )
    prefixed = page(
        "bear",
        "Response to IAEA report: The supreme leader of Iran condemns the incriminating IAEA "
        "report and warns of retaliation.",
    )
    (merged,) = assemble_day([truncated, full, prefixed], [])
    assert merged.headline == full.headline
    assert merged.story == "Response to IAEA report"
    assert sorted([merged.id, *merged.aliases]) == sorted([full.id, truncated.id, prefixed.id])


def test_short_story_prefix_in_dot_form_merges() -> None:
    plain = page("brexit", "Brexit negotiations begin in Brussels.", summary="UK and EU talk.")
    prefixed = page(
        "uk-brexit",
        "United Kingdom withdrawal from the European Union: Brexit negotiations begin in Brussels.",
    )
    (merged,) = assemble_day([prefixed, plain], [])
    assert (merged.id, merged.headline) == (plain.id, plain.headline)
    assert merged.story == "United Kingdom withdrawal from the European Union"


def test_dropped_characters_merge_but_different_events_do_not() -> None:
    a = page(
        "a", "The driver of a car rammed a police vehicle on the Champs-Elysees in Paris, France."
    )
    b = page(
        "b", "The driver of a car rammed a police vehicle on the Champs-lyses in Paris, France."
    )
    c = page(
        "c", "The driver of a bus rammed a police vehicle in Lyon, France, injuring eleven people."
    )
    events = assemble_day([a, b, c], [])
    assert len(events) == 2
    assert same_headline(headline_key(a.headline), headline_key(b.headline))
    assert not same_headline(headline_key(a.headline), headline_key(c.headline))
    assert not same_headline("short", "shorter")


def test_changes_links_merge_differently_worded_versions() -> None:
    first = page(
        "displaced-60",
        "The number of people displaced totals 60.6 million.",
        aliases=["news/2011/11/10/displaced-65.md"],
    )
    second = page("displaced-65", "The number of people displaced totals 65.6 million.")
    (merged,) = assemble_day([first, second], [])
    assert {merged.id, *merged.aliases} == {first.id, second.id}


def test_day_entries_attach_story_topics_and_excerpt() -> None:
    events = [
        page("a", "Event A happened today in the capital city."),
        page("b", "Event B.", story="Kept", summary="Own summary."),
    ]
    day_page = DayPage(
        "news/2011/11/10/index.md",
        DAY,
        [
            DayEntry("Event B.", "news/2011/11/10/b.md", "Ignored", "Excerpt B.", ["T1"]),
            DayEntry(
                "Event A happened today in the capital city.",
                "news/2011/11/10/elsewhere.md",
                "Story A",
                "Excerpt A.",
                ["T2"],
            ),
        ],
    )
    b, a = assemble_day(events, [day_page])
    assert (b.story, b.summary, b.topics) == ("Kept", "Own summary.", ["T1"])
    assert (a.story, a.summary, a.topics) == ("Story A", "Excerpt A.", ["T2"])
    assert not a.from_day_page and not b.from_day_page


def test_entries_without_pages_become_short_events_once() -> None:
    index = DayPage(
        "news/2011/11/10/index.md",
        DAY,
        [
            DayEntry(
                "Hinchingbrooke Hospital is run by a private firm.",
                "news/2011/11/10/hinch.md",
                "Hinchingbrooke Hospital",
                "A firm takes over.",
                ["NHS"],
            ),
            DayEntry(
                "Opposition activists claim 38 dead.",
                "news/2011/11/10/opposition.md",
                "Syria",
                "",
                ["Syria"],
            ),
        ],
    )
    readme = DayPage(
        "news/2011/11/10/README.md",
        DAY,
        [
            DayEntry(
                "Opposition activists claim 38 dead.",
                "news/2011/11/10/2011-syrian-uprising-popposition.md",
                "2011 Syrian uprising",
                "",
                ["Homs"],
            ),
            DayEntry(
                "Hinchingbrooke Hospital is run by a private firm.",
                "news/2011/11/10/hinch.md",
                "",
                "",
                [],
            ),
        ],
    )
    events = assemble_day([], [readme, index])
    assert [e.id for e in events] == ["news/2011/11/10/hinch.md", "news/2011/11/10/opposition.md"]
    hinch, syria = events
    assert hinch == Event(
        id="news/2011/11/10/hinch.md",
        date=DAY,
        headline="Hinchingbrooke Hospital is run by a private firm.",
        summary="A firm takes over.",
        day_link="news/2011/11/10/index.md",
        story="Hinchingbrooke Hospital",
        topics=["NHS"],
        from_day_page=True,
    )
    assert syria.story == "Syria" and syria.topics == ["Syria", "Homs"]


def test_order_follows_the_day_page_then_headline() -> None:
    events = [
        page("z", "Zebra crossing opens."),
        page("a", "Aardvark escapes."),
        page("m", "Moon rises."),
    ]
    listing = DayPage(
        "news/2011/11/10/index.md", DAY, [DayEntry("Moon rises.", "news/2011/11/10/m.md")]
    )
    assert [e.id[-5:] for e in assemble_day(events, [listing])] == ["/m.md", "/a.md", "/z.md"]
    assert [e.id[-5:] for e in assemble_day(list(reversed(events)), [])] == [
        "/a.md",
        "/m.md",
        "/z.md",
    ]


def test_inputs_are_not_modified() -> None:
    original = page("a", "Event A.")
    listing = DayPage(
        "news/2011/11/10/index.md", DAY, [DayEntry("Event A.", original.id, "S", "E", ["T"])]
    )
    (merged,) = assemble_day([original], [listing])
    assert (merged.story, merged.summary, merged.topics) == ("S", "E", ["T"])
    assert (original.story, original.summary, original.topics) == ("", "", [])


def test_assemble_groups_a_whole_archive() -> None:
    other_day = Event("news/2011/11/9/x.md", date(2011, 11, 9), "Earlier event.")
    article = Article("a.txt", "An article")
    listing = DayPage(
        "news/2011/11/10/index.md", DAY, [DayEntry("Only listed.", "news/2011/11/10/l.md")]
    )
    events, day_pages, articles = assemble([page("p", "A page."), listing, article, other_day])
    assert [(e.date, e.id) for e in events] == [
        (date(2011, 11, 9), "news/2011/11/9/x.md"),
        (DAY, "news/2011/11/10/l.md"),
        (DAY, "news/2011/11/10/p.md"),
    ]
    assert day_pages == [listing]
    assert articles == [article]


def test_a_large_day_assembles() -> None:
    pages = [
        page(f"e{n}", f"Event number {n} is reported by several agencies around the world today.")
        for n in range(3000)
    ]
    events = assemble_day(pages, [])
    assert len(events) == 3000


def test_copy_event_carries_every_field() -> None:
    """The hand-written copy gives what ``dataclasses.replace`` gives, field for field
    (a field added to ``Event`` and not to the copy fails here)."""
    import dataclasses

    values = {"id": "news/2011/11/10/a.md", "date": DAY, "headline": "H", "summary": "S",
              "sources": [Source("P", "u")], "related": [RelatedLink("T", "t", ["x"])],
              "day_link": "news/2011/11/10/index.md", "story": "St", "topics": ["x"],
              "aliases": ["b"], "from_day_page": True, "kind": "event"}
    assert set(values) == {f.name for f in dataclasses.fields(Event)}
    event = Event(**values)  # type: ignore[arg-type]
    copied = copy_event(event)
    assert copied is not event
    assert copied == dataclasses.replace(event)
    assert all(getattr(copied, name) is value for name, value in values.items())
