"""One pass of a build over the source files: parse what changed since the previous generation
and write it into the new one.

`SourcePass` keys every file by its resolved source folder and its path in it, compares its
content hash with the previous manifest's record of it, parses only new and changed files and
writes their documents; it deletes the documents of files that disappeared. A build from scratch
of enough bytes indexes part of the documents in a second process (`worker.SegmentWorker`);
enough new or changed PDFs are extracted in other processes (`pdf.ExtractionPool`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import whoosh.index

from . import store
from .document import Document
from .errors import DocumentParseError
from .sources import PDF_SUFFIXES, Problem, SourceFile, parse_pdf, parse_source, read_bytes
from .schema import build_schema, document_fields
from ._whoosh.segment_writer import FastSegmentWriter
from .worker import SegmentWorker

if TYPE_CHECKING:
    from .pdf import ExtractionPool  # imported when used: it loads pypdf

KEY_SEPARATOR = "::"

ProgressCallback = Callable[[int, int], None]
"""Called as `progress(files_done, files_total)` while building."""

PARALLEL_MIN_BYTES = 2_000_000
"""Source bytes from which a build from scratch uses a second process (below, starting it costs
more than it saves)."""
EXTRACT_AHEAD_MIN = 8
"""New or changed PDFs from which a build extracts them in other processes (`pdf.ExtractionPool`):
starting those costs about a third of a second, the time of ten or so PDFs."""
WORKER_SHARE = 0.54
"""The part of the sources (in bytes) whose documents the second process indexes. This process
also parses every file and hands the documents over, so it takes less than half; on the seeds, the
two processes finish their segments together at 0.54 (at 0.56 this one waited 0.2–0.3 s for the
other, at 0.52–0.53 the other for this one; `vraagbaak index` 5.4 s against 5.5 s at either)."""


class SourcePass:
    """One pass over the source files, writing only what differs from the previous generation."""

    def __init__(self, root: Path, previous: store.Generation | None, progress: ProgressCallback | None,
                 parallel: bool = False, processes: int = 1) -> None:
        self.root = root
        # Updates stay in one process: they delete documents too, and add few.
        self.parallel = parallel and previous is None
        # PDFs are extracted in other processes whenever there are enough of them, updates too:
        # extraction costs far more than indexing (see benchmarks/pdf_extraction.py).
        self.extract_processes = processes if parallel else 0
        self.extraction: ExtractionPool | None = None
        self.worker: SegmentWorker | None = None
        self.worker_has_all = False  # every document for the worker handed over
        self.split_at: float | None = None  # source bytes before which documents go to the worker
        self.position = 0.0  # where in the sources (in bytes) the document being written comes from
        self.bytes_done = 0
        self.previous = previous
        self.progress = progress
        self.old_files: dict[str, dict[str, Any]] = previous.manifest.get("files", {}) if previous else {}
        self.old_owner = _owners(self.old_files)
        self.owner: dict[str, str] = {}
        self.manifest_files: dict[str, dict[str, Any]] = {}
        self.generation: Path | None = None
        self.unreadable: list[str] = []
        self.writer: FastSegmentWriter | None = None
        self.added = self.updated = self.removed = self.unchanged = 0

    def run(self, files: list[SourceFile], problems: list[Problem]) -> None:
        if self.parallel:
            total = sum(_size(source) for source in files)
            if total >= PARALLEL_MIN_BYTES:
                self.split_at = total * WORKER_SHARE
                # Started before any file is parsed, the second process shares none of that memory.
                self._worker()
        # After the worker, before any document goes to it: no thread runs yet (see ExtractionPool).
        self._extract_ahead(files)
        for done, source in enumerate(files, start=1):
            self._file(source, problems)
            if self.progress:
                self.progress(done, len(files))
        for doc_id in self.old_owner.keys() - self.owner.keys():
            if self._unreadable(self.old_owner[doc_id]):
                # A folder that could not be read this time: its documents stay as they were.
                self._keep(self.old_owner[doc_id])
                continue
            self._writer().delete_by_term("id", doc_id)
            self.removed += 1
        if self.previous is None and self.writer is None:
            self._writer()  # an empty corpus still gets an (empty) index
        if self.worker is not None:
            self._end_worker_input()
            self._writer().write_own_segment()  # while the worker writes its own
            segment = self.worker.result()
            self.worker = None
            if segment is not None:
                self._writer().add_segment(segment)
        if self.writer is not None:
            self.writer.commit()
            self.writer = None
        self._end_extraction()

    def _extract_ahead(self, files: list[SourceFile]) -> None:
        """Start extracting the new and changed PDFs in other processes, when there are enough."""
        if not self.extract_processes:
            return
        jobs = []
        for source in files:
            if source.path.suffix.lower() not in PDF_SUFFIXES:
                continue
            try:
                digest = hashlib.sha1(read_bytes(source)).hexdigest()
            except (DocumentParseError, OSError):
                continue  # reported when the build reads it
            old = self.old_files.get(_file_key(source))
            if old is None or old["hash"] != digest:
                jobs.append((str(source.path), digest))
        if len(jobs) >= EXTRACT_AHEAD_MIN:
            from .pdf import ExtractionPool  # loads pypdf: only for builds with PDFs

            try:
                self.extraction = ExtractionPool(jobs, self.extract_processes)
            except (OSError, NotImplementedError):  # no processes here (no semaphores): extract in this one
                self.extraction = None

    def _end_extraction(self, wait: bool = True) -> None:
        if self.extraction is not None:
            self.extraction.close(wait)
            self.extraction = None

    def _unreadable(self, key: str) -> bool:
        path = str(key_path(key))
        return any(path == folder or path.startswith(folder + os.sep) for folder in self.unreadable)

    def _keep(self, key: str) -> None:
        """Carry a source's documents over unchanged (it could not be read this time)."""
        if key in self.manifest_files:
            return
        self.manifest_files[key] = self.old_files[key]
        for doc_id in self.old_files[key]["ids"]:
            if self.old_owner.get(doc_id) == key:
                self.owner.setdefault(doc_id, key)
                self.unchanged += 1

    def _file(self, source: SourceFile, problems: list[Problem]) -> None:
        key = _file_key(source)
        path = str(source.path)
        try:
            data = read_bytes(source)
        except (DocumentParseError, OSError) as err:
            reason = err.reason if isinstance(err, DocumentParseError) else f"cannot read file: {err.strerror or err}"
            if isinstance(err, OSError) and key in self.old_files:
                reason += "; its documents are kept from the previous index"
                self._keep(key)
            else:
                self.manifest_files[key] = {"hash": None, "ids": [], "problems": [_problem_dict(Problem(path, reason))]}
            problems.append(Problem(path, reason))
            return
        digest = hashlib.sha1(data).hexdigest()
        old = self.old_files.get(key)
        documents: dict[str, Document] | None = None
        if old is not None and old["hash"] == digest:
            ids = old["ids"]
            file_problems = [Problem(path, p["reason"], p["line"], p["indexed"]) for p in old["problems"]]
        else:
            documents, file_problems = _parse(source, data, self._extract(digest))
            ids = list(documents)
        problems.extend(file_problems)
        self.manifest_files[key] = {
            "hash": digest, "ids": ids, "problems": [_problem_dict(p) for p in file_problems],
        }
        for number, doc_id in enumerate(ids):
            self.position = self.bytes_done + len(data) * number / len(ids)
            if doc_id in self.owner:
                problems.append(Problem(path, f"duplicate id '{doc_id}' (first indexed from {key_path(self.owner[doc_id])})"))
                continue
            self.owner[doc_id] = key
            if documents is None and self.old_owner.get(doc_id) == key:
                self.unchanged += 1
                continue
            if documents is None:  # unchanged file, but it now owns an id another file gave up
                documents, _ = _parse(source, data)
            self._write(documents[doc_id])
        self.bytes_done += len(data)

    def _extract(self, digest: str) -> Callable[[bytes, str], Any] | None:
        """How to get a PDF's pages: from the extraction pool if it has them, else here."""
        pool = self.extraction
        if pool is None:
            return None

        def extract(data: bytes, path: str) -> Any:
            from .pdf import extract_pages

            return pool.take(path, digest) or extract_pages(data, path)
        return extract

    def _write(self, document: Document) -> None:
        fields = document_fields(document)
        if self.previous is None:
            if self.split_at is not None and self.position < self.split_at:
                # The first half of the documents: indexed by a second process into a segment that
                # comes first in the index, so every document keeps its place (equal scores rank
                # by it).
                self._worker().add_document(fields)
            else:
                self._end_worker_input()
                self._writer().add_document(**fields)
            self.added += 1
            return
        self._writer().update_document(**fields)
        if document.id in self.old_owner:
            self.updated += 1
        else:
            self.added += 1

    def _writer(self) -> FastSegmentWriter:
        if self.writer is None:
            self.generation = store.new_generation_path(self.root)
            if self.previous is None:
                self.generation.mkdir()
                index = whoosh.index.create_in(str(self.generation), build_schema())
            else:
                store.clone_generation(self.previous.path, self.generation)
                index = whoosh.index.open_dir(str(self.generation))
            self.writer = FastSegmentWriter(index)
        return self.writer

    def _worker(self) -> SegmentWorker:
        if self.worker is None:
            self._writer()  # the worker writes into the new generation's index
            self.worker = SegmentWorker(str(self.generation))
        return self.worker

    def _end_worker_input(self) -> None:
        """The worker has all its documents (positions only grow): it writes its segment now, not
        once this process is done with its own documents."""
        if self.worker is not None and not self.worker_has_all:
            self.worker_has_all = True
            self.worker.end_input()

    def abandon(self) -> None:
        """Throw away the generation after a failure, unless it became the live one (a failure
        after the swap, while syncing, must not delete the index readers now use)."""
        self._end_extraction(wait=False)
        if self.worker is not None:
            self.worker.cancel()
        if self.writer is not None:
            try:
                self.writer.cancel()
            except Exception:  # noqa: BLE001 - the original error is the one worth raising
                pass
        if self.generation is not None and store.live_name(self.root) != self.generation.name:
            shutil.rmtree(self.generation, ignore_errors=True)


def _size(source: SourceFile) -> int:
    try:
        return source.path.stat().st_size
    except OSError:  # reported when the file is read
        return 0


def _parse(source: SourceFile, data: bytes, extract: Callable[[bytes, str], Any] | None = None
           ) -> tuple[dict[str, Document], list[Problem]]:
    """Parse a file's documents by id; a record repeating an id within one file is reported.
    `extract` gives a PDF's pages (see `sources.parse_pdf`)."""
    if extract is not None and source.path.suffix.lower() in PDF_SUFFIXES:
        documents, problems = parse_pdf(source, data, extract)
    else:
        documents, problems = parse_source(source, data)
    by_id: dict[str, Document] = {}
    for document in documents:
        if document.id in by_id:
            problems.append(Problem(str(source.path), f"duplicate id '{document.id}' within the file ({document.source})"))
            continue
        by_id[document.id] = document
    return by_id, problems


def _owners(files: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Which file each id was indexed from: the first file listing it, in manifest order."""
    owner: dict[str, str] = {}
    for key, entry in files.items():
        for doc_id in entry["ids"]:
            owner.setdefault(doc_id, key)
    return owner


def _file_key(source: SourceFile) -> str:
    """A source file's key in the manifest: its root folder, resolved, and its path in it. The
    same file under two source folders has two ids; a folder given another way ("seeds",
    "./seeds", "/home/me/vraagbaak/seeds") is the same folder, so nothing is re-indexed."""
    return f"{source.root.resolve()}{KEY_SEPARATOR}{source.relative}"


def key_path(key: str) -> Path:
    """The path of the source file with manifest key `key` (see `_file_key`)."""
    root, _, relative = key.partition(KEY_SEPARATOR)
    return Path(root) / relative


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {"reason": problem.reason, "line": problem.line, "indexed": problem.indexed}
