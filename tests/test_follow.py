"""Following a topic (library): exports of every match, timelines, saved searches, profiles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from indexer import build_index
from search import QuerySyntaxError, Searcher
from search.export import COLUMNS, export_lines, export_rows
from search.timeline import timeline_of

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


# Timelines.

@pytest.mark.parametrize("query, options", [
    ("trein OR gevangenis OR verkrachting", {}),
    ("verkrachting OR belaging", {"group": False}),
    ("", {"date_from": "2017", "by": "quarter"}),
    ("", {"minister": "justitie", "by": "month"}),
])
def test_timeline_counts_what_filtering_on_each_period_finds(searcher: Searcher, query: str, options: dict):
    found = timeline_of(searcher, query, **options)
    search_options = {name: value for name, value in options.items() if name != "by"}
    assert found.total == searcher.search(query, **search_options).total
    assert sum(period.count for period in found.periods) >= found.total - found.undated > 0
    for period in found.periods:
        narrowed = {**search_options, "date_from": period.start, "date_to": period.end}
        assert period.count == searcher.search(query, **narrowed).total


def test_timeline_names_each_periods_top_people_as_its_facets_do(searcher: Searcher):
    found = timeline_of(searcher, "", date_from="2017", by="month", top=2)
    january = found.periods[0]
    assert (january.label, january.start, january.end) == ("2017-01", dt.date(2017, 1, 1), dt.date(2017, 1, 31))
    facets = searcher.search("", date_from="2017-01", date_to="2017-01", facets=True).facets
    assert january.questioners == dict(list(facets["questioner"].items())[:2])
    assert january.ministers == dict(list(facets["minister"].items())[:2])


def test_timeline_counts_a_question_to_several_ministers_once_unless_ungrouped(searcher: Searcher):
    grouped = timeline_of(searcher, "verkrachting")
    copies = timeline_of(searcher, "verkrachting", group=False)
    assert [p.count for p in grouped.periods] == [2]
    assert [p.count for p in copies.periods] == [5]
    assert grouped.periods[0].questioners == {"Nele Lijnen": 2}


def test_timeline_keeps_empty_periods_between_matches_and_picks_its_period_by_the_span(searcher: Searcher):
    span = timeline_of(searcher, "onderwijs")
    assert span.by == "year"
    assert [(p.label, p.count > 0) for p in span.periods] == [
        ("2017", True), ("2018", False), ("2019", False), ("2020", False), ("2021", False), ("2022", False),
        ("2023", False), ("2024", True)]
    assert timeline_of(searcher, "trein").by == "month"
    quarters = timeline_of(searcher, "onderwijs", by="quarter").periods
    assert (quarters[0].label, quarters[-1].label, len(quarters)) == ("2017-Q1", "2024-Q2", 30)
    assert (quarters[-1].start, quarters[-1].end) == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))


def test_timeline_counts_undated_matches_apart(tmp_path: Path):
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(json.dumps(record) for record in [
        {"id": "a", "question": "Hoeveel fietsen?", "date": "2020-02-03"},
        {"id": "b", "question": "Waar staan de fietsen?"},
    ]) + "\n", encoding="utf-8")
    build_index([records], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as opened:
        found = timeline_of(opened, "fietsen")
    assert found.to_dict() == {"query": "fietsen", "by": "month", "total": 2, "undated": 1, "periods": [
        {"period": "2020-02", "from": "2020-02-01", "to": "2020-02-29", "count": 1, "questioners": {}, "ministers": {}}]}


def test_timeline_rejects_an_unknown_period(searcher: Searcher):
    with pytest.raises(ValueError, match="by must be one of month, quarter, year, not 'week'"):
        timeline_of(searcher, "trein", by="week")  # type: ignore[arg-type]
