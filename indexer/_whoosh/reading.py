"""Reading a segment of Vraagbaak's codec in bulk: a term's postings whole, every document's field
length, a column's bytes, and BM25F's parameter for a field.

Whoosh reads these a posting, a document or a value at a time; ranking needs them all at once.
"""

from __future__ import annotations

import io
import pickle
from array import array
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.columns import VarBytesColumn
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

from .codec import BLOCK_LENGTH, length_bytes, unpack_block


def term_postings(reader: Any, fieldname: str, text: bytes) -> tuple[array[int], array[Any]]:
    """All of a term's postings in one segment (`reader`) of Vraagbaak's codec, deleted documents
    included: (document numbers, weights). Raises Whoosh's TermNotFound. Whole-number weights stay
    ints (an array of bytes): the same values, and making floats of them was most of the cost of
    unpacking a block.

    The term's blocks are read in one go and taken apart here: through Whoosh's matcher, each
    block costs a file seek, a read and a header object, which for a common word took five times
    as long as unpacking its numbers.
    """
    terms = getattr(reader, "_terms", None)
    if terms is None:  # the reader of an index without segments (an empty corpus)
        raise TermNotFound((fieldname, text))
    # The segment's terms table, not the reader's `term_info`, which first checks the field against
    # the schema: six calls more per term, 8% more in a whole query.
    info = terms.term_info(fieldname, text)
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        return array("I", ids), array("f", weights) if weights else array("B", [1]) * len(ids)
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps the length as struct.unpack gave it
        (length,) = length
    data = terms._postfile.get(offset, length)
    stream = io.BytesIO(data)
    all_ids: array[int] = array("I")
    all_weights: array[Any] = array("B")
    position = len(WHOOSH3_HEADER_MAGIC)
    while position < length:
        (size,) = BLOCK_LENGTH.unpack_from(data, position)
        end = position + BLOCK_LENGTH.size + abs(size)  # negative: the term's last block
        stream.seek(position + BLOCK_LENGTH.size)
        pickle.load(stream)  # the block's header
        ids, weights, _ = unpack_block(data[stream.tell():end])
        all_ids.extend(ids)
        if weights.typecode != all_weights.typecode:
            if all_weights.typecode == "B":
                all_weights = array("f", all_weights)
            weights = array("f", weights)
        all_weights.extend(weights)
        position = end
    return all_ids, all_weights


def field_length_bytes(reader: Any, fieldname: str) -> bytes:
    """Every document's length in `fieldname` in one segment (`reader`), a byte each as the W3
    codec stores it (0: empty, not scorable, or past the column's end); decode a byte with
    `whoosh.util.numeric.byte_to_length`."""
    return length_bytes(reader._perdoc, fieldname, reader.doc_count_all())


def column_bytes(reader: Any, column: str) -> list[bytes]:
    """The raw values of a column of byte strings in one segment (`reader`), by document number."""
    raw = reader.column_reader(column, translate=False)
    if isinstance(raw, VarBytesColumn.Reader):
        # The column keeps the values end to end with an offset and a length per document:
        # read them in one go, not one file access per document.
        data = raw._dbfile.get(raw._basepos, sum(raw._lengths))
        return [data[offset:offset + length] for offset, length in zip(raw._offsets, raw._lengths)]
    return list(raw)


def bm25_b(weighting: BM25F, fieldname: str) -> float:
    """BM25F's B for `fieldname`: its own (`BM25F(title_B=...)`) or the default."""
    b: float = weighting._field_B.get(fieldname, weighting.B)
    return b
