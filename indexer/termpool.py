"""The postings of a segment being written, gathered in memory by field and term.

`TermPool` takes each new document's postings as they arrive and gives them back a term at a
time, in (field, term) order, for `_whoosh.segment_writer.FastSegmentWriter` to write each term's
list whole. Past a limit it spills sorted runs to temporary files and merges them, so memory stays
bounded.
"""

from __future__ import annotations

import heapq
import itertools
import marshal
import tempfile
from typing import Any, BinaryIO, Iterable, Iterator

from ._whoosh.codec import ONE_POSITION_VALUES, encode_positions

POOL_LIMIT = 2_000_000
"""Postings held in memory before they go to a temporary run file (about 150 MB of them)."""
TermRecord = tuple[str, bytes, list[int], list[float], list[bytes]]


class TermPool:
    """Postings grouped by field and term, in the order they arrive (document numbers ascending).

    Implements the part of Whoosh's `PostingPool` interface that `SegmentWriter` uses (`add`,
    for postings merged in from other segments), plus `add_field` and `add_positions` for a new
    document's field. Past `limit` postings in memory, the pool writes them, sorted by term, to a
    temporary run file and starts afresh; `terms()` merges the runs, so memory stays bounded
    however large the corpus.
    """

    def __init__(self, limit: int = POOL_LIMIT, folder: str | None = None) -> None:
        # A term's postings as one flat list, document number, weight, value, document number…:
        # one list to grow per posting rather than three measured a quarter faster, and smaller.
        self.fields: dict[str, dict[bytes, list[Any]]] = {}
        self.limit = limit
        self.size = 0
        self.folder = folder
        self.runs: list[BinaryIO] = []

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, merged in from another segment (Whoosh's pool interface)."""
        fieldname, text, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(text, 0, weight, value)], 1.0)

    def add_field(self, fieldname: str, docnum: int, items: Iterable[tuple[bytes, int, float, bytes | None]],
                  boost: float) -> int:
        """Add one document's postings for a field (`Field.index` output); return their frequency sum."""
        terms = self.fields.setdefault(fieldname, {})
        length = count = 0
        for text, freq, weight, value in items:
            length += freq
            count += 1
            postings = terms.get(text)
            if postings is None:
                terms[text] = [docnum, weight * boost, value or b""]
            else:
                postings += (docnum, weight * boost, value or b"")
        self.size += count
        if self.size >= self.limit:
            self._spill()
        return length

    def add_positions(self, fieldname: str, docnum: int, positions: dict[bytes, list[int]], boost: float) -> int:
        """Add one document's postings for a field given as each term's positions (a `Positions`
        field's `term_positions`), the same as `add_field` with the field's `index`, without the
        tuples in between; return their frequency sum."""
        terms = self.fields.setdefault(fieldname, {})
        single = ONE_POSITION_VALUES
        # A word's terms (its exact form, stem and parts) share one list of positions: encoded once.
        encoded: dict[int, bytes] = {}
        length = 0
        for text, found in positions.items():
            freq = len(found)
            length += freq
            if freq == 1:
                # encode_positions' own cache, looked up here: one call less for most postings.
                value = single.get(found[0]) or encode_positions(found)
            else:
                # `positions` keeps every list alive while this runs: their ids stay distinct.
                known = encoded.get(id(found))
                if known is None:
                    known = encoded[id(found)] = encode_positions(found)
                value = known
            postings = terms.get(text)
            if postings is None:
                terms[text] = [docnum, freq * boost, value]
            else:
                postings += (docnum, freq * boost, value)
        self.size += len(positions)
        if self.size >= self.limit:
            self._spill()
        return length

    def terms(self) -> Iterator[TermRecord]:
        """Every term with its postings, in (field, term) order, the runs merged in."""
        if not self.runs:
            return self._sorted_terms()
        for run in self.runs:
            run.seek(0)
        sources = [_read_run(run) for run in self.runs] + [self._sorted_terms()]
        # Runs hold consecutive document numbers, earlier runs first: joining a term's lists in
        # run order keeps them ascending (`heapq.merge` takes equal keys from earlier sources first).
        merged = heapq.merge(*sources, key=_term_key)
        return (_joined(group) for _, group in itertools.groupby(merged, key=_term_key))

    def cleanup(self) -> None:
        self.fields = {}
        for run in self.runs:
            run.close()
        self.runs = []

    def _sorted_terms(self) -> Iterator[TermRecord]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for text in sorted(terms):
                postings = terms[text]
                yield fieldname, text, postings[0::3], postings[1::3], postings[2::3]

    def _spill(self) -> None:
        run = tempfile.TemporaryFile(dir=self.folder)
        for record in self._sorted_terms():
            marshal.dump(record, run)
        self.runs.append(run)
        self.fields = {}
        self.size = 0


def _read_run(run: BinaryIO) -> Iterator[TermRecord]:
    while True:
        try:
            yield marshal.load(run)
        except EOFError:
            return


def _term_key(record: tuple[Any, ...]) -> tuple[str, bytes]:
    return record[0], record[1]


def _joined(group: Iterable[TermRecord]) -> TermRecord:
    records = iter(group)
    fieldname, text, ids, weights, values = next(records)
    ids, weights, values = list(ids), list(weights), list(values)  # extended in place, once per run
    for _, _, more_ids, more_weights, more_values in records:
        ids.extend(more_ids)
        weights.extend(more_weights)
        values.extend(more_values)
    return fieldname, text, ids, weights, values

