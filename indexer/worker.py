"""A second indexing process: a build from scratch on two processor cores.

`SegmentWorker` runs a `FastSegmentWriter` in a child process, which indexes the documents it is
given into a segment of its own; the parent's writer publishes it with its own segment.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import tempfile
from typing import Any

import whoosh.index

from . import store
from .errors import WorkerFailed
from ._whoosh.segment_writer import FastSegmentWriter


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
    # A forked child shares the parent's open lock file, and flock releases only when every copy is
    # closed: were the build killed, this process would keep the index locked. The parent's copy
    # still holds the lock.
    store.release_inherited_locks()
    # The cycle collector stays off for this process's life, as in the parent's build
    # (build.without_cyclic_gc, and for the same reason), also when the process was spawned.
    gc.disable()

    # The parent holds the index's lock and publishes this writer's segment with its own.
    writer = FastSegmentWriter(whoosh.index.open_dir(index_dir), locked=False)
    try:
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
        results.put(("segment", writer.unpublished_segment()))
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which raises it
        results.put(("error", f"{type(err).__name__}: {err}"))
