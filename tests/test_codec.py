"""Packed postings blocks keep every posting's document, weight and value."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.reading import TermNotFound

from indexer._whoosh.codec import PackedPostings, encode_positions, pack_block, unpack_block, unpack_values
from indexer._whoosh.reading import term_postings
from indexer._whoosh.segment_writer import INLINE_LIMIT
from search.scoring import QueryScorer

from .test_writer import fixture_documents, write


@pytest.mark.parametrize("positions", [[0], [7], [300], [70_000], [0, 1], [3, 9, 300, 301, 70_000, 4_000_000]])
def test_positions_are_stored_as_whoosh_s_positions_format_stores_them(positions: list[int]) -> None:
    value = encode_positions(positions)
    assert value == Positions().encode(positions)
    assert Positions().decode_positions(value) == positions
    assert (encode_positions(list(positions)) is value) == (len(positions) == 1)  # one-position values made once


@pytest.mark.parametrize("weights", [
    [1.0, 1.0, 1.0],  # stored as nothing
    [1.0, 3.0, 255.0],  # whole numbers: a byte each
    [0.25, 2.5, 300.0],  # anything else: floats
])
def test_a_block_reads_back_its_documents_and_weights(weights: list[float]) -> None:
    ids, weights_back, _ = unpack_block(pack_block([3, 70_000, 4_000_000_000], weights, [], 0, 3))
    assert list(ids) == [3, 70_000, 4_000_000_000]
    assert list(weights_back) == weights


def test_whoosh_matchers_get_float_weights_and_whole_numbers_stay_ints_for_the_scorer(tmp_path: Path) -> None:
    index = write(tmp_path / "ix", [fixture_documents()], fast=True)
    whole_numbers = 0
    with index.reader() as reader:
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            if not isinstance(matcher, PackedPostings):
                continue
            while matcher.is_active():  # every block
                matcher._read_weights()
                assert matcher._weights.typecode == "f"  # as Whoosh's own matcher gives them
                matcher._next_block()
            whole_numbers += term_postings(reader, fieldname, text)[1].typecode == "B"
    assert whole_numbers > 0


def test_scores_of_whole_number_weights_and_boosts_are_floats(tmp_path: Path) -> None:
    # "number" is not scored: a posting's score is its weight times the boost.
    documents = [dataclasses.replace(document, number="7") for document in fixture_documents()]
    index = write(tmp_path / "ix", [documents], fast=True)
    with index.searcher() as searcher:
        scores = QueryScorer(searcher, wq.Term("number", "7", boost=2), searcher.weighting).scores()
    assert len(scores) > INLINE_LIMIT  # read from packed blocks, not from the term index
    assert all(type(score) is float and score == 2.0 for score in scores.values())


@pytest.mark.parametrize("compression", [0, 3])
def test_values_read_back_only_the_stored_ones(compression: int) -> None:
    # Whoosh keeps no empty value in a block; positions are bytes of any length.
    values = [b"\x00\x00\x00\x02\x80\x02]q\x00", b"x" * 1000, b"\xff"]
    _, _, packed = unpack_block(pack_block([1, 2, 5, 9], [1.0, 2.0, 1.0, 1.0], values, None, compression))
    assert unpack_values(packed, 4, None) == tuple(values)
    _, _, packed = unpack_block(pack_block([1, 2], [1.0, 1.0], [b"ab", b"cd"], 2, compression))
    assert unpack_values(packed, 2, 2) == (b"ab", b"cd")
    _, _, packed = unpack_block(pack_block([1, 2], [1.0, 1.0], [], 0, compression))
    assert unpack_values(packed, 2, 0) == (None, None)


def _matcher_postings(reader: Any, fieldname: str, text: bytes) -> tuple[list[int], list[float]]:
    matcher = reader.postings(fieldname, text)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def test_a_terms_postings_read_in_one_go_are_what_whooshs_matcher_reads(tmp_path: Path) -> None:
    index = write(tmp_path / "ix", [fixture_documents()], fast=True)
    blocks = inlined = 0
    with index.reader() as reader:
        for fieldname, text in reader.all_terms():
            ids, weights = term_postings(reader, fieldname, text)
            assert (list(ids), list(weights)) == _matcher_postings(reader, fieldname, text), (fieldname, text)
            inlined += reader.term_info(fieldname, text).is_inlined()
            blocks += len(ids) > 128  # Whoosh's block size: several blocks
        with pytest.raises(TermNotFound):
            term_postings(reader, "answer", "nooitgezienwoord".encode())
    assert blocks and inlined  # both kinds of terms were read
