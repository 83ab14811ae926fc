"""Scoring a query straight from the postings: the BM25F score of every matching document at once.

Whoosh scores one document at a time: for an OR over a few dozen terms (each word in six fields,
plus a compound's parts) every document costs a walk down a tree of matchers in Python, and in a
large index the common parts of compounds match tens of thousands of documents. Here each term's
postings are read a block at a time and scored in one expression, and the query's Or/And/Not
combine the terms' scores as dictionaries. The scores are Whoosh's: the same BM25F formula with the
same statistics, boosts and order of operations (and a compound of one clause ignores its boost,
as in Whoosh) with two exceptions: a filter adds the 0 it is given, where Whoosh's constant-score
matcher reads 0 as "no weight" and adds 1, and an excluded word adds nothing, where Whoosh adds 1.
Both added 1 to every match of a plain query, so rankings stay the same. What this module does not
take apart (phrases, ranges) is matched by `matches` and scored by Whoosh's matchers.
"""

from __future__ import annotations

from typing import Any, Collection

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN as W3_LENGTHS_COLUMN
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from .matches import Live, node_docs, postings_blocks

Scores = dict[int, float]
"""Document number (within one segment) → score."""


def query_scores(searcher: Any, query: wq.Query, weighting: BM25F) -> Scores:
    """The score of every live document `query` matches in `searcher`, by top-level document number."""
    found: Scores = {}
    for leaf, offset in searcher.leaf_searchers():
        scores = _SegmentScorer(searcher, leaf, weighting).node(query)
        reader = leaf.reader()
        if reader.has_deletions():  # postings of deleted documents stay until a merge
            for docnum in reader.deleted_docs_set & scores.keys():
                del scores[docnum]
        found.update(scores if offset == 0 else {docnum + offset: score for docnum, score in scores.items()})
    return found


class _SegmentScorer:
    """Scores of the query's nodes in one segment, each node computed once (the all-words clause
    repeats the query's words)."""

    def __init__(self, top: Any, leaf: Any, weighting: BM25F) -> None:
        self.top, self.leaf, self.weighting = top, leaf, weighting
        self.reader = leaf.reader()
        self.live = Live(self.reader)
        self.memo: dict[int, Scores] = {}
        self.docs_memo: dict[Any, set[int]] = {}

    def node(self, query: wq.Query) -> Scores:
        key = id(query)
        if key not in self.memo:
            self.memo[key] = self._node(query)
        return self.memo[key]

    def _node(self, query: wq.Query) -> Scores:
        kind = type(query)  # exact types: a subclass may score differently (Ordered is an And)
        if kind is wq.Term:
            return self.term(query)
        if kind in (wq.Or, wq.And) and len(query.subqueries) == 1:
            return self.node(query.subqueries[0])  # as Whoosh: without the compound's boost
        if kind is wq.Or and query.subqueries:
            return _boosted(_sum([self.node(q) for q in query.subqueries]), query.boost)
        if kind is wq.And and query.subqueries:
            return _boosted(self.conjunction(query.subqueries), query.boost)
        if kind is wq.AndMaybe:
            scores, extra = self.node(query.a), self.node(query.b)
            return {docnum: score + extra[docnum] if docnum in extra else score for docnum, score in scores.items()}
        if kind is wq.ConstantScoreQuery:
            return dict.fromkeys(self.docs(query.child), query.score)
        return self.fallback(query)

    def conjunction(self, queries: list[wq.Query]) -> Scores:
        """Documents matching every query, with the sum of their scores (an excluded word adds nothing)."""
        excluded = [q.query for q in queries if type(q) is wq.Not]
        sides = [self.node(q) for q in queries if type(q) is not wq.Not]
        if not sides:
            return self.fallback(wq.And(queries))
        common = set(min(sides, key=len))
        for side in sides:
            common.intersection_update(side.keys())
        for query in excluded:
            common.difference_update(self.docs(query))
        if len(sides) == 1:
            scores = sides[0]
            return {docnum: scores[docnum] for docnum in common}
        # Whoosh adds the scores of an intersection's sides pairwise; the order only moves the last bit.
        return {docnum: sum(side[docnum] for side in sides) for docnum in common}

    def docs(self, query: wq.Query) -> Collection[int]:
        """The documents `query` matches: those of nodes already scored, or a set without scoring."""
        if id(query) in self.memo:
            return self.memo[id(query)].keys()
        kind = type(query)
        if kind is wq.And and query.subqueries:  # the all-words clause: And over scored words
            sides = sorted((self.docs(q) for q in query.subqueries), key=len)
            return set(sides[0]).intersection(*sides[1:])
        if kind is wq.Or:
            return set().union(*(self.docs(q) for q in query.subqueries))
        return node_docs(self.leaf, query, self.live, self.docs_memo)

    def term(self, query: wq.Term) -> Scores:
        fieldname = query.fieldname
        schema = self.leaf.schema
        if fieldname not in schema:
            return {}
        field = schema[fieldname]
        try:
            text = field.to_bytes(query.text)
        except ValueError:
            return {}
        if (fieldname, text) not in self.reader:
            return {}
        boost = query.boost
        scores: Scores = {}
        if not field.scorable:  # Whoosh's WeightScorer: the term's weight
            for ids, weights in postings_blocks(self.reader, fieldname, text):
                scores.update(zip(ids, (weight * boost for weight in weights)) if boost != 1.0 else zip(ids, weights))
            return scores
        # BM25F as Whoosh's BM25FScorer computes it: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) +
        # B * length / avgfl))), lengths as stored (one byte each), then times the boost.
        parent = self.top
        idf = parent.idf(fieldname, text)
        avgfl = parent.avg_field_length(fieldname) or 1
        b = self.weighting._field_B.get(fieldname, self.weighting.B)
        k1 = self.weighting.K1
        k1_plus_1 = k1 + 1
        norms = [k1 * ((1 - b) + b * byte_to_length(byte) / avgfl) for byte in range(256)]
        lengths = self._lengths(fieldname)
        for ids, weights in postings_blocks(self.reader, fieldname, text):
            if boost == 1.0:
                block = [idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]])) for docnum, tf in zip(ids, weights)]
            else:
                block = [idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]])) * boost for docnum, tf in zip(ids, weights)]
            scores.update(zip(ids, block))
        return scores

    def _lengths(self, fieldname: str) -> bytes:
        """Each document's length byte in `fieldname` (0 past the column's end), read in one go."""
        return _length_bytes(self.reader, fieldname)

    def fallback(self, query: wq.Query) -> Scores:
        """Whoosh's own scores for the documents `query` matches, jumping from one to the next."""
        docnums = sorted(node_docs(self.leaf, query, self.live, self.docs_memo))
        if not docnums:
            return {}
        matcher = query.matcher(self.leaf, self.top.context())
        scores: Scores = {}
        for docnum in docnums:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                scores[docnum] = matcher.score()
        return scores


def _length_bytes(reader: Any, fieldname: str) -> bytes:
    # Whoosh's W3 codec keeps a field's lengths in a column of one byte per document
    # (`doc_field_length` reads it one document at a time); documents past its end have none.
    doccount = reader.doc_count_all()
    column = reader._perdoc._cached_reader(f"_{fieldname}_len", W3_LENGTHS_COLUMN)
    if column is None:
        return bytes(doccount)
    data = column._dbfile.get(column._basepos, column._count)
    return data + bytes(doccount - len(data)) if len(data) < doccount else data


def _sum(parts: list[Scores]) -> Scores:
    if len(parts) == 1:
        return dict(parts[0])
    parts = [part for part in parts if part]
    if not parts:
        return {}
    total = dict(parts[0])
    for part in parts[1:]:
        get = total.get
        for docnum, score in part.items():
            total[docnum] = get(docnum, 0.0) + score
    return total


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {docnum: score * boost for docnum, score in scores.items()}
