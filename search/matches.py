"""Which documents match a query, as a set of document numbers, without scoring any of them.

Counting the matches through Whoosh's matchers walks every posting in Python, one document at a
time; here each term's postings are read a block at a time and the query's And/Or/Not become
set operations in C. Queries this module does not take apart (phrases, ranges) fall back to
Whoosh's own `Query.docs`, so the set is always the one Whoosh would match.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


def matching_docs(searcher: Any, query: wq.Query, postings: dict[Any, set[int]] | None = None) -> set[int]:
    """The (top-level) document numbers of the live documents `query` matches in `searcher`.

    `postings` keeps each term's documents for the next query over the same searcher.
    """
    found: set[int] = set()
    memo = {} if postings is None else postings
    for leaf, offset in searcher.leaf_searchers():
        docs = _docs(leaf, query, _Live(leaf.reader()), memo)
        found.update(docs if offset == 0 else (docnum + offset for docnum in docs))
    return found


class _Live:
    """The live documents of one segment, computed only if a query needs them (Not, Every)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self._docs: set[int] | None = None

    @property
    def docs(self) -> set[int]:
        if self._docs is None:
            # all_doc_ids skips deleted documents, and an index without segments (an empty
            # corpus) has an EmptyReader, which has no deletion set to subtract.
            self._docs = set(self.reader.all_doc_ids())
        return self._docs


def _docs(searcher: Any, query: wq.Query, live: _Live, memo: dict[Any, set[int]]) -> set[int]:
    kind = type(query)  # exact types: a subclass may match differently (Ordered is an And)
    if kind is wq.Term:
        key = (id(searcher), query.fieldname, query.text)
        if key not in memo:
            memo[key] = _term_docs(searcher, query)
        return memo[key]
    if kind is wq.And or kind is wq.Require:
        sides = sorted((_docs(searcher, q, live, memo) for q in query.subqueries), key=len)
        return sides[0].intersection(*sides[1:]) if sides else set()
    if kind is wq.Or:
        return set().union(*(_docs(searcher, q, live, memo) for q in query.subqueries))
    if kind is wq.AndMaybe:
        return _docs(searcher, query.a, live, memo)
    if kind is wq.Not:
        return live.docs - _docs(searcher, query.query, live, memo)
    if kind is wq.ConstantScoreQuery:
        return _docs(searcher, query.child, live, memo)
    if kind is wq.Every and not query.fieldname:
        return set(live.docs)
    return set(query.docs(searcher))


def _term_docs(searcher: Any, query: wq.Term) -> set[int]:
    # As Term.matcher finds the postings, without a scorer.
    field = searcher.schema[query.fieldname] if query.fieldname in searcher.schema else None
    if field is None:
        return set()
    try:
        text = field.to_bytes(query.text)
    except ValueError:
        return set()
    reader = searcher.reader()
    if (query.fieldname, text) not in reader:
        return set()
    matcher = reader.postings(query.fieldname, text)
    leaf = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if not isinstance(leaf, W3LeafMatcher):
        return set(matcher.all_ids())
    docs: set[int] = set()
    while leaf.is_active():
        leaf.id()  # reads the block's document numbers
        docs.update(leaf._ids[leaf._i:])
        leaf._next_block()
    if leaf is not matcher:  # postings of deleted documents stay until a merge
        docs.difference_update(reader.deleted_docs_set)
    return docs
