"""Archive text is data: escape sequences, control and invisible characters never survive
cleaning, and markup-looking text stays literal when it reaches Rich.

These are the text-level guarantees every screen and the CLI rely on; the exact outputs
are asserted, so a sequence that slips through (or text that is lost) fails a test.
"""

from __future__ import annotations

from io import StringIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inert import unsafe_characters
from rich.console import Console
from rich.text import Text

from tui.links import normalize_target
from tui.model import Event
from tui.parsers import parse_text
from tui.text import clean_block, clean_label, clean_text, clip, strip_controls

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"


def unsafe(text: str) -> list[str]:
    return unsafe_characters(text)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # CSI: colours, cursor movement, clearing the screen, private modes.
        ("a \x1b[1;31mred\x1b[0m b", "a red b"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("x\x1b[?1049hy\x1b[?25lz", "xyz"),
        ("\x1b[38;2;255;0;0mtrue\x1b[m colour", "true colour"),
        # OSC 8 hyperlinks (BEL and ST terminated), OSC 52 clipboard, OSC 0 window title.
        ("see \x1b]8;;https://evil.example\x07here\x1b]8;;\x07.", "see here."),
        ("see \x1b]8;id=1;file:///etc/passwd\x1b\\here\x1b]8;;\x1b\\.", "see here."),
        ("copy\x1b]52;c;cm0gLXJmIH4=\x07 me", "copy me"),
        ("\x1b]0;pwned\x07Title", "Title"),
        # DCS, single-character escapes, the 8-bit C1 forms of CSI and OSC.
        ("a\x1bP+q544e\x1b\\b", "ab"),
        ("a\x1bcb\x1b7c", "abc"),
        ("8-bit \x9b31mCSI\x9b0m", "8-bit CSI"),
        ("8-bit \x9d8;;http://x\x9cOSC", "8-bit OSC"),
        # Other C0 and C1 controls, DEL.
        ("bell\x07 back\x08space del\x7f nel\x85 x\x00y", "bell backspace del nel xy"),
        # Bidi overrides, embeddings, isolates and marks: the text reads as written.
        ("abc\u202efed\u202c ghi", "abcfed ghi"),
        ("\u2066\u2067\u2068x\u2069\u200e\u200f\u061c", "x"),
        # Zero-width characters go, except the joiner inside emoji.
        ("zero\u200bwidth\u200c \ufeffno\u2060break", "zerowidth nobreak"),
        (f"family {FAMILY}", f"family {FAMILY}"),
        # Line breaks and odd spaces fold to single spaces; words stay apart.
        ("one\r\ntwo\rthree\nfour\tfive\u2028six\x0cseven", "one two three four five six seven"),
        ("a\u00a0\u00a0b\u3000c  \u2003 d", "a b c d"),
        # Escapes smuggled in as entities are decoded, then dropped like any other.
        ("&#27;[31mred&#x1b;[0m &amp;#x202e;x", "[31mred[0m x"),
        # Right-to-left and CJK text is text.
        ("مرحبا بالعالم", "مرحبا بالعالم"),
        ("東京で地震、震度５弱", "東京で地震、震度５弱"),
        ("שלום עולם 2011", "שלום עולם 2011"),
    ],
)
def test_clean_text_exact(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_strip_controls_keeps_tabs_and_newlines_only() -> None:
    assert strip_controls("a\tb\r\nc\rd\x1b[31me\u2029f\x0bg\x00") == "a\tb\nc\nde\nf\ng"


def test_clean_block_keeps_lines_and_drops_what_hides_in_them() -> None:
    assert clean_block("one \x1b[2J\r\ntwo\u202e\n\x1b]52;c;eA==\x07three") == "one\ntwo\nthree"


@pytest.mark.parametrize(
    "markup",
    [
        "[bold red]alarm[/bold red]",
        "[link=https://evil.example]click[/link]",
        "[@click=app.quit]quit[/]",
        "[/]",
        "[on #ff0000] [blink]",
        ":warning: :smile:",
        "\\[escaped]",
    ],
)
def test_rich_markup_in_archive_text_stays_literal(markup: str) -> None:
    cleaned = clean_text(markup)
    assert cleaned == markup
    rendered = Text(cleaned)
    assert rendered.plain == markup
    assert rendered.spans == []
    out = StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=200)
    console.print(rendered)
    assert out.getvalue() == markup + "\n"


def test_escape_sequences_never_reach_a_terminal_through_rich() -> None:
    hostile = "[bold]x[/] \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b[2J\u202eend"
    out = StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=200)
    console.print(Text(clean_text(hostile)))
    assert out.getvalue() == "[bold]x[/] link end\n"


def test_very_long_words_and_lines_are_kept_whole() -> None:
    word = "Llanfairpwllgwyngyll" * 500
    assert clean_text(f"a {word} b") == f"a {word} b"
    line = "word " * 200_000
    assert clean_text(line) == line.strip()


def test_labels_are_clipped_at_a_word_with_an_ellipsis() -> None:
    assert clip("short") == "short"
    assert clip("alpha beta gamma", 12) == "alpha beta\u2026"
    assert clip("x" * 30, 10) == "x" * 9 + "\u2026"
    assert clean_label("&amp; \x1b[31m" + "word " * 10_000, 100).endswith("word\u2026")
    assert len(clean_label("word " * 10_000_00, 100)) <= 100


def test_link_targets_lose_controls() -> None:
    assert normalize_target("/news/2011/11/12/x\x1b[31m\u202e.md") == "news/2011/11/12/x.md"
    assert normalize_target("https://a.example/\x1b]8;;x\x07p") == "https://a.example/p"


def test_every_field_of_a_hostile_event_page_is_inert() -> None:
    esc = "\x1b[31m\x1b]8;;http://e.x\x07\u202e\u200b\x9b2J"
    page = (
        f"### [2011-11-12](/news/2011/11/12/index.md{esc})\n\n"
        f"# [bold red]Head{esc}line[/] 東京 مرحبا\n\n"
        f"Sum{esc}mary [link=file:///etc/passwd]x[/link].\n\n"
        f"### Source:\n\n1. [AFP{esc}](http://afp.example/{esc}a)\n\n"
        f"### Related:\n\n1. [T{esc}itle](/news/2011/11/1/x{esc}.md) _Context: K{esc}az_\n"
    )
    event = parse_text(page, "news/2011/11/12/x.md")
    assert isinstance(event, Event)
    assert event.headline == "[bold red]Headline[/] 東京 مرحبا"
    assert event.summary == "Summary [link=file:///etc/passwd]x[/link]."
    assert event.day_link == "news/2011/11/12/index.md"
    assert (event.sources[0].publisher, event.sources[0].url) == ("AFP", "http://afp.example/a")
    related = event.related[0]
    assert (related.title, related.target, related.topics) == (
        "Title",
        "news/2011/11/1/x.md",
        ["Kaz"],
    )


@given(st.text())
def test_clean_text_of_anything_is_one_inert_line(text: str) -> None:
    cleaned = clean_text(text)
    assert not unsafe(cleaned)
    assert "\n" not in cleaned and "\t" not in cleaned and "  " not in cleaned
    assert cleaned == cleaned.strip(" ")
    if "&" not in cleaned and "'" not in cleaned:
        assert clean_text(cleaned) == cleaned


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_clean_text_keeps_every_printable_word(text: str) -> None:
    words = [word for word in text.split() if word.isprintable() and "&" not in word]
    cleaned = clean_text(text)
    for word in words:
        if "'" not in word:
            assert word in cleaned


@given(st.text())
def test_clean_block_of_anything_is_inert_lines(text: str) -> None:
    cleaned = clean_block(text)
    assert not unsafe(cleaned.replace("\n", ""))
    for line in cleaned.split("\n"):
        assert line == clean_text(line) or "&" in line or "'" in line
