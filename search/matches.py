"""Which documents match a query, as a set of document numbers, without scoring any of them.

Counting the matches through Whoosh's matchers walks every posting in Python, one document at a
time; here each term's postings are read a block at a time and the query's And/Or/Not become
set operations in C. Queries this module does not take apart (phrases, ranges) fall back to
Whoosh's own `Query.docs`, so the set is always the one Whoosh would match.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher


def matching_docs(searcher: Any, query: wq.Query, postings: dict[Any, set[int]] | None = None) -> set[int]:
    """The (top-level) document numbers of the live documents `query` matches in `searcher`.

    `postings` keeps each term's documents for the next query over the same searcher.
    """
    found: set[int] = set()
    memo = {} if postings is None else postings
    for leaf, offset in searcher.leaf_searchers():
        docs = node_docs(leaf, query, Live(leaf.reader()), memo)
        found.update(docs if offset == 0 else (docnum + offset for docnum in docs))
    return found


class Live:
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


def node_docs(searcher: Any, query: wq.Query, live: Live, memo: dict[Any, set[int]]) -> set[int]:
    kind = type(query)  # exact types: a subclass may match differently (Ordered is an And)
    if kind is wq.Term:
        key = (id(searcher), query.fieldname, query.text)
        if key not in memo:
            memo[key] = _term_docs(searcher, query)
        return memo[key]
    if kind is wq.And or kind is wq.Require:
        sides = sorted((node_docs(searcher, q, live, memo) for q in query.subqueries), key=len)
        return sides[0].intersection(*sides[1:]) if sides else set()
    if kind is wq.Or:
        return set().union(*(node_docs(searcher, q, live, memo) for q in query.subqueries))
    if kind is wq.AndMaybe:
        return node_docs(searcher, query.a, live, memo)
    if kind is wq.Not:
        return live.docs - node_docs(searcher, query.query, live, memo)
    if kind is wq.ConstantScoreQuery:
        return node_docs(searcher, query.child, live, memo)
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
    docs: set[int] = set()
    for ids, _ in postings_blocks(reader, query.fieldname, text, weights=False):
        docs.update(ids)
    if reader.has_deletions():  # postings of deleted documents stay until a merge
        docs.difference_update(reader.deleted_docs_set)
    return docs


def postings_blocks(reader: Any, fieldname: str, text: bytes, weights: bool = True) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings in one segment, a block at a time: (document numbers, weights), deleted
    documents included. With `weights=False` the weights are left unread (an empty sequence)."""
    matcher = reader.postings(fieldname, text)
    leaf = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if isinstance(leaf, W3LeafMatcher):
        while leaf.is_active():
            leaf._read_ids()
            if weights:
                leaf._read_weights()
            yield leaf._ids, leaf._weights if weights else ()
            leaf._next_block()
    elif isinstance(leaf, ListMatcher):  # postings inlined in the term index
        ids = leaf._ids
        if not weights:
            yield ids, ()
        else:  # as ListMatcher.weight reads them
            yield ids, [leaf._all_weights] * len(ids) if leaf._all_weights else leaf._weights or [1.0] * len(ids)
    else:
        ids, found = [], []
        while leaf.is_active():
            ids.append(leaf.id())
            if weights:
                found.append(leaf.weight())
            leaf.next()
        yield ids, found
