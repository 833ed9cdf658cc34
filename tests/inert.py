"""What "inert text" means in the tests: no character that can steer a terminal.

Controls (C0, DEL, C1; the newline allowed where asked), lone surrogates, and the
invisible bidi and zero-width format characters. Written out independently of
``tui.text`` so that the tests do not trust the code they check.
"""

from __future__ import annotations

import unicodedata

INVISIBLE = frozenset(
    "\u061c\u180e\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)


def unsafe_characters(text: str, *, newlines: bool = False) -> list[str]:
    """The code points of ``text`` that must never reach a screen."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if not (newlines and ch == "\n")
        and (unicodedata.category(ch) in ("Cc", "Cs") or ch in INVISIBLE)
    ]
