"""Articles: the seed's paragraphs and title, front matter good and broken."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tui.model import Article, Skip
from tui.parsers import parse_file, parse_text
from tui.parsers.article import first_sentence

SEED_ARTICLE = "000_ff699fc5e1eaf1b9.txt"


def article(text: str, doc_id: str = "articles/a.md") -> Article:
    parsed = parse_text(text, doc_id)
    assert isinstance(parsed, Article), parsed
    return parsed


def test_seed_article_every_field(seeds_dir: Path) -> None:
    parsed = parse_file(seeds_dir / SEED_ARTICLE, seeds_dir)
    assert isinstance(parsed, Article)
    assert parsed.id == SEED_ARTICLE
    assert parsed.kind == "article"
    assert len(parsed.paragraphs) == 13
    assert parsed.paragraphs[0] == (
        "MOSCOW \u2014 An attacker described by officials as a jihadist went on a shooting rampage "
        "in southern Kazakhstan on Saturday, killing at least seven people and blowing himself "
        "up, Kazakh authorities said."
    )
    assert parsed.paragraphs[3].startswith("In Saturday\u2019s attack, which occurred in Taraz,")
    assert "prosecutor general\u2019s Web site" in parsed.paragraphs[3]
    assert parsed.paragraphs[5] == (
        "When the police tried to disarm the suspect, \u201cHe blew himself up, killing a police "
        "commander, Captain G. Baitasov,\u201d the deputy prosecutor general, Nurmakhanbet Isayev, "
        "said in televised remarks."
    )
    assert parsed.paragraphs[8] == (
        "\u201cIt is complete chaos in the city,\u201d one witness told Russia\u2019s NTV "
        "television. \u201cPeople are scared to leave their houses.\u201d"
    )
    assert parsed.paragraphs[-1] == (
        "Members of Jund al-Khilafah, which the government said was founded this summer, "
        "reportedly vowed to launch attacks in response to new religious restrictions."
    )
    assert all(p == p.strip() and "&" not in p and "\n" not in p for p in parsed.paragraphs)
    assert parsed.title == (
        "MOSCOW \u2014 An attacker described by officials as a jihadist went on a shooting "
        "rampage in southern Kazakhstan on\u2026"
    )
    assert len(parsed.title) <= 121
    assert (parsed.publisher, parsed.url, parsed.date, parsed.event_ref) == ("", "", None, "")


def test_front_matter_fields() -> None:
    parsed = article(
        "---\n"
        "title: Gunman goes on &ldquo;fatal&rdquo; rampage\n"
        "publisher: The New York Times\n"
        "url: http://www.nytimes.com/2011/11/13/world/asia/gunman.html\n"
        "date: 2011-11-12\n"
        "event: /news/2011/11/12/a-suspected-islamist-attacker.html\n"
        "---\n"
        "First paragraph\nwrapped.   \n\n\nSecond.\n"
    )
    assert parsed.title == "Gunman goes on \u201cfatal\u201d rampage"
    assert parsed.publisher == "The New York Times"
    assert parsed.url == "http://www.nytimes.com/2011/11/13/world/asia/gunman.html"
    assert parsed.date == date(2011, 11, 12)
    assert parsed.event_ref == "news/2011/11/12/a-suspected-islamist-attacker.md"
    assert parsed.paragraphs == ["First paragraph wrapped.", "Second."]


def test_front_matter_alternative_keys() -> None:
    parsed = article(
        "---\nsource: AFP\nlink: http://afp.example/x y\ndate: '2011-11-12T10:00:00'\n"
        "event: 001_6bffd24d702e132c\n---\nText of the story.\n"
    )
    assert (parsed.publisher, parsed.url) == ("AFP", "http://afp.example/x%20y")
    assert parsed.date == date(2011, 11, 12)
    assert parsed.event_ref == "001_6bffd24d702e132c"
    assert parsed.title == "Text of the story."


def test_broken_front_matter_keeps_the_article() -> None:
    parsed = article(
        "---\ntitle: Broken: [unclosed\npublisher: Reuters\ndate: not a date\n---\n"
        "The text survives.\n"
    )
    assert parsed.title == "Broken: [unclosed"
    assert parsed.publisher == "Reuters"
    assert parsed.date is None
    assert parsed.paragraphs == ["The text survives."]


def test_unclosed_front_matter_is_text() -> None:
    parsed = article("---\ntitle: never closed\n\nSome words of text here today.\n")
    assert parsed.paragraphs == ["title: never closed", "Some words of text here today."]


def test_markdown_heading_title_links_and_emphasis() -> None:
    parsed = article(
        "# The Post-Truth and the Context\n#### by Marek Foss\n\n"
        "There is a problem with *the Context* and [the news](http://x.example/a.html) today.\n\n"
        "---\n\n### What is **it**?\n"
    )
    assert parsed.title == "The Post-Truth and the Context"
    assert parsed.paragraphs == [
        "by Marek Foss",
        "There is a problem with the Context and the news today.",
        "What is it?",
    ]


def test_first_sentence_titles() -> None:
    assert first_sentence("Short one. Second sentence.") == "Short one."
    assert first_sentence("Mr. Smith and M. K. Kariyev met in the U.S. today. Then left.") == (
        "Mr. Smith and M. K. Kariyev met in the U.S. today."
    )
    long_words = "word " * 60
    title = first_sentence(long_words.strip())
    assert title.endswith("\u2026") and len(title) <= 121 and " " not in title[-2:]
    assert first_sentence("x" * 300).endswith("\u2026")


def test_front_matter_without_text_is_skipped() -> None:
    parsed = parse_text("---\ndate: 2011-11-12\n---\n\n", "a.md")
    assert isinstance(parsed, Skip)
    assert parsed.reason
