"""One ranking path: the same hits, order and scores whatever the options, on one or two segments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import indexer.sourcepass as sourcepass
from indexer import build_index
from indexer.schema import question_key
from search import Results, Searcher

from .conftest import FIXTURE_SEEDS, FIXTURES

BENCHMARK_QUERIES = Path(__file__).resolve().parents[1] / "benchmarks" / "relevance" / "queries.jsonl"
# Queries the fixtures answer with many hits, several copies of one question among them.
FIXTURE_QUERIES = ["verkrachting OR belaging OR trein", "leerkrachten digitale competenties", "kinderopvang",
                   "trein vertraging", "gevangenis", "onderwijs -trein", '"digitale competenties"',
                   "vraag:minister", "thema:onderwijs leerkrachten", "partners cijfers"]


def all_queries() -> list[str]:
    with BENCHMARK_QUERIES.open(encoding="utf-8") as lines:
        return FIXTURE_QUERIES + [json.loads(line)["query"] for line in lines if line.strip()]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The fixtures indexed by one process (one segment) and by two (two segments)."""
    folders = {}
    for processes in (1, 2):
        folder = tmp_path_factory.mktemp("ranking") / "ix"
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sourcepass, "PARALLEL_MIN_BYTES", 0)
            patch.setattr(sourcepass.os, "cpu_count", lambda: 2)
            build_index([FIXTURE_SEEDS, FIXTURES / "records.jsonl"], folder, processes=processes)
        with Searcher(folder) as searcher:
            assert len(searcher._searcher.leaf_searchers()) == processes
        folders[processes] = folder
    return folders


def ranked(results: Results) -> list[tuple[str, float]]:
    return [(hit.id, hit.score) for hit in results.hits]


@pytest.mark.parametrize("segments", [1, 2])
def test_options_never_change_hits_order_or_scores(indexes: dict[int, Path], segments: int) -> None:
    with Searcher(indexes[segments]) as searcher:
        answered = {doc_id: searcher.document(doc_id).answer is not None
                    for doc_id in (hit.id for hit in searcher.search("", limit=100, group=False, date_from="1900").hits)}
        keys = {doc_id: question_key(searcher.document(doc_id)) for doc_id in answered}
        with_hits = 0
        for query in all_queries():
            plain = searcher.search(query, limit=50, group=False)
            expected = ranked(plain)
            with_hits += bool(expected)
            assert ranked(searcher.search(query, limit=50, group=False, facets=True)) == expected, query
            # Every fixture document has a date in this range.
            assert ranked(searcher.search(query, limit=50, group=False, date_from="1900", date_to="2100")) == expected
            for state in (True, False):
                kept = [hit for hit in expected if answered[hit[0]] == state]
                assert ranked(searcher.search(query, limit=50, group=False, answered=state)) == kept, query
            pages = [ranked(searcher.search(query, limit=4, page=page, group=False)) for page in (1, 2, 3)]
            assert pages == [expected[0:4], expected[4:8], expected[8:12]], query
            # Grouped: each question's best copy, where the ungrouped ranking has it.
            first_copies, seen = [], set()
            for doc_id, score in expected:
                if keys[doc_id] not in seen:
                    seen.add(keys[doc_id])
                    first_copies.append((doc_id, score))
            for facets in (False, True):
                grouped = searcher.search(query, limit=50, facets=facets)
                assert (ranked(grouped), grouped.total) == (first_copies, len(first_copies)), query
        assert with_hits >= 20


def test_one_and_two_segments_give_the_same_results(indexes: dict[int, Path]) -> None:
    seen = []
    for segments in (1, 2):
        with Searcher(indexes[segments]) as searcher:
            seen.append({f"{query} {sort}": searcher.search(query, limit=50, facets=True, sort=sort).to_dict()
                         for query in all_queries() for sort in ("relevance", "-date")})
    assert seen[0] == seen[1]


@pytest.mark.parametrize("segments", [1, 2])
def test_date_orders_are_each_others_reverse_whatever_the_options(indexes: dict[int, Path], segments: int) -> None:
    with Searcher(indexes[segments]) as searcher:
        for query in FIXTURE_QUERIES:
            oldest = [hit.id for hit in searcher.search(query, limit=50, sort="date", group=False).hits]
            newest = searcher.search(query, limit=50, sort="-date", group=False)
            assert [hit.id for hit in newest.hits] == oldest[::-1], query
            assert {hit.score for hit in newest.hits} <= {0.0}
            dates = [hit.date for hit in newest.hits]
            assert dates == sorted(dates, reverse=True)
            for sort in ("date", "-date"):
                plain = ranked(searcher.search(query, limit=50, sort=sort, group=False))
                assert ranked(searcher.search(query, limit=50, sort=sort, group=False, facets=True)) == plain
                pages = [ranked(searcher.search(query, limit=3, page=page, sort=sort, group=False)) for page in (1, 2)]
                assert pages == [plain[0:3], plain[3:6]]


def test_a_page_past_the_end_is_empty_and_keeps_the_total(indexes: dict[int, Path]) -> None:
    with Searcher(indexes[2]) as searcher:
        first = searcher.search("trein", limit=5)
        assert first.hits and first.total < 50
        past = searcher.search("trein", limit=5, page=11, facets=True)
        assert (past.hits, past.total, past.facets) == ((), first.total, searcher.search("trein", facets=True).facets)


def test_questions_without_a_date_come_last_in_both_orders(tmp_path: Path) -> None:
    source = tmp_path / "records.jsonl"
    records = [{"id": "undated", "question": "Treinen rijden te laat."},
               {"id": "old", "question": "Treinen rijden te laat.", "date": "2017-01-05"},
               {"id": "new", "question": "Treinen rijden te laat?", "date": "2019-03-01"}]
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    build_index([source], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        assert [hit.id for hit in searcher.search("treinen", sort="date", group=False).hits] == ["old", "new", "undated"]
        assert [hit.id for hit in searcher.search("treinen", sort="-date", group=False).hits] == ["new", "old", "undated"]
