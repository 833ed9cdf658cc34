"""Chronicle: a keyboard-driven terminal browser for a news-events archive."""

__version__ = "0.1.0"
