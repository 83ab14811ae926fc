"""A build from scratch in two processes searches exactly like one built in one, and its failures lose nothing."""

from __future__ import annotations

import multiprocessing.process
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

import indexer.sourcepass as sourcepass
import indexer._whoosh.segment_writer as segment_writer_module
import indexer.worker as worker_module
from indexer import IndexProblem, build_index
from search import Searcher

from .conftest import FIXTURE_SEEDS, FIXTURES

QUERIES = ["leerkrachten digitale competenties", "kinderopvang", "trein vertraging", "onderwijs -trein", "Weyts",
           "leerkrachen digitaale"]  # misspelled: the same suggestion from both segments


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Three copies of the fixtures (so that copies of a question share a key across files)."""
    folder = tmp_path / "corpus"
    for copy in range(3):
        shutil.copytree(FIXTURE_SEEDS, folder / f"copy{copy}")
        shutil.copy(FIXTURES / "records.jsonl", folder / f"copy{copy}" / "records.jsonl")
    return folder


@pytest.fixture()
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sourcepass, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(sourcepass.os, "cpu_count", lambda: 2)


def _everything(index_dir: Path) -> dict[str, Any]:
    """What users see: results of several queries, in every order, with facets, and the stats."""
    with Searcher(index_dir) as searcher:
        seen: dict[str, Any] = {}
        for query in QUERIES:
            for sort in ("relevance", "date", "-date"):
                for group in (True, False):
                    results = searcher.search(query, limit=50, sort=sort, group=group, facets=True)
                    seen[f"{query} {sort} {group}"] = results.to_dict()
        stats = searcher.stats().to_dict()
        for volatile in ("index_dir", "built_at", "index_bytes"):
            stats.pop(volatile)
        seen["stats"] = stats
        return seen


def test_two_processes_index_the_same_as_one(corpus: Path, tmp_path: Path, always_parallel: None) -> None:
    one = build_index([corpus], tmp_path / "one", processes=1)
    two = build_index([corpus], tmp_path / "two", processes=2)
    assert (two.documents, two.added, two.problems) == (one.documents, one.added, one.problems)
    with Searcher(tmp_path / "two") as searcher:
        sizes = [leaf.doc_count_all() for leaf, _ in searcher._searcher.leaf_searchers()]
    assert len(sizes) == 2 and min(sizes) > 0  # both processes wrote a segment
    assert _everything(tmp_path / "two") == _everything(tmp_path / "one")


def test_both_processes_write_their_segments_at_the_same_time(corpus: Path, tmp_path: Path, always_parallel: None,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker writes its segment once it has its last document: it must have it before this
    # process starts writing its own, or the two writes run one after the other.
    steps: list[str] = []
    end_input, write_own_segment = worker_module.SegmentWorker.end_input, segment_writer_module.FastSegmentWriter.write_own_segment

    def ending(worker: Any) -> None:
        steps.append("last document to the worker")
        end_input(worker)

    def writing(writer: Any) -> None:
        steps.append("this process writes its segment")
        write_own_segment(writer)

    monkeypatch.setattr(worker_module.SegmentWorker, "end_input", ending)
    monkeypatch.setattr(segment_writer_module.FastSegmentWriter, "write_own_segment", writing)
    build_index([corpus], tmp_path / "ix")
    assert steps == ["last document to the worker", "this process writes its segment"]


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_one_process_with_every_document(corpus: Path, tmp_path: Path, always_parallel: None,
                                         monkeypatch: pytest.MonkeyPatch, share: float) -> None:
    # This process writes its segment before the worker is done: also when it has no documents.
    monkeypatch.setattr(sourcepass, "WORKER_SHARE", share)
    build_index([corpus], tmp_path / "one", processes=1)
    report = build_index([corpus], tmp_path / "two", processes=2)
    assert report.added > 0
    with Searcher(tmp_path / "two") as searcher:
        assert len(searcher._searcher.leaf_searchers()) == 1
    assert _everything(tmp_path / "two") == _everything(tmp_path / "one")


def test_updates_after_a_build_in_two_processes(corpus: Path, tmp_path: Path, always_parallel: None) -> None:
    # Updates go through one writer, deleting documents from either segment.
    build_index([corpus], tmp_path / "two")
    build_index([corpus], tmp_path / "one", processes=1)
    shutil.rmtree(corpus / "copy0")
    for index in ("two", "one"):
        report = build_index([corpus], tmp_path / index)
        assert report.removed > 0 and report.added == 0
    assert _everything(tmp_path / "two") == _everything(tmp_path / "one")


def test_a_failing_second_process_fails_the_build_and_keeps_the_index(
        corpus: Path, tmp_path: Path, always_parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    build_index([corpus], tmp_path / "ix", processes=1)
    before = _everything(tmp_path / "ix")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))

    def broken(index_dir: str, spool: str, jobs: Any, results: Any, parent: int) -> None:
        raise SystemExit(3)  # dies without a word, as a killed process would

    monkeypatch.setattr(worker_module, "_index_in_worker", broken)
    with pytest.raises(IndexProblem, match="second indexing process stopped"):
        build_index([corpus], tmp_path / "ix", rebuild=True)
    assert _everything(tmp_path / "ix") == before
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 1  # the failed generation is gone
    assert not list(temporary.iterdir())  # nor the spool file of the documents it was given


def test_a_second_process_that_cannot_start_leaves_no_spool_file(
        corpus: Path, tmp_path: Path, always_parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))

    def refused(process: Any) -> None:
        raise OSError(11, "Resource temporarily unavailable")  # fork refused: too many processes

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    with pytest.raises(IndexProblem, match="Resource temporarily unavailable"):
        build_index([corpus], tmp_path / "ix")
    assert not list(temporary.iterdir())


def test_a_second_process_that_died_is_noticed_at_the_next_batch(
        corpus: Path, tmp_path: Path, always_parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_module.SegmentWorker, "BATCH", 1)
    start, add_document = worker_module.SegmentWorker.__init__, worker_module.SegmentWorker.add_document
    handed: list[str] = []

    def started_and_dead(worker: Any, index_dir: str) -> None:
        start(worker, index_dir)
        worker.process.join()  # the broken worker below is gone before any document is handed over

    def handing(worker: Any, fields: dict[str, Any]) -> None:
        handed.append(fields["id"])
        add_document(worker, fields)

    def broken(index_dir: str, spool: str, jobs: Any, results: Any, parent: int) -> None:
        raise SystemExit(3)

    monkeypatch.setattr(worker_module.SegmentWorker, "__init__", started_and_dead)
    monkeypatch.setattr(worker_module.SegmentWorker, "add_document", handing)
    monkeypatch.setattr(worker_module, "_index_in_worker", broken)
    with pytest.raises(IndexProblem, match="second indexing process stopped"):
        build_index([corpus], tmp_path / "ix")
    assert len(handed) == 1  # not the whole of its share
