"""Exploring results: facets, filter options, sorting, similar questions, sub-question pairing, duplicates."""

from __future__ import annotations

import collections
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import build_index
from indexer.sources import discover, read_source
from indexer.structure import numbered_parts, pair_parts
from search import Searcher
from search.cli import main

from .conftest import FIXTURE_SEEDS, FIXTURES, FLEMISH_SEED

FLEMISH_ID = "vlaams/000_e61c5a0f903231aa"
RAPE_FIGURES = {"kamer/kamer-2017-184521", "kamer/kamer-2017-184522", "kamer/kamer-2017-184523"}


@pytest.fixture(scope="module")
def documents():
    files, _ = discover([FIXTURE_SEEDS, FIXTURES / "records.jsonl"])
    return [doc for f in files for doc in read_source(f)[0]]


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def test_facets_count_every_match_not_just_the_page(searcher: Searcher, documents):
    results = searcher.search("minister:mobiliteit", limit=1, facets=True, group=False)
    matching = [d for d in documents if d.addressee and "Mobiliteit" in d.addressee]
    assert results.total == len(matching) > 1
    assert results.facets["theme"] == dict(collections.Counter(d.theme for d in matching if d.theme).most_common())
    assert results.facets["year"] == {"2017": len(matching)}
    assert sum(results.facets["questioner"].values()) == len(matching)
    assert list(results.facets["minister"]) == [matching[0].addressee]


def test_facets_drill_down(searcher: Searcher):
    everything = searcher.search("trein OR gevangenis", facets=True, group=False, limit=50)
    theme, count = next(iter(everything.facets["theme"].items()))
    narrowed = searcher.search("trein OR gevangenis", facets=True, group=False, theme=theme, limit=50)
    assert narrowed.total == count
    assert narrowed.facets["theme"] == {theme: count}


def test_facets_in_the_json_contract(searcher: Searcher):
    data = json.loads(json.dumps(searcher.search("trein", facets=True).to_dict()))
    assert set(data["facets"]) == {"theme", "minister", "questioner", "year"}
    assert "facets" not in searcher.search("trein").to_dict()


@pytest.mark.parametrize(
    "options, query",
    [
        ({"theme": "Vervoerbeleid"}, "thema:vervoerbeleid"),
        ({"minister": "weyts"}, "minister:weyts"),
        ({"minister": "WEYTS"}, "minister:Weyts"),
        ({"minister": "Ben Weyts"}, "minister:weyts"),
        ({"questioner": "grosemans"}, "van:grosemans"),
        ({"date_from": "2017-05", "date_to": "2017-06"}, "datum:2017-05..2017-06"),
        ({"date_from": "2024"}, "datum:2024.."),
        ({"answered": False}, "beantwoord:nee"),
        ({"answered": True, "theme": "Strafrecht"}, "beantwoord:ja thema:strafrecht"),
    ],
)
def test_filter_options_equal_the_query_syntax(searcher: Searcher, options: dict, query: str):
    by_options = searcher.search("", limit=100, **options)
    by_syntax = searcher.search(query, limit=100)
    assert by_options.total > 0
    assert ids(by_options) == ids(by_syntax)


def test_names_match_without_diacritics_and_by_surname(searcher: Searcher):
    assert ids(searcher.search("", questioner="Grosemans")) == ids(searcher.search("", questioner="grösemans"))


@pytest.mark.parametrize("options, message", [
    (["--from", "2024-13"], "Error: Cannot read the --from date '2024-13'; use 2024, 2024-04 or 2024-04-26.\n"),
    (["--to", "2017-02-30"], "Error: Cannot read the --to date '2017-02-30'; use 2024, 2024-04 or 2024-04-26.\n"),
    (["--from", "2018", "--to", "2017-06"], "Error: The date range from 2018 to 2017-06 ends before it starts.\n"),
])
def test_cli_bad_date_options_are_errors_naming_the_option(fixture_index: Path, options: list[str], message: str):
    result = CliRunner().invoke(main, ["search", "trein", "--index-dir", str(fixture_index), *options])
    assert (result.exit_code, result.output) == (2, message)


def test_filter_options_narrow_a_word_query(searcher: Searcher):
    results = searcher.search("trein", theme="Vervoerbeleid", date_from="2017-05-01", limit=50)
    assert results.total > 0
    assert all(h.theme == "Vervoerbeleid" and h.date.isoformat() >= "2017-05-01" for h in results.hits)


@pytest.mark.parametrize("sort, reverse", [("date", False), ("-date", True)])
def test_sorting_by_date(searcher: Searcher, sort: str, reverse: bool):
    dates = [h.date for h in searcher.search("trein OR gevangenis OR fietsen", sort=sort, limit=50).hits]
    assert len(dates) > 5
    assert dates == sorted(dates, reverse=reverse)


def test_paging_is_stable_across_pages(searcher: Searcher):
    query = "trein OR gevangenis OR fietsen"
    whole = ids(searcher.search(query, sort="date", limit=50))
    paged = [i for page in (1, 2, 3, 4) for i in ids(searcher.search(query, sort="date", limit=3, page=page))]
    assert paged == whole[:12]


def test_similar_excludes_itself_and_identical_copies(searcher: Searcher):
    results = searcher.similar("kamer/kamer-2017-184521", limit=50)
    assert results.hits and not {hit.id for hit in results.hits} & RAPE_FIGURES
    results = searcher.similar("kamer/kamer-2017-186015", limit=5)
    assert results.hits[0].id == "kamer/kamer-2017-185261"  # the other question about bicycles
    assert "fietsen" in results.hits[0].shared_terms
    assert all(hit.shared_terms for hit in results.hits)


def test_similar_json_adds_shared_terms(searcher: Searcher):
    data = searcher.similar(FLEMISH_ID, limit=3).to_dict()
    assert data["hits"] and all(isinstance(hit["shared_terms"], list) for hit in data["hits"])
    assert "shared_terms" not in searcher.search("trein").to_dict()["hits"][0]


def test_flemish_answer_1_and_3_pairs_with_questions_1_and_3():
    from indexer.parse import parse_seed

    document, _ = parse_seed(FLEMISH_SEED.read_text(encoding="utf-8"), "x", "x")
    pairs = pair_parts(document.question, document.answer)
    assert [(pair.numbers, [q.numbers for q in pair.questions]) for pair in pairs] == [
        ((1, 3), [(1,), (3,)]),
        ((2,), [(2,)]),
        ((4,), [(4,)]),
    ]
    assert pairs[0].answer.text.startswith("1+3. Het samenwerkingsproject")
    assert pairs[0].answer.text.endswith("aanbevelingen voor het verbeteren ervan.")


def test_numbered_parts_glued_after_a_question_mark():
    text = "Inleiding. 1. Wat was de oorzaak? Hadden ze voorkomen kunnen worden, en zo ja, hoe?2. Zou er een procedure zijn?3. Hoe vaak?"
    assert [p.numbers for p in numbered_parts(text)] == [(1,), (2,), (3,)]


def test_numbers_in_running_text_are_not_items():
    assert numbered_parts("Zie art. 3. De wet van 2016. Het besluit van 12. Maart.") == []


def test_a_removed_copy_is_no_longer_listed(tmp_path: Path):
    # The update deletes the copy; its question key stays in the segment until a merge.
    shutil.copytree(FIXTURE_SEEDS, tmp_path / "seeds")
    build_index([tmp_path / "seeds"], tmp_path / "ix")
    (tmp_path / "seeds" / "kamer" / "kamer-2017-184523.txt").unlink()
    assert build_index([tmp_path / "seeds"], tmp_path / "ix").removed == 1
    with Searcher(tmp_path / "ix") as searcher:
        [hit] = [h for h in searcher.search('"verkrachting tussen partners"').hits if h.id in RAPE_FIGURES]
        assert {doc_id for doc_id, _ in hit.also_asked} == RAPE_FIGURES - {hit.id, "kamer/kamer-2017-184523"}


def test_answer_refers_to_questions_by_name():
    parts = numbered_parts("Antwoord op vraag 1: Ja. Antwoord op vraag 2: Neen.", answer_refs=True)
    assert [p.numbers for p in parts] == [(1,), (2,)]


def test_answer_passage_shows_the_subquestion_it_answers(searcher: Searcher):
    hit = searcher.search('antwoord:"formatiegesprekken"').hits[0]
    [passage] = [p for p in hit.passages if p.section == "answer"]
    assert passage.subquestion == "4. Zal die tweede onderwijstop een vervolg krijgen? Zo ja, waar en wanneer?"


def test_same_question_to_several_ministers_is_one_hit(searcher: Searcher):
    grouped = searcher.search('"verkrachting tussen partners"', limit=10)
    [hit] = [h for h in grouped.hits if h.id in RAPE_FIGURES]
    assert {doc_id for doc_id, _ in hit.also_asked} == RAPE_FIGURES - {hit.id}
    assert all(minister for _, minister in hit.also_asked)
    ungrouped = searcher.search('"verkrachting tussen partners"', limit=10, group=False)
    assert RAPE_FIGURES <= set(ids(ungrouped))
    assert ungrouped.total == grouped.total + 2
    assert all(h.also_asked == () for h in ungrouped.hits)


def test_cli_filter_options_sort_and_facets(fixture_index: Path):
    runner = CliRunner()
    result = runner.invoke(main, [
        "search", "--index-dir", str(fixture_index), "--minister", "mobiliteit", "--sort", "date",
        "--facets", "--json", "--limit", "3",
    ])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [h["date"] for h in data["hits"]] == sorted(h["date"] for h in data["hits"])
    assert data["facets"]["year"] == {"2017": data["total"]}
    text = runner.invoke(main, ["search", "trein", "--index-dir", str(fixture_index), "--facets"]).output
    assert "\ntheme: Vervoerbeleid (" in text


def test_cli_unanswered_and_no_group(fixture_index: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["search", "--unanswered", "--index-dir", str(fixture_index), "--json"])
    assert [h["id"] for h in json.loads(result.output)["hits"]] == ["kamer/kamer-2017-184505"]
    grouped = runner.invoke(main, ["search", "verkrachting", "--index-dir", str(fixture_index)]).output
    assert "also asked to: " in grouped
    ungrouped = runner.invoke(main, ["search", "verkrachting", "--no-group", "--index-dir", str(fixture_index)]).output
    assert "also asked to: " not in ungrouped


def test_cli_search_without_query_or_filter_is_an_error(fixture_index: Path):
    result = CliRunner().invoke(main, ["search", "--index-dir", str(fixture_index)])
    assert result.exit_code == 2
    assert result.output == "Error: The query is empty.\n"


def test_cli_similar(fixture_index: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["similar", "kamer/kamer-2017-186015", "--index-dir", str(fixture_index), "--limit", "2"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Documents like kamer/kamer-2017-186015:"
    assert any(line.startswith("   shared: ") and "fietsen" in line for line in lines)
    data = json.loads(runner.invoke(main, ["similar", "kamer/kamer-2017-186015", "--index-dir", str(fixture_index), "--json"]).output)
    assert data["hits"][0]["shared_terms"]
    missing = runner.invoke(main, ["similar", "nope", "--index-dir", str(fixture_index)])
    assert missing.exit_code == 1
    assert "No document with id 'nope'" in missing.output


def test_grouped_total_counts_distinct_questions_and_every_page_is_full(searcher: Searcher):
    query = "verkrachting OR belaging OR trein"
    everything = searcher.search(query, limit=100)
    assert everything.total == len(everything.hits)
    assert searcher.search(query, limit=100, facets=True).total == everything.total
    paged = [h.id for page in range(1, everything.total + 1) for h in searcher.search(query, limit=1, page=page).hits]
    assert paged == ids(everything)


@pytest.mark.parametrize("group", [True, False])
def test_drilling_down_on_a_facet_value_matches_its_count_exactly(searcher: Searcher, group: bool):
    query = "verkrachting OR belaging OR trein OR gevangenis"
    results = searcher.search(query, facets=True, group=group, limit=100)
    options = {"theme": "theme", "minister": "minister", "questioner": "questioner"}
    drilled = 0
    for facet, option in options.items():
        for value, count in results.facets[facet].items():
            assert searcher.search(query, group=group, limit=100, **{option: value}).total == count
            drilled += 1
    for year, count in results.facets["year"].items():
        assert searcher.search(query, group=group, date_from=year, date_to=year).total == count
    assert drilled > 5


def test_results_say_which_order_was_used(searcher: Searcher):
    assert searcher.search("trein").sort == "relevance"
    assert searcher.search("", minister="weyts").sort == "-date"
    assert searcher.search("trein", sort="date").to_dict()["sort"] == "date"


def test_grouping_hides_no_document(searcher: Searcher):
    query = "verkrachting OR belaging OR trein OR partners OR cijfers"
    grouped = searcher.search(query, limit=100)
    shown = {h.id for h in grouped.hits} | {doc_id for h in grouped.hits for doc_id, _ in h.also_asked}
    assert set(ids(searcher.search(query, limit=100, group=False))) <= shown


def test_grouped_facets_count_a_question_once_per_value(searcher: Searcher):
    # Nele Lijnen's question on rape is one question sent to three ministers: one result grouped,
    # three ungrouped, and each facet counts it as the results show it.
    query = "verkrachting OR belaging OR trein"
    grouped = searcher.search(query, facets=True)
    ungrouped = searcher.search(query, facets=True, group=False)
    assert (grouped.total, ungrouped.total) == (8, 11)
    assert grouped.facets["year"] == {"2017": 8}
    assert ungrouped.facets["year"] == {"2017": 11}
    assert (grouped.facets["questioner"]["Nele Lijnen"], ungrouped.facets["questioner"]["Nele Lijnen"]) == (2, 5)
    # Each copy went to another minister: the question counts once for each.
    assert grouped.facets["minister"] == ungrouped.facets["minister"]


def test_hits_sorted_by_date_carry_no_score(searcher: Searcher):
    assert {h.score for h in searcher.search("trein", sort="-date").hits} == {0.0}


def test_stats_count_across_segments_of_which_one_has_no_theme_or_date(tmp_path: Path):
    # An update writes a segment of its own; one whose documents have no theme and no date has
    # no such column, and the counts must still read each segment's own values.
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(FLEMISH_SEED, sources)
    build_index([sources], tmp_path / "ix")
    (sources / "extra.jsonl").write_text('{"id": "x", "question": "Een vraag zonder thema."}\n', encoding="utf-8")
    build_index([sources], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        stats = searcher.stats()
    assert (stats.documents, stats.themes, stats.years) == (2, {"Onderwijs en Vorming": 1}, {"2024": 1})


def test_a_facet_value_selects_the_same_in_the_query_as_as_an_option(tmp_path: Path):
    # Two offices, the one's words all in the other: the exact value selects only its own.
    records = [{"id": "a", "question": "Gevangenissen zijn overvol.", "minister": "Minister van Justitie"},
               {"id": "b", "question": "Gevangenissen in Nederland.", "minister": "Minister van Justitie en Veiligheid"}]
    (tmp_path / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    build_index([tmp_path / "records.jsonl"], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        facets = searcher.search("gevangenissen", facets=True).facets
        assert facets["minister"] == {"Minister van Justitie": 1, "Minister van Justitie en Veiligheid": 1}
        for value in facets["minister"]:
            in_query = searcher.search(f'gevangenissen minister:"{value}"')
            assert [hit.minister for hit in in_query.hits] == [value]
            assert in_query.total == searcher.search("gevangenissen", minister=value).total == 1
        # A value that no facet lists still matches by its words.
        assert searcher.search("gevangenissen minister:justitie").total == 2
