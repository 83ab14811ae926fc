"""The results a search gives: `Hit`, `Results`, `IndexStats`, and how a hit is made from an index's stored fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from indexer.document import Document
from indexer.pages import PAGES_KEY, page_at
from indexer.schema import stored_document
from indexer.structure import pair_parts

from .highlight import Passage, best_passages


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
    also_asked: tuple[tuple[str, str | None], ...] = ()
    """The same question sent to other ministers: (id, minister) pairs (when results are grouped)."""
    shared_terms: tuple[str, ...] | None = None
    """For `Searcher.similar`: the key words this hit shares with the document it is like."""

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
            "also_asked_to": [{"id": doc_id, "minister": minister} for doc_id, minister in self.also_asked],
            **({"shared_terms": list(self.shared_terms)} if self.shared_terms is not None else {}),
        }


@dataclass(frozen=True)
class Results:
    """One page of results; `total` counts every match (every distinct question, when grouped),
    not just this page."""

    query: str
    total: int
    page: int
    limit: int
    hits: tuple[Hit, ...]
    suggestion: str | None = None
    """The query with misspelled or unknown words corrected ("Bedoelde u: …?"), if any."""
    facets: dict[str, dict[str, int]] | None = None
    """With `facets=True`: matches per theme, minister, questioner and year, over all matches, in
    the unit the hits are (a grouped question once per value; every copy when not grouped)."""
    sort: str = "relevance"
    """The order used: a query of filters only is sorted "-date" even when "relevance" was asked."""
    notice: str | None = None
    """One line on how the query was read, when not as typed (see `ParsedQuery.notice`)."""

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
            "sort": self.sort,
            "suggestion": self.suggestion,
            "notice": self.notice,
            **({"facets": self.facets} if self.facets is not None else {}),
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


def document_to_dict(document: Document) -> dict[str, Any]:
    """A document as `vraagbaak show --json` prints it: its fields and its question/answer pairs."""
    pairs = pair_parts(document.question, document.answer)
    return {**document.to_dict(), "pairs": [pair.to_dict() for pair in pairs]}


@dataclass(frozen=True)
class Marking:
    """What a hit's passages mark: the terms per section, their weights, the phrases per section."""

    terms: dict[str, set[str]]
    weights: dict[str, float] = dataclasses.field(default_factory=dict)
    phrases: dict[str, list[tuple[str, ...]]] = dataclasses.field(default_factory=dict)


def hit_from_stored(stored: dict[str, Any], score: float, marking: Marking | None) -> Hit:
    """A Hit from stored fields, with passages showing `marking` (none when it is None)."""
    document = stored_document(stored)
    passages = [] if marking is None else best_passages(
        {"title": document.title, "question": document.question, "answer": document.answer}, marking.terms,
        weights=marking.weights, phrases=marking.phrases,
    )
    if PAGES_KEY in document.extra:
        passages = [_on_page(passage, document) for passage in passages]
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


def _on_page(passage: Passage, document: Document) -> Passage:
    """The passage with the page of the PDF it starts on (found by its text: a passage keeps no offset)."""
    text = getattr(document, passage.section, None) or ""
    at = text.find(passage.text.removeprefix("…").removesuffix("…"))
    page = page_at(document.extra[PAGES_KEY], passage.section, at) if at >= 0 else None
    return dataclasses.replace(passage, page=page)
