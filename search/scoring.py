"""Scoring a query straight from the postings: its matches as sets, then BM25F scores for the ones asked for.

Whoosh scores one document at a time: for an OR over a few dozen terms (each word in six fields,
plus a compound's parts) every document costs a walk down a tree of matchers in Python, and in a
large index the common parts of compounds ("open", "dag") match tens of thousands of documents.
Here each term's postings are read whole into two arrays (documents in order, weights); the
query's And/Or/Not become set operations on those, so the matches (and a compound's parts found
together) are known before anything is scored, and counting them walks no matcher. A common part
is only looked up (binary search) for the few documents holding the compound's rarer parts. Then
only the documents that can matter are scored, term by term, and the sums combined as
dictionaries. The scores are Whoosh's: the same
BM25F formula with the same statistics, boosts and order of operations (and a compound of one
clause ignores its boost, as in Whoosh) with two exceptions: a filter adds the 0 it is given, where
Whoosh's constant-score matcher reads 0 as "no weight" and adds 1, and an excluded word adds
nothing, where Whoosh adds 1. Both added 1 to every match of a plain query, so rankings stay the
same. What this module does not take apart (a phrase's order, ranges) is matched by Whoosh's
`Query.docs`, and scored, where it is, by Whoosh's matchers, so the matches are always the ones
Whoosh would find.

One query node is Vraagbaak's own: `CombinedFields`, a word searched in several fields and scored
as one term of the whole document (BM25F as Robertson et al. define it), which Whoosh's matchers
read as the Or of its fields' terms (the same matches, scored field by field).
"""

from __future__ import annotations

import builtins  # Postings.set, a property, hides the built-in in the class body's annotations
from array import array
from bisect import bisect_left
from collections import abc
from typing import Any, Collection, Iterable, Iterator

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from indexer._whoosh.reading import bm25_b, field_length_bytes, term_postings

Scores = dict[int, float]
"""Document number → score."""


class CombinedFields(wq.Or):
    """One word in several fields, scored as one term of the document (BM25F): its frequency in
    each field, times the field's weight (the term's boost) and normalised by the field's length,
    summed before saturation, then times the word's idf in the field where it is in the most
    documents.

    Summing each field's own BM25 instead saturates per field, so a word named once in passing in
    a heavily weighted field outweighs a document that is about it in a longer, lighter field.
    Whoosh's own matchers read this node as the Or of its terms: the same matches. (Whoosh's
    `Or.normalize` would merge it into an enclosing Or as plain terms: queries holding it are
    never normalised.)"""

    def __init__(self, terms: list[wq.Term], boost: float = 1.0) -> None:
        super().__init__(terms, boost=boost)

    def __repr__(self) -> str:
        return f"CombinedFields({self.subqueries!r}, boost={self.boost!r})"


class QueryScorer:
    """A query's matches and their scores in an open Whoosh searcher, by top-level document number.
    Each term's postings are read once, however often the query names it."""

    def __init__(self, searcher: Any, query: wq.Query, weighting: BM25F, norms: dict[Any, Any] | None = None) -> None:
        """`norms`: a dictionary kept for as long as `searcher` and `weighting` are used, to
        compute each field's length normalisation once, not once per query."""
        self.query = query
        norms = {} if norms is None else norms
        self.segments = [(_SegmentScorer(searcher, leaf, weighting, norms.setdefault(number, {})), offset,
                          leaf.doc_count_all())
                         for number, (leaf, offset) in enumerate(searcher.leaf_searchers())]

    def docs(self, query: wq.Query | None = None) -> set[int]:
        """The live documents the query (or a part of it) matches, unscored."""
        found: set[int] = set()
        for segment, offset, _ in self.segments:
            docs = segment.docs(self.query if query is None else query)
            found.update(docs if offset == 0 else (docnum + offset for docnum in docs))
        return found

    def scores(self, among: set[int] | None = None) -> Scores:
        """The score of every match, or of the matches among `among` only."""
        found: Scores = {}
        for segment, offset, count in self.segments:
            local = among if among is None or offset == 0 else \
                {docnum - offset for docnum in among if offset <= docnum < offset + count}
            scores = segment.scores(self.query, local)
            found.update(scores if offset == 0 else {docnum + offset: score for docnum, score in scores.items()})
        return found


class _SegmentScorer:
    """Matches and scores in one segment, by its own document numbers."""

    def __init__(self, top: Any, leaf: Any, weighting: BM25F, norms: dict[str, tuple[bytes, list[float]]]) -> None:
        self.top, self.leaf, self.weighting = top, leaf, weighting
        self.reader = leaf.reader()
        # By the query object's id, with the object kept: a query freed and another made at its
        # address must not find the first one's documents.
        self.docs_memo: dict[int, tuple[wq.Query, Collection[int]]] = {}
        self.postings_memo: dict[tuple[str, Any], Postings] = {}
        self.norms = norms
        self._live: set[int] | None = None

    @property
    def live(self) -> set[int]:
        """The segment's live documents, computed only if a query needs them (Not, Every)."""
        if self._live is None:
            # all_doc_ids skips deleted documents, and an index without segments (an empty
            # corpus) has an EmptyReader, which has no deletion set to subtract.
            self._live = set(self.reader.all_doc_ids())
        return self._live

    def postings(self, term: wq.Term) -> "Postings":
        """The live documents holding `term`, with its weight in each."""
        key = (term.fieldname, term.text)
        if key not in self.postings_memo:
            text = self._term_bytes(term)
            self.postings_memo[key] = _no_postings() if text is None else live_postings(self.reader, term.fieldname, text)
        return self.postings_memo[key]

    def _term_bytes(self, term: wq.Term) -> bytes | None:
        # As Term.matcher finds the postings: None when the field is not in the index or the
        # text is not a value of it.
        schema = self.leaf.schema
        if term.fieldname not in schema:
            return None
        try:
            return schema[term.fieldname].to_bytes(term.text)
        except ValueError:
            return None

    def docs(self, query: wq.Query) -> Collection[int]:
        found = self.docs_memo.get(id(query))
        if found is None or found[0] is not query:
            found = self.docs_memo[id(query)] = (query, self._docs(query))
        return found[1]

    def _docs(self, query: wq.Query) -> Collection[int]:
        kind = type(query)  # exact types: a subclass may match differently (Ordered is an And)
        if kind is wq.Term:
            return self.postings(query)
        if (kind is wq.And or kind is wq.Require) and query.subqueries:
            return self._conjunction(query.subqueries)
        if kind is wq.Or or kind is CombinedFields:
            return set().union(*(self.docs(q) for q in query.subqueries))
        if kind is wq.AndMaybe:
            return self.docs(query.a)
        if kind is wq.Not:
            return self.live - set(self.docs(query.query))
        if kind is wq.ConstantScoreQuery:
            return self.docs(query.child)
        if kind is wq.Every and not query.fieldname:
            return self.live
        return set(query.docs(self.leaf))

    def _conjunction(self, queries: list[wq.Query]) -> Collection[int]:
        # An excluded word's documents are taken away, rather than intersecting with the (large)
        # set of every document without it.
        sides = sorted((self.docs(q) for q in queries if type(q) is not wq.Not), key=len)
        common = set(sides[0]) if sides else set(self.live)
        for side in sides[1:]:
            if not common:
                break
            # A compound's common part ("dienst", "plaats") is looked up for the few documents
            # with its rare parts, not turned into a set of its own.
            common = side.among(common) if isinstance(side, Postings) else common.intersection(side)
        for query in queries:
            if type(query) is wq.Not:
                common.difference_update(self.docs(query.query))
        return common

    def scores(self, query: wq.Query, among: Collection[int] | None) -> Scores:
        """The scores of the documents `query` matches (among `among`, when given)."""
        kind = type(query)
        if kind is wq.Term:
            return self.term_scores(query, among)
        if kind is CombinedFields:
            return self.combined_scores(query, among)
        if kind in (wq.Or, wq.And) and len(query.subqueries) == 1:
            return self.scores(query.subqueries[0], among)  # as Whoosh: without the compound's boost
        if kind is wq.Or and query.subqueries:
            return _boosted(_sum([self.scores(q, among) for q in query.subqueries]), query.boost)
        if kind is wq.And and query.subqueries:
            # The documents with every side first (sets), then only those scored.
            common = _restricted(self.docs(query), among)
            sides = [self.scores(q, common) for q in query.subqueries if type(q) is not wq.Not]
            if not sides:
                return dict.fromkeys(common, 0.0)
            if len(sides) == 1:
                return _boosted(sides[0], query.boost)
            # Whoosh adds an intersection's sides pairwise; the order only moves the last bit. One
            # side at a time, not sum(): the same floats on every Python (3.12's sum() compensates).
            total = sides[0]
            for side in sides[1:]:
                total = {docnum: score + side[docnum] for docnum, score in total.items()}
            return _boosted(total, query.boost)
        if kind is wq.AndMaybe:
            scores = self.scores(query.a, among)
            extra = self.scores(query.b, scores.keys())
            return {docnum: score + extra[docnum] if docnum in extra else score for docnum, score in scores.items()}
        if kind is wq.ConstantScoreQuery:
            return dict.fromkeys(_restricted(self.docs(query.child), among), query.score)
        return self.fallback(query, among)

    def term_scores(self, term: wq.Term, among: Collection[int] | None) -> Scores:
        postings = self.postings(term)
        items = _weights(postings, among)
        boost = float(term.boost)  # a whole-number boost and weight would give an int score
        field = self.leaf.schema[term.fieldname] if postings else None
        if field is None or not field.scorable:  # Whoosh's WeightScorer: the term's weight
            return {docnum: weight * boost for docnum, weight in items}
        # BM25F as Whoosh's BM25FScorer computes it: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) +
        # B * length / avgfl))), lengths as stored (one byte each), then times the boost.
        idf = self.top.idf(term.fieldname, field.to_bytes(term.text))
        k1_plus_1 = self.weighting.K1 + 1
        lengths, norms = self._norms(term.fieldname)
        if boost == 1.0:
            return {docnum: idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]])) for docnum, tf in items}
        return {docnum: idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]])) * boost for docnum, tf in items}

    def combined_scores(self, word: CombinedFields, among: Collection[int] | None) -> Scores:
        """BM25F: idf * (tf * (K1 + 1)) / (tf + K1), where tf sums the word's frequency in each
        field times the field's weight, divided by (1 - B) + B * length / average length."""
        k1 = self.weighting.K1
        frequencies: Scores = {}
        idfs = []
        for term in word.subqueries:
            text = self._term_bytes(term)
            if text is None:
                continue
            # Every field's, whether or not this segment holds the term: the whole index's
            # statistics, so that a document's score does not depend on its segment.
            idfs.append(self.top.idf(term.fieldname, text))
            postings = self.postings(term)
            if not postings:
                continue
            lengths, norms = self._norms(term.fieldname)  # K1 times the divisor above
            weight = float(term.boost) * k1
            field = {docnum: tf * weight / norms[lengths[docnum]] for docnum, tf in _weights(postings, among)}
            frequencies = _sum([frequencies, field]) if frequencies else field
        if not frequencies:
            return {}
        # The idf of the field where the word is in the most documents (as Lucene's
        # CombinedFieldQuery takes the largest document frequency): read from each term's
        # statistics, where counting the documents that hold it in any field would need every
        # posting of a common word.
        scale = min(idfs) * (k1 + 1) * float(word.boost)
        return {docnum: scale * tf / (tf + k1) for docnum, tf in frequencies.items()}

    def _norms(self, fieldname: str) -> tuple[bytes, list[float]]:
        """Each document's length byte in `fieldname` (read in one go), and for each length byte
        BM25's K1 * ((1 - B) + B * length / average length)."""
        if fieldname not in self.norms:
            avgfl = self.top.avg_field_length(fieldname) or 1
            b = bm25_b(self.weighting, fieldname)
            k1 = self.weighting.K1
            norms = [k1 * ((1 - b) + b * byte_to_length(byte) / avgfl) for byte in range(256)]
            lengths = field_length_bytes(self.reader, fieldname)
            self.norms[fieldname] = (lengths, norms)
        return self.norms[fieldname]

    def fallback(self, query: wq.Query, among: Collection[int] | None) -> Scores:
        """Whoosh's own scores for the documents `query` matches, jumping from one to the next."""
        docnums = sorted(_restricted(self.docs(query), among))
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


_LOOKUP_COST = 8
"""Looking a document up in a term's postings (a binary search) costs about as much as walking
this many of its postings."""


class Postings(abc.Collection[int]):
    """A term's documents in one segment, in order, with its weight in each: arrays as read, a set
    of the documents made only when one is needed (most of a common word's are never looked at)."""

    __slots__ = ("ids", "weights", "_set")

    def __init__(self, ids: array[int], weights: array[Any]) -> None:
        self.ids, self.weights = ids, weights
        self._set: set[int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __contains__(self, docnum: object) -> bool:
        if self._set is not None or not isinstance(docnum, int):
            return docnum in self.set
        i = bisect_left(self.ids, docnum)
        return i < len(self.ids) and self.ids[i] == docnum

    @property
    def set(self) -> set[int]:
        if self._set is None:
            self._set = set(self.ids)
        return self._set

    def among(self, docs: builtins.set[int]) -> builtins.set[int]:
        """The documents of `docs` that hold the term."""
        if self._set is None and len(docs) * _LOOKUP_COST < len(self.ids):
            return {docnum for docnum in docs if docnum in self}
        return docs & self.set

    def weights_of(self, docs: Iterable[int]) -> list[tuple[int, float]]:
        """(document, weight) for the documents of `docs` that hold the term."""
        ids, weights, found = self.ids, self.weights, []
        end = len(ids)
        for docnum in docs:
            i = bisect_left(ids, docnum)
            if i < end and ids[i] == docnum:
                found.append((docnum, weights[i]))
        return found

    def without(self, deleted: builtins.set[int] | frozenset[int]) -> "Postings":
        """These postings without the documents in `deleted`."""
        if deleted.isdisjoint(self.ids):  # a scan in C: most terms hold no deleted document
            return self
        kept = [i for i, docnum in enumerate(self.ids) if docnum not in deleted]
        return Postings(array("I", [self.ids[i] for i in kept]),
                        array(self.weights.typecode, [self.weights[i] for i in kept]))


def _weights(postings: Postings, among: Collection[int] | None) -> Iterable[tuple[int, float]]:
    """(document, weight) for the documents of `postings` (among `among`, when given)."""
    if among is None:
        return zip(postings.ids, postings.weights)
    if len(among) * _LOOKUP_COST < len(postings):
        return postings.weights_of(among)
    return [(docnum, weight) for docnum, weight in zip(postings.ids, postings.weights) if docnum in among]


def _no_postings() -> Postings:
    return Postings(array("I"), array("B"))


def live_postings(reader: Any, fieldname: str, text: bytes) -> Postings:
    """A term's postings in one segment (`reader`), without its deleted documents; none when the
    segment does not hold the term."""
    try:  # looked up once, not once to test and once to read
        found = Postings(*term_postings(reader, fieldname, text))
    except TermNotFound:
        return _no_postings()
    if reader.has_deletions():  # postings of deleted documents stay until a merge
        found = found.without(reader.deleted_docs_set)
    return found


def _restricted(docs: Collection[int], among: Collection[int] | None) -> Collection[int]:
    """The documents of `docs` also in `among` (all of `docs` when `among` is None)."""
    if among is None:
        return docs
    if isinstance(docs, Postings):
        return docs.among(among if isinstance(among, set) else set(among))
    if isinstance(docs, set) and isinstance(among, set):
        return docs & among
    small, large = (among, docs) if len(among) < len(docs) else (docs, among)
    return {docnum for docnum in small if docnum in large}


def _sum(parts: list[Scores]) -> Scores:
    if len(parts) == 1:
        return dict(parts[0])
    parts = [part for part in parts if part]
    if not parts:
        return {}
    total = dict(parts[0])
    for part in parts[1:]:
        # Only the documents in both are added one by one; the others are copied at C speed.
        both = {docnum: total[docnum] + part[docnum] for docnum in total.keys() & part.keys()}
        total.update(part)
        total.update(both)
    return total


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {docnum: score * boost for docnum, score in scores.items()}
