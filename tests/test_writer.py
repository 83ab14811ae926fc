"""The fast segment writer writes the same index as Whoosh's own writer, read back term by term."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import whoosh.index

from indexer.sources import discover, parse_source, read_bytes
from indexer.schema import build_schema, document_fields
from indexer._whoosh.segment_writer import INLINE_LIMIT, FastSegmentWriter

from .conftest import FIXTURE_SEEDS, FIXTURES

COPIES = 6
"""Enough copies of the fixture documents that common terms fill several 128-posting blocks."""


def fixture_documents() -> list[Any]:
    files, _ = discover([FIXTURE_SEEDS, FIXTURES / "records.jsonl"])
    documents = []
    for source in files:
        parsed, _ = parse_source(source, read_bytes(source))
        documents.extend(parsed)
    return [dataclasses.replace(doc, id=f"{doc.id}-{copy}") for copy in range(COPIES) for doc in documents]


def write(folder: Path, batches: list[list[Any]], fast: bool, deletions: list[str] = (), pool_limit: int = 0) -> Any:
    folder.mkdir()
    index = whoosh.index.create_in(str(folder), build_schema())
    for number, batch in enumerate(batches):
        writer = FastSegmentWriter(index) if fast else index.writer()
        if pool_limit:
            writer.pool.limit = pool_limit
        for document in batch:
            writer.add_document(**document_fields(document))
        if number == len(batches) - 1:
            for doc_id in deletions:
                writer.delete_by_term("id", doc_id)
        writer.commit()
    return whoosh.index.open_dir(str(folder))


def contents(index: Any) -> dict[str, Any]:
    """Everything a search reads: per term its statistics and postings, per document its fields."""
    reader = index.reader()
    ids = {docnum: reader.stored_fields(docnum)["id"] for docnum in reader.all_doc_ids()}
    terms = {}
    for fieldname, text in reader.all_terms():
        info = reader.term_info(fieldname, text)
        postings = reader.postings(fieldname, text)
        listed = [(ids.get(docnum), weight, value) for docnum, weight, value in _postings(postings)]
        terms[(fieldname, text)] = (
            info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(),
            sorted(listed),
        )
    documents = {ids[n]: (reader.stored_fields(n),
                                                 {f: reader.doc_field_length(n, f) for f in ("title", "question", "answer")})
                 for n in reader.all_doc_ids()}
    return {"terms": terms, "documents": documents}


def _postings(matcher: Any) -> list[tuple[int, float, bytes]]:
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


@pytest.fixture(scope="module")
def documents() -> list[Any]:
    return fixture_documents()


@pytest.fixture(scope="module")
def batches(documents: list[Any]) -> list[list[Any]]:
    """The documents in two commits, as an update adds to an existing index."""
    half = len(documents) // 2
    return [documents[:half], documents[half:]]


@pytest.fixture(scope="module")
def deletions(batches: list[list[Any]]) -> list[str]:
    return [batches[0][0].id, batches[1][1].id]


@pytest.fixture(scope="module")
def whoosh_one(tmp_path_factory: pytest.TempPathFactory, documents: list[Any]) -> Any:
    return write(tmp_path_factory.mktemp("whoosh") / "one", [documents], fast=False)


@pytest.fixture(scope="module")
def whoosh_two(tmp_path_factory: pytest.TempPathFactory, batches: list[list[Any]], deletions: list[str]) -> dict[str, Any]:
    return contents(write(tmp_path_factory.mktemp("whoosh") / "two", batches, fast=False, deletions=deletions))


def test_one_segment_reads_back_like_whooshs_own(tmp_path: Path, documents: list[Any], whoosh_one: Any) -> None:
    got = contents(write(tmp_path / "fast", [documents], fast=True))
    assert got == contents(whoosh_one)
    # Both storage forms were exercised: inlined rare terms and multi-block frequent ones.
    frequencies = [stats[1] for stats in got["terms"].values()]
    assert min(frequencies) <= INLINE_LIMIT and max(frequencies) > 128


def test_update_with_deletions_merges_and_spilled_postings_reads_back_the_same(
        tmp_path: Path, batches: list[list[Any]], deletions: list[str], whoosh_two: dict[str, Any]) -> None:
    # A second commit merges the first segment in; a pool limit this small spills a run of postings
    # every few documents and while merging.
    fast_index = write(tmp_path / "fast", batches, fast=True, deletions=deletions, pool_limit=5_000)
    assert contents(fast_index) == whoosh_two


def test_search_over_inlined_postings_ranks_like_whoosh(tmp_path: Path, documents: list[Any], whoosh_one: Any) -> None:
    from whoosh.query import And, Or, Phrase, Term
    from whoosh.query.compound import DefaultOr

    fast_index = write(tmp_path / "fast", [documents], fast=True)
    queries = [
        Or([Term("answer", "leerkracht"), Term("question", "digital"), Term("title", "onderwijs")]),
        # A boosted rare term next to another: its top-1 once went missing (see codec.InlinedPostings).
        DefaultOr([Term("answer", "verkracht"), Term("title", "trein", boost=5.0)]),
        DefaultOr([Term("question", "verkracht", boost=3.0), Term("title", "trein", boost=5.0)]),
        And([Term("answer", "kinderopvang"), Term("answer", "=de")]),
        Phrase("answer", ["=de", "=minister"]),
    ]
    for query in queries:
        for limit in (1, 3, 10, None):
            with whoosh_one.searcher() as a, fast_index.searcher() as b:
                expected = [(hit["id"], round(hit.score, 5)) for hit in a.search(query, limit=limit)]
                got = [(hit["id"], round(hit.score, 5)) for hit in b.search(query, limit=limit)]
            assert got == expected, query
