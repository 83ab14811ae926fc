"""Vraagbaak's index codec: Whoosh's W3 codec with postings blocks that read without unpickling.

Whoosh's W3 codec stores a block of up to 128 postings as one zlib-compressed pickle of document
numbers (delta-coded), weights and values (each posting's positions, a small pickle of its own).
Ranking needs only the document numbers and weights, yet every block read unpickles all three,
and the values are nine tenths of that cost. A packed block keeps the same block header (so
Whoosh's block skipping works unchanged) and stores the document numbers and weights as raw
arrays, then the values compressed apart, decompressed only when a matcher asks for one (phrase
queries, merges).

Kept apart from segment_writer.py so that opening an index (which unpickles the codec named by
each segment) does not import the writing machinery. `term_postings` in reading.py reads a term's blocks
in one go.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import zlib
from array import array
from operator import sub
from typing import Any

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3LeafMatcher, W3PostingsWriter, _lenfield,
)
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.util.numeric import length_to_byte

PACKED = -1
"""In a block's header, where Whoosh keeps the block's compression level: a packed block."""
BLOCK_LENGTH = struct.Struct("!i")  # before each block, as Whoosh's StructFile.write_int writes it
_BLOCK = struct.Struct("<HB?")  # postings in the block, how its weights are stored, values compressed
_COUNT = struct.Struct("<I")
_ALL_ONE, _BYTE_WEIGHTS, _FLOAT_WEIGHTS = 0, 1, 2
_LITTLE_ENDIAN = sys.byteorder == "little"


class InlinedPostings(ListMatcher):
    """Whoosh's matcher over inlined postings, behaving as its matcher over a postings file does
    (`W3LeafMatcher`) where `ListMatcher` differs:

    - `replace` never drops the matcher for its quality: Whoosh's boosting wrapper passes its own
      threshold down unscaled, so a boosted term (title^5) would be dropped while it can still
      reach the top (a wrong top 10, not just a slower one);
    - a copy keeps the term statistics that block-quality skipping reads;
    - a field without values (an ID) gives None for a value.
    """

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def value(self) -> Any:
        return super().value() if self._values else None

    def copy(self) -> "InlinedPostings":
        return InlinedPostings(self._ids, self._weights, self._values, self._format, self._scorer, self._i,
                               self._all_weights, term=self._term, terminfo=self._terminfo)


class PackedPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, writing packed blocks: the same header and statistics, the
    data laid out by `pack_block`."""

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pack_block(self._ids, self._weights, self._values, self._format.fixed_value_size(), self._compression)
        info = pickle.dumps((len(self._ids), self._ids[-1], self._maxweight, PACKED,
                             length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        length = len(info) + len(data)
        self._postfile.write_int(-length if last else length)  # negative: the term's last block
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


class PackedPostings(W3LeafMatcher):
    """Whoosh's matcher over a postings file, reading packed blocks."""

    def _read_data(self) -> None:
        self._data = unpack_block(self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset))

    def _read_ids(self) -> None:
        self._ids = self._block()[0]

    def _read_weights(self) -> None:
        weights = self._block()[1]
        self._weights = weights if weights.typecode == "f" else array("f", weights)  # as Whoosh's

    def _read_values(self) -> None:
        ids, _, values = self._block()
        self._values = unpack_values(values, len(ids), self._fixedsize)

    def _block(self) -> Any:
        if self._data is None:
            self._read_data()
        return self._data


def pack_block(ids: Any, weights: Any, values: list[bytes], fixed_size: int | None, compression: int) -> bytes:
    """A block's data: a header, the document numbers as 4-byte integers, the weights (none when
    all are 1, one byte each when all are whole numbers under 256, else 4-byte floats), then the
    values, compressed together (their count and lengths first, unless they have a fixed size)."""
    ids = array("I", ids)
    weights = weights if isinstance(weights, array) and weights.typecode == "f" else array("f", weights)
    kind, stored = _FLOAT_WEIGHTS, weights
    if weights.count(1.0) == len(weights):
        kind, stored = _ALL_ONE, array("B")
    else:
        try:
            whole = array("B", map(int, weights))
        except (OverflowError, ValueError):  # 256 or more, negative, not a number
            whole = None
        if whole is not None and array("f", whole) == weights:
            kind, stored = _BYTE_WEIGHTS, whole
    if fixed_size is None or fixed_size < 0:
        lengths = array("I", [len(value) for value in values])  # the empty ones are not kept, as in W3
        packed_values = _COUNT.pack(len(lengths)) + _little(lengths).tobytes() + b"".join(values)
    elif fixed_size == 0:
        packed_values = b""
    else:
        packed_values = b"".join(values)
    compressed = bool(packed_values and compression)
    if compressed:
        packed_values = zlib.compress(packed_values, compression)
    return b"".join((_BLOCK.pack(len(ids), kind, compressed), _little(ids).tobytes(), _little(stored).tobytes(),
                     packed_values))


def unpack_block(data: bytes) -> tuple[array[int], array[Any], tuple[bool, memoryview]]:
    """(document numbers, weights, the values still packed) of a packed block. Whole-number
    weights come as an array of bytes (see `reading.term_postings`)."""
    count, kind, compressed = _BLOCK.unpack_from(data)
    view = memoryview(data)
    position = _BLOCK.size
    ids = _from_little("I", view[position:position + 4 * count])
    position += 4 * count
    if kind == _ALL_ONE:
        weights = array("B", [1]) * count
    elif kind == _BYTE_WEIGHTS:
        weights = _from_little("B", view[position:position + count])
        position += count
    else:
        weights = _from_little("f", view[position:position + 4 * count])
        position += 4 * count
    # The values are decompressed here only when asked for (unpack_values).
    return ids, weights, (compressed, view[position:])


def unpack_values(packed: tuple[bool, Any], count: int, fixed_size: int | None) -> tuple[Any, ...]:
    """A packed block's values, as Whoosh's matcher gives them (None for a format without values)."""
    if fixed_size == 0:
        return (None,) * count
    compressed, data = packed
    data = zlib.decompress(data) if compressed else bytes(data)
    if fixed_size is not None and fixed_size > 0:
        return tuple(data[i:i + fixed_size] for i in range(0, len(data), fixed_size))
    (stored,) = _COUNT.unpack_from(data)
    position = _COUNT.size + 4 * stored
    lengths = _from_little("I", memoryview(data)[_COUNT.size:position])
    values = []
    for length in lengths:
        values.append(data[position:position + length])
        position += length
    return tuple(values)


def encode_positions(positions: list[int]) -> bytes:
    """The posting value Whoosh's `Positions` format stores for these positions (its `encode`: their
    count, then a pickle of the gaps between them); the many one-position values are made once
    (`ONE_POSITION_VALUES`)."""
    if len(positions) == 1:
        found = ONE_POSITION_VALUES.get(positions[0])
        if found is None:
            found = ONE_POSITION_VALUES[positions[0]] = _encode_positions(positions)
        return found
    return _encode_positions(positions)


def _encode_positions(positions: list[int]) -> bytes:
    return _POSITION_COUNT.pack(len(positions)) + pickle.dumps(list(map(sub, positions, [0, *positions])), 2)


ONE_POSITION_VALUES: dict[int, bytes] = {}
"""`encode_positions([position])` by position, for the many words that occur once in a field."""
_POSITION_COUNT = struct.Struct("!I")  # Whoosh's pack_uint


def length_bytes(perdoc: Any, fieldname: str, doccount: int) -> bytes:
    """Every document's length in `fieldname` as the W3 codec stores it, a byte each (0: empty,
    not scorable, or past the column's end), read in one go: `doc_field_length` reads one
    document at a time. `perdoc` is a segment's per-document reader."""
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return bytes(doccount)
    data = column._dbfile.get(column._basepos, column._count)
    return data + bytes(doccount - len(data)) if len(data) < doccount else data


def _little(numbers: array[Any]) -> array[Any]:
    """`numbers` in little-endian byte order, whatever the machine's."""
    if _LITTLE_ENDIAN:
        return numbers
    swapped = array(numbers.typecode, numbers)
    swapped.byteswap()
    return swapped


def _from_little(typecode: str, data: Any) -> array[Any]:
    numbers = array(typecode)
    numbers.frombytes(data)
    if not _LITTLE_ENDIAN:
        numbers.byteswap()
    return numbers


class VraagbaakCodec(W3Codec):
    """Whoosh's `W3Codec`, writing packed blocks and reading inlined postings with `InlinedPostings`.

    Segments written by `segment_writer.FastSegmentWriter` name this codec (Whoosh pickles a
    segment's codec into the index), so their readers use it.
    """

    def per_document_writer(self, storage: Any, segment: Any) -> Any:
        return super().per_document_writer(_ExistingTempFolder(storage) if isinstance(storage, FileStorage)
                                           else storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:
            raise ValueError("Vraagbaak's codec writes no term vectors")
        return PackedPostingsWriter(dbfile, blocklimit=self._blocklimit, compression=self._compression,
                                    inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return InlinedPostings(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return PackedPostings(dbfile, offset, length, format_, term=term, scorer=scorer)


class _ExistingTempFolder:
    """Stands for a `FileStorage`, whose temporary folders it makes without an error when they exist.

    Whoosh's `SegmentWriter` makes the segment's temporary folder, then its per-document writer
    makes it again; `FileStorage.create` ignores the "file exists" error but keeps it in a local
    variable, so the error, its traceback and every frame of the calls that made the writer hold
    each other: those frames (a whole build: its file list, writers, term pool) would stay alive
    until a cycle collection.
    """

    def __init__(self, storage: FileStorage) -> None:
        self._storage = storage

    def __getattr__(self, name: str) -> Any:
        if name == "_storage":  # not set yet (a copy being made): no endless lookup
            raise AttributeError(name)
        return getattr(self._storage, name)

    def temp_storage(self, name: str | None = None) -> FileStorage:
        if name is None:
            return self._storage.temp_storage()
        path = os.path.join(self._storage.folder, name)
        os.makedirs(path, exist_ok=True)
        return FileStorage(path)
