"""A hostile event page: escape sequences, bidi and zero-width characters, Rich markup,
CJK and right-to-left text and a very long word, as the CLI and the app tests feed it."""

from __future__ import annotations

ESC = (
    "\x1b[31m\x1b]8;;http://evil.example\x07\x1b]52;c;cm0gLXJmIH4=\x07"
    "\u202e\u200b\x9b2J\x07\x7f\x08"
)
TOKYO, MARHABA, SHALOM = (
    "\u6771\u4eac",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u05e9\u05dc\u05d5\u05dd",
)
EVENT = "news/2011/11/13/hostile-headline.md"


def event_page(long_word: str) -> str:
    """The page, its summary ending in ``long_word`` (each test sizes it for its screen)."""
    return (
        "### [2011-11-13](/news/2011/11/13/index.md)\n\n"
        f"# [bold red]Hostile[/] {ESC}headline {TOKYO} {MARHABA}\n\n"
        f"Summary [link=file:///etc/passwd]click[/link] {ESC}and {SHALOM} {long_word}.\n\n"
        "### Source:\n\n"
        f"1. [Evil{ESC} Times](javascript:alert(1))\n"
        f"2. [Good Times](https://good.example/a{ESC}b)\n\n"
        "### Related:\n\n"
        f"1. [Another [i]event[/i]{ESC}](/news/2011/11/12/other.md) "
        f"_Context: Ter{ESC}ror, [b]Topic[/b]_\n"
    )
