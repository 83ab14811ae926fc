"""The `vraagbaak` command: parses options, calls the library, prints. No search logic lives here."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import TYPE_CHECKING, Any, Callable

import click

from indexer.errors import QuerySyntaxError, VraagbaakError
from indexer.store import DEFAULT_INDEX_DIR

from .options import MAX_LIMIT, SORT_ORDERS

if TYPE_CHECKING:
    from .searcher import Searcher

EXIT_PROBLEMS = 3
"""`vraagbaak index` finished, but skipped files or records the previous build did not report."""


class BadQuery(click.ClickException):
    """A malformed query: one line on stderr, exit code 2."""

    exit_code = 2


class _Group(click.Group):
    # The one place library errors become command-line errors.
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QuerySyntaxError as err:
            raise BadQuery(str(err)) from err
        except VraagbaakError as err:
            raise click.ClickException(str(err)) from err


def index_dir_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index-dir", default=DEFAULT_INDEX_DIR, show_default=True, type=click.Path(file_okay=False),
        help="Folder of the index.",
    )(command)


def json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(command)


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _open(index_dir: str) -> Searcher:
    # Each command runs one query in its own process: opening the index without preloading its
    # files saves far more than the one query loses. Imported here, like the formatting in each
    # command: `vraagbaak --help` and `vraagbaak index` need neither.
    from .searcher import Searcher

    return Searcher(index_dir, preload=False)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=_Group)
@click.version_option(package_name="vraagbaak")
def main() -> None:
    """Vraagbaak: full-text search for Dutch parliamentary questions and answers."""


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Build from scratch instead of updating what changed.")
@click.option("--wait", "lock_timeout", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for another build of the same index to finish.")
def index(sources: tuple[str, ...], index_dir: str, rebuild: bool, lock_timeout: float) -> None:
    """Index seed files (.txt) and JSON Lines (.jsonl) under SOURCES (default: seeds/).

    An existing index is updated: new and changed files are indexed, documents of files that
    disappeared are removed, unchanged files are skipped.

    Exit codes: 0 all indexed, or skipped only what the previous build reported too; 1 error, the
    previous index is unchanged; 3 indexed, but files or records were skipped that the previous
    build did not report (the report lists every problem, old ones marked "reported before").
    """
    from indexer.build import DEFAULT_SOURCES, build_index  # only this command builds

    from .present import format_report

    def waiting(holder: str) -> None:
        click.echo(f"Waiting for the lock on {index_dir}, held by {holder} (at most {lock_timeout:g} s)…", err=True)

    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def progress(done: int, total: int) -> None:
            # Shown from the first file on: a bar started before the lock was had would count the
            # wait into its estimate.
            if not bars:
                bars.append(stack.enter_context(click.progressbar(length=total, label="Indexing", file=sys.stderr)))
            bars[0].update(done - bars[0].pos)

        report = build_index(
            sources or DEFAULT_SOURCES, index_dir, rebuild=rebuild, lock_timeout=lock_timeout,
            progress=progress if sys.stderr.isatty() else None, waiting=waiting,
        )
    click.echo(format_report(report))
    if report.new_skipped:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@click.argument("query", nargs=-1)
@index_dir_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, MAX_LIMIT), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Page of results.")
@click.option("--sort", type=click.Choice(SORT_ORDERS), default="relevance", show_default=True,
              help="Order: relevance, date (oldest first) or -date (newest first).")
@click.option("--thema", "theme", metavar="THEME", help="Only this theme (like thema:THEME).")
@click.option("--minister", metavar="NAME", help="Only questions to this minister or office (like minister:NAME).")
@click.option("--van", "questioner", metavar="NAME", help="Only questions by this member (like van:NAME).")
@click.option("--from", "date_from", metavar="DATE", help="From this date: 2024, 2024-04 or 2024-04-26.")
@click.option("--to", "date_to", metavar="DATE", help="Up to this date (whole years and months included).")
@click.option("--answered/--unanswered", default=None, help="Only answered, or only unanswered, questions.")
@click.option("--facets", is_flag=True, help="Also count all matches per theme, minister, questioner and year.")
@click.option("--no-group", "no_group", is_flag=True, help="Show each copy of a question sent to several ministers.")
@click.option("--strict", is_flag=True,
              help="Unmatched brackets and quotes, and wildcards, are errors (by default read as plain text).")
@json_option
def search(query: tuple[str, ...], index_dir: str, limit: int, page: int, sort: str, theme: str | None,
           minister: str | None, questioner: str | None, date_from: str | None, date_to: str | None,
           answered: bool | None, facets: bool, no_group: bool, strict: bool, as_json: bool) -> None:
    """Search the index. QUERY is one or more words; see the README for the full syntax:

    \b
      leerkrachten digitale       all words rank first; documents with some still count
      +word  a AND b              required       -word  NOT word    excluded
      a OR b  (a OR b) c          alternatives   "exact phrase"
      thema:onderwijs  minister:weyts  van:grosemans  nr:385  datum:2024  datum:2023-01..2024-06
      beantwoord:ja  titel:word  vraag:word  antwoord:"a phrase"

    Without QUERY, the filter options list the matching questions, newest first.
    """
    from .present import format_results

    with _open(index_dir) as searcher:
        results = searcher.search(
            " ".join(query), limit=limit, page=page, sort=sort, facets=facets, group=not no_group,  # type: ignore[arg-type]
            theme=theme, minister=minister, questioner=questioner, date_from=date_from, date_to=date_to,
            answered=answered, strict=strict,
        )
    if as_json:
        _print_json(results.to_dict())
    else:
        click.echo(format_results(results, color=_use_color()))


@main.command()
@click.argument("doc_id", metavar="ID")
@index_dir_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, MAX_LIMIT), help="Number of documents.")
@json_option
def similar(doc_id: str, index_dir: str, limit: int, as_json: bool) -> None:
    """The documents most like document ID, with the key words they share."""
    from .present import format_similar

    with _open(index_dir) as searcher:
        results = searcher.similar(doc_id, limit=limit)
    if as_json:
        _print_json(results.to_dict())
    else:
        click.echo(format_similar(results, color=_use_color()))


@main.command()
@click.argument("doc_id", metavar="ID")
@index_dir_option
@json_option
def show(doc_id: str, index_dir: str, as_json: bool) -> None:
    """Print one whole document, question and answer (ID as shown in search results)."""
    from .present import format_document
    from .searcher import document_to_dict

    with _open(index_dir) as searcher:
        document = searcher.document(doc_id)
    if as_json:
        _print_json(document_to_dict(document))
    else:
        click.echo(format_document(document, color=_use_color()))


@main.command()
@index_dir_option
@json_option
def stats(index_dir: str, as_json: bool) -> None:
    """Show what the index holds: documents, sources, build time, size, counts per theme and year."""
    from .present import format_stats

    with _open(index_dir) as searcher:
        index_stats = searcher.stats()
    if as_json:
        _print_json(index_stats.to_dict())
    else:
        click.echo(format_stats(index_stats))


@main.command()
@index_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default serves this machine only.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def serve(index_dir: str, host: str, port: int) -> None:
    """Serve the search page and the HTTP API (needs the web extra: pip install 'vraagbaak[web]').

    A re-indexed index is picked up without a restart.
    """
    try:
        # Lazily: the web stack is an optional extra, and the other commands must not need it.
        import uvicorn

        from .web import create_app
    except ImportError as err:
        raise click.ClickException(
            f"vraagbaak serve needs the web extra ({err.name} is not installed): pip install 'vraagbaak[web]'"
        ) from err
    click.echo(f"Vraagbaak: http://{host}:{port}/ (index: {index_dir}); Ctrl+C stops.")
    uvicorn.run(create_app(index_dir), host=host, port=port, log_level="warning")
