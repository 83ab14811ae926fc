"""Following a topic (library): exports of every match, timelines, saved searches, profiles."""

from __future__ import annotations

import csv
import io
import json

import pytest

from search import QuerySyntaxError, Searcher
from search.export import COLUMNS, export_lines, export_rows

FLEMISH_ID = "vlaams/000_e61c5a0f903231aa"


def every_page(searcher: Searcher, query: str, **options) -> list[str]:
    ids, page = [], 1
    while True:
        results = searcher.search(query, limit=2, page=page, **options)
        ids += [hit.id for hit in results.hits]
        if page >= results.pages:
            return ids
        page += 1


@pytest.mark.parametrize("query, options", [
    ("trein", {}),
    ("trein OR gevangenis", {"sort": "-date"}),
    ("verkrachting", {"group": False}),
    ("", {"minister": "justitie", "sort": "date"}),
])
def test_export_holds_every_page_of_the_search_in_its_order(searcher: Searcher, query: str, options: dict):
    exported = [row.id for row in export_rows(searcher, query, **options)]
    assert exported == every_page(searcher, query, **options)
    assert len(exported) == searcher.search(query, **options).total > 2


def test_export_row_has_the_hits_fields_its_best_passage_and_the_pdf_link(searcher: Searcher):
    [row] = [row for row in export_rows(searcher, "kopieren") if row.id == FLEMISH_ID]
    assert (row.number, row.date.isoformat(), row.questioner, row.minister, row.theme, row.title) == (
        "385", "2024-04-26", "Karolien Grosemans", "Ben Weyts", "Onderwijs en Vorming",
        "Nederlands-Vlaamse onderwijstop - Vervolg")
    assert row.link == "https://docs.vlaamsparlement.be/pfile?id=2063647"
    best = searcher.search("kopieren", limit=1).hits[0].passages[0].text
    assert row.passage == " ".join(best.split())


def test_export_row_without_a_web_address_links_to_its_source_file(searcher: Searcher):
    row = next(export_rows(searcher, "nr:184501"))
    assert row.link == "kamer/kamer-2017-184501.txt"


def test_grouped_export_row_names_every_minister_asked(searcher: Searcher):
    rows = {row.id: row for row in export_rows(searcher, "verkrachting")}
    hit = next(hit for hit in searcher.search("verkrachting").hits if hit.also_asked)
    assert rows[hit.id].minister == "; ".join([hit.minister] + [m for _, m in hit.also_asked])


def test_export_formats_hold_the_same_rows(searcher: Searcher):
    rows = [row.to_dict() for row in export_rows(searcher, "trein")]
    as_csv = list(csv.DictReader(io.StringIO("".join(export_lines(export_rows(searcher, "trein"), "csv")))))
    assert as_csv == [{name: value or "" for name, value in row.items()} for row in rows]
    as_jsonl = [json.loads(line) for line in export_lines(export_rows(searcher, "trein"), "jsonl")]
    assert as_jsonl == rows
    markdown = list(export_lines(export_rows(searcher, "trein"), "markdown"))
    assert markdown[0] == "| " + " | ".join(COLUMNS) + " |\n"
    assert len(markdown) == len(rows) + 2
    assert markdown[2].startswith(f"| {rows[0]['number']} | {rows[0]['date']} | ")


def test_markdown_cells_keep_pipes_and_line_breaks_inside_the_cell(searcher: Searcher):
    row = next(export_rows(searcher, "trein"))
    odd = row.__class__(**{**row.__dict__, "title": "a | b\nc"})
    line = list(export_lines(iter([odd]), "markdown"))[2]
    assert "| a \\| b c |" in line
    assert line.count("\n") == 1


def test_export_of_a_malformed_query_fails_before_any_row(searcher: Searcher):
    with pytest.raises(QuerySyntaxError):
        export_rows(searcher, "(trein")
