"""Exports: every match of a search, not one page, as CSV, Markdown or JSON Lines rows, streamed.

Built on the searcher's one ranking path (`Searcher._matching`, then `_ordered`), in
the same order and unit as `Searcher.search` pages: exporting gives what paging through every
page would, but ranks once and reads each document only when its row is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any, Iterator

from .filters import Filters
from .options import EXPORT_FORMATS, SORT_ORDERS, ExportFormat, SortOrder
from .results import Marking
from .searcher import Searcher

COLUMNS = ("number", "date", "questioner", "minister", "theme", "title", "link", "passage", "id")
"""The fields of an exported row, in the order of the CSV and Markdown columns."""
LINK_KEYS = ("pdf link", "pdf", "url", "link")
"""Header keys (or JSON fields) that hold the web address of a document's source, in order of preference."""
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
EXTENSIONS: dict[ExportFormat, str] = {"csv": "csv", "markdown": "md", "jsonl": "jsonl"}


@dataclass(frozen=True)
class ExportRow:
    """One exported hit: its metadata, a link to its source and its best passage as plain text."""

    id: str
    number: str | None
    date: dt.date | None
    questioner: str | None
    minister: str | None
    """The minister or office asked; for a grouped question every one, "; " between them."""
    theme: str | None
    title: str
    link: str
    """The web address of the source PDF when the document names one, else its source file."""
    passage: str

    def to_dict(self) -> dict[str, Any]:
        """The row as a JSON Lines export writes it, in the order of `COLUMNS`."""
        values = {"id": self.id, "number": self.number, "date": self.date.isoformat() if self.date else None,
                  "questioner": self.questioner, "minister": self.minister, "theme": self.theme,
                  "title": self.title, "link": self.link, "passage": self.passage}
        return {name: values[name] for name in COLUMNS}


def export_rows(
    searcher: Searcher,
    query: str = "",
    *,
    sort: SortOrder = "relevance",
    group: bool = True,
    theme: str | None = None,
    minister: str | None = None,
    questioner: str | None = None,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
    answered: bool | None = None,
    strict: bool = False,
) -> Iterator[ExportRow]:
    """Every hit of `searcher.search` with the same arguments, page after page, as rows.

    The matches are found and ranked now, so a malformed query raises here (QuerySyntaxError; an
    unknown sort ValueError), before anything is written; each row reads its document when it
    is asked for. `searcher` must stay open until the last row.
    """
    if sort not in SORT_ORDERS:
        raise ValueError(f"sort must be one of {', '.join(SORT_ORDERS)}, not {sort!r}")
    filters = Filters(theme, minister, questioner, date_from, date_to, answered)
    parsed, scorer, matches = searcher._matching(query, filters, strict)
    ranked, _, _ = searcher._ordered(parsed, scorer, matches, sort, None, group)
    return _rows(searcher, ranked, searcher._marking(parsed) if ranked else None, group)


def _rows(searcher: Searcher, ranked: list[tuple[int, float]], marking: Marking | None, group: bool
          ) -> Iterator[ExportRow]:
    for docnum, score in ranked:
        hit = searcher._hit(docnum, score, marking, group)
        best = hit.passages[0].text if hit.passages else ""
        # One row per question when grouped: every minister it went to, this copy's first.
        ministers = [hit.minister] + [minister for _, minister in hit.also_asked]
        yield ExportRow(
            id=hit.id, number=hit.number, date=hit.date, questioner=hit.questioner,
            minister="; ".join(m for m in ministers if m) or None, theme=hit.theme, title=hit.title,
            link=source_link(searcher._searcher.stored_fields(docnum).get("extra") or {}, hit.source),
            passage=" ".join(best.split()),
        )


def source_link(extra: dict[str, Any], source: str) -> str:
    """The web address among a document's other fields (`LINK_KEYS`), else its source file."""
    for key in LINK_KEYS:
        value = extra.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return source


def export_lines(rows: Iterator[ExportRow], export_format: ExportFormat) -> Iterator[str]:
    """`rows` as text in `export_format`, a line at a time (each ending in a newline), a header
    first for CSV and Markdown."""
    if export_format == "csv":
        yield _csv_line(COLUMNS)
        for row in rows:
            values = row.to_dict()
            yield _csv_line(["" if values[name] is None else values[name] for name in COLUMNS])
    elif export_format == "markdown":
        yield "| " + " | ".join(COLUMNS) + " |\n"
        yield "|" + "---|" * len(COLUMNS) + "\n"
        for row in rows:
            values = row.to_dict()
            yield "| " + " | ".join(_markdown_cell(values[name]) for name in COLUMNS) + " |\n"
    elif export_format == "jsonl":
        for row in rows:
            yield json.dumps(row.to_dict(), ensure_ascii=False) + "\n"
    else:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {export_format!r}")


def _csv_line(values: Any) -> str:
    out = io.StringIO()
    # "\n", not csv's default "\r\n": the lines are printed, and a file written in text mode
    # would turn "\r\n" into "\r\r\n" on Windows.
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _markdown_cell(value: str | None) -> str:
    if value is None:
        return ""
    # A "|" would end the cell, and a line break the row.
    return " ".join(value.split()).replace("\\", "\\\\").replace("|", "\\|")
