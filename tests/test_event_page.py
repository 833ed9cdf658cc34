"""Event pages: every field of the seed, each layout variant, and hostile input."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from tui.model import Event, RelatedLink, Skip, Source
from tui.parsers import parse_file, parse_text
from tui.text import LABEL_LIMIT

SEED_EVENT = "001_6bffd24d702e132c.txt"
TARAZ_HEADLINE = (
    "A suspected Islamist attacker kills seven people in the southern Kazakh city of Taraz "
    "before blowing himself up."
)


def event(text: str, doc_id: str = "news/2011/11/12/x.md") -> Event:
    parsed = parse_text(text, doc_id)
    assert isinstance(parsed, Event), parsed
    return parsed


def page(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_seed_event_every_field(seeds_dir: Path) -> None:
    parsed = parse_file(seeds_dir / SEED_EVENT, seeds_dir)
    assert isinstance(parsed, Event)
    assert parsed.id == SEED_EVENT
    assert parsed.kind == "event"
    assert parsed.date == date(2011, 11, 12)
    assert parsed.headline == TARAZ_HEADLINE
    assert parsed.summary == (
        "Media in Kazakhstan cite authorities as saying that seven people, including five police "
        "officers, have been killed in an attack by radical Islamists on a police station in the "
        "southern city of Taraz."
    )
    assert parsed.sources == [
        Source(
            "AFP",
            "http://www.google.com/hostednews/afp/article/ALeqM5gNJ8nqT-QIKBny45hZlR3VtdcU9Q"
            "?docId=CNG.5bd87fe4dd7ef5a736775fcc25089802.171",
        ),
        Source(
            "Fox News",
            "http://www.foxnews.com/world/2011/11/12/reports-7-killed-in-kazakhstan-terror-attack/",
        ),
        Source(
            "The New York Times",
            "http://www.nytimes.com/2011/11/13/world/asia/gunman-goes-on-fatal-rampage-in-kazakhstan.html",
        ),
    ]
    assert parsed.related == [
        RelatedLink(
            "Three people are killed and 10 more are injured following an attack on a military "
            "base in Aktobe, Kazakhstan, by suspected Islamists.",
            "news/2016/06/5/three-people-are-killed-and-10-more-are-injured-following-an-attack-"
            "on-a-military-base-in-aktobe-kazakhstan-by-suspected-islamists.md",
            ["Islamic terrorism", "Kazakhstan"],
        ),
        RelatedLink(
            'Right-wing media personality Katie Hopkins is to leave LBC with "immediate effect" '
            'after Hopkins posted on Twitter calling for a so-called "final solution" to the '
            "United Kingdom's Islamic terrorism problem following the Manchester Arena bombing "
            "which left 22 people dead.",
            "news/2017/05/26/right-wing-media-personality-katie-hopkins-is-to-leave-lbc-with-"
            "immediate-effect-after-hopkins-posted-on-twitter-calling-for-a-so-called.md",
            ["Islamic terrorism"],
        ),
        RelatedLink(
            "The second day of peace negotiations in Astana, Kazakhstan, end with the sponsors of "
            "the talks, Russia, Turkey and Iran, agreeing to set up commission between the three "
            "to monitor and enforce the fragile ceasefire to the Syrian Civil War.",
            "news/2017/01/24/the-second-day-of-peace-negotiations-in-astana-kazakhstan-end-with-"
            "the-sponsors-of-the-talks-russia-turkey-and-iran-agreeing-to-set-up.md",
            ["Kazakhstan"],
        ),
        RelatedLink(
            "Peace talks in Astana, Kazakhstan, between the Syrian opposition and the Syrian "
            "Government, meant to build on a fragile ceasefire currently in effect in the Syrian "
            "Civil War, end with no breakthrough reported.",
            "news/2017/01/23/peace-talks-in-astana-kazakhstan-between-the-syrian-opposition-and-"
            "the-syrian-government-meant-to-build-on-a-fragile-ceasefire-currently.md",
            ["Kazakhstan"],
        ),
        RelatedLink(
            "The Syrian Opposition agree to attend peace talks with the Syrian government in "
            "Astana, Kazakhstan, in order to press for a ceasefire to the conflict.",
            "news/2017/01/16/the-syrian-opposition-agree-to-attend-peace-talks-with-the-syrian-"
            "government-in-astana-kazakhstan-in-order-to-press-for-a-ceasefire-to-the.md",
            ["Kazakhstan"],
        ),
    ]
    assert parsed.day_link == "news/2011/11/12/index.md"
    assert parsed.story == ""
    assert parsed.topics == ["Islamic terrorism", "Kazakhstan"]
    assert parsed.aliases == []
    assert parsed.from_day_page is False


FORMATS_LAYOUT = page(
    "",
    "Formats: [HTML](/news/2011/11/10/an-inquest.html)  [JSON](/news/2011/11/10/an-inquest.json)",
    "",
    "### [2011-11-10](/news/2011/11/10/index.md)",
    "",
    "##### Multiple vehicle pile-up",
    "# An inquest opens into the deaths of 7 people. ",
    "",
    "The inquest opens &mdash; into the deaths",
    "of the seven people.",
    "",
    "Second &quot;paragraph&quot;.",
    "",
    "### Sources:",
    "",
    "1. [BBC](http://www.bbc.co.uk/news/uk-england-somerset-15669967)",
    "1. [Cover Image](http://ichef-1.bbci.co.uk/news/56619032.jpg)",
    "2. [AP via MSNBC](http://media4.s-nbcnews.com/j/ap/brazil rio violence.jpg)",
    "3. [The Guardian](https://i.guim.co.uk/img/x.jpg?w=1200&amp;h=630)",
    "",
    "### Changes:",
    "",
    "1. [Old spelling](/news/2011/11/10/an-inquest-old.md)",
    "1. [This page](/news/2011/11/10/an-inquest.md)",
    "",
    "### Related:",
    "",
    "1. [ A crash on the M5. ](/news/2011/11/04/a-crash.md) _Context: Somerset, M5_",
    "2. [Syrian uprising:. Syrian forces shell Hama. ](/news/2012/03/22/s.md) _Context: Syria_",
    "3. [No context](/news/2013/1/02/n.md)",
)


def test_formats_line_story_heading_sources_changes() -> None:
    parsed = event(FORMATS_LAYOUT, "news/2011/11/10/an-inquest.md")
    assert parsed.date == date(2011, 11, 10)
    assert parsed.story == "Multiple vehicle pile-up"
    assert parsed.headline == "An inquest opens into the deaths of 7 people."
    assert parsed.summary == (
        'The inquest opens \u2014 into the deaths of the seven people.\n\nSecond "paragraph".'
    )
    assert parsed.sources == [
        Source("BBC", "http://www.bbc.co.uk/news/uk-england-somerset-15669967"),
        Source("AP via MSNBC", "http://media4.s-nbcnews.com/j/ap/brazil%20rio%20violence.jpg"),
        Source("The Guardian", "https://i.guim.co.uk/img/x.jpg?w=1200&h=630"),
    ]
    assert parsed.aliases == ["news/2011/11/10/an-inquest-old.md"]
    assert [r.target for r in parsed.related] == [
        "news/2011/11/4/a-crash.md",
        "news/2012/03/22/s.md",
        "news/2013/01/2/n.md",
    ]
    assert [r.title for r in parsed.related] == [
        "A crash on the M5.",
        "Syrian uprising: Syrian forces shell Hama.",
        "No context",
    ]
    assert parsed.related[2].topics == []
    assert parsed.topics == ["Somerset", "M5", "Syria"]


def test_formats_list_section_is_not_part_of_the_page() -> None:
    parsed = event(
        page(
            "",
            "### Formats:",
            "",
            "* [HTML](/news/2017/11/10/france.html)",
            "* [JSON](/news/2017/11/10/france.json)",
            "### [2017-11-10](/news/2017/11/10/index.md)",
            "",
            "# France's institute (IRSN) picks up ruthenium-106. ",
            "",
            "A cloud &quot;accident&quot;.",
        ),
        "news/2017/11/10/france.md",
    )
    assert parsed.headline == "France's institute (IRSN) picks up ruthenium-106."
    assert parsed.summary == 'A cloud "accident".'
    assert parsed.sources == [] and parsed.related == [] and parsed.aliases == []


def test_story_prefix_of_the_headline_becomes_the_story() -> None:
    parsed = event(
        page(
            "### [2011-11-10](/news/2011/11/10/index.md)",
            "",
            "# 2011 Syrian uprising:. Opposition activists claim 38 dead. ",
        )
    )
    assert (parsed.story, parsed.headline) == (
        "2011 Syrian uprising",
        "Opposition activists claim 38 dead.",
    )
    spaced = event(
        page("### [2011-11-12](x)", "# APEC United States 2011: The summit gets underway.")
    )
    assert (spaced.story, spaced.headline) == (
        "",
        "APEC United States 2011: The summit gets underway.",
    )


def test_story_heading_wins_over_the_prefix() -> None:
    parsed = event(
        page("### [2011-11-10](x)", "##### Syria", "# 2011 Syrian uprising:Opposition claims.")
    )
    assert (parsed.story, parsed.headline) == ("Syria", "Opposition claims.")


def test_empty_sections_and_blank_summary() -> None:
    parsed = event(
        page(
            "### [2011-11-10](/news/2011/11/10/index.md)",
            "",
            "# In South Africa, Malema is suspended. ",
            "",
            "",
            "   ",
            "",
            "### Source:",
            "",
            "### Related:",
            "",
            "### Changes:",
        )
    )
    assert parsed.summary == ""
    assert (
        parsed.sources == []
        and parsed.related == []
        and parsed.aliases == []
        and parsed.topics == []
    )


def test_headings_without_text_are_not_headlines() -> None:
    parsed = event(
        page("### [2011-11-10](x)", "#", "# ", "# The real headline.", "##### ", "Summary.")
    )
    assert parsed.headline == "The real headline."
    assert parsed.summary == "Summary."


def test_unbalanced_wiki_italics_are_removed() -> None:
    parsed = event(
        page(
            "### [2017-06-18](x)",
            "# Collision between the USS ''Fitzgerald and the MV ''ACX Crysta''l off Japan.",
            "",
            "### Related:",
            "1. [The USS ''Fitzgerald'', a destroyer](/news/2017/06/17/t.md) "
            "_Context: MV ''ACX Crysta''l, Japan_",
        )
    )
    assert (
        parsed.headline == "Collision between the USS Fitzgerald and the MV ACX Crystal off Japan."
    )
    assert parsed.related[0].title == "The USS Fitzgerald, a destroyer"
    assert parsed.topics == ["MV ACX Crystal", "Japan"]


def test_leaked_wiki_links_in_related_titles() -> None:
    parsed = event(
        page(
            "### [1999-01-1](/news/1999/01/1/index.md)",
            "#  Cardoso takes office.",
            "### Related:",
            '2. [Glas is sentenced. [http:--www.bbc.com-news-1 ("BBC News")] {{es icon}}]'
            "(/news/2017/12/13/e.md) _Context: Brazil_",
        )
    )
    assert parsed.related == [RelatedLink("Glas is sentenced.", "news/2017/12/13/e.md", ["Brazil"])]
    assert parsed.date == date(1999, 1, 1)
    assert parsed.day_link == "news/1999/01/1/index.md"


def test_sections_alone_make_an_event_page_dated_by_its_path() -> None:
    parsed = event(
        page("# A headline without a date line.", "", "### Source:", "1. [BBC](http://b)"),
        "news/2016/06/5/y.md",
    )
    assert parsed.date == date(2016, 6, 5)
    assert parsed.day_link is None


def test_event_page_without_any_date_is_skipped() -> None:
    parsed = parse_text(page("# Headline.", "### Related:", "1. [a](/news/x.md)"), "loose/y.md")
    assert isinstance(parsed, Skip)
    assert "without a date" in parsed.reason


def test_event_page_without_headline_is_skipped() -> None:
    parsed = parse_text(
        page("### [2011-11-10](x)", "", "### Source:", "1. [BBC](http://b)"), "e.md"
    )
    assert isinstance(parsed, Skip)
    assert "headline" in parsed.reason


def test_invalid_date_line_falls_back_to_the_path() -> None:
    parsed = event(page("### [2011-02-30](x)", "# Headline.", "### Source:"), "news/2011/02/3/x.md")
    assert parsed.date == date(2011, 2, 3)


def test_crlf_and_bom() -> None:
    text = "\ufeff" + FORMATS_LAYOUT.replace("\n", "\r\n")
    parsed = event(text, "news/2011/11/10/an-inquest.md")
    assert parsed == event(FORMATS_LAYOUT, "news/2011/11/10/an-inquest.md")


def test_ten_thousand_related_links() -> None:
    lines = (
        ["### [2011-11-12](x)", "# Many links."]
        + ["### Related:"]
        + [
            f"{n}. [Event {n}](/news/2011/11/{n % 28 + 1:02d}/e{n}.md) _Context: Topic {n % 7}_"
            for n in range(10_000)
        ]
    )
    parsed = event(page(*lines))
    assert len(parsed.related) == 10_000
    assert parsed.related[9_999].target == "news/2011/11/4/e9999.md"
    assert parsed.topics == [f"Topic {n}" for n in range(7)]


def test_five_megabyte_single_line_parses() -> None:
    hostile = "[http:(" * 300_000 + "''a" * 300_000 + "x" * 2_000_000
    assert len(hostile) >= 5_000_000
    text = page(
        "### [2011-11-12](x)", "# " + hostile, "", hostile, "### Related:", "1. [" + hostile
    )
    started = time.process_time()
    parsed = event(text)
    assert parsed.related == []
    assert parsed.headline.startswith("[http:([http:(")
    assert len(parsed.headline) == LABEL_LIMIT and parsed.headline.endswith("\u2026")
    assert parsed.summary.endswith("x" * 100)
    # Not a benchmark: a guard against catastrophic backtracking (which takes minutes).
    assert time.process_time() - started < 60


def test_a_related_line_read_again_gives_links_of_their_own() -> None:
    """Pages sharing a related line (read once, then remembered) get equal links that
    are not one object: a change to one page's topics leaves the other's alone. A
    line too long to remember reads the same."""
    topics = ", ".join(f"Topic {n}" for n in range(300))
    lines = ["1. [Quake hits &amp; ''Ankara''](/news/2011/11/9/quake.md) "
             "_Context: Turkey, Earthquakes_",
             f"2. [Long one](/news/2011/11/8/long.md) _Context: {topics}_"]
    assert len(lines[1]) > 1_000
    first, second = (event(page("# Headline", "### Related:", *lines)) for _ in range(2))
    assert first.related == second.related
    assert first.related[0] == RelatedLink("Quake hits & Ankara", "news/2011/11/9/quake.md",
                                           ["Turkey", "Earthquakes"])
    assert len(first.related[1].topics) == 300
    assert first.related[0] is not second.related[0]
    first.related[0].topics.append("Changed")
    assert second.related[0].topics == ["Turkey", "Earthquakes"]
