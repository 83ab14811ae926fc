"""Index building: sources → parsed documents → a new Whoosh index generation, swapped in atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import whoosh.index

from . import store
from .analysis import analysis_version
from .errors import IndexProblem
from .parse import Problem, SourceFile, discover, read_source
from .schema import build_schema, document_fields

DEFAULT_SOURCES = ("seeds",)

ProgressCallback = Callable[[int, int], None]
"""Called as `progress(files_done, files_total)` while building."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did: how many documents from how many files, and every problem met."""

    index_dir: str
    documents: int
    files: int
    seconds: float
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def skipped(self) -> int:
        """Problems that kept a file or record out of the index."""
        return sum(1 for p in self.problems if not p.indexed)


def build_index(
    sources: Iterable[str | os.PathLike[str]] = DEFAULT_SOURCES,
    index_dir: str | os.PathLike[str] = store.DEFAULT_INDEX_DIR,
    *,
    progress: ProgressCallback | None = None,
    lock_timeout: float = 30.0,
) -> BuildReport:
    """Index every seed and JSON Lines file under `sources` into `index_dir`.

    The new index replaces the old one only once it is complete. A document id seen twice is
    indexed from the first file in sorted path order; later copies are reported as problems.
    """
    started = time.monotonic()
    root = Path(index_dir)
    if not root.parent.exists():
        raise IndexProblem(f"Cannot create the index in '{root}': its parent folder does not exist.")
    root.mkdir(exist_ok=True)
    with store.write_lock(root, timeout=lock_timeout):
        files, problems = discover(sources)
        generation = store.new_generation_path(root)
        try:
            count, hashes = _write_generation(generation, files, problems, progress)
            manifest = {
                "analysis_version": analysis_version(),
                "schema_version": store.SCHEMA_VERSION,
                "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "documents": count,
                "sources": [str(Path(s)) for s in sources],
                "files": hashes,
            }
            store.publish(root, generation, manifest)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        store.remove_stale_generations(root)
    return BuildReport(str(root), count, len(files), time.monotonic() - started, tuple(problems))


def _write_generation(
    path: Path,
    files: list[SourceFile],
    problems: list[Problem],
    progress: ProgressCallback | None,
) -> tuple[int, dict[str, str]]:
    path.mkdir()
    index = whoosh.index.create_in(str(path), build_schema())
    writer = index.writer(limitmb=256)
    seen: dict[str, str] = {}
    hashes: dict[str, str] = {}
    try:
        for done, source in enumerate(files, start=1):
            documents, file_problems = read_source(source)
            problems.extend(file_problems)
            hashes[str(source.path)] = _file_hash(source.path)
            for document in documents:
                if document.id in seen:
                    problems.append(Problem(
                        str(source.path),
                        f"duplicate id '{document.id}' (first indexed from {seen[document.id]})",
                    ))
                    continue
                seen[document.id] = str(source.path)
                writer.add_document(**document_fields(document))
            if progress:
                progress(done, len(files))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return len(seen), hashes


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return ""
