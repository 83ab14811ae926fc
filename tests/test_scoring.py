"""Scores computed from the postings: Whoosh's own scores for every query node Whoosh has, and BM25F
as Robertson et al. define it for a word over the text fields (`CombinedFields`)."""

from __future__ import annotations

import math
from array import array
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq
from whoosh.scoring import BM25F

from search import Searcher
from search.query import parse_query
from search.scoring import CombinedFields, Postings, QueryScorer
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
    "niet-plooibare",  # a hyphenated word led by a stop word, which keeps its place in the order
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


def _fields_apart(query: wq.Query) -> wq.Query:
    """`query` with each word over the text fields (CombinedFields) as Whoosh reads it: the Or of
    its fields' terms, each field scored on its own; and the order a phrase requires (a constant
    score of 0, which Whoosh's matcher counts as 1, as for a filter) with a score too small to
    count, so that Whoosh's scores and these can be compared."""
    if isinstance(query, CombinedFields):
        return wq.Or(list(query.subqueries), boost=query.boost)
    if isinstance(query, wq.ConstantScoreQuery) and query.score == 0.0 and _is_order(query.child):
        return wq.ConstantScoreQuery(query.child, 1e-300)
    return query.apply(_fields_apart)


def _is_order(query: wq.Query) -> bool:
    return isinstance(query, wq.Sequence) or (type(query) is wq.Or and all(_is_order(q) for q in query.subqueries))


def _whoosh_scores(searcher: Searcher, text: str) -> dict[int, float]:
    query = _fields_apart(parse_query(text).query)
    return {hit.docnum: hit.score for hit in searcher._searcher.search(query, limit=None)}


def _scores(searcher: Searcher, text: str) -> dict[int, float]:
    return QueryScorer(searcher._searcher, parse_query(text).query, searcher._weighting).scores()


def _scores_apart(searcher: Searcher, text: str) -> dict[int, float]:
    return QueryScorer(searcher._searcher, _fields_apart(parse_query(text).query), searcher._weighting).scores()


def _words(query: wq.Query) -> list[CombinedFields]:
    """The CombinedFields nodes of `query`."""
    if isinstance(query, CombinedFields):
        return [query]
    return [word for child in query.children() for word in _words(child)]


def _reference_bm25f(whoosh_searcher: Any, word: CombinedFields, k1: float, b: float) -> dict[int, float]:
    """BM25F computed one document at a time from Whoosh's public reader API: per field the term's
    frequency times the field's weight over (1 - b) + b * length / average length, summed, then
    saturated; the idf (Whoosh's formula) of the largest document frequency of its fields."""
    reader = whoosh_searcher.reader()
    frequencies: dict[int, dict[str, float]] = {}
    for term in word.subqueries:
        if (term.fieldname, term.text) not in reader:
            continue
        for docnum, frequency in reader.postings(term.fieldname, term.text).items_as("frequency"):
            if not reader.is_deleted(docnum):
                frequencies.setdefault(docnum, {})[term.fieldname] = frequency
    most = max(reader.doc_frequency(term.fieldname, term.text) for term in word.subqueries)
    idf = math.log(whoosh_searcher.doc_count_all() / (most + 1)) + 1
    weights = {term.fieldname: term.boost for term in word.subqueries}
    scores = {}
    for docnum, by_field in frequencies.items():
        tf = sum(weights[fieldname] * frequency
                 / ((1 - b) + b * reader.doc_field_length(docnum, fieldname) / whoosh_searcher.avg_field_length(fieldname))
                 for fieldname, frequency in by_field.items())
        scores[docnum] = idf * tf * (k1 + 1) / (tf + k1) * word.boost
    return scores


@pytest.mark.parametrize("text", QUERIES)
def test_scores_are_whooshs_for_every_matching_document(searcher: Searcher, text: str) -> None:
    expected = _whoosh_scores(searcher, text)
    got = _scores_apart(searcher, text)
    assert got.keys() == expected.keys()
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", QUERIES)
def test_a_word_over_the_text_fields_scores_bm25f(searcher: Searcher, text: str) -> None:
    words = _words(parse_query(text).query)
    for word in words:
        got = QueryScorer(searcher._searcher, word, searcher._weighting).scores()
        assert got == pytest.approx(_reference_bm25f(searcher._searcher, word, BM25_K1, BM25_B), rel=1e-12), word


@pytest.mark.parametrize("text", ['"digitale competenties"', 'antwoord:"digitale competenties"'])
def test_a_phrase_scores_as_its_words_and_matches_them_in_order(searcher: Searcher, text: str) -> None:
    whoosh_searcher = searcher._searcher
    query = parse_query(text).query
    got = QueryScorer(whoosh_searcher, query, searcher._weighting).scores()
    in_order = {hit.docnum for hit in whoosh_searcher.search(_order(query), limit=None)}
    assert got and got.keys() == in_order
    references = [_reference_bm25f(whoosh_searcher, word, BM25_K1, BM25_B) for word in _words(query)]
    assert len(references) == 2
    assert got == pytest.approx({docnum: sum(ref[docnum] for ref in references) for docnum in got}, rel=1e-12)


def _order(query: wq.Query) -> wq.Query:
    """The order a phrase requires, from its compiled query."""
    found = [q.child for q in query.children() if isinstance(q, wq.ConstantScoreQuery)]
    assert len(found) == 1
    return found[0]


def test_every_query_has_words_scored_over_the_text_fields(searcher: Searcher) -> None:
    # Not a test of nothing: a plain word is a CombinedFields, and many of them find documents.
    scored = [word for text in QUERIES for word in _words(parse_query(text).query)
              if QueryScorer(searcher._searcher, word, searcher._weighting).scores()]
    assert len(scored) >= 10


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
    # Six copies of the fixtures in two commits (two segments), a document deleted from each:
    # frequent terms span several packed blocks.
    documents = fixture_documents()
    half = len(documents) // 2
    index = write(tmp_path / "ix", [documents[:half], documents[half:]], fast=True,
                  deletions=[documents[0].id, documents[half + 1].id])
    with index.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1)) as whoosh_searcher:
        assert whoosh_searcher.reader().has_deletions()
        for text in QUERIES:
            query = _fields_apart(parse_query(text).query)
            expected = {hit.docnum: hit.score for hit in whoosh_searcher.search(query, limit=None)}
            got = QueryScorer(whoosh_searcher, query, whoosh_searcher.weighting).scores()
            assert got == pytest.approx(expected, rel=1e-12), text
            for word in _words(parse_query(text).query):
                got = QueryScorer(whoosh_searcher, word, whoosh_searcher.weighting).scores()
                assert got == pytest.approx(_reference_bm25f(whoosh_searcher, word, BM25_K1, BM25_B), rel=1e-12), text


def test_a_words_score_does_not_depend_on_the_segment_holding_the_document(tmp_path: Path) -> None:
    # The first segment has "fiets" only in an answer, the second only in titles: the answer's
    # document is scored with the idf of the titles' term as well, as in a one-segment index.
    from indexer.document import Document

    def document(number: int, title: str, question: str, answer: str) -> Document:
        return Document(id=f"d{number}", source="test", title=title, question=question, answer=answer)

    first = [document(1, "Verkeer", "Hoeveel ongevallen waren er?", "Er waren ongevallen met een fiets."),
             document(2, "Treinen", "Hoeveel treinen reden er?", "Er reden veel treinen.")]
    second = [document(3, "De fiets", "Hoeveel fietspaden zijn er?", "Er zijn er veel."),
              document(4, "Een fiets", "Waar staan de stallingen?", "Bij de stations."),
              document(5, "Bussen", "Hoeveel bussen reden er?", "Er reden veel bussen.")]
    index = write(tmp_path / "ix", [first, second], fast=True)
    with index.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1)) as whoosh_searcher:
        assert len(whoosh_searcher.leaf_searchers()) == 2
        words = _words(parse_query("fiets").query)
        assert words
        for word in words:
            expected = _reference_bm25f(whoosh_searcher, word, BM25_K1, BM25_B)
            assert len(expected) == 3
            assert QueryScorer(whoosh_searcher, word, whoosh_searcher.weighting).scores() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text, offset", OFFSET_QUERIES)
def test_filters_and_excluded_words_add_nothing_and_keep_whooshs_ranking(
        searcher: Searcher, text: str, offset: float) -> None:
    expected = _whoosh_scores(searcher, text)
    got = _scores_apart(searcher, text)
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
