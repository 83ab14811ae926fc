"""An open index's columns, read once per searcher: question keys, facet values, dates and the
copies of a question, by document number."""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

from whoosh.fields import DATETIME

from indexer._whoosh.reading import column_bytes

from .scoring import live_postings

FACET_COLUMNS = {"theme": "theme_facet", "minister": "minister_facet", "questioner": "questioner_facet", "year": "year"}
"""Facet name in results → the index column it counts."""
NO_DATE: int = DATETIME().default
"""The date column's value for a document without a date (the largest it holds)."""


class Columns:
    """The columns of one Whoosh searcher, each read at its first use and kept: a `Searcher` makes
    new ones when a refresh gives it another index generation."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        self._cache: dict[str, Any] = {}

    def cached(self, name: str, load: Callable[[], Any]) -> Any:
        """`load()`, kept as long as these columns (what else a searcher reads once, too)."""
        if name not in self._cache:
            self._cache[name] = load()
        return self._cache[name]

    def question_keys(self) -> list[bytes]:
        """Each document's question key (b"" for none), by document number: read once per searcher,
        since a grouped total looks up the key of every match."""
        return self.column("question_key")

    def column(self, column: str) -> list[bytes]:
        """A column of byte strings, by document number (b"" for none), read once per searcher."""
        return self.cached(f"column {column}", lambda: _column_values(self._searcher, column))

    def dates(self) -> list[int]:
        """Each document's date as its sort key (`NO_DATE` for none), by document number."""
        def load() -> list[int]:
            found: list[int] = []
            for leaf, _ in self._searcher.leaf_searchers():
                reader = leaf.reader()
                if reader.has_column("date"):
                    found.extend(reader.column_reader("date", translate=False))
                else:  # an index whose documents have no dates has no date column
                    found.extend([NO_DATE] * reader.doc_count_all())
            return found
        return self.cached("dates", load)

    def distinct_questions(self, docnums: set[int]) -> int:
        """How many distinct question keys `docnums` have."""
        keys = self.question_keys()
        return len({keys[docnum] for docnum in docnums})

    def facets(self, matches: set[int], group: bool) -> dict[str, dict[str, int]]:
        """Counts per value of each facet among `matches`, in the unit the results show: a grouped
        question counts once per value (once per minister it went to), so that filtering on a
        value gives exactly its count."""
        keys = self.question_keys() if group else None
        found = {}
        for name, column in FACET_COLUMNS.items():
            values = self.column(column)
            if keys is None:
                counts = Counter(values[docnum] for docnum in matches)
            else:
                counts = Counter(value for _, value in {(keys[docnum] or -1 - docnum, values[docnum]) for docnum in matches})
            found[name] = facet_counts({value.decode("utf-8"): n for value, n in counts.items()})
        return found

    def value_counts(self, column: str, docnums: list[int]) -> dict[str, int]:
        """How often each value of `column` occurs among `docnums`, most frequent first; empty
        values skipped."""
        counts = Counter(self.column(column)[docnum] for docnum in docnums)
        return {value.decode("utf-8"): count for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                if value}

    def copies(self, key: bytes) -> list[tuple[int, int, int]]:
        """The live documents with question key `key` (none for b""): (document number, segment,
        number in the segment), from the key's postings in each segment: cheaper than a Whoosh
        search, and no table of every key to build first (most questions have one document; a
        one-off `vraagbaak search` would pay for all of them)."""
        found: list[tuple[int, int, int]] = []
        if not key:
            return found
        for segment, (leaf, offset) in enumerate(self._searcher.leaf_searchers()):
            found.extend((offset + docnum, segment, docnum) for docnum in live_postings(leaf.reader(), "question_key", key))
        return found

    def same_question(self, copies: list[tuple[int, int, int]], doc_id: str) -> tuple[tuple[str, str | None], ...]:
        """The documents of `copies` (see `copies`) other than `doc_id`: (id, minister) pairs, by date."""
        # From columns, not the copies' stored texts; minister_facet holds the minister, else the
        # office. Ordered as Whoosh sorts by date: by the column's sort key, then document number.
        # The dates as stored: the same order, without making a datetime of each.
        columns = {segment: self._segment_columns(segment) for _, segment, _ in copies}
        ordered = sorted((columns[segment][0].sort_key(local), docnum, segment, local)
                         for docnum, segment, local in copies)
        found = []
        for _, _, segment, local in ordered:
            _, ids, addressees = columns[segment]
            copy_id = ids[local]
            if copy_id != doc_id:
                found.append((copy_id, addressees[local] or None))
        return tuple(found)

    def _segment_columns(self, segment: int) -> tuple[Any, Any, Any]:
        """A segment's own date (as stored), id and minister_facet columns: read by the segment's
        document numbers, without finding the segment of each document first."""
        def load() -> tuple[Any, Any, Any]:
            reader = self._searcher.leaf_searchers()[segment][0].reader()
            return (reader.column_reader("date", translate=False), reader.column_reader("id"),
                    reader.column_reader("minister_facet"))
        return self.cached(f"segment columns {segment}", load)


def facet_counts(groups: dict[str, int]) -> dict[str, int]:
    """Facet counts, most frequent first (years newest first), without the empty value."""
    counts = {value: count for value, count in groups.items() if value}
    if counts and all(value.isdigit() for value in counts):
        return dict(sorted(counts.items(), reverse=True))
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _column_values(searcher: Any, column: str) -> list[bytes]:
    """The raw values of a column of byte strings for every document, by document number."""
    values: list[bytes] = []
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        if not reader.has_column(column):  # an index of an empty corpus has no columns
            values.extend([b""] * reader.doc_count_all())
            continue
        values.extend(column_bytes(reader, column))
    return values
