"""What Chronicle is compared with: SQLite FTS5 over the same documents, grep over the files.

The FTS5 table holds what the parsers read from every file (headline, body, story,
topics, date), tokenized with ``porter unicode61`` like Chronicle's stemming; a query
returns a count and the first 50 rows with a highlighted snippet, as
``Library.search`` does. The grep baseline runs ``rg`` when installed, else
``grep -rliE``: one pass per pattern, then sets are combined, as a person would.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from tui.bench.queries import BenchQuery
from tui.model import Article, DayPage, Document, Event

LIMIT = 50


def _row(doc: Document) -> tuple[str, str, str, str, str, str, str] | None:
    day = doc.date.isoformat() if getattr(doc, "date", None) else ""
    if isinstance(doc, Event):
        topics = ", ".join(doc.topics)
        return (doc.id, "event", day, doc.headline, doc.summary, doc.story, topics)
    if isinstance(doc, Article):
        return (doc.id, "article", day, doc.title, "\n\n".join(doc.paragraphs), "", "")
    if isinstance(doc, DayPage):
        body = "\n".join(f"{e.headline}\n{e.excerpt}" for e in doc.entries)
        stories = "; ".join(dict.fromkeys(e.story for e in doc.entries if e.story))
        topics = ", ".join(dict.fromkeys(t for e in doc.entries for t in e.topics))
        return (doc.id, "day", day, day, body, stories, topics)
    return None


class FtsBaseline:
    """An in-file SQLite FTS5 index of the parsed documents."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, "
            "date UNINDEXED, headline, body, story, topics, tokenize='porter unicode61')"
        )
        self.build_seconds = 0.0

    def add(self, documents: Iterable[Document]) -> int:
        started = time.perf_counter()
        rows = [row for row in map(_row, documents) if row is not None]
        with self.db:
            self.db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        self.build_seconds += time.perf_counter() - started
        return len(rows)

    def size(self) -> int:
        return self.path.stat().st_size

    def search(self, query: BenchQuery) -> tuple[int, list[tuple[str, str]]]:
        """(total, [(id, snippet)]) for one query, like ``Library.search``."""
        where, params = [], []
        if query.fts:
            where.append("docs MATCH ?")
            params.append(query.fts)
        if query.years:
            where.append("date BETWEEN ? AND ?")
            params += [f"{query.years[0]}-01-01", f"{query.years[1]}-12-31"]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = {"newest": "date DESC", "oldest": "date ASC", "date": "date ASC"}.get(
            query.sort, "rank" if query.fts else "date DESC"
        )
        total = self.db.execute(f"SELECT count(*) FROM docs {clause}", params).fetchone()[0]
        snippet = "snippet(docs, 4, '[', ']', '…', 24)" if query.fts else "substr(body, 1, 200)"
        rows = self.db.execute(
            f"SELECT id, {snippet} FROM docs {clause} ORDER BY {order} LIMIT {LIMIT}", params
        ).fetchall()
        return total, rows

    def close(self) -> None:
        self.db.close()


class GrepBaseline:
    """Case-insensitive regex passes over the archive's files with rg, else grep."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.rg = shutil.which("rg")
        self.tool = "rg" if self.rg else "grep -rliE"

    def _folders(self, query: BenchQuery) -> list[str]:
        if not query.years:
            return ["."]
        folders = []
        for year in range(query.years[0], query.years[1] + 1):
            for top in ("news", "articles"):
                if (self.archive / top / str(year)).is_dir():
                    folders.append(f"{top}/{year}")
        return folders

    def _files(self, pattern: str, folders: list[str]) -> set[str]:
        if not folders:
            return set()
        if self.rg:
            command = [self.rg, "-l", "-i", "--no-ignore", "-e", pattern, "--", *folders]
        else:
            command = ["grep", "-rliE", "-e", pattern.replace(r"\w", "[[:alnum:]_]"), "--",
                       *folders]
        done = subprocess.run(command, cwd=self.archive, capture_output=True, text=True,
                              check=False)
        if done.returncode > 1:  # 0 found, 1 nothing found, 2 trouble
            raise RuntimeError(f"{command[0]} failed on {pattern!r}: {done.stderr.strip()}")
        return set(done.stdout.splitlines())

    def _every_file(self, folders: list[str]) -> set[str]:
        found: set[str] = set()
        for folder in folders:
            base = self.archive / folder
            found.update(p.relative_to(self.archive).as_posix() for p in base.rglob("*")
                         if p.suffix in (".md", ".txt"))
        return found

    def search(self, query: BenchQuery) -> int:
        """How many files match; every pattern is a full pass over the files."""
        folders = self._folders(query)
        matched: set[str] | None = None
        for pattern in query.grep_all:
            files = self._files(pattern, folders)
            matched = files if matched is None else matched & files
        if query.grep_any:
            union: set[str] = set()
            for pattern in query.grep_any:
                union |= self._files(pattern, folders)
            matched = union if matched is None else matched & union
        if matched is None:
            matched = self._every_file(folders)
        for pattern in query.grep_none:
            matched -= self._files(pattern, folders)
        if query.sort in ("newest", "oldest", "date"):
            # Paths start with the date, so sorting them is sorting by date.
            matched = set(sorted(matched, reverse=query.sort == "newest")[:LIMIT])
        return len(matched)
