"""A faster Whoosh segment writer: postings gathered in memory and written one term at a time.

Whoosh's `SegmentWriter` sends every posting through an external sorting pool and then through
one method call after another (`add_postings` → `add` → `add_posting`, plus a field-length look-up
per posting) before the codec writes it; profiled, that was two thirds of a Vraagbaak build. This
writer keeps Whoosh's own document path (stored fields, lengths, columns, deletions, merges) and
replaces only the postings: they are grouped by field and term as they arrive, in memory, and each
term's list is written whole with the same codec (`W3Codec`) in the same on-disk format. Terms in
at most `INLINE_LIMIT` documents — most of a Dutch vocabulary — are stored inside the term index
instead of the postings file, a form Whoosh reads natively (`W3TermInfo` "inlined" postings, which
Whoosh's own writer cannot produce: its inline path calls a method that does not exist).

tests/test_writer.py checks that an index written this way reads back exactly like one written by
Whoosh's writer: the same terms, documents, weights, positions and statistics.
"""

from __future__ import annotations

from array import array
from typing import Any, Iterator

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3TermInfo, _lenfield
from whoosh.matching import ListMatcher
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

INLINE_LIMIT = 16
"""Terms in at most this many documents keep their postings in the term index."""
Postings = tuple[list[int], list[float], list[bytes]]
_BYTE_LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]


class InlinedPostings(ListMatcher):
    """Whoosh's matcher over inlined postings, except that a copy keeps its term statistics
    (`ListMatcher.copy` drops them, and block-quality skipping then fails on the copy) and that
    a field without values (an ID) gives None for a value, as Whoosh's block matcher does."""

    def value(self) -> Any:
        return super().value() if self._values else None

    def copy(self) -> "InlinedPostings":
        return InlinedPostings(self._ids, self._weights, self._values, self._format, self._scorer, self._i,
                               self._all_weights, term=self._term, terminfo=self._terminfo)


class VraagbaakCodec(W3Codec):
    """Whoosh's `W3Codec`, reading inlined postings with `InlinedPostings`.

    Segments written by `FastSegmentWriter` name this codec (Whoosh pickles a segment's codec
    into the index), so their readers use it; older segments keep `W3Codec`.
    """

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return InlinedPostings(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)


class TermPool:
    """Postings grouped by field and term, in the order they arrive (document numbers ascending).

    Implements the part of Whoosh's `PostingPool` interface that `SegmentWriter` uses.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, Postings]] = {}

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, text, docnum, weight, value = item
        try:
            terms = self.fields[fieldname]
        except KeyError:
            terms = self.fields[fieldname] = {}
        postings = terms.get(text)
        if postings is None:
            terms[text] = ([docnum], [weight], [value or b""])
        else:
            postings[0].append(docnum)
            postings[1].append(weight)
            postings[2].append(value or b"")

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting in (field, term, document) order, as Whoosh's pool gives them."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for text in sorted(terms):
                ids, weights, values = terms[text]
                for docnum, weight, value in zip(ids, weights, values):
                    yield fieldname, text, docnum, weight, value

    def cleanup(self) -> None:
        self.fields = {}


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with an in-memory `TermPool` and whole-term postings writing."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, codec=VraagbaakCodec(), **kwargs)
        self.pool = TermPool()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            _write_postings(self.fieldwriter, self.schema, self.pool, lengths, self.docnum)
        finally:
            lengths.close()
        self.fieldwriter.close()


def _write_postings(fieldwriter: Any, schema: Any, pool: TermPool, lengths: Any, doccount: int) -> None:
    for fieldname in sorted(pool.fields):
        if fieldname not in schema:
            continue
        terms = pool.fields[fieldname]
        fieldwriter.start_field(fieldname, schema[fieldname])
        field_lengths = _field_lengths(lengths, fieldname, doccount)
        postwriter = fieldwriter._postwriter
        fieldformat = schema[fieldname].format
        add_term = fieldwriter._tindex.add
        prefix = pack_ushort(fieldwriter._fieldid)
        for text in sorted(terms):
            ids, weights, values = terms[text]
            if len(ids) <= INLINE_LIMIT:
                terminfo = _inlined(ids, weights, values, field_lengths)
            else:
                terminfo = _blocks(postwriter, fieldformat, ids, weights, values, field_lengths)
            add_term(prefix + text, terminfo.to_bytes())
        fieldwriter.finish_field()


def _field_lengths(lengths: Any, fieldname: str, doccount: int) -> list[int | None]:
    """Every document's length of the field, as Whoosh's `doc_field_length` reads it back
    (quantised to a byte; None when the field is empty or not scorable)."""
    reader = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if reader is None:
        return [None] * doccount
    return [_BYTE_LENGTHS[reader[docnum]] for docnum in range(doccount)]


def _inlined(ids: list[int], weights: list[float], values: list[bytes], field_lengths: list[int | None]) -> W3TermInfo:
    terminfo = W3TermInfo()
    _add_stats(terminfo, ids, array("f", weights), weights, field_lengths)
    # Like Whoosh's blocks, only non-empty values are kept (fields without positions have none).
    terminfo._inlined = (tuple(ids), tuple(array("f", weights)), tuple(v for v in values if v))
    return terminfo


def _blocks(postwriter: Any, fieldformat: Any, ids: list[int], weights: list[float], values: list[bytes],
            field_lengths: list[int | None]) -> W3TermInfo:
    """Write a long posting list in Whoosh's blocks, filling each block's buffers at once."""
    postwriter.start_postings(fieldformat, W3TermInfo())
    size = postwriter._blocklimit
    for start in range(0, len(ids), size):
        if start:
            postwriter._write_block()
        block_ids = ids[start:start + size]
        block_weights = weights[start:start + size]
        postwriter._ids = array("I", block_ids)
        postwriter._weights = array("f", block_weights)
        postwriter._values = [v for v in values[start:start + size] if v]
        postwriter._maxweight = max(0, max(block_weights))
        known = [length for length in map(field_lengths.__getitem__, block_ids) if length]
        postwriter._minlength = min(known) if known else None
        postwriter._maxlength = max(known) if known else 0
    return postwriter.finish_postings()


def _add_stats(terminfo: W3TermInfo, ids: list[int], stored_weights: array, weights: list[float],
               field_lengths: list[int | None]) -> None:
    # The same statistics `W3TermInfo.add_block` gathers from a block of Whoosh's writer.
    known = [length for length in map(field_lengths.__getitem__, ids) if length]
    terminfo._weight = sum(stored_weights)
    terminfo._df = len(ids)
    terminfo._minlength = min(known) if known else None
    terminfo._maxlength = max(known) if known else 0
    terminfo._maxweight = max(0, max(weights))
    terminfo._minid = ids[0]
    terminfo._maxid = ids[-1]
