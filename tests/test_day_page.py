"""Day pages: both layouts, excerpts and context lines, navigation links left out."""

from __future__ import annotations

from datetime import date

from tui.model import DayEntry, DayPage, Skip
from tui.parsers import parse_text

NEW_LAYOUT = """
Formats: [HTML](2011/11/10/index.html)  [JSON](2011/11/10/index.json)  [XML](2011/11/10/index.xml)

## [2011-11-10](/news/2011/11/10/index.md)

##### Syria
### [Opposition activists claim that 38 people are killed. ](/news/2011/11/10/opposition.md)
_Context: Idlib, Daraa, Syria_

##### Hinchingbrooke Hospital
### [Hinchingbrooke Hospital is run by a private firm. ](/news/2011/11/10/hinchingbrooke.md)
A private firm takes over a &pound;1bn NHS hospital &ndash; it has been &quot;confirmed&quot;.

### [A second entry under the same story. ](/news/2011/11/10/second.md)

## [Previous Day...](/news/2011/11/9/index.md)

### [Not an entry](/news/2011/11/9/x.md)
"""

OLD_LAYOUT = """## [2011-11-10](/news/2011/11/10/index.md)

### [2011 Syrian uprising:Opposition claim that 38 people are killed. ](/news/2011/11/10/o.md)
_Context: 2011 Syrian uprising, Syria_

### [Response to IAEA report on Iran's nuclear program:The leader condemns it. ](/response.md)
The remarks by Ayatollah Ali Khamenei &#039;come&#039; in the aftermath
of the report.

### [ The euro currency is introduced.](/news/1999/01/01/the-euro.md)

## [Previous Day...](/news/2011/11/9/index.md)
"""


def day(text: str, doc_id: str = "news/2011/11/10/index.md") -> DayPage:
    parsed = parse_text(text, doc_id)
    assert isinstance(parsed, DayPage), parsed
    return parsed


def test_new_layout_with_story_headings() -> None:
    parsed = day(NEW_LAYOUT)
    assert parsed.id == "news/2011/11/10/index.md"
    assert parsed.date == date(2011, 11, 10)
    assert parsed.entries == [
        DayEntry(
            "Opposition activists claim that 38 people are killed.",
            "news/2011/11/10/opposition.md",
            "Syria",
            "",
            ["Idlib", "Daraa", "Syria"],
        ),
        DayEntry(
            "Hinchingbrooke Hospital is run by a private firm.",
            "news/2011/11/10/hinchingbrooke.md",
            "Hinchingbrooke Hospital",
            'A private firm takes over a \u00a31bn NHS hospital \u2013 it has been "confirmed".',
            [],
        ),
        DayEntry(
            "A second entry under the same story.",
            "news/2011/11/10/second.md",
            "Hinchingbrooke Hospital",
        ),
    ]


def test_old_layout_folds_the_story_into_the_headline() -> None:
    parsed = day(OLD_LAYOUT, "news/2011/11/10/README.md")
    assert [(e.story, e.headline) for e in parsed.entries] == [
        ("2011 Syrian uprising", "Opposition claim that 38 people are killed."),
        (
            "Response to IAEA report on Iran's nuclear program",
            "The leader condemns it.",
        ),
        ("", "The euro currency is introduced."),
    ]
    assert parsed.entries[0].topics == ["2011 Syrian uprising", "Syria"]
    assert parsed.entries[1].excerpt == (
        "The remarks by Ayatollah Ali Khamenei 'come' in the aftermath of the report."
    )
    assert parsed.entries[2].target == "news/1999/01/1/the-euro.md"


def test_previous_day_link_and_anything_after_it_are_not_entries() -> None:
    targets = [entry.target for entry in day(NEW_LAYOUT).entries]
    assert "news/2011/11/9/index.md" not in targets
    assert "news/2011/11/9/x.md" not in targets


def test_a_day_with_no_entries() -> None:
    parsed = day(
        "## [2016-06-5](/news/2016/06/5/index.md)\n\n"
        "## [Previous Day...](/news/2016/06/4/index.md)\n"
    )
    assert parsed.date == date(2016, 6, 5)
    assert parsed.entries == []


def test_entries_without_target_or_text_are_dropped() -> None:
    parsed = day(
        "## [2011-11-10](x)\n### [](/news/2011/11/10/a.md)\n### [Title]()\n### []()\n### \n"
        "### [Kept](/news/2011/11/10/k.md)\n"
    )
    assert [entry.headline for entry in parsed.entries] == ["Kept"]


def test_crlf_bom_and_wiki_italics() -> None:
    text = (
        "\ufeff## [2011-11-14](/news/2011/11/14/index.md)\r\n\r\n"
        "### [British soap ''Coronation Street'' uses product placement. ](/news/2011/11/14/b.md)"
        "\r\n_Context: ITV, ''Coronation Street''_\r\n"
    )
    parsed = day(text)
    assert parsed.entries == [
        DayEntry(
            "British soap Coronation Street uses product placement.",
            "news/2011/11/14/b.md",
            topics=["ITV", "Coronation Street"],
        )
    ]


def test_invalid_day_heading_date_is_not_a_day_page() -> None:
    parsed = parse_text("## [2011-02-30](x)\n### [A](/news/a.md)\n", "news/2011/02/30/index.md")
    assert isinstance(parsed, Skip)
