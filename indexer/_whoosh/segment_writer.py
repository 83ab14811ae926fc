"""A faster Whoosh segment writer: postings gathered in memory and written one term at a time.

Whoosh's `SegmentWriter` sends every posting through an external sorting pool and then through
one method call after another (`add_postings` → `add` → `add_posting`, plus a field-length look-up
per posting) before the codec writes it; profiled, that was two thirds of a Vraagbaak build. This
writer keeps Whoosh's own document path (stored fields, lengths, columns, deletions, merges) and
replaces only the postings: they are grouped by field and term as they arrive, in memory, and each
term's list is written whole with Whoosh's codec in its on-disk format. Terms in at most
`INLINE_LIMIT` documents — most of a Dutch vocabulary — are stored inside the term index instead
of the postings file, a form Whoosh reads natively (`W3TermInfo` "inlined" postings, which
Whoosh's own writer cannot produce: its inline path calls a method that does not exist; see
codec.py for how they are read).

tests/test_writer.py checks that an index written this way reads back exactly like one written by
Whoosh's writer: the same terms, documents, weights, positions and statistics.
"""

from __future__ import annotations

import itertools
import pickle
from array import array
from hashlib import md5
from operator import itemgetter
from typing import Any, Iterable

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS, _pointer as _HASH_SLOT, md5_hash
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .codec import VraagbaakCodec, length_bytes
from ..termpool import TermPool

INLINE_LIMIT = 16
"""Terms in at most this many documents keep their postings in the term index."""


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with an in-memory `TermPool` and whole-term postings writing."""

    def __init__(self, ix: Any, *, locked: bool = True, **kwargs: Any) -> None:
        """`locked=False`: for a second process writing into an index whose lock its parent holds."""
        super().__init__(ix, codec=VraagbaakCodec(), _lk=locked, **kwargs)
        self.pool = TermPool(folder=getattr(self._tempstorage, "folder", None))
        self.earlier_segments: list[Any] = []
        self.own_segment: list[Any] | None = None  # written ahead of commit, by write_own_segment
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise ValueError("FastSegmentWriter writes no term vectors or spelling words")

    def add_document(self, **fields: Any) -> None:
        """Whoosh's `add_document`, handing each field's postings to the pool in one call."""
        self._check_state()
        schema, docnum, perdoc = self.schema, self.docnum, self.perdocwriter
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, name, docboost)
                    # A Vraagbaak text field hands over its terms' positions; others, Whoosh's postings.
                    positions = field.term_positions(value) if hasattr(field, "term_positions") else None
                    if positions is not None:
                        length = self.pool.add_positions(name, docnum, positions, field.format.field_boost * boost)
                    else:
                        length = self.pool.add_field(name, docnum, field.index(value), boost)
                    if not field.scorable:
                        length = 0
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_segment(self, segment: Any) -> None:
        """Publish `segment`, written into this index by a `SegmentWorker`, at this writer's commit,
        ahead of this writer's own (the worker indexes the documents that come first)."""
        self.earlier_segments.append(segment)

    def write_own_segment(self) -> None:
        """Write this writer's documents into their segment now, ahead of `commit`: a parallel
        build does it while its `SegmentWorker` writes its own (after `end_input`). Only for a new
        index (with no segments that a commit could merge)."""
        self._check_state()
        if self.segments:
            raise ValueError("write_own_segment() is only for a new index")
        if self._added:
            self.own_segment = [self._finalize_segment()]
        else:
            self._close_segment()
            self.own_segment = []

    def unpublished_segment(self) -> Any:
        """Write this writer's documents into their segment and return it without publishing it
        (None when it has none), for another writer's `add_segment`. Not `commit`, which would
        write the index's table of segments, nor Whoosh's `_finish`, which would remove the
        temporary folder that writer shares."""
        return self._finalize_segment() if self._added else None

    def commit(self, *args: Any, **kwargs: Any) -> None:
        """Whoosh's `commit`; after `write_own_segment`, only publishes the segments (a new
        index has none to merge)."""
        if self.own_segment is None:
            return super().commit(*args, **kwargs)
        self._check_state()
        self._commit_toc(self.own_segment)
        self._finish()

    def _commit_toc(self, segments: list[Any]) -> None:
        super()._commit_toc(self.earlier_segments + segments)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            _write_postings(self.fieldwriter, self.schema, self.pool, lengths, self.docnum)
        finally:
            lengths.close()
        self.fieldwriter.close()


def _write_postings(fieldwriter: Any, schema: Any, pool: TermPool, lengths: Any, doccount: int) -> None:
    terms_file = fieldwriter._tindex
    terms_file._write_hashes = lambda: _write_hash_tables(terms_file)  # called by its close()
    for fieldname, terms in itertools.groupby(pool.terms(), key=itemgetter(0)):
        if fieldname not in schema:
            continue
        fieldwriter.start_field(fieldname, schema[fieldname])
        field_lengths = length_bytes(lengths, fieldname, doccount)
        postwriter = fieldwriter._postwriter
        fieldformat = schema[fieldname].format
        prefix = pack_ushort(fieldwriter._fieldid)
        _add_terms(terms_file, (
            (prefix + text, _inlined(ids, weights, values, field_lengths) if len(ids) <= INLINE_LIMIT
             else _blocks(postwriter, fieldformat, ids, weights, values, field_lengths).to_bytes())
            for _, text, ids, weights, values in terms
        ))
        fieldwriter.finish_field()


def _inlined(ids: list[int], weights: list[float], values: list[bytes], field_lengths: bytes) -> bytes:
    """A term's `W3TermInfo.to_bytes()` with its postings inlined: the statistics `add_block`
    gathers, then the postings as `set_inlined` keeps them (only non-empty values, as in blocks)."""
    stored_weights = array("f", weights)
    known = [b for b in map(field_lengths.__getitem__, ids) if b]
    header = _TERM_INFO.pack(True, sum(stored_weights), len(ids), min(known) if known else 0,
                             max(known) if known else _NO_LENGTH, max(0, max(weights)), ids[0], ids[-1])
    # Whoosh writes pickle protocol 2, whose bytes objects cost a call to `codecs.encode` to write
    # and to read; its reader (`pickle.loads`) takes any protocol.
    return header + pickle.dumps((tuple(ids), tuple(stored_weights), tuple(v for v in values if v)), 4)


def _blocks(postwriter: Any, fieldformat: Any, ids: list[int], weights: list[float], values: list[bytes],
            field_lengths: bytes) -> W3TermInfo:
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
        known = [b for b in map(field_lengths.__getitem__, block_ids) if b]
        postwriter._minlength = byte_to_length(min(known)) if known else None
        postwriter._maxlength = byte_to_length(max(known)) if known else 0
    return postwriter.finish_postings()


def _add_terms(terms_file: Any, terms: Iterable[tuple[bytes, bytes]]) -> None:
    """`OrderedHashWriter.add` for each (key, value), written a chunk of terms at a time; keys
    arrive sorted, so its order check is not needed."""
    dbfile = terms_file.dbfile
    buckets = terms_file.buckets
    hashed_by = _md5_hash if terms_file.hashfn is md5_hash else terms_file.hashfn
    position = dbfile.tell()
    key = None
    positions: list[int] = []
    chunks: list[bytes] = []
    for key, value in terms:
        positions.append(position)
        chunk = _KEY_VALUE_LENGTHS.pack(len(key), len(value)) + key + value
        chunks.append(chunk)
        hashed = hashed_by(key)
        buckets[hashed & 255].append((hashed, position))
        position += len(chunk)
        if len(chunks) >= 4096:
            dbfile.write(b"".join(chunks))
            chunks = []
    dbfile.write(b"".join(chunks))
    terms_file.index.extend(positions)
    if key is not None:
        terms_file.lastkey = key


def _md5_hash(key: bytes) -> int:
    """Whoosh's `md5_hash` (the digest's last four bytes) without going through hexadecimal."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


def _write_hash_tables(terms_file: Any) -> None:
    """`HashWriter._write_hashes`: the same 256 hash tables of (hash, position), each written in
    one go instead of a slot at a time (twice as many slots as terms)."""
    dbfile = terms_file.dbfile
    empty = (0, 0)
    for entries in terms_file.buckets:
        slots = 2 * len(entries)
        terms_file.directory.append((dbfile.tell(), slots))
        table = [empty] * slots
        for entry in entries:
            slot = (entry[0] >> 8) % slots
            while table[slot] is not empty:
                slot = (slot + 1) % slots
            table[slot] = entry
        dbfile.write(b"".join(itertools.starmap(_HASH_SLOT.pack, table)))
    # Set by _write_postings, this function refers to terms_file from terms_file: a cycle, which
    # would keep its buckets until the build ends (builds pause the cycle collector).
    vars(terms_file).pop("_write_hashes", None)


_TERM_INFO = W3TermInfo._struct
_NO_LENGTH = length_to_byte(0)

