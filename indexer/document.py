"""The data model that flows through Vraagbaak: a parsed `Document`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


@dataclass(frozen=True)
class Document:
    """One written question (and its answer, if any), as parsed from a source.

    `minister` is the addressee's name when the source gives one ("Ben Weyts"); `office` is the
    addressee's office ("Vlaams minister van Onderwijs, ..."), which some sources give instead.
    `extra` keeps every other metadata key of the source (`pdf link`, `trefwoorden`, ...).
    `title_from_text` says the source gave no title and `title` is the text's first line: shown
    as a title, but searched as the question text it is, not with a title's weight.
    """

    id: str
    source: str
    title: str
    question: str
    answer: str | None = None
    theme: str | None = None
    number: str | None = None
    questioner: str | None = None
    minister: str | None = None
    office: str | None = None
    date: dt.date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    title_from_text: bool = False

    def __post_init__(self) -> None:
        # Frozen means frozen: callers must not be able to mutate the metadata either.
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    @property
    def addressee(self) -> str | None:
        """Who the question was addressed to: the minister's name, else the office."""
        return self.minister or self.office

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, absent values as None)."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "title_from_text": self.title_from_text,
            "theme": self.theme,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "questioner": self.questioner,
            "minister": self.minister,
            "office": self.office,
            "question": self.question,
            "answer": self.answer,
            "extra": dict(self.extra),
        }
