"""The index directory on disk: generations, the CURRENT pointer, the manifest and the write lock.

    index_data/
      CURRENT              name of the live generation (replaced atomically)
      gen-<time>-<pid>-<n>/  a complete Whoosh index + manifest.json
      .lock                held (flock) by the one process writing
      saved_searches.json  kept by search/watch.py beside the generations: builds never touch it

A full build writes a new generation beside the live one and swaps CURRENT only when it is
complete, so a crash or a kill at any point leaves the previous index as it was.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import json
import os
import pickle
import shutil
import struct
import time
import traceback
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterator

import whoosh.index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from .analysis import analysis_version
from .errors import IndexLocked, IndexNotFound, IndexOutdated, IndexProblem

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
LOCK = ".lock"
SCHEMA_VERSION = 7
"""Bump when the schema's fields or the on-disk format of its segments change: an index of
another version is rebuilt, never read (6: every segment is of Vraagbaak's codec, in packed
blocks; 7: a title taken from the text is stored apart, `title_from_text`)."""
VERSION_FIELDS = ("analysis_version", "schema_version")
"""The manifest's fields that say which code can read the generation. A reader stops parsing the
manifest after them, so they are written first (the manifest's dict in build.py lists them first;
see `Generation.manifest`)."""


DAMAGED_INDEX_ERRORS: tuple[type[BaseException], ...] = (
    whoosh.index.IndexError, OSError, EOFError, pickle.UnpicklingError, struct.error, TypeError,
)
"""What Whoosh raises opening an index that is empty (EmptyIndexError: no table of contents) or
damaged (a missing file: OSError; a truncated one: EOFError; overwritten: UnpicklingError,
struct.error; an emptied table of contents: TypeError, from reading its first byte). Each becomes an IndexProblem at `Generation.open` and `Generation.searcher`."""


def _damage(err: BaseException) -> str:
    """What is wrong with the index, for one of DAMAGED_INDEX_ERRORS."""
    if isinstance(err, whoosh.index.EmptyIndexError):
        return "it has no index files"
    if isinstance(err, OSError):
        return f"{err.strerror or err}: {Path(err.filename).name}" if err.filename else str(err.strerror or err)
    return f"a file of it is damaged ({type(err).__name__}: {err})"


def _damaged(index_dir: Path, err: BaseException) -> IndexProblem:
    # Whoosh leaves open the file it failed to read; the error's traceback holds it in a cycle
    # that only the garbage collector would free (a server would keep it open until then).
    for frame, _ in traceback.walk_tb(err.__traceback__):
        for value in frame.f_locals.values():
            if isinstance(value, io.IOBase) or isinstance(value, StructFile) and not value.is_closed:
                value.close()
    return IndexProblem(
        f"Cannot read the index in '{index_dir}': {_damage(err)}. "
        f"Rebuild it: vraagbaak index --rebuild --index-dir {index_dir}"
    )


@dataclass(frozen=True)
class Generation:
    """One complete index inside the index directory."""

    path: Path
    versions: dict[str, Any]
    """The manifest's VERSION_FIELDS, read without parsing the rest of it."""

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """The whole manifest: versions, sources, build time and the table of indexed files.

        Parsed on first use: opening a searcher needs only the versions, and the table of files
        is most of the manifest (~7 ms to parse for the seeds' 3,812 files).
        """
        return _read_manifest(self.path.parent, self.path.name, json.loads)

    def open(self, preload: bool = True) -> whoosh.index.Index:
        """Open the Whoosh index. With `preload`, a searcher copies the files it opens into memory
        (Whoosh's memory-mapped path): slow to open, in proportion to the index's size, and faster
        per query; without, it reads them as it goes, for a process that runs one query.
        Raises IndexProblem when the index is empty or damaged."""
        try:
            return FileStorage(str(self.path), supports_mmap=preload).open_index()
        except DAMAGED_INDEX_ERRORS as err:
            raise _damaged(self.path.parent, err) from err

    def searcher(self, preload: bool = True, **options: Any) -> Any:
        """A Whoosh searcher (`options` as for Index.searcher) over the generation, opened as by
        `open`; it reads every segment's files, so it raises IndexProblem for a damaged one."""
        index = self.open(preload)
        try:
            return index.searcher(**options)
        except DAMAGED_INDEX_ERRORS as err:
            raise _damaged(self.path.parent, err) from err


def current_generation(index_dir: str | os.PathLike[str]) -> Generation:
    """The live generation of `index_dir`, checked against this code's analysis chain and schema."""
    generation = live_generation(index_dir)
    problem = incompatibility(generation)
    if problem:
        raise IndexOutdated(
            f"The index in '{index_dir}' {problem}. Rebuild the index: "
            f"vraagbaak index --rebuild --index-dir {index_dir}"
        )
    return generation


def live_name(index_dir: Path) -> str | None:
    """The name of the live generation, or None when there is none (yet)."""
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def live_generation(index_dir: str | os.PathLike[str]) -> Generation:
    """The live generation of `index_dir`, whatever code built it; IndexNotFound if none."""
    root = Path(index_dir)
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except OSError as err:
        raise _not_found(root) from err
    return Generation(root / name, _read_manifest(root, name, _version_fields))


def _not_found(root: Path) -> IndexNotFound:
    return IndexNotFound(f"No Vraagbaak index in '{root}'. Build one with: vraagbaak index --index-dir {root}")


def _read_manifest(root: Path, name: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse((root / name / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise _not_found(root) from err


def _version_fields(text: str) -> dict[str, Any]:
    """The VERSION_FIELDS of the JSON object `text`, parsed only as far as they reach.

    Raises ValueError (json.JSONDecodeError) where the object is malformed before them.
    """
    decoder = json.JSONDecoder()
    found: dict[str, Any] = {}
    pos = _skip_space(text, 0)
    if not text.startswith("{", pos):
        raise ValueError("the manifest is not a JSON object")
    separator = "{"
    while len(found) < len(VERSION_FIELDS) and separator != "}":
        pos = _skip_space(text, pos + 1)
        if separator == "{" and text.startswith("}", pos):
            break  # an empty object
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip_space(text, pos)
        if not isinstance(key, str) or not text.startswith(":", pos):
            raise ValueError(f"malformed manifest at character {pos}")
        value, pos = decoder.raw_decode(text, _skip_space(text, pos + 1))
        if key in VERSION_FIELDS:
            found[key] = value
        pos = _skip_space(text, pos)
        separator = text[pos:pos + 1]
        if separator not in (",", "}"):
            raise ValueError(f"malformed manifest at character {pos}")
    return found


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def incompatibility(generation: Generation) -> str | None:
    """Why this code cannot use `generation` (another analysis chain or schema), or None."""
    built_with = generation.versions.get("analysis_version")
    schema = generation.versions.get("schema_version")
    if built_with != analysis_version():
        return f"was built with analysis chain {built_with}; this version of Vraagbaak uses {analysis_version()}"
    if schema != SCHEMA_VERSION:
        return f"has schema version {schema}; this version of Vraagbaak uses {SCHEMA_VERSION}"
    return None


def unreadable(generation: Generation) -> str | None:
    """Why `generation` cannot be read (empty or damaged: see DAMAGED_INDEX_ERRORS), or None."""
    try:
        generation.searcher(preload=False).close()
    except IndexProblem as err:
        return _damage(err.__cause__ or err)
    return None


def clone_generation(source: Path, target: Path) -> None:
    """Copy a generation for an incremental update, hard-linking files where the disk allows.

    Whoosh never rewrites a segment file in place (a commit writes new files and a new table of
    contents), so the clone can share them with the live generation safely.
    """
    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_or_copy, ignore=shutil.ignore_patterns("*WRITELOCK", MANIFEST))


def new_generation_path(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return index_dir / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"


def publish(index_dir: Path, generation: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest and make `generation` the live index, atomically."""
    _write_atomic(generation / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
    _fsync_dir(generation)
    _write_atomic(index_dir / CURRENT, generation.name + "\n")
    _fsync_dir(index_dir)


def remove_stale_generations(index_dir: Path, keep: int = 2) -> None:
    """Delete generations other than the live one and the one before it.

    The previous generation is kept for readers that opened it just before the swap.
    Leftovers of killed builds (never published) go as well. Call only while holding the lock.
    """
    live = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    generations = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    published = [p for p in generations if (p / MANIFEST).exists()]
    keepers = {live} | {p.name for p in published[-keep:]}
    for path in generations:
        if path.name not in keepers:
            shutil.rmtree(path, ignore_errors=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_HELD_LOCKS: set[int] = set()
"""File descriptors of the write locks this process holds."""


def release_inherited_locks() -> None:
    """In a forked child (the second process of a parallel build): close its copies of the write
    locks the parent holds, which stay the parent's."""
    for fd in _HELD_LOCKS:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCKS.clear()


@contextlib.contextmanager
def write_lock(index_dir: Path, timeout: float = 30.0, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's write lock, waiting at most `timeout` seconds for another writer.

    `waiting(holder)` is called once, before waiting, when another writer holds the lock
    ("process 1234"). An OS-level lock (flock) is released by the kernel when its holder dies, so
    a killed writer never leaves a stale lock behind.
    """
    path = index_dir / LOCK
    try:
        handle = open(path, "a+")
    except OSError as err:
        raise IndexProblem(f"Cannot write the index in '{index_dir}': {err.strerror or err}.") from err
    with handle:
        _HELD_LOCKS.add(handle.fileno())
        deadline = time.monotonic() + timeout
        holder = None
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if holder is None:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    if waiting is not None:
                        waiting(holder)
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"The index in '{index_dir}' is being written by {holder} (lock file "
                        f"{path}); waited {timeout:g} s. Try again when that build has finished."
                    ) from err
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            _HELD_LOCKS.discard(handle.fileno())
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
