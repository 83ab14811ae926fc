"""The `vraagbaak` command: parses options, calls the library, prints. No search logic lives here."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
from typing import TYPE_CHECKING, Any, Callable

import click

from indexer.errors import QuerySyntaxError, SavedSearchError, VraagbaakError
from indexer.defaults import DEFAULT_INDEX_DIR, DEFAULT_SOURCES

from .options import EXPORT_FORMATS, MAX_AUTO_PERIODS, MAX_LIMIT, PERIODS, SORT_ORDERS, TOP_PEOPLE, TOP_WORDS

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


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The filters of `vraagbaak search`, for the commands that take a query like it."""
    for option in reversed((
        click.option("--thema", "theme", metavar="THEME", help="Only this theme (like thema:THEME)."),
        click.option("--minister", metavar="NAME", help="Only questions to this minister or office (like minister:NAME)."),
        click.option("--van", "questioner", metavar="NAME", help="Only questions by this member (like van:NAME)."),
        click.option("--from", "date_from", metavar="DATE", help="From this date: 2024, 2024-04 or 2024-04-26."),
        click.option("--to", "date_to", metavar="DATE", help="Up to this date (whole years and months included)."),
        click.option("--answered/--unanswered", default=None, help="Only answered, or only unanswered, questions."),
        click.option("--no-group", "no_group", is_flag=True, help="Show and count each copy of a question sent to several ministers."),
    )):
        command = option(command)
    return command


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


def run() -> None:
    """The `vraagbaak` console command: `main` in a process of its own, which ends with it."""
    try:
        main()
    finally:
        # What a command leaves alive (a build's word caches: hundreds of thousands of objects)
        # needs no cycle collection on the way out of the process, which would walk all of it
        # (0.23 s after `vraagbaak index` on the seeds). Objects outside cycles are still freed;
        # cycles are left to the operating system.
        gc.freeze()


@main.command()
@click.argument("sources", nargs=-1, type=click.Path())
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Build from scratch instead of updating what changed.")
@click.option("--wait", "lock_timeout", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for another build of the same index to finish.")
def index(sources: tuple[str, ...], index_dir: str, rebuild: bool, lock_timeout: float) -> None:
    """Index seed files (.txt), JSON Lines (.jsonl) and PDFs (.pdf) under SOURCES (default: seeds/).

    An existing index is updated: new and changed files are indexed, documents of files that
    disappeared are removed, unchanged files are skipped.

    Exit codes: 0 all indexed, or skipped only what the previous build reported too; 1 error, the
    previous index is unchanged; 3 indexed, but files or records were skipped that the previous
    build did not report (the report lists every problem, old ones marked "reported before").
    """
    from indexer.build import build_index  # only this command builds

    from .present import format_new_counts, format_report
    from .watch import SavedSearches

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
    try:
        saved = SavedSearches(index_dir)
        if saved.searches():
            with _open(index_dir) as searcher:
                click.echo(format_new_counts(saved.new_counts(searcher)))
    except SavedSearchError as err:
        # The index is built: a problem with the saved searches must not make the build look failed.
        click.echo(f"Saved searches not checked: {err}", err=True)
    if report.new_skipped:
        sys.exit(EXIT_PROBLEMS)


@main.command()
@click.argument("query", nargs=-1)
@index_dir_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, MAX_LIMIT), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Page of results.")
@click.option("--sort", type=click.Choice(SORT_ORDERS), default="relevance", show_default=True,
              help="Order: relevance, date (oldest first) or -date (newest first).")
@filter_options
@click.option("--facets", is_flag=True, help="Also count all matches per theme, minister, questioner and year.")
@click.option("--strict", is_flag=True,
              help="Unmatched brackets and quotes, and wildcards, are errors (by default read as plain text).")
@json_option
@click.option("--format", "export_format", type=click.Choice(EXPORT_FORMATS),
              help="Export every match (all pages, not --limit/--page) as CSV, Markdown or JSON Lines.")
@click.pass_context
def search(ctx: click.Context, query: tuple[str, ...], index_dir: str, limit: int, page: int, sort: str,
           theme: str | None, minister: str | None, questioner: str | None, date_from: str | None,
           date_to: str | None, answered: bool | None, facets: bool, no_group: bool, strict: bool, as_json: bool,
           export_format: str | None) -> None:
    """Search the index. QUERY is one or more words; see the README for the full syntax:

    \b
      leerkrachten digitale       all words rank first; documents with some still count
      +word  a AND b              required       -word  NOT word    excluded
      a OR b  (a OR b) c          alternatives   "exact phrase"
      thema:onderwijs  minister:weyts  van:grosemans  nr:385  datum:2024  datum:2023-01..2024-06
      beantwoord:ja  titel:word  vraag:word  antwoord:"a phrase"

    Without QUERY, the filter options list the matching questions, newest first.
    """
    if export_format:
        from .export import export_lines, export_rows

        _refuse_with_export(ctx, ("limit", "page", "facets", "as_json"))
        with _open(index_dir) as searcher:
            rows = export_rows(
                searcher, " ".join(query), sort=sort, group=not no_group, theme=theme,  # type: ignore[arg-type]
                minister=minister, questioner=questioner, date_from=date_from, date_to=date_to, answered=answered,
                strict=strict,
            )
            for line in export_lines(rows, export_format):  # type: ignore[arg-type]
                click.echo(line, nl=False)
        return
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


def _refuse_with_export(ctx: click.Context, names: tuple[str, ...]) -> None:
    """An export holds every match in its own format: options about pages and JSON make no sense with it."""
    for name in names:
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            option = next(p for p in ctx.command.params if p.name == name).opts[0]
            raise click.UsageError(f"{option} cannot be combined with --format (an export holds every match).")


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
    from .results import document_to_dict

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
@click.argument("query", nargs=-1)
@index_dir_option
@filter_options
@click.option("--by", type=click.Choice(PERIODS), help="Bars per month, quarter or year (default: the finest that "
              f"draws the matches in at most {MAX_AUTO_PERIODS} bars).")
@click.option("--top", default=TOP_PEOPLE, show_default=True, type=click.IntRange(min=0),
              help="Questioners and ministers named per period.")
@json_option
def timeline(query: tuple[str, ...], index_dir: str, theme: str | None, minister: str | None,
             questioner: str | None, date_from: str | None, date_to: str | None, answered: bool | None,
             no_group: bool, by: str | None, top: int, as_json: bool) -> None:
    """How often QUERY was asked, per period, by whom and to whom: a bar chart (QUERY and filters as in search)."""
    from .present import format_timeline
    from .timeline import timeline_of

    with _open(index_dir) as searcher:
        found = timeline_of(
            searcher, " ".join(query), by=by, group=not no_group, top=top, theme=theme,  # type: ignore[arg-type]
            minister=minister, questioner=questioner, date_from=date_from, date_to=date_to, answered=answered,
        )
    if as_json:
        _print_json(found.to_dict())
    else:
        click.echo(format_timeline(found, color=_use_color()))


@main.command()
@index_dir_option
@click.option("--van", "questioner", metavar="NAME", help="The member who asked (as in search --van).")
@click.option("--minister", metavar="NAME", help="The minister or office asked (as in search --minister).")
@click.option("--from", "date_from", metavar="DATE", help="From this date: 2024, 2024-04 or 2024-04-26.")
@click.option("--to", "date_to", metavar="DATE", help="Up to this date (whole years and months included).")
@click.option("--no-group", "no_group", is_flag=True, help="Show and count each copy of a question sent to several ministers.")
@click.option("--words", default=TOP_WORDS, show_default=True, type=click.IntRange(min=0),
              help="How many distinctive words to show.")
@json_option
def profile(index_dir: str, questioner: str | None, minister: str | None, date_from: str | None,
            date_to: str | None, no_group: bool, words: int, as_json: bool) -> None:
    """What a member asks about (--van) or a minister is asked (--minister): themes, years, people, and
    the words that set their questions apart from all others."""
    if not (questioner or minister):
        raise click.UsageError("Give --van NAME or --minister NAME (or both).")
    from .present import format_profile
    from .profile import profile_of

    with _open(index_dir) as searcher:
        found = profile_of(searcher, questioner=questioner, minister=minister, date_from=date_from,
                           date_to=date_to, group=not no_group, words=words)
    if as_json:
        _print_json(found.to_dict())
    else:
        click.echo(format_profile(found))


@main.group(cls=_Group)
def watch() -> None:
    """Saved searches: save a query, then list what was added or changed since its last report.

    They are kept beside the index (in --index-dir) and survive rebuilds; `vraagbaak index` ends
    by saying how many new documents each one has.
    """


@watch.command("add")
@click.argument("name")
@click.argument("query", nargs=-1)
@index_dir_option
@filter_options
def watch_add(name: str, query: tuple[str, ...], index_dir: str, theme: str | None, minister: str | None,
              questioner: str | None, date_from: str | None, date_to: str | None, answered: bool | None,
              no_group: bool) -> None:
    """Save QUERY (and the filters, as in search) as NAME; what is indexed from now on is new for it."""
    from .present import describe_search
    from .watch import SavedSearches

    with _open(index_dir) as searcher:
        saved, matching = SavedSearches(index_dir).add(
            searcher, name, " ".join(query), group=not no_group, theme=theme, minister=minister,
            questioner=questioner, date_from=date_from, date_to=date_to, answered=answered,
        )
    click.echo(f"Saved {saved.name!r}: {describe_search(saved)} ({matching:,} matching now). "
               f"vraagbaak watch report {saved.name!r} lists what is added or changed from now on.")


@watch.command("list")
@index_dir_option
@json_option
def watch_list(index_dir: str, as_json: bool) -> None:
    """List the saved searches: name, query, filters, last report."""
    from .present import format_saved_searches
    from .watch import SavedSearches

    searches = SavedSearches(index_dir).searches()
    if as_json:
        _print_json([search.to_dict() for search in searches])
    else:
        click.echo(format_saved_searches(searches))


@watch.command("remove")
@click.argument("name")
@index_dir_option
def watch_remove(name: str, index_dir: str) -> None:
    """Forget the saved search NAME."""
    from .watch import SavedSearches

    removed = SavedSearches(index_dir).remove(name)
    click.echo(f"Removed {removed.name!r}.")


@watch.command("report")
@click.argument("name", required=False)
@index_dir_option
@json_option
def watch_report(name: str | None, index_dir: str, as_json: bool) -> None:
    """The documents matching saved search NAME (or each) added or changed since its last report, newest first.

    A report is remembered: the next one lists only what came after it.
    """
    from .present import format_watch_reports
    from .watch import SavedSearches

    with _open(index_dir) as searcher:
        reports = SavedSearches(index_dir).report(searcher, name)
    if as_json:
        _print_json([report.to_dict() for report in reports])
    else:
        click.echo(format_watch_reports(reports, color=_use_color()))


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
