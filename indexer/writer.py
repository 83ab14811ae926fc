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

`SegmentWorker` runs such a writer in a second process, for builds from scratch on two cores.
"""

from __future__ import annotations

import heapq
import itertools
import marshal
import multiprocessing
import os
import pickle
import queue
import tempfile
from array import array
from hashlib import md5
from operator import itemgetter
from typing import Any, BinaryIO, Iterable, Iterator

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS, _pointer as _HASH_SLOT, md5_hash
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .codec import ONE_POSITION_VALUES, VraagbaakCodec, encode_positions, length_bytes

INLINE_LIMIT = 16
"""Terms in at most this many documents keep their postings in the term index."""
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

    def add_field(self, fieldname: str, docnum: int, items: Iterable[tuple[bytes, int, float, bytes]],
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
        length = 0
        for text, found in positions.items():
            freq = len(found)
            length += freq
            # encode_positions' own cache, looked up here: one call less for most postings.
            value = single.get(found[0]) if freq == 1 else None
            if value is None:
                value = encode_positions(found)
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

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting in (field, term, document) order, as Whoosh's pool gives them."""
        for fieldname, text, ids, weights, values in self.terms():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, text, docnum, weight, value

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


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with an in-memory `TermPool` and whole-term postings writing."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, codec=VraagbaakCodec(), **kwargs)
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


class WorkerFailed(RuntimeError):
    """The second indexing process failed or stopped (`build_index` reports it as an IndexProblem)."""


class SegmentWorker:
    """A second process that indexes the documents it is given into a segment of its own while
    this process goes on: a build from scratch on two processor cores.

    The documents reach it through a spool file, pickled a batch at a time, and the queue carries
    only where each batch is: through the queue itself, a batch goes in pipe-sized chunks, each
    waiting for this (busy) process to give the queue's sending thread the interpreter lock.
    `end_input()` hands over the last documents, `result()` waits for the worker and returns its
    segment, for the main writer's `add_segment`.
    """

    BATCH = 64

    def __init__(self, index_dir: str) -> None:
        methods = multiprocessing.get_all_start_methods()
        # fork: the child starts at once, with the analysis data already loaded.
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        handle, self.spool_path = tempfile.mkstemp(prefix="vraagbaak-", suffix=".documents")
        self.spool = os.fdopen(handle, "wb")
        self.batch: list[dict[str, Any]] = []
        try:
            self.jobs: Any = context.Queue()
            self.results: Any = context.Queue()
            self.process = context.Process(target=_index_in_worker,
                                           args=(index_dir, self.spool_path, self.jobs, self.results, os.getpid()),
                                           daemon=True)
            self.process.start()
        except BaseException:  # no process (fork refused, no semaphores): nobody else removes the spool
            self._remove_spool()
            raise

    def add_document(self, fields: dict[str, Any]) -> None:
        """Index a document, given as the keyword arguments of `FastSegmentWriter.add_document`.
        Raises WorkerFailed when the worker failed or stopped (checked a batch at a time)."""
        self.batch.append(fields)
        if len(self.batch) >= self.BATCH:
            self._send_batch()

    def end_input(self) -> None:
        """Hand over the last documents: the worker then writes its segment. Raises WorkerFailed
        when the worker failed or stopped."""
        if self.batch:
            self._send_batch()
        self._check_alive()
        self.jobs.put(None)

    def result(self) -> Any:
        """The worker's segment, once it has written it (None when it was given nothing), after
        `end_input`. Raises WorkerFailed when the worker failed or stopped."""
        try:
            while True:
                try:
                    kind, value = self.results.get(timeout=1.0)
                    break
                except queue.Empty:
                    self._check_alive()
            self.process.join()
        finally:
            self._remove_spool()
        if kind == "error":
            raise WorkerFailed(f"the second indexing process failed: {value}")
        return value

    def _send_batch(self) -> None:
        self._check_alive()  # a worker that died is noticed now, not once its whole share is spooled
        start = self.spool.tell()
        pickle.dump(self.batch, self.spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.spool.flush()  # in the file before the worker is told where it is
        self.jobs.put((start, self.spool.tell() - start))
        self.batch = []

    def _check_alive(self) -> None:
        if not self.process.is_alive():
            raise WorkerFailed(f"the second indexing process stopped (exit code {self.process.exitcode})")

    def cancel(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.jobs.cancel_join_thread()  # positions still queued are thrown away
        self._remove_spool()

    def _remove_spool(self) -> None:
        self.spool.close()
        try:
            os.unlink(self.spool_path)
        except OSError:
            pass


def _index_in_worker(index_dir: str, spool_path: str, jobs: Any, results: Any, parent: int) -> None:
    import gc

    import whoosh.index

    gc.disable()  # as in the parent's build (build.without_cyclic_gc), also when started by spawning

    # The parent holds the index's lock and publishes this writer's segment with its own.
    writer = FastSegmentWriter(whoosh.index.open_dir(index_dir), _lk=False)
    try:
        added = False
        with open(spool_path, "rb") as spool:
            try:
                os.unlink(spool_path)  # gone once both processes have it open, even if both are killed
            except OSError:  # not on every system: then the parent removes it
                pass
            while True:
                try:
                    job = jobs.get(timeout=1.0)
                except queue.Empty:
                    if os.getppid() != parent:  # the parent was killed: nobody will publish the segment
                        return
                    continue
                if job is None:
                    break
                start, length = job
                spool.seek(start)
                for fields in pickle.loads(spool.read(length)):
                    writer.add_document(**fields)
                    added = True
        # Not commit(), which would write the index's table of segments, nor _finish(), which
        # would remove the temporary folder the parent's writer shares.
        results.put(("segment", writer._finalize_segment() if added else None))
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which raises it
        results.put(("error", f"{type(err).__name__}: {err}"))
