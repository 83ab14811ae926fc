"""Sources: finding seed text and JSON Lines files, reading them, and every problem met on the way.

`discover` finds the files under the sources; `read_source` reads one and parses it (parse.py)
into `Document`s, reporting what it cannot read as a `Problem` rather than raising.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .document import Document
from .errors import DocumentParseError
from .parse import parse_record, parse_seed

SEED_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
MAX_FILE_BYTES = 10 * 1024 * 1024
"""Seed files above this size are skipped: no written question is near it, and analysing one
would stall the whole build (the largest real seed is ~60 KB)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with a source: where, why, and whether the document was indexed anyway."""

    path: str
    reason: str
    line: int | None = None
    indexed: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        outcome = "indexed anyway" if self.indexed else "skipped"
        return f"{where}: {self.reason} ({outcome})"


@dataclass(frozen=True)
class SourceFile:
    """A file found under a source folder; `root` is the folder ids are relative to."""

    path: Path
    root: Path

    @property
    def relative(self) -> str:
        return self.path.relative_to(self.root).as_posix()


# --- finding files -------------------------------------------------------------------------------


def discover(sources: Iterable[str | os.PathLike[str]]) -> tuple[list[SourceFile], list[Problem]]:
    """List the seed and JSON Lines files under `sources` (files or folders), sorted.

    Hidden entries are ignored; symlinks are followed once (a loop is reported, not followed).
    """
    found: list[SourceFile] = []
    problems: list[Problem] = []
    for source in sources:
        path = Path(source)
        if path.is_file() and path.suffix.lower() not in SEED_SUFFIXES + JSONL_SUFFIXES:
            problems.append(Problem(str(path), "not a seed (.txt) or JSON Lines (.jsonl) file"))
        elif path.is_file():
            found.append(SourceFile(path, path.parent))
        elif path.is_dir():
            found.extend(_walk(path, problems))
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return found, problems


def _walk(root: Path, problems: list[Problem]) -> Iterator[SourceFile]:
    seen_dirs: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[SourceFile]:
        try:
            info = folder.stat()
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as err:
            problems.append(Problem(str(folder), f"cannot read folder: {err.strerror or err}"))
            return
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            problems.append(Problem(str(folder), "symlink loop: folder already visited"))
            return
        seen_dirs.add(key)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child = folder / entry.name
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as err:
                problems.append(Problem(str(child), f"cannot read: {err.strerror or err}"))
                continue
            if is_dir:
                yield from visit(child)
            elif is_file and child.suffix.lower() in SEED_SUFFIXES + JSONL_SUFFIXES:
                yield SourceFile(child, root)
            elif entry.is_symlink() and not child.exists():
                problems.append(Problem(str(child), "broken or looping symlink"))

    yield from visit(root)


# --- reading a file ------------------------------------------------------------------------------


def read_source(source: SourceFile) -> tuple[list[Document], list[Problem]]:
    """Read and parse one source file into documents; problems are returned, never raised."""
    try:
        data = read_bytes(source)
    except DocumentParseError as err:
        return [], [Problem(err.path, err.reason, err.line)]
    except OSError as err:
        return [], [Problem(str(source.path), f"cannot read file: {err.strerror or err}")]
    return parse_source(source, data)


def read_bytes(source: SourceFile) -> bytes:
    """The file's bytes; DocumentParseError for a seed too large to be a written question."""
    if source.path.suffix.lower() not in JSONL_SUFFIXES:
        size = source.path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentParseError(
                str(source.path), f"file too large ({size / 1e6:.1f} MB, limit {MAX_FILE_BYTES / 1e6:.0f} MB)"
            )
    return source.path.read_bytes()


def parse_source(source: SourceFile, data: bytes) -> tuple[list[Document], list[Problem]]:
    """Parse a source file's bytes (seed text or JSON Lines); problems are returned, never raised."""
    path = str(source.path)
    if source.path.suffix.lower() in JSONL_SUFFIXES:
        return _parse_jsonl(source, data)
    try:
        text, encoding_problem = decode(data, path)
        doc_id = source.relative.rsplit(".", 1)[0]
        document, notes = parse_seed(text, doc_id=doc_id, source=source.relative)
    except DocumentParseError as err:
        return [], [Problem(path, err.reason, err.line)]
    problems = [Problem(path, note, indexed=True) for note in notes]
    if encoding_problem:
        problems.insert(0, Problem(path, encoding_problem, indexed=True))
    return [document], problems


def decode(data: bytes, path: str) -> tuple[str, str | None]:
    """Decode a seed's bytes: UTF-8 (with or without BOM), else cp1252, else Latin-1.

    Returns the text and a note when a fallback encoding was used.
    """
    if not data.strip():
        raise DocumentParseError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise DocumentParseError(path, "binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        first_bad = err.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, f"not valid UTF-8 (byte {first_bad}); decoded as {encoding}"
    raise AssertionError("latin-1 decodes every byte string")


def _parse_jsonl(source: SourceFile, data: bytes) -> tuple[list[Document], list[Problem]]:
    path = str(source.path)
    documents: list[Document] = []
    problems: list[Problem] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            record = json.loads(line)
            document = parse_record(record, source=f"{source.relative}:{number}")
            documents.append(document)
            if record.get("date") and document.date is None:
                problems.append(Problem(path, f"unreadable date {record['date']!r}", number, indexed=True))
        except UnicodeDecodeError:
            problems.append(Problem(path, "line is not valid UTF-8", number))
        except json.JSONDecodeError as err:
            problems.append(Problem(path, f"invalid JSON: {err.msg} at column {err.colno}", number))
        except DocumentParseError as err:
            problems.append(Problem(path, err.reason, number))
    if not documents and not problems:
        problems.append(Problem(path, "empty file"))
    return documents, problems
