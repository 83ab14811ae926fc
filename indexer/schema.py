"""The Whoosh schema: which fields a document is indexed into, and how a Document maps onto them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh.fields import BOOLEAN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.formats import Positions

from .analysis import dutch_analyzer, name_analyzer
from ._whoosh.codec import encode_positions
from .document import Document
from .structure import question_fingerprint
from .wordterms import term_positions

TEXT_FIELDS = ("title", "question", "answer")
"""The sections searched by free-text words and highlighted in results."""
NAME_FIELDS = ("theme", "questioner", "minister_name")
"""Metadata searched by free-text words, with a low weight: the theme and the people's names (not
the minister's office, whose words would match every question to that minister)."""


class DutchText(TEXT):
    """A TEXT field that indexes through the analysis chain's cached per-word path.

    Whoosh's own path runs every token through the filter generators; this one looks each
    distinct word up once (`wordterms.word_terms`), which makes indexing much faster. The terms and
    positions are the same as the field's analyzer gives (tests/test_analysis.py checks it).
    """

    def index(self, value: str, **kwargs: Any) -> Any:
        positions = self.term_positions(value)
        if positions is None:
            return super().index(value, **kwargs)
        boost = self.format.field_boost
        return [(term, len(found), len(found) * boost, encode_positions(found)) for term, found in positions.items()]

    def term_positions(self, value: str) -> dict[bytes, list[int]] | None:
        """Each term of `value` (in UTF-8) with its positions, what `index` writes (`FastSegmentWriter`
        takes them as they are); None when the field's format is not Whoosh's `Positions`, the only
        one `encode_positions` writes."""
        return term_positions(value) if type(self.format) is Positions else None


class NameText(TEXT):
    """A TEXT field for names, offices and themes (`name_analyzer`), which repeat from document to
    document: each distinct value is analysed once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(analyzer=name_analyzer(), **kwargs)

    def index(self, value: str, **kwargs: Any) -> tuple[tuple[bytes, int, float, bytes], ...]:
        if kwargs:
            return tuple(super().index(value, **kwargs))
        # Per field: another NameText may differ in format or boost.
        cache = self.__dict__.setdefault("_postings", {})
        found = cache.get(value)
        if found is None:
            if len(cache) >= 50_000:  # a bound, not an eviction policy: values repeat
                cache.clear()
            found = cache[value] = tuple(super().index(value))
        return found

    def __getstate__(self) -> dict[str, Any]:
        # Whoosh pickles the schema into the index: without the cache.
        state = dict(self.__dict__)
        state.pop("_postings", None)
        return state


def build_schema() -> Schema:
    """The schema of a Vraagbaak index."""
    text = dutch_analyzer()
    return Schema(
        # A column too: the copies of a grouped hit are listed by id without reading their texts.
        id=ID(stored=True, unique=True, sortable=True),
        source=ID(stored=True),
        title=DutchText(analyzer=text, stored=True),
        title_from_text=STORED(),
        question=DutchText(analyzer=text, stored=True),
        answer=DutchText(analyzer=text, stored=True),
        theme=NameText(stored=True),
        questioner=NameText(stored=True),
        # Indexed: the minister's name and office, so "minister:justitie" works; stored: the name.
        minister=NameText(stored=True),
        minister_name=NameText(),
        office=STORED(),
        date=DATETIME(stored=True, sortable=True),
        number=ID(stored=True),
        answered=BOOLEAN(),
        extra=STORED(),
        # Whole values in columns, for facet counts and statistics.
        theme_facet=ID(sortable=True),
        minister_facet=ID(sortable=True),
        questioner_facet=ID(sortable=True),
        year=ID(sortable=True),
        # The same question sent to several ministers shares this key (see structure.py).
        question_key=ID(sortable=True),
    )


def document_fields(document: Document) -> dict[str, Any]:
    """The keyword arguments that index `document` with `writer.add_document`."""
    fields: dict[str, Any] = {
        "id": document.id,
        "source": document.source,
        "title": document.title,
        "question": document.question,
        "answered": document.answer is not None,
        "extra": dict(document.extra),
    }
    if document.title_from_text:
        # The first line of the question (or answer) text, indexed with it: shown, never weighted as a title.
        fields.update(title="", _stored_title=document.title, title_from_text=True)
    if document.answer:
        fields["answer"] = document.answer
    for name in ("theme", "questioner", "number", "office"):
        value = getattr(document, name)
        if value:
            fields[name] = value
    addressee = " ".join(part for part in (document.minister, document.office) if part)
    if addressee:
        fields["minister"] = addressee
        fields["_stored_minister"] = document.minister
    if document.minister:
        fields["minister_name"] = document.minister
    fields["question_key"] = question_key(document)
    if document.date:
        fields["date"] = dt.datetime.combine(document.date, dt.time())
        fields["year"] = str(document.date.year)
    for facet, value in (("theme_facet", document.theme), ("minister_facet", document.addressee),
                         ("questioner_facet", document.questioner)):
        if value:
            fields[facet] = value
    return fields


def question_key(document: Document) -> str:
    """Shared by documents asking the identical question (sent to several ministers)."""
    return question_fingerprint(document.question) if document.question.strip() else document.id


def stored_document(stored: dict[str, Any]) -> Document:
    """Rebuild a Document from an index's stored fields."""
    date = stored.get("date")
    return Document(
        id=stored["id"],
        source=stored.get("source", ""),
        title=stored.get("title", ""),
        title_from_text=bool(stored.get("title_from_text")),
        question=stored.get("question", ""),
        answer=stored.get("answer") if stored.get("answer") else None,
        theme=stored.get("theme"),
        number=stored.get("number"),
        questioner=stored.get("questioner"),
        minister=stored.get("minister"),
        office=stored.get("office"),
        date=date.date() if date else None,
        extra=stored.get("extra") or {},
    )
