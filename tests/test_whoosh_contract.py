"""Every private Whoosh name that indexer/_whoosh uses still exists, with the signature or layout it expects.

Upgrading Whoosh fails here first, in one place, rather than somewhere in a build or a search.
The package is the only code that uses Whoosh's private names (also checked here).
"""

from __future__ import annotations

import inspect
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from whoosh.codec import whoosh3
from whoosh.columns import VarBytesColumn
from whoosh.filedb import filetables, structfile
from whoosh.matching import ListMatcher
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

REPO = Path(__file__).resolve().parents[1]

METHODS = [
    # codec.py: PackedPostingsWriter and PackedPostings override these, InlinedPostings copies.
    (whoosh3.W3PostingsWriter, "__init__", "(self, postfile, blocklimit, byteids=False, compression=3, inlinelimit=1)"),
    (whoosh3.W3PostingsWriter, "_write_block", "(self, last=False)"),
    (whoosh3.W3PostingsWriter, "_new_block", "(self)"),
    (whoosh3.W3LeafMatcher, "__init__", "(self, postfile, startoffset, length, format_, term=None, byteids=None, scorer=None)"),
    (whoosh3.W3LeafMatcher, "_read_data", "(self)"),
    (whoosh3.W3LeafMatcher, "_read_ids", "(self)"),
    (whoosh3.W3LeafMatcher, "_read_weights", "(self)"),
    (whoosh3.W3LeafMatcher, "_read_values", "(self)"),
    (ListMatcher, "__init__", "(self, ids, weights=None, values=None, format=None, scorer=None, position=0, "
                              "all_weights=None, term=None, terminfo=None)"),
    (whoosh3.W3PerDocReader, "_cached_reader", "(self, fieldname, column)"),
    (whoosh3, "_lenfield", "(fieldname)"),
    # segment_writer.py: FastSegmentWriter calls or overrides these.
    (SegmentWriter, "__init__", "(self, ix, poolclass=None, timeout=0.0, delay=0.1, _lk=True, limitmb=128, docbase=0, "
                                "codec=None, compound=True, **kwargs)"),
    (SegmentWriter, "_check_state", "(self)"),
    (SegmentWriter, "_doc_boost", "(self, fields, default=1.0)"),
    (SegmentWriter, "_field_boost", "(self, fields, fieldname, default=1.0)"),
    (SegmentWriter, "_check_fields", "(self, schema, fieldnames)"),
    (SegmentWriter, "_finalize_segment", "(self)"),
    (SegmentWriter, "_close_segment", "(self)"),
    (SegmentWriter, "_commit_toc", "(self, segments)"),
    (SegmentWriter, "_finish", "(self)"),
    (SegmentWriter, "_flush_segment", "(self)"),
    (filetables.HashWriter, "_write_hashes", "(self)"),
    (whoosh3.W3PostingsWriter, "start_postings", "(self, format_, terminfo)"),
    (whoosh3.W3PostingsWriter, "finish_postings", "(self)"),
    (whoosh3.W3FieldWriter, "start_field", "(self, fieldname, fieldobj)"),
    (whoosh3.W3FieldWriter, "finish_field", "(self)"),
    # reading.py and codec.py read a whole extent of a postings or column file in one call.
    (structfile.StructFile, "get", "(self, position, length)"),
    (structfile.BufferFile, "get", "(self, position, length)"),
]

ATTRIBUTES = [
    # (class, attributes its code sets on self and the package reads or writes)
    (whoosh3.W3PostingsWriter, ("_postfile", "_blockcount", "_terminfo", "_ids", "_weights", "_values", "_format",
                                "_compression", "_maxweight", "_minlength", "_maxlength", "_blocklimit",
                                "_inlinelimit")),
    (whoosh3.W3LeafMatcher, ("_postfile", "_data", "_dataoffset", "_nextoffset", "_compression", "_ids", "_weights",
                             "_values", "_fixedsize")),
    (ListMatcher, ("_ids", "_weights", "_values", "_format", "_scorer", "_i", "_all_weights", "_term", "_terminfo")),
    (whoosh3.W3Codec, ("_blocklimit", "_compression", "_inlinelimit")),
    (whoosh3.W3FieldWriter, ("_tindex", "_postwriter", "_fieldid")),
    (whoosh3.W3TermsReader, ("_postfile",)),
    (filetables.HashWriter, ("dbfile", "hashfn", "buckets", "directory")),
    (filetables.OrderedHashWriter, ("index", "lastkey")),
    (SegmentWriter, ("_added", "_tempstorage", "pool", "schema", "docnum", "perdocwriter", "fieldwriter", "segments")),
    (SegmentReader, ("_terms", "_perdoc")),
    (VarBytesColumn.Reader, ("_dbfile", "_basepos", "_lengths", "_offsets")),
    (BM25F, ("_field_B", "B", "K1")),
]

STRUCTS = [
    (filetables, "_lengths", "!ii"),  # a key's and its value's length before each term in the term index
    (filetables, "_pointer", "!Iq"),  # a hash table slot: (hash, position)
    (whoosh3.W3TermInfo, "_struct", "!BfIBBfII"),  # a term's statistics in the term index
]


@pytest.mark.parametrize("owner, name, signature", METHODS, ids=lambda value: getattr(value, "__name__", None))
def test_whoosh_still_has_the_private_method_with_its_signature(owner: Any, name: str, signature: str) -> None:
    assert str(inspect.signature(getattr(owner, name))) == signature


def _assigned_attributes(cls: type) -> set[str]:
    found: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("whoosh"):
            found.update(re.findall(r"self\.(\w+)\s*(?:=|\+=|-=)", inspect.getsource(klass)))
            found.update(name for name in vars(klass) if not callable(vars(klass)[name]))
    return found


@pytest.mark.parametrize("cls, names", ATTRIBUTES, ids=lambda value: getattr(value, "__qualname__", None))
def test_whoosh_still_sets_the_private_attributes(cls: type, names: tuple[str, ...]) -> None:
    assert set(names) - _assigned_attributes(cls) == set()


@pytest.mark.parametrize("owner, name, layout", STRUCTS, ids=lambda value: getattr(value, "__name__", None))
def test_whoosh_still_lays_out_its_private_structs_the_same(owner: Any, name: str, layout: str) -> None:
    value = getattr(owner, name)
    assert isinstance(value, struct.Struct) and value.format == layout


def test_only_the_package_uses_whooshs_private_names() -> None:
    private_names = {name for _, name, _ in METHODS} | {name for _, names in ATTRIBUTES for name in names}
    private_names = {name for name in private_names if name.startswith("_") and not name.startswith("__")}
    private_names |= {name for _, name, _ in STRUCTS}
    used = {}
    for path in [*REPO.glob("indexer/*.py"), *REPO.glob("search/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        names = {name for name in private_names if re.search(rf"\.{name}\b|\b{name} *=|import .*\b{name}\b", text)}
        if names:
            used[str(path.relative_to(REPO))] = names
    assert used == {}
