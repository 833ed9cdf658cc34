"""Archive files to documents: event pages, day pages and articles, told apart by content.

``parse_file(path, root)`` reads one file and never raises; ``parse_text(text, id)``
does the same for text already in memory (tests, fuzzing).
"""

from tui.parsers.recognise import (
    CANDIDATE_SUFFIXES,
    MAX_BYTES,
    document_id,
    parse_file,
    parse_text,
    recognise,
)

__all__ = [
    "CANDIDATE_SUFFIXES",
    "MAX_BYTES",
    "document_id",
    "parse_file",
    "parse_text",
    "recognise",
]
