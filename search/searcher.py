"""Searching an index: `Searcher` runs queries and returns ranked `Hit`s with highlighted passages."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from whoosh import scoring

from indexer import store
from indexer.document import Document
from indexer.errors import DocumentNotFound
from indexer.schema import stored_document

from .highlight import Passage, best_passages
from .query import FIELD_WEIGHTS, parse_query
from .suggest import suggest

MAX_LIMIT = 1000


BM25_B = 0.75
BM25_K1 = 1.2
"""BM25F parameters, measured with benchmarks/field_weights.py (see README)."""


@dataclass(frozen=True)
class Hit:
    """One ranked result: the document's main fields, its score and its best passages."""

    id: str
    score: float
    title: str
    number: str | None
    date: dt.date | None
    questioner: str | None
    minister: str | None
    theme: str | None
    source: str
    passages: tuple[Passage, ...]

    def to_dict(self) -> dict[str, Any]:
        """The hit as in the JSON contract of `vraagbaak search --json`."""
        return {
            "id": self.id,
            "score": round(self.score, 4),
            "title": self.title,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "questioner": self.questioner,
            "minister": self.minister,
            "theme": self.theme,
            "source": self.source,
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(frozen=True)
class Results:
    """One page of results; `total` counts every matching document, not just this page."""

    query: str
    total: int
    page: int
    limit: int
    hits: tuple[Hit, ...]
    suggestion: str | None = None
    """The query with misspelled or unknown words corrected ("Bedoelde u: …?"), if any."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `vraagbaak search --json`."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "suggestion": self.suggestion,
            "hits": [hit.to_dict() for hit in self.hits],
        }


@dataclass(frozen=True)
class IndexStats:
    """What an index holds and how it was built."""

    index_dir: str
    documents: int
    answered: int
    files: int
    sources: tuple[str, ...]
    built_at: str | None
    index_bytes: int
    analysis_version: str
    themes: dict[str, int]
    years: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "index_dir": self.index_dir,
            "documents": self.documents,
            "answered": self.answered,
            "unanswered": self.documents - self.answered,
            "files": self.files,
            "sources": list(self.sources),
            "built_at": self.built_at,
            "index_bytes": self.index_bytes,
            "analysis_version": self.analysis_version,
            "themes": self.themes,
            "years": self.years,
        }


class Searcher:
    """An open index. Use as a context manager, or call `close()`.

    >>> with Searcher("index_data") as searcher:
    ...     results = searcher.search("leerkrachten digitale competenties", limit=5)
    """

    def __init__(
        self,
        index_dir: str | os.PathLike[str] = store.DEFAULT_INDEX_DIR,
        *,
        field_weights: dict[str, float] | None = None,
        bm25_b: float = BM25_B,
        bm25_k1: float = BM25_K1,
    ) -> None:
        """Open the index in `index_dir`. `field_weights` (default FIELD_WEIGHTS) and the BM25
        parameters are for tuning experiments; the defaults are the measured ones."""
        self.index_dir = index_dir
        self.field_weights = dict(field_weights or FIELD_WEIGHTS)
        self._weighting = scoring.BM25F(B=bm25_b, K1=bm25_k1)
        self._generation = store.current_generation(index_dir)
        self._searcher = self._generation.open().searcher(weighting=self._weighting)

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.close()

    def close(self) -> None:
        """Release the index's files."""
        self._searcher.close()

    def refresh(self) -> None:
        """See documents indexed since this searcher was opened (or since the last refresh)."""
        latest = store.current_generation(self.index_dir)
        if latest.path != self._generation.path:
            old = self._searcher
            self._generation = latest
            self._searcher = latest.open().searcher(weighting=self._weighting)
            old.close()
        else:
            self._searcher = self._searcher.refresh()

    @property
    def document_count(self) -> int:
        return self._searcher.doc_count()

    def search(self, query: str, *, limit: int = 10, page: int = 1) -> Results:
        """Run `query` (Vraagbaak's query syntax) and return page `page` of `limit` hits.

        Raises QuerySyntaxError (a VraagbaakError) for a malformed query.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
        if page < 1:
            raise ValueError(f"page must be 1 or more, not {page}")
        parsed = parse_query(query, self.field_weights)
        options: dict[str, Any] = {}
        if not parsed.scored:
            # Only filters: nothing to rank by, so the newest questions come first.
            options = {"sortedby": "date", "reverse": True}
        # Not search_page: it silently turns a page past the end into the last page.
        offset = (page - 1) * limit
        results = self._searcher.search(parsed.query, limit=offset + limit, **options)
        hits = [
            _hit(whoosh_hit.fields(), whoosh_hit.score if parsed.scored else 0.0, parsed.highlight)
            for whoosh_hit in results[offset:offset + limit]
        ]
        return Results(
            query=query, total=len(results), page=page, limit=limit, hits=tuple(hits),
            suggestion=suggest(self._searcher, query),
        )

    def stats(self) -> IndexStats:
        """Counts per theme and per year, and the build's manifest facts."""
        reader = self._searcher.reader()
        live = list(reader.all_doc_ids())
        manifest = self._generation.manifest
        return IndexStats(
            index_dir=str(self.index_dir),
            documents=len(live),
            answered=self._searcher.doc_frequency("answered", True),
            files=len(manifest.get("files", {})),
            sources=tuple(manifest.get("sources", ())),
            built_at=manifest.get("built_at"),
            index_bytes=sum(p.stat().st_size for p in self._generation.path.iterdir() if p.is_file()),
            analysis_version=manifest.get("analysis_version", ""),
            themes=_column_counts(reader, "theme_facet", live),
            years=dict(sorted(_column_counts(reader, "year", live).items())),
        )

    def document(self, doc_id: str) -> Document:
        """The whole document with id `doc_id`; raises DocumentNotFound."""
        stored = self._searcher.document(id=doc_id)
        if stored is None:
            raise DocumentNotFound(f"No document with id '{doc_id}' in the index '{self.index_dir}'.")
        return stored_document(stored)


def _column_counts(reader: Any, column: str, docnums: list[int]) -> dict[Any, int]:
    """How often each value occurs in a sortable column, most frequent first; empty values skipped."""
    values = reader.column_reader(column)
    counts: dict[Any, int] = {}
    for docnum in docnums:
        value = values[docnum]
        if value:
            counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))


def _hit(stored: dict[str, Any], score: float, terms: dict[str, set[str]]) -> Hit:
    document = stored_document(stored)
    passages = best_passages(
        {"title": document.title, "question": document.question, "answer": document.answer}, terms
    )
    return Hit(
        id=document.id,
        score=score,
        title=document.title,
        number=document.number,
        date=document.date,
        questioner=document.questioner,
        minister=document.addressee,
        theme=document.theme,
        source=document.source,
        passages=tuple(passages),
    )
