"""The real sample archive: every file parses, the counts are the ones checked by hand.

Counts (checked against the file list in ABOUT.md and MANIFEST.tsv): 181 archive files
= 163 event pages (every news/ file that is not an index.md or README.md) + 13 day
pages (news/2011/11/10..14 twice each, 1999/01/1 once, 2017/06/19 twice) + 2 articles
(faq/index.md, the opinion page) + 3 skips (the root README.md and index.md front pages
and api/README.md, which is mostly link lists).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tui.assembly import assemble, assemble_day
from tui.model import Article, DayPage, Document, Event, Skip, Source
from tui.parsers import parse_file

N = "news/2011/11/10/"


def manifest(archive: Path) -> list[str]:
    return [line.split("\t")[0] for line in (archive / "MANIFEST.tsv").read_text().splitlines()]


@pytest.fixture(scope="module")
def parsed(sample_archive: Path) -> dict[str, Document | Skip]:
    return {
        name: parse_file(sample_archive / name, sample_archive) for name in manifest(sample_archive)
    }


def get(parsed: dict[str, Document | Skip], prefix: str) -> Document | Skip:
    (match,) = [doc for name, doc in parsed.items() if name.startswith(prefix)]
    return match


def event(parsed: dict[str, Document | Skip], prefix: str) -> Event:
    found = get(parsed, prefix)
    assert isinstance(found, Event), found
    return found


def test_every_file_parses_and_the_counts_are_right(
    sample_archive: Path, parsed: dict[str, Document | Skip]
) -> None:
    assert len(parsed) == 181
    kinds = Counter(getattr(doc, "kind", "skip") for doc in parsed.values())
    assert kinds == {"event": 163, "day": 13, "article": 2, "skip": 3}
    skips = {doc.path: doc.reason for doc in parsed.values() if isinstance(doc, Skip)}
    assert set(skips) == {"README.md", "index.md", "api/README.md"}
    assert all("navigation" in reason for reason in skips.values())
    # The sample's own notes are prose, so an article; its manifest is a table of paths.
    assert isinstance(parse_file(sample_archive / "ABOUT.md", sample_archive), Article)
    assert parse_file(sample_archive / "MANIFEST.tsv", sample_archive) is not None
    for name, doc in parsed.items():
        if isinstance(doc, Event):
            assert doc.id == name and doc.headline and doc.date == doc.date
            assert doc.headline == doc.headline.strip() and "&" not in doc.headline.replace(
                "& ", ""
            )
            assert doc.day_link and doc.day_link.endswith("/index.md")


def test_taraz_page_matches_the_seed(seeds_dir: Path, parsed: dict[str, Document | Skip]) -> None:
    taraz = event(parsed, "news/2011/11/12/a-suspected-islamist-attacker")
    seed = parse_file(seeds_dir / "001_6bffd24d702e132c.txt", seeds_dir)
    assert isinstance(seed, Event)
    for name in ("date", "headline", "summary", "sources", "day_link", "story", "aliases"):
        assert getattr(taraz, name) == getattr(seed, name), name
    # The sample holds a later version of the page: its Related list grew to ten links.
    assert len(taraz.related) == 10
    assert taraz.related[0].target == seed.related[0].target
    assert taraz.related[0].topics == ["Islamists", "Kazakhstan"]
    assert taraz.topics == ["Islamists", "Kazakhstan"]


def test_sources_plural_with_cover_image_and_story_heading(
    parsed: dict[str, Document | Skip],
) -> None:
    inquest = event(parsed, N + "an-inquest-opens")
    assert inquest.date == date(2011, 11, 10)
    assert inquest.story == "Multiple vehicle pile-up"
    assert inquest.headline == (
        "An inquest opens into the deaths of 7 people killed in last Friday's multiple vehicle "
        "pile-up on the M5 in the English county of Somerset."
    )
    assert inquest.summary == (
        "The inquest opens into the deaths of the seven people killed in a crash on the M5 "
        "in Somerset."
    )
    assert inquest.sources == [
        Source("BBC", "http://www.bbc.co.uk/news/uk-england-somerset-15669967")
    ]
    assert len(inquest.related) == 5
    assert inquest.related[0].target == (
        "news/2011/11/4/a-27-vehicle-traffic-collision-on-the-m5-motorway-near-taunton-in-the-"
        "english-county-of-somerset-results-in-at-least-7-deaths-35-injuries.md"
    )
    assert inquest.topics == ["Somerset", "multiple vehicle pile-up"]


def test_changes_section_before_related_and_cover_image_with_a_space(
    parsed: dict[str, Document | Skip],
) -> None:
    rocinha = event(
        parsed,
        (
            "news/2011/11/13/law-enforcement-in-brazil-occupy-rocinha-rio-de-janeiro-s-biggest-"
            "favela-or-slum-in-a-bid-to-clean-the-city-ahead-of-the-2014-fifa-world.md"
        ),
    )
    assert rocinha.headline.startswith(
        'Law enforcement in Brazil occupy Rocinha, Rio de Janeiro\'s biggest "favela"'
    )
    assert rocinha.summary.startswith("More than 3,000 police and soldiers backed by armored")
    assert "Brazil's biggest slum" in rocinha.summary
    assert rocinha.sources == [
        Source("AP via MSNBC", "http://www.msnbc.msn.com/id/45275310#.Tr9nkfRFuso")
    ]
    assert rocinha.aliases == [
        (
            "news/2011/11/13/law-enforcement-in-brazil-occupy-rocinha-rio-de-janeiro-s-biggest-"
            "favela-or-slum-in-a-bid-to-clean-the-city-ahead-of-the-2014-fifa-wor.md"
        )
    ]
    assert len(rocinha.related) == 5


def test_changes_section_after_related(parsed: dict[str, Document | Skip]) -> None:
    shooter = event(
        parsed,
        (
            "news/2011/11/11/first-person-shooter-video-game-modern-warfare-3-published-by-acti"
            "vision-sells-over-6-5-million-copies-in-north-america-and-united-kingd.md"
        ),
    )
    assert shooter.aliases == [
        (
            "news/2011/11/11/first-person-shooter-video-game-modern-warfare-3-published-by-acti"
            "vision-sells-over-6-5-million-copies-in-north-america-and-united-kin.md"
        )
    ]
    assert len(shooter.related) == 5
    assert shooter.sources == [
        Source(
            "Los Angeles Times",
            (
                "http://latimesblogs.latimes.com/nationnow/2011/11/call-of-duty-modern-warfare-"
                "3-record-sales.html"
            ),
        )
    ]


def test_formats_list_page(parsed: dict[str, Document | Skip]) -> None:
    france = event(parsed, "news/2017/11/10/france-s-nuclear-safety-institute")
    assert france.date == date(2017, 11, 10)
    assert france.headline == (
        "France's nuclear safety institute (IRSN) picks up traces of ruthenium-106, suggesting a "
        "nuclear accident took place in either Russia or Kazakhstan, in late September and "
        "early October."
    )
    assert france.summary.startswith(
        'A cloud of radioactive pollution spread over Europe after a possible "accident"'
    )
    assert [s.publisher for s in france.sources] == ["The Telegraph"]
    assert len(france.aliases) == 1 and france.aliases[0] != france.id
    assert len(france.related) == 5


def test_page_without_source_section_and_leaked_wiki_links(
    parsed: dict[str, Document | Skip],
) -> None:
    cardoso = event(parsed, "news/1999/01/1/fernando-henrique-cardoso")
    assert cardoso.date == date(1999, 1, 1)
    assert cardoso.day_link == "news/1999/01/1/index.md"
    assert (
        cardoso.headline
        == "Fernando Henrique Cardoso takes office as President of Brazil for the second time."
    )
    assert (cardoso.summary, cardoso.sources, cardoso.story) == ("", [], "")
    assert cardoso.related[1].title == (
        "Ecuadorian Vice President Jorge Glas is sentenced to six years imprisonment for financial "
        "corruption involving the Brazilian construction company Odebrecht. The decision will not "
        "be enforced until the court confirms the ruling. The court's decision can be appealed."
    )
    libya = event(parsed, "news/2011/11/14/libya-s-national")
    assert "[http" not in libya.related[3].title and "(BBC)" not in libya.related[3].title
    assert libya.related[3].title.endswith(
        "Mutassim Gaddafi is killed in an extrajudicial killing."
    )


def test_empty_summary_and_entities(parsed: dict[str, Document | Skip]) -> None:
    malema = event(parsed, N + "in-south-africa")
    assert malema.summary == ""
    assert malema.sources == [
        Source("Cape Argus", "http://www.iol.co.za/capeargus/malema-axed-1.1175687")
    ]
    aktobe = event(parsed, "news/2016/06/7/kazakhstan-police-report")
    assert aktobe.headline.startswith(
        "Kazakhstan police report the death toll from Sunday's attack in Aktobe is now 19 -- three"
    )


def test_entity_laden_day_page(parsed: dict[str, Document | Skip]) -> None:
    readme = get(parsed, "news/2011/11/11/README.md")
    assert isinstance(readme, DayPage)
    assert readme.date == date(2011, 11, 11)
    assert len(readme.entries) == 13
    italy = [e for e in readme.entries if e.headline.startswith("The Senate of Italy")]
    assert italy[0].excerpt.startswith("Italy's parliament on Friday began rushing")
    assert all("&" not in e.excerpt for e in readme.entries)
    first = readme.entries[0]
    assert first.target == (
        "news/2011/11/11/2011-syrian-uprising-250-syrians-mostly-civilians-have-been-killed"
        "-so-far-this-month-as-the-violence-escalates-in-syria-s-eight-month-ol.md"
    )
    assert first.excerpt == (
        "Activists say more than 250 Syrians have been killed so far this month as the poli"
        "tical unrest escalates dramatically."
    )


def test_both_day_page_layouts_of_one_day(parsed: dict[str, Document | Skip]) -> None:
    index, readme = get(parsed, N + "index.md"), get(parsed, N + "README.md")
    assert isinstance(index, DayPage) and isinstance(readme, DayPage)
    assert len(index.entries) == len(readme.entries) == 17
    assert all(e.story for e in index.entries)
    assert index.entries[0].story == "Syria"
    assert (readme.entries[0].story, readme.entries[0].headline[:30]) == (
        "2011 Syrian uprising",
        "Opposition activists claim tha",
    )
    assert readme.entries[0].topics == [
        "2011 Syrian uprising",
        "Damascus",
        "Daraa",
        "Hama",
        "Homs",
        "Idlib",
        "Syria",
    ]


def test_articles(parsed: dict[str, Document | Skip]) -> None:
    opinion = get(parsed, "opinion/")
    assert isinstance(opinion, Article)
    assert opinion.title == "The Post-Truth and the Context"
    assert opinion.paragraphs[0] == "by Marek Foss"
    assert opinion.paragraphs[1].startswith("There is a problem with the news today.")
    faq = get(parsed, "faq/index.md")
    assert isinstance(faq, Article) and faq.title == "FAQ"
    assert "What is the Context?" in faq.paragraphs


def test_assembly_of_2011_11_10(parsed: dict[str, Document | Skip]) -> None:
    pages = [d for n, d in parsed.items() if n.startswith(N) and isinstance(d, Event)]
    days = [d for n, d in parsed.items() if n.startswith(N) and isinstance(d, DayPage)]
    assert (len(pages), len(days)) == (21, 2)
    events = assemble_day(pages, days)
    assert len(events) == 17
    assert not any(e.from_day_page for e in events)
    syria = events[0]
    assert syria.id == N + (
        "opposition-activists-claim-that-at-least-38-people-including-six-children-have-bee"
        "n-killed-by-security-forces-across-syria-16-in-the-city.md"
    )
    assert sorted(syria.aliases) == [
        N
        + (
            "2011-syrian-uprising-opposition-activists-claim-that-at-least-38-people-including-"
            "six-children-have-been-killed-by-security-forces-acros.md"
        ),
        N
        + (
            "2011-syrian-uprising-popposition-activists-claim-that-at-least-38-people-including"
            "-six-children-have-been-killed-by-security-forces-across.md"
        ),
    ]
    assert syria.story == "2011 Syrian uprising"
    assert syria.headline.startswith("Opposition activists claim that at least 38 people")
    assert syria.summary == ""
    assert syria.topics == [
        "Damascus",
        "Daraa",
        "Hama",
        "Homs",
        "Idlib",
        "Syria",
        "2011 Syrian uprising",
    ]
    khamenei = [e for e in events if "Khamenei" in e.headline]
    assert len(khamenei) == 1
    merged = khamenei[0]
    assert {merged.id, *merged.aliases} == {
        N
        + (
            "the-supreme-leader-of-iran-ayatollah-ali-khamenei-condemns-the-incriminating-inter"
            "national-atomic-energy-agency-report-about-the-iranian-n.md"
        ),
        N
        + (
            "response-to-iaea-report-on-iran-s-nuclear-program-pthe-supreme-leader-of-iran-ayat"
            "ollah-ali-khamenei-condemns-the-incriminating-internatio.md"
        ),
        N
        + (
            "response-to-iaea-report-on-iran-s-nuclear-program-the-supreme-leader-of-iran-ayato"
            "llah-ali-khamenei-condemns-the-incriminating-internati.md"
        ),
    }
    assert merged.story == "Response to IAEA report on Iran's nuclear program"
    assert not merged.headline.startswith("Response")
    hospital = next(e for e in events if e.headline.startswith("Hinchingbrooke"))
    assert hospital.story == "Hinchingbrooke Hospital"
    assert hospital.summary.startswith(
        "A private firm is taking over the running of a struggling NHS hospital in a "
        "groundbreaking \u00a31bn"
    )
    ids = [e.id for e in events] + [a for e in events for a in e.aliases]
    assert sorted(ids) == sorted(d.id for d in pages)


def test_whole_archive_assembly(parsed: dict[str, Document | Skip]) -> None:
    events, day_pages, articles = assemble(d for d in parsed.values() if not isinstance(d, Skip))
    assert len(day_pages) == 13 and len(articles) == 2
    assert [e.date for e in events] == sorted(e.date for e in events)
    names = [e.id for e in events] + [a for e in events for a in e.aliases]
    assert len(names) == len(set(names))
    assert {e.id for e in events} | {a for e in events for a in e.aliases} >= {
        n for n, d in parsed.items() if isinstance(d, Event)
    }
    june19 = [e for e in events if e.date == date(2017, 6, 19)]
    champs = [e for e in june19 if "Champs" in e.headline and e.headline.startswith("The driver")]
    assert len(champs) == 1 and len(champs[0].aliases) == 1
    brexit = next(e for e in june19 if e.headline == "Brexit negotiations begin in Brussels.")
    assert brexit.story == "United Kingdom withdrawal from the European Union"
    assert len(brexit.aliases) == 1
