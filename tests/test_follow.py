"""Following a topic (library): exports of every match, timelines, saved searches, profiles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from indexer import build_index
from indexer.sources import discover, read_source
from search import QuerySyntaxError, SavedSearchError, Searcher
from search.export import COLUMNS, export_lines, export_rows
from search.profile import profile_of
from search.timeline import timeline_of
from search.watch import SavedSearches

from .conftest import FIXTURE_SEEDS, FIXTURES

FLEMISH_ID = "vlaams/000_e61c5a0f903231aa"


@pytest.fixture(scope="module")
def documents() -> list:
    """Every document of the fixture index, as parsed."""
    files, _ = discover([FIXTURE_SEEDS, FIXTURES / "records.jsonl"])
    return [doc for f in files for doc in read_source(f)[0]]


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
        export_rows(searcher, "(trein", strict=True)
    with pytest.raises(QuerySyntaxError):
        export_rows(searcher, "thema:")


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


# Saved searches.

@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    """A copy of the fixture seeds to change between builds."""
    folder = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, folder)
    return folder


def reindex(sources: Path, index_dir: Path, rebuild: bool = False) -> None:
    build_index([sources], index_dir, rebuild=rebuild)


def new_ids(index_dir: Path, name: str | None = None) -> dict[str, list[str]]:
    with Searcher(index_dir) as opened:
        return {report.search.name: [hit.id for hit in report.hits] for report in SavedSearches(index_dir).report(opened, name)}


def test_saved_search_reports_exactly_the_added_and_changed_documents(sources: Path, tmp_path: Path):
    index_dir = tmp_path / "ix"
    reindex(sources, index_dir)
    with Searcher(index_dir) as opened:
        _, matching = SavedSearches(index_dir).add(opened, "treinen", "trein")
    assert matching == 6
    kamer = sources / "kamer"
    (kamer / "kamer-2017-999001.txt").write_text(  # added, matching
        (kamer / "kamer-2017-191846.txt").read_text(encoding="utf-8").replace("nr. 191846", "nr. 999001")
        .replace("P-trein 8401", "P-trein 8402"), encoding="utf-8")
    changed = kamer / "kamer-2017-185112.txt"  # changed, still matching
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEen zin over de trein erbij.\n", encoding="utf-8")
    (kamer / "kamer-2017-189488.txt").unlink()  # removed
    other = kamer / "kamer-2017-187703.txt"  # changed, not matching
    other.write_text(other.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    reindex(sources, index_dir)
    with Searcher(index_dir) as opened:
        assert SavedSearches(index_dir).new_counts(opened) == {"treinen": 2}
    assert new_ids(index_dir) == {"treinen": ["kamer/kamer-2017-999001", "kamer/kamer-2017-185112"]}
    assert new_ids(index_dir) == {"treinen": []}  # reported: no longer new


def test_a_rebuild_or_an_unchanged_reindex_makes_nothing_new(sources: Path, tmp_path: Path):
    index_dir = tmp_path / "ix"
    reindex(sources, index_dir)
    with Searcher(index_dir) as opened:
        SavedSearches(index_dir).add(opened, "alles", "", date_from="2017")
    reindex(sources, index_dir, rebuild=True)
    (sources / "kamer" / "kamer-2017-184501.txt").touch()
    reindex(sources, index_dir)
    assert new_ids(index_dir) == {"alles": []}
    assert [search.name for search in SavedSearches(index_dir).searches()] == ["alles"]


def test_a_document_back_unchanged_is_new_only_to_a_search_reported_while_it_was_gone(sources: Path, tmp_path: Path):
    index_dir = tmp_path / "ix"
    reindex(sources, index_dir)
    with Searcher(index_dir) as opened:
        SavedSearches(index_dir).add(opened, "early", "trein")
        SavedSearches(index_dir).add(opened, "late", "trein")
    removed = sources / "kamer" / "kamer-2017-189488.txt"
    text = removed.read_text(encoding="utf-8")
    removed.unlink()
    reindex(sources, index_dir)
    assert new_ids(index_dir, "late") == {"late": []}
    removed.write_text(text, encoding="utf-8")
    reindex(sources, index_dir)
    assert new_ids(index_dir) == {"early": [], "late": ["kamer/kamer-2017-189488"]}


def test_saved_searches_are_listed_removed_and_kept_with_their_filters(fixture_index: Path, tmp_path: Path):
    index_dir = tmp_path / "ix"
    shutil.copytree(fixture_index, index_dir)
    saved = SavedSearches(index_dir)
    with Searcher(index_dir) as opened:
        search, matching = saved.add(opened, "justitie", minister="justitie", answered=True, group=False,
                                     date_from=dt.date(2017, 1, 1))
    assert (search.minister, search.answered, search.group, search.date_from, matching) == (
        "justitie", True, False, "2017-01-01", 5)
    assert saved.searches() == [search]
    assert saved.remove("justitie") == search
    assert saved.searches() == []


@pytest.mark.parametrize("name, message", [
    ("treinen", "A saved search named 'treinen' exists already in '{ix}'. Remove it first: vraagbaak watch remove 'treinen'"),
    ("  ", "'' cannot name a saved search: use 1 to 100 printable characters."),
    ("a\nb", "'a\nb' cannot name a saved search: use 1 to 100 printable characters."),
])
def test_a_saved_search_needs_a_free_usable_name(fixture_index: Path, tmp_path: Path, name: str, message: str):
    index_dir = tmp_path / "ix"
    shutil.copytree(fixture_index, index_dir)
    with Searcher(index_dir) as opened:
        SavedSearches(index_dir).add(opened, "treinen", "trein")
        with pytest.raises(SavedSearchError) as raised:
            SavedSearches(index_dir).add(opened, name, "fietsen")
    assert str(raised.value) == message.format(ix=index_dir)


def test_unknown_saved_search_and_malformed_query_change_nothing(fixture_index: Path, tmp_path: Path):
    index_dir = tmp_path / "ix"
    shutil.copytree(fixture_index, index_dir)
    saved = SavedSearches(index_dir)
    with Searcher(index_dir) as opened:
        with pytest.raises(QuerySyntaxError):
            saved.add(opened, "kapot", "thema:")
        with pytest.raises(SavedSearchError, match=r"^No saved search named 'kapot' in '.*' \(saved: none\)\.$"):
            saved.report(opened, "kapot")
    with pytest.raises(SavedSearchError, match="No saved search named 'kapot'"):
        saved.remove("kapot")
    assert saved.searches() == []


# Profiles.

@pytest.mark.parametrize("options", [{"minister": "justitie"}, {"questioner": "nele lijnen", "group": False},
                                     {"minister": "mobiliteit", "date_from": "2017-01", "date_to": "2017-03"}])
def test_profile_counts_as_the_search_facets_do(searcher: Searcher, options: dict):
    found = profile_of(searcher, **options)
    search_options = {"group": True, **options}
    results = searcher.search("", facets=True, **search_options)
    assert found.total == results.total > 0
    assert found.answered == searcher.search("", answered=True, **search_options).total
    assert (found.themes, found.years, found.ministers, found.questioners) == (
        results.facets["theme"], results.facets["year"], results.facets["minister"], results.facets["questioner"])
    assert found.documents == searcher.search("", **{**search_options, "group": False}).total


def test_profile_words_are_over_represented_counted_per_document(searcher: Searcher, documents: list):
    found = profile_of(searcher, minister="justitie")
    mine = {hit.id for hit in searcher.search("", minister="justitie", group=False, limit=100).hits}
    assert len(mine) == found.documents == 5
    words = {word.word: word for word in found.words}
    assert [word.score for word in found.words] == sorted((word.score for word in found.words), reverse=True)
    assert all(word.share > word.others_share and word.documents >= 2 for word in found.words)

    def having(doc_ids: set[str], form: str) -> int:
        return sum(1 for doc in documents if doc.id in doc_ids and form in re.findall(r"\w+", doc.question.lower()))

    others = {doc.id for doc in documents} - mine
    prisons = words["gevangenissen"]
    assert prisons.term == "gevangenis"
    assert (prisons.documents, prisons.share) == (having(mine, "gevangenissen"), having(mine, "gevangenissen") / 5)
    assert prisons.others_share == having(others, "gevangenissen") / len(others) == 0


def test_profile_needs_a_person(searcher: Searcher):
    with pytest.raises(ValueError, match="a profile needs a questioner or a minister"):
        profile_of(searcher)
    assert profile_of(searcher, questioner="xylofoonbouwer").to_dict() == {
        "questioner": "xylofoonbouwer", "minister": None, "total": 0, "answered": 0, "documents": 0, "themes": {},
        "years": {}, "ministers": {}, "questioners": {}, "words": []}
