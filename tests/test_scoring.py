"""Scores computed from the postings are Whoosh's own scores, for every kind of query a user types."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest
from whoosh.scoring import BM25F

from search import Searcher
from search.query import parse_query
from search.scoring import Postings, QueryScorer
from search.searcher import BM25_B, BM25_K1

from .test_writer import fixture_documents, write

QUERIES = [
    "leerkrachten digitale competenties",  # plurals, three words: the all-words bonus
    "leerkracht",
    "kinderopvang",  # a compound: the word, or its parts anywhere in a field
    "onderwijstop kinderopvang leerkrachten",
    "ideeën",  # diacritics
    "ideeen",
    "Nederlands-Vlaamse samenwerking",  # a hyphenated word: its parts in order, or joined
    "verbeteren.Het",  # a glued sentence
    "700.000 euro",
    '"digitale competenties" leerkrachten',  # a phrase, scored by Whoosh's own matcher
    "+onderwijs leerkrachten",  # required and optional words
    "onderwijs OR zorg",
    "(onderwijs OR zorg) AND leerkrachten",
    "titel:onderwijs",
    "vraag:leerkrachten antwoord:digitale",
    "Weyts",  # a name: the name fields
    "2019",
]
OFFSET_QUERIES = [
    # Whoosh adds 1 to every match for each filter (its constant-score matcher reads a score of 0
    # as "none") and each excluded word; here they add nothing, so the ranking is the same.
    ("onderwijs -trein", 1.0),
    ("onderwijs NOT leerkrachten", 1.0),
    ("thema:onderwijs leerkrachten", 1.0),
    ("leerkrachten datum:2015..2030 -trein", 2.0),
]


def _whoosh_scores(searcher: Searcher, text: str) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher._searcher.search(parse_query(text).query, limit=None)}


def _scores(searcher: Searcher, text: str) -> dict[int, float]:
    return QueryScorer(searcher._searcher, parse_query(text).query, searcher._weighting).scores()


@pytest.mark.parametrize("text", QUERIES)
def test_scores_are_whooshs_for_every_matching_document(searcher: Searcher, text: str) -> None:
    expected = _whoosh_scores(searcher, text)
    got = _scores(searcher, text)
    assert got.keys() == expected.keys()
    assert got == pytest.approx(expected, rel=1e-12)


def test_norms_kept_across_queries_give_the_same_scores(searcher: Searcher) -> None:
    norms: dict = {}
    for text in QUERIES:  # each query after the others have filled `norms`
        QueryScorer(searcher._searcher, parse_query(text).query, searcher._weighting, norms).scores()
    assert norms  # not a test of nothing: the queries' fields are in it
    for text in QUERIES:
        kept = QueryScorer(searcher._searcher, parse_query(text).query, searcher._weighting, norms).scores()
        assert kept == _scores(searcher, text)


def test_every_query_matches_documents(searcher: Searcher) -> None:
    # Not a test of nothing: each query above finds something in the fixtures.
    assert all(_scores(searcher, text) for text in QUERIES)


def test_scores_over_many_blocks_segments_and_deletions_are_whooshs(tmp_path: Path) -> None:
    # Six copies of the fixtures in two commits, two documents deleted: frequent terms span
    # several packed blocks, the first segment is merged into the second.
    documents = fixture_documents()
    half = len(documents) // 2
    index = write(tmp_path / "ix", [documents[:half], documents[half:]], fast=True,
                  deletions=[documents[0].id, documents[half + 1].id])
    with index.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1)) as whoosh_searcher:
        assert whoosh_searcher.reader().has_deletions()
        for text in QUERIES:
            query = parse_query(text).query
            expected = {hit.docnum: hit.score for hit in whoosh_searcher.search(query, limit=None)}
            got = QueryScorer(whoosh_searcher, query, whoosh_searcher.weighting).scores()
            assert got == pytest.approx(expected, rel=1e-12), text


@pytest.mark.parametrize("text, offset", OFFSET_QUERIES)
def test_filters_and_excluded_words_add_nothing_and_keep_whooshs_ranking(
        searcher: Searcher, text: str, offset: float) -> None:
    expected = _whoosh_scores(searcher, text)
    got = _scores(searcher, text)
    assert expected and got.keys() == expected.keys()
    assert got == pytest.approx({docnum: score - offset for docnum, score in expected.items()}, rel=1e-12)


@pytest.mark.parametrize("text", ["leerkrachten digitale competenties", "onderwijs leerkrachten", "Nederlands-Vlaamse samenwerking"])
@pytest.mark.parametrize("limit", [1, 2, 20])
def test_search_ranks_by_these_scores_with_ties_by_index_order(searcher: Searcher, text: str, limit: int) -> None:
    # A small page is filled by the documents with every word, and only they are scored: the
    # page must be the same as when every match is.
    scores = _scores(searcher, text)
    results = searcher.search(text, limit=limit, group=False, highlight=False)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    stored = searcher._searcher.stored_fields
    assert [(hit.id, hit.score) for hit in results.hits] == [(stored(docnum)["id"], score) for docnum, score in ranked]
    assert results.total == len(scores)


def test_postings_find_the_same_documents_by_lookup_as_by_set() -> None:
    postings = Postings(array("I", range(0, 2000, 2)), array("B", [1, 2, 3, 4] * 250))
    few, many = {0, 3, 998, 1998, 1999, 5000}, set(range(0, 3000, 3))  # looked up / set intersection
    for docs in (few, many):
        assert postings.among(docs) == {docnum for docnum in docs if docnum % 2 == 0 and docnum < 2000}
    assert postings.weights_of([3, 998, 2, 1998, 2000]) == [(998, 4), (2, 2), (1998, 4)]
    assert 1998 in postings and 1999 not in postings and "1998" not in postings
    kept = postings.without({2, 4, 5})
    assert list(kept.ids[:3]) == [0, 6, 8] and list(kept.weights[:3]) == [1, 4, 1] and len(kept) == 998
    assert postings.without({1, 3}) is postings
