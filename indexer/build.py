"""Index building: sources → parsed documents → a new index generation, swapped in atomically.

A build compares every source file's content hash with the manifest of the live index and only
parses and writes what changed. The changes go into a new generation (a hard-linked clone of the
live one, or an empty one for a full build), which replaces the live generation in one atomic
step once it is complete; readers of the old generation are never disturbed. `build_index` owns
that transaction (the lock, the generation to start from, the manifest, the report); the pass
over the source files that parses and writes the documents is `sourcepass.SourcePass`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import store
from .analysis import analysis_version
from .defaults import DEFAULT_INDEX_DIR, DEFAULT_SOURCES
from .errors import IndexNotFound, IndexProblem, WorkerFailed
from .sources import Problem, discover
from .sourcepass import ProgressCallback, SourcePass


@dataclass(frozen=True)
class BuildReport:
    """What a build did, in documents, and every problem met.

    `rebuilt` says why the index was built from scratch ("no index yet", "--rebuild requested",
    a changed analysis chain); it is None for an incremental update.
    """

    index_dir: str
    files: int
    documents: int
    added: int
    updated: int
    removed: int
    unchanged: int
    seconds: float
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    rebuilt: str | None = None

    @property
    def skipped(self) -> int:
        """Problems that kept a file or record out of the index."""
        return sum(1 for p in self.problems if not p.indexed)

    @property
    def new_skipped(self) -> int:
        """Problems that kept a file or record out of the index and that the previous build did
        not report: a bad file that stays in the sources counts once, in the build that met it."""
        return sum(1 for p in self.problems if not p.indexed and not p.known)


@contextlib.contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Python's cycle collector paused for a build (reference counting still frees everything else).

    A build holds millions of small lists and tuples (postings, the term index's buckets) that stay
    alive until its segment is written; each full collection would walk all of them again: 10–20% of
    a build's CPU time. The pause is the whole process's: in a long-running process, other
    threads' cycles wait for the end of the build too.

    After a build, what it keeps alive (its word caches: hundreds of thousands of objects) joins
    the oldest generation without a collection: left in the youngest, all of it would be walked by
    the first collection after the build (0.1 s after a build of the seeds). A build leaves
    (almost) no cycles to collect (see `_whoosh.codec._ExistingTempFolder`); after a failed one,
    whose traceback may hold the build's frames, and in a process that froze objects of its own
    (`gc.freeze`, which this would undo), the collector resumes as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
    finally:
        if enabled:
            gc.enable()


def build_index(
    sources: Iterable[str | os.PathLike[str]] = DEFAULT_SOURCES,
    index_dir: str | os.PathLike[str] = DEFAULT_INDEX_DIR,
    *,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    lock_timeout: float = 30.0,
    processes: int = 2,
    waiting: Callable[[str], None] | None = None,
) -> BuildReport:
    """Bring the index in `index_dir` up to date with the files under `sources`.

    Only new and changed files (by content hash) are parsed; documents of files that disappeared
    are removed. `rebuild=True` builds from scratch, as does a change of analysis chain or schema.
    A document id found in several files is taken from the first (in the order of `sources`, then
    by path); the others are reported. Raises IndexLocked when another build holds the index for
    longer than `lock_timeout` seconds (calling `waiting(holder)`, "process 1234", once before it
    waits), IndexProblem when the index cannot be written (the previous index is then unchanged).
    With `processes=2` (the default) on a machine with two cores or more, a build from scratch of
    `sourcepass.PARALLEL_MIN_BYTES` or more indexes the first half or so of the documents in a second process;
    searches find and rank the same as in an index one process writes. An index that cannot be
    read (empty or damaged) is built from scratch, as `BuildReport.rebuilt` says.
    """
    started = time.monotonic()
    root = Path(index_dir)
    sources = [sources] if isinstance(sources, (str, os.PathLike)) else list(sources)
    missing = [str(s) for s in sources if not os.path.exists(s)]
    if missing:
        # Indexing "nothing" from a mistyped folder would delete every document it used to hold.
        raise IndexProblem(f"No such source: {', '.join(missing)}. Nothing was indexed; the index is unchanged.")
    if not root.parent.exists():
        raise IndexProblem(f"Cannot create the index in '{root}': its parent folder does not exist.")
    try:
        root.mkdir(exist_ok=True)
    except OSError as err:
        raise IndexProblem(f"Cannot create the index in '{root}': {err.strerror or err}.") from err
    with store.write_lock(root, timeout=lock_timeout, waiting=waiting), without_cyclic_gc():
        previous, reason = _previous_generation(root, rebuild)
        reported = _reported_before(root)
        files, problems = discover(sources)
        build = SourcePass(root, previous, progress, parallel=processes > 1 and (os.cpu_count() or 1) > 1,
                       processes=processes)
        build.unreadable = [str(Path(p.path).resolve()) for p in problems if p.reason.startswith("cannot read")]
        try:
            build.run(files, problems)
            problems = [dataclasses.replace(p, known=True) if _problem_key(p) in reported else p for p in problems]
            if build.generation is None and previous is not None and (
                build.manifest_files != build.old_files or {_problem_key(p) for p in problems} != reported
            ):
                # No document changed, but the files or problems did (a new empty file): the
                # manifest records them, or the next build would report them as new again.
                build.generation = store.new_generation_path(root)
                store.clone_generation(previous.path, build.generation)
            if build.generation is not None:
                manifest = {
                    "analysis_version": analysis_version(),
                    "schema_version": store.SCHEMA_VERSION,
                    "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "documents": len(build.owner),
                    "sources": [str(s) for s in sources],
                    "files": build.manifest_files,
                    "problems": [[p.path, p.reason, p.line] for p in problems],
                }
                store.publish(root, build.generation, manifest)
        except BaseException as err:
            build.abandon()
            if isinstance(err, OSError):
                raise IndexProblem(
                    f"Cannot write the index in '{root}': {err.strerror or err}. The previous index is unchanged."
                ) from err
            if isinstance(err, WorkerFailed):
                raise IndexProblem(f"Cannot build the index in '{root}': {err}. The previous index is unchanged.") from err
            raise
        store.remove_stale_generations(root)
    return BuildReport(
        index_dir=str(root),
        files=len(files),
        documents=len(build.owner),
        added=build.added,
        updated=build.updated,
        removed=build.removed,
        unchanged=build.unchanged,
        seconds=time.monotonic() - started,
        problems=tuple(problems),
        rebuilt=reason,
    )


def _problem_key(problem: Problem) -> tuple[str, str, int | None]:
    return problem.path, problem.reason, problem.line


def _reported_before(root: Path) -> set[tuple[str, str, int | None]]:
    """The problems the live index's build reported (also when this build starts from scratch)."""
    try:
        manifest = store.live_generation(root).manifest
    except IndexNotFound:
        return set()
    return {(path, reason, line) for path, reason, line in manifest.get("problems", [])}


def _previous_generation(root: Path, rebuild: bool) -> tuple[store.Generation | None, str | None]:
    """The generation to update incrementally, or None and the reason for a full build."""
    if rebuild:
        return None, "--rebuild requested"
    try:
        generation = store.live_generation(root)
    except IndexNotFound:
        return None, "no index yet"
    problem = store.incompatibility(generation)
    if problem:
        return None, f"the index {problem}"
    # An update would start from it, and a no-op would leave it so.
    damage = store.unreadable(generation)
    if damage:
        return None, f"the index could not be read: {damage}"
    return generation, None
