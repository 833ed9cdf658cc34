"""``chronicle``: build the index, search it and read documents from a plain terminal.

With no subcommand it opens the app. Importing this module loads neither Textual nor
Whoosh; each command imports what it needs, so ``chronicle --help`` stays fast. Every
failure a person can act on is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.config import ChronicleError, Locations, locations

if TYPE_CHECKING:
    from rich.console import Console

    from tui.index.builder import BuildReport
    from tui.library import Library
    from tui.search import SearchResults

EXIT_USAGE = 2
LOCK_WAIT = 30.0
# A one-shot search has already paid for starting Python and opening the index, and
# its first query reads the searcher's date keys and field lengths: a complete answer
# in a second is worth more here than the app's as-you-type limit of 0.15 s.
CLI_TIME_LIMIT = 2.0


def _parser() -> argparse.ArgumentParser:
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--archive", metavar="DIR", default=argparse.SUPPRESS,
                       help="the archive directory (default: $CHRONICLE_ARCHIVE, config, seeds/)")
    where.add_argument("--index", metavar="DIR", default=argparse.SUPPRESS,
                       help="the index directory (default: $CHRONICLE_INDEX, config, index/)")
    parser = argparse.ArgumentParser(
        prog="chronicle", parents=[where],
        description="Browse a news-events archive. With no command, open the app.",
    )
    parser.add_argument("--version", action="version", version=f"chronicle {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("index", parents=[where], help="build or update the index",
                                description="Build the index, or update it for changed files.")
    build.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    build.add_argument("--wait", type=float, default=LOCK_WAIT, metavar="SECONDS",
                       help=f"wait this long for another indexer (default {LOCK_WAIT:g})")
    build.add_argument("--quiet", action="store_true", help="no progress bar")

    search = commands.add_parser(
        "search", parents=[where], help="ranked keyword search",
        description='Search events, articles and day pages. Words AND together; OR, NOT, '
        '"phrases", field:term (headline/title, story, topic, publisher, kind, date), '
        "date:2011-11, date:[2011-11-01 to 2011-11-30], prefix*.",
    )
    search.add_argument("query", nargs="+", help="the query")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="results to show")
    search.add_argument("--sort", choices=["relevance", "date", "newest", "oldest"],
                        default="relevance", help="order (date = oldest first)")
    search.add_argument("--kind", choices=["event", "article", "day"], help="only this kind")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.add_argument(
        "--time-limit", type=float, default=CLI_TIME_LIMIT, metavar="SECONDS",
        help=f"stop collecting after this long and show the best so far "
             f"(default {CLI_TIME_LIMIT:g}; the app uses 0.15 s while you type)")

    show = commands.add_parser("show", parents=[where], help="print one event or article",
                               description="Print an event, article or day page by id, "
                               "alias or related-link target.")
    show.add_argument("id", help="a document id, alias or link target")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (the console script exits with it)."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except ChronicleError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _error("interrupted; the index is as it was before this command")
        return 130
    except BrokenPipeError:  # `chronicle search ... | head`: the reader has had enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - a person should never see a traceback
        _error(f"unexpected error ({type(exc).__name__}): {exc}")
        return 1


def _error(message: str) -> None:
    print(f"chronicle: {' '.join(message.split())}", file=sys.stderr)


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    where = locations(getattr(args, "archive", None), getattr(args, "index", None))
    for note in where.notes:
        _error(note)
    if args.command == "index":
        return _index(args, where)
    if args.command == "search":
        return _search(args, where)
    if args.command == "show":
        return _show(args, where)
    from tui.app import run_app

    run_app(where.archive, where.index, notes=where.notes)  # shown again in the app
    return 0


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, highlight=False, soft_wrap=not stream.isatty(), emoji=False)


# index -------------------------------------------------------------------------


def _index(args: argparse.Namespace, where: Locations) -> int:
    report = _build(where, rebuild=args.rebuild, wait=args.wait, quiet=args.quiet)
    _print_report(report, where)
    return 0


def _build(where: Locations, rebuild: bool = False, wait: float = LOCK_WAIT,
           quiet: bool = False) -> BuildReport:
    from tui.index.builder import build_index

    procs = 2 if (os.cpu_count() or 1) >= 2 else 1
    if quiet or not sys.stderr.isatty():  # no bar: nor Rich's import, nor a call per file
        return build_index(where.archive, where.index, rebuild=rebuild, procs=procs,
                           lock_timeout=wait, on_wait=lambda message: _error(message))
    err = _console(stderr=True)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=_tail(path))

        return build_index(where.archive, where.index, rebuild=rebuild, procs=procs,
                           progress=progress, lock_timeout=wait,
                           on_wait=lambda message: _error(message))


def _tail(path: str, width: int = 40) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1):]


def _print_report(report: BuildReport, where: Locations) -> None:
    from rich.text import Text

    for skip in report.skips:
        _error(f"warning: skipped {skip.path}: {skip.reason}")
    counts = report.counts
    out = _console()
    line = Text()
    how = f"full build: {report.reason}" if report.full else "incremental update"
    line.append(f"Indexed {where.archive} into {where.index} in {report.seconds:.1f} s ({how})")
    out.print(line)
    out.print(Text(
        f"  {counts.get('event', 0)} events, {counts.get('article', 0)} articles, "
        f"{counts.get('day', 0)} day pages; {counts.get('skipped', 0)} files skipped"
    ))
    if not report.full:
        out.print(Text(f"  files: {len(report.added)} added, {len(report.changed)} changed, "
                       f"{len(report.removed)} removed; {len(report.parsed)} parsed"))


# search and show -------------------------------------------------------------------


def _library(where: Locations) -> Library:
    """Open the index, building it first when there is none or it cannot be read."""
    from tui.index.store import IndexDamaged, IndexMissing
    from tui.library import Library

    try:
        return Library.open(where.index)
    except (IndexMissing, IndexDamaged) as exc:
        _error(f"{exc}; building the index of {where.archive} now")
    # The builder finds damage itself and rebuilds or redoes an interrupted update;
    # a full rebuild follows only if the index still cannot be opened after that.
    for rebuild in (False, True):
        report = _build(where, rebuild=rebuild)
        for skip in report.skips:
            _error(f"warning: skipped {skip.path}: {skip.reason}")
        try:
            return Library.open(where.index)
        except IndexDamaged:
            if rebuild:
                raise
    raise AssertionError("unreachable")


def _search(args: argparse.Namespace, where: Locations) -> int:
    if args.limit < 1:
        raise ChronicleError(f"--limit must be at least 1, not {args.limit}")
    if not 0 <= args.time_limit <= 3600:
        raise ChronicleError(f"--time-limit must be between 0 and 3600 seconds, "
                             f"not {args.time_limit:g}")
    library = _library(where)
    library.time_limit = args.time_limit
    query = " ".join(args.query)
    results = library.search(query, limit=args.limit, sort=args.sort, kind=args.kind)
    if args.json:
        print(json.dumps(results_json(results), ensure_ascii=False, indent=2))
        return EXIT_USAGE if results.error else 0
    if results.error:
        _error(results.error)
        return EXIT_USAGE
    _print_results(results)
    return 0


def results_json(results: SearchResults) -> dict[str, Any]:
    """The stable ``--json`` shape (documented in docs/ARCHITECTURE.md)."""
    if results.error:
        return {"query": results.query, "error": results.error}
    return {
        "query": results.query,
        "total": results.total,
        "shown": len(results.hits),
        "elapsed_ms": round(results.elapsed * 1000, 1),
        "sort": results.sort,
        "suggestion": results.suggestion,
        "cut_short": results.cut_short,
        "results": [
            {
                "id": hit.id,
                "kind": hit.kind,
                "date": hit.date.isoformat() if hit.date else None,
                "title": hit.title,
                "story": hit.story,
                "topics": list(hit.topics),
                "snippet": "".join(text for text, _ in hit.snippet),
                "score": round(hit.score, 4),
            }
            for hit in results.hits
        ],
    }


def _print_results(results: SearchResults) -> None:
    from rich.text import Text

    out = _console()
    head = Text()
    if results.total:
        plural = "" if results.total == 1 else "s"
        head.append(f"{results.total} result{plural} for ")
    else:
        head.append("No results for ")
    head.append(repr(results.query))
    head.append(f" ({results.elapsed * 1000:.0f} ms)")
    out.print(head)
    if results.suggestion:
        out.print(Text.assemble("Did you mean: ", (results.suggestion, "bold"), "?"))
    for note in results.notes:
        out.print(Text(f"note: {note}", style="dim"))
    if results.cut_short:
        out.print(Text("note: the search took too long and stopped; results are partial",
                       style="dim"))
    for number, hit in enumerate(results.hits, 1):
        line = Text()
        line.append(f"{number:>3}. ")
        line.append(hit.date.isoformat() if hit.date else "undated   ", style="cyan")
        line.append(f"  {hit.kind:<7} ")
        line.append(hit.title, style="bold")
        out.print(line)
        detail = Text("     ")
        if hit.story:
            detail.append(f"[{hit.story}] ", style="dim")
        for text, is_match in hit.snippet:
            detail.append(text, style="bold reverse" if is_match else "")
        out.print(detail)
        out.print(Text(f"     {hit.id}", style="dim"))
    if results.total > len(results.hits):
        out.print(Text(f"({len(results.hits)} of {results.total} shown; use --limit)",
                       style="dim"))


def _show(args: argparse.Namespace, where: Locations) -> int:
    from tui.show import render

    library = _library(where)
    doc = library.document(args.id)
    if doc is None:
        raise ChronicleError(f"no event, article or day page {args.id!r} in the index of "
                             f"{where.archive}")
    _console().print(render(doc, library))
    return 0


def run() -> None:
    """Entry point for ``python -m tui.cli``."""
    sys.exit(main())


if __name__ == "__main__":
    run()
