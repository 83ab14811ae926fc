"""Searching an index: `Searcher` runs queries and returns ranked `Hit`s with highlighted passages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from heapq import nlargest
from pathlib import Path
from typing import Mapping

from whoosh import query as wq
from whoosh import scoring

from indexer import store
from indexer.analysis import EXACT_PREFIX
from indexer.defaults import DEFAULT_INDEX_DIR
from indexer.document import Document
from indexer.errors import DocumentNotFound
from indexer.schema import TEXT_FIELDS, question_key, stored_document

from .columns import NO_DATE, Columns
from .options import MAX_LIMIT, SORT_ORDERS, SortOrder
from .scoring import QueryScorer
from .filters import Filters
from .query import FIELD_WEIGHTS, ParsedQuery, parse_query
from .results import Hit, IndexStats, Marking, Results, hit_from_stored
from .suggest import suggest

BM25_B = 0.75
BM25_K1 = 3.6
"""BM25F parameters. K1 saturates a word's weighted frequency over the text fields: with the
question at weight 3, 3.6 saturates a question's words as 1.2 (BM25's usual value) saturates a
single field's. On the relevance benchmark any K1 from 0.9 to 5 ranks within 0.004 nDCG@10 of
it (benchmarks/relevance/RESULTS.md)."""


class Searcher:
    """An open index. Use as a context manager, or call `close()`.

    >>> with Searcher("index_data") as searcher:
    ...     results = searcher.search("leerkrachten digitale competenties", limit=5)
    """

    def __init__(
        self,
        index_dir: str | os.PathLike[str] = DEFAULT_INDEX_DIR,
        *,
        field_weights: dict[str, float] | None = None,
        bm25_b: float = BM25_B,
        bm25_k1: float = BM25_K1,
        preload: bool = True,
    ) -> None:
        """Open the index in `index_dir`. `field_weights` (default FIELD_WEIGHTS) and the BM25
        parameters are for tuning experiments; the defaults are the measured ones. `preload=False`
        opens much faster but queries a little slower: for a process that runs one query."""
        self.index_dir = index_dir
        self.field_weights = dict(field_weights or FIELD_WEIGHTS)
        self._weighting = scoring.BM25F(B=bm25_b, K1=bm25_k1)
        self._preload = preload
        self._generation = store.current_generation(index_dir)
        self._searcher = self._generation.searcher(preload, weighting=self._weighting)
        self._columns = Columns(self._searcher)

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the index's files."""
        self._searcher.close()

    def refresh(self) -> None:
        """See documents indexed since this searcher was opened (or since the last refresh)."""
        latest = store.current_generation(self.index_dir)
        if latest.path == self._generation.path:
            return  # a published generation never changes: every build writes a new one
        old = self._searcher
        self._generation = latest
        self._searcher = latest.searcher(self._preload, weighting=self._weighting)
        self._columns = Columns(self._searcher)
        old.close()

    @property
    def document_count(self) -> int:
        return self._searcher.doc_count()

    def search(
        self,
        query: str = "",
        *,
        limit: int = 10,
        page: int = 1,
        sort: SortOrder = "relevance",
        facets: bool = False,
        group: bool = True,
        highlight: bool = True,
        theme: str | None = None,
        minister: str | None = None,
        questioner: str | None = None,
        date_from: str | dt.date | None = None,
        date_to: str | dt.date | None = None,
        answered: bool | None = None,
        strict: bool = False,
    ) -> Results:
        """Run `query` (Vraagbaak's query syntax) and return page `page` of `limit` hits.

        `sort` is "relevance" (a query of filters only lists the newest first), "date" (oldest
        first) or "-date" (newest first). `facets` adds counts per theme, minister, questioner and
        year over all matches, in the unit the hits are (questions when grouped). The options never
        change which documents match, their order or scores. `group` shows a question sent to several ministers once,
        with the others in `Hit.also_asked`. `highlight=False` leaves out the passages (faster, for
        callers that show none). The filters are equivalent to the query syntax (see `Filters`).
        Hits sorted by date have score 0. Unmatched brackets and quotes are read as plain
        characters (`Results.notice` says so); `strict=True` makes them errors. Raises
        QuerySyntaxError (a VraagbaakError) for a malformed query, ValueError for a limit, page or
        sort out of range.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
        if page < 1:
            raise ValueError(f"page must be 1 or more, not {page}")
        if sort not in SORT_ORDERS:
            raise ValueError(f"sort must be one of {', '.join(SORT_ORDERS)}, not {sort!r}")
        parsed, scorer, matches = self._matching(query, Filters(theme, minister, questioner, date_from, date_to, answered), strict)
        offset = (page - 1) * limit
        # One path whatever the options: the matches as a set, then the page from it (by score or
        # by date) and the facet counts from the same set, so options never change hits or scores.
        top, total, sort = self._ordered(parsed, scorer, matches, sort, offset + limit, group)
        marking = self._marking(parsed) if highlight and top[offset:offset + limit] else None
        hits = [self._hit(docnum, score, marking, group) for docnum, score in top[offset:offset + limit]]
        return Results(
            query=query, total=total, page=page, limit=limit, hits=tuple(hits), sort=sort,
            suggestion=self._suggestion(query, parsed, scorer), notice=parsed.notice,
            facets=self._columns.facets(matches, group) if facets else None,
        )

    def _matching(self, query: str, filters: Filters, strict: bool = False) -> tuple[ParsedQuery, QueryScorer, set[int]]:
        """The parsed query, its scorer and the set of documents it and `filters` match: what every
        view of a query (a page, a timeline, an export) is built from."""
        filter_queries = filters.queries(self._is_facet_value)
        if query.strip() or not filter_queries:
            parsed = parse_query(query, self.field_weights, strict=strict, is_facet_value=self._is_facet_value)
        else:
            parsed = ParsedQuery(wq.Every(), scored=False)
        whoosh_query = parsed.query
        if filter_queries:
            whoosh_query = wq.And([parsed.query] + [wq.ConstantScoreQuery(f, 0.0) for f in filter_queries])
        scorer = self._query_scorer(whoosh_query)
        return parsed, scorer, scorer.docs()

    def _query_scorer(self, query: wq.Query) -> QueryScorer:
        """The matches and scores of `query`, the one way this searcher ranks."""
        return QueryScorer(self._searcher, query, self._weighting, self._columns.cached("norms", dict))

    def _ordered(self, parsed: ParsedQuery, scorer: QueryScorer, matches: set[int], sort: SortOrder,
                 count: int | None, group: bool) -> tuple[list[tuple[int, float]], int, SortOrder]:
        """The first `count` (None: all) of `matches` in `sort` order, as (docnum, score): by
        score, or by date with score 0; with how many matches there are in the unit shown
        (questions when grouped) and the order used (a query that ranks nothing: newest first)."""
        if sort == "relevance" and not parsed.scored:
            sort = "-date"  # nothing to rank by: the newest questions first
        total = self._columns.distinct_questions(matches) if group else len(matches)
        count = total if count is None else count
        copies = len(matches) / max(total, 1)  # documents per question: how many to rank for a page
        if sort == "relevance":
            return self._ranked(scorer, matches, parsed.all_words, count, group, copies), total, sort
        return self._by_date(matches, count, group, copies, newest_first=sort == "-date"), total, sort

    def _ranked(self, scorer: QueryScorer, matches: set[int], all_words: wq.Query | None, count: int,
                group: bool, copies: float) -> list[tuple[int, float]]:
        """The best `count` of `matches` (the scorer's matches; `copies` documents per question on
        average) as (docnum, score), best first: the best copy of each question when grouped."""
        if not matches:  # also what an index of an empty corpus, without any column, gives
            return []
        among = None
        if all_words is not None:
            # Documents with every word outrank all others by ALL_WORDS_BONUS: when they fill the
            # page, only they need a score.
            complete = scorer.docs(all_words) & matches
            if (self._columns.distinct_questions(complete) if group else len(complete)) >= count:
                among = complete
        return self._best(scorer.scores(among), count, group, copies)

    def _by_date(self, matches: set[int], count: int, group: bool, copies: float, newest_first: bool
                 ) -> list[tuple[int, float]]:
        """The first `count` of `matches` by date (newest first with `newest_first`), with score 0:
        equal dates in the index's order, or its reverse for newest first, so that one order is
        the other reversed; documents without a date come last either way, in the index's order."""
        if not matches:
            return []
        dates = self._columns.dates()
        span = len(dates)
        # As unique integer scores for `_best`, which takes the highest first; undated ones below 0.
        if newest_first:
            order = {docnum: dates[docnum] * span + docnum for docnum in matches}
        else:
            order = {docnum: (NO_DATE - dates[docnum]) * span + span - 1 - docnum for docnum in matches}
        for docnum in matches:
            if dates[docnum] == NO_DATE:
                order[docnum] = -1 - docnum
        return [(docnum, 0.0) for docnum, _ in self._best(order, count, group, copies)]

    def _suggestion(self, query: str, parsed: ParsedQuery, scorer: QueryScorer) -> str | None:
        if not query.strip():
            return None
        # A word counts as known when it finds documents (a ranked search has read its postings).
        return suggest(self._searcher, query,
                       lambda word: any(scorer.docs(found_by) for found_by in parsed.words.get(word, ())))

    def _best(self, scores: Mapping[int, float], count: int, group: bool, copies: float = 1.0) -> list[tuple[int, float]]:
        """The `count` best, ties by docnum; when grouped, only the first best copy of a question
        (`copies`: how many documents a question has on average, a first guess of how many to take)."""
        if not scores:
            return []
        keys = self._columns.question_keys() if group else None
        wanted = count if keys is None else min(len(scores), math.ceil(count * copies))
        while True:
            # Every document scoring at least the `wanted`-th best score, in order: enough to pick
            # `count` distinct questions unless the copies of a few crowd out the others.
            cutoff = nlargest(wanted, scores.values())[-1]
            ranked = [(docnum, -negative) for negative, docnum in
                      sorted((-score, docnum) for docnum, score in scores.items() if score >= cutoff)]
            if keys is None:
                return ranked[:count]
            best, seen = [], set()
            for docnum, score in ranked:
                key = keys[docnum] or -1 - docnum  # as Whoosh collapses: never without a key
                if key not in seen:
                    seen.add(key)
                    best.append((docnum, score))
                    if len(best) == count:
                        return best
            if len(ranked) == len(scores):
                return best
            wanted = min(len(scores), wanted * 4)

    def _marking(self, parsed: ParsedQuery) -> Marking:
        """What the passages of a query's hits mark, each term weighted by its kind (see
        `ParsedQuery.term_weights`) times its rarity in the texts, so decisive words choose; a
        phrase's words by the rarity of their exact forms, so "van de minister" weighs little."""
        count = max(self._searcher.doc_count_all(), 1)

        def rarity(term: str) -> float:
            frequency = sum(self._searcher.doc_frequency(field, term) for field in TEXT_FIELDS)
            return math.log(count / (frequency + 1)) + 1

        weights = {term: weight * rarity(term) for term, weight in parsed.term_weights.items()}
        for phrase in (phrase for phrases in parsed.phrases.values() for phrase in phrases):
            weights.update((EXACT_PREFIX + word, rarity(EXACT_PREFIX + word)) for word in phrase)
        return Marking(parsed.highlight, weights, parsed.phrases)

    def _hit(self, docnum: int, score: float, marking: Marking | None, group: bool) -> Hit:
        hit = hit_from_stored(self._searcher.stored_fields(docnum), score, marking)
        if not group:
            return hit
        copies = self._columns.copies(self._columns.question_keys()[docnum])
        if len(copies) < 2:
            return hit
        return dataclasses.replace(hit, also_asked=self._columns.same_question(copies, hit.id))

    def _is_facet_value(self, field: str, value: str) -> bool:
        return self._searcher.doc_frequency(f"{field}_facet", value) > 0

    def similar(self, doc_id: str, *, limit: int = 10) -> Results:
        """The documents most like `doc_id` (more-like-this on its significant terms), best first.

        The document itself and identical copies of its question are left out; each hit's
        `shared_terms` says what it has in common. `Results.query` holds `doc_id`.
        Raises DocumentNotFound.
        """
        from .similar import key_terms, similar_query  # only `vraagbaak similar` and the web app need it

        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
        document = self.document(doc_id)
        terms = key_terms(self._searcher.reader(), document)
        if not terms:
            return Results(query=doc_id, total=0, page=1, limit=limit, hits=())
        same = [wq.Term("id", doc_id), wq.Term("question_key", question_key(document))]
        # Ranked as a search is, by the scorer: the best copy of each question, never the document's own.
        scorer = self._query_scorer(wq.And([similar_query(terms, self.field_weights), wq.Not(wq.Or(same))]))
        holders = {key.term: set().union(*(scorer.docs(wq.Term(field, key.term)) for field in TEXT_FIELDS))
                   for key in terms}
        hits = []
        for docnum, score in self._best(scorer.scores(), limit, group=True):
            shared = [key for key in terms if docnum in holders[key.term]]
            marking = Marking({field: {key.term for key in shared} for field in TEXT_FIELDS})
            hit = self._hit(docnum, score, marking, group=True)  # its copies in `also_asked`, as in search
            hits.append(dataclasses.replace(hit, shared_terms=tuple(key.word for key in shared)))
        # Counting every match would cost more than finding the best: the total is what is shown.
        return Results(query=doc_id, total=len(hits), page=1, limit=limit, hits=tuple(hits))

    def stats(self) -> IndexStats:
        """Counts per theme and per year, and the build's manifest facts."""
        reader = self._searcher.reader()
        live = list(reader.all_doc_ids())
        manifest = self._generation.manifest
        return IndexStats(
            index_dir=str(self.index_dir),
            documents=len(live),
            answered=len(self._query_scorer(wq.Term("answered", True)).docs()),
            files=len(manifest.get("files", {})),
            sources=tuple(manifest.get("sources", ())),
            built_at=manifest.get("built_at"),
            index_bytes=sum(p.stat().st_size for p in self._generation.path.iterdir() if p.is_file()),
            analysis_version=manifest.get("analysis_version", ""),
            themes=self._columns.value_counts("theme_facet", live),
            years=dict(sorted(self._columns.value_counts("year", live).items())),
        )

    def pdf_file(self, doc_id: str) -> Path:
        """The PDF the document `doc_id` was indexed from, where the build found it (relative to
        the folder the build ran in, when its source was given so). Raises DocumentNotFound when
        the document did not come from a PDF or the file is no longer there."""
        from indexer.sourcepass import key_path  # only the web page's PDF links need it

        for key, entry in self._generation.manifest.get("files", {}).items():
            if doc_id in entry["ids"]:  # the first file listing an id is the one it was indexed from
                path = key_path(key)
                if path.suffix.lower() == ".pdf" and path.is_file():
                    return path
                break
        raise DocumentNotFound(f"No PDF for document '{doc_id}' in the index.")

    def document(self, doc_id: str) -> Document:
        """The whole document with id `doc_id`; raises DocumentNotFound."""
        stored = self._searcher.document(id=doc_id)
        if stored is None:
            # Not the index's folder: the message reaches web visitors, who must not see server paths.
            raise DocumentNotFound(f"No document with id '{doc_id}' in the index.")
        return stored_document(stored)
