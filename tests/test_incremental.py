"""Re-indexing: only what changed, atomically, one writer at a time, readers never disturbed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indexer import IndexLocked, IndexProblem, build_index
from indexer import store
from search import Searcher

from .conftest import FIXTURE_FILES, FIXTURE_SEEDS, FLEMISH_SEED

N = FIXTURE_FILES

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the fixture seeds."""
    target = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, target)
    return target


def counts(report) -> tuple[int, int, int, int]:
    return report.added, report.updated, report.removed, report.unchanged


def test_second_build_changes_nothing(corpus: Path, tmp_path: Path):
    first = build_index([corpus], tmp_path / "ix")
    assert first.rebuilt == "no index yet"
    assert counts(first) == (N, 0, 0, 0)
    second = build_index([corpus], tmp_path / "ix")
    assert second.rebuilt is None
    assert counts(second) == (0, 0, 0, N)
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 1  # a no-op writes no new generation


def test_the_same_folder_written_another_way_changes_nothing(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    build_index([corpus], tmp_path / "ix")
    monkeypatch.chdir(corpus.parent)
    for spelling in (corpus.name, f"./{corpus.name}", f"../{corpus.parent.name}/{corpus.name}"):
        report = build_index([spelling], tmp_path / "ix")
        assert (report.added, report.updated, report.removed) == (0, 0, 0), spelling


def test_added_changed_and_removed_files(corpus: Path, tmp_path: Path):
    build_index([corpus], tmp_path / "ix")
    (corpus / "nieuw.txt").write_text(
        "title: Kinderopvang in Gent\nSCHRIFTELIJKE VRAAG\nnr. 7\nvan JAN PEETERS\ndatum: 3 mei 2024\n"
        "Hoeveel plaatsen in de kinderopvang zijn er?\n", encoding="utf-8",
    )
    changed = corpus / "kamer" / "kamer-2017-184505.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("asielzoekers", "vluchtelingen").replace("Asielzoekers", "Vluchtelingen"), encoding="utf-8")
    (corpus / "kamer" / "kamer-2017-186015.txt").unlink()
    report = build_index([corpus], tmp_path / "ix")
    assert counts(report) == (1, 1, 1, N - 2)
    assert report.documents == N
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.search("kinderopvang").hits[0].id == "nieuw"
        assert "kamer/kamer-2017-184505" in [h.id for h in searcher.search("vluchtelingen").hits]
        assert "kamer/kamer-2017-184505" not in [h.id for h in searcher.search("asielzoekers", limit=50).hits]
        assert "kamer/kamer-2017-186015" not in [h.id for h in searcher.search("fietsen", limit=50).hits]
        assert searcher.stats().documents == N


def test_touching_a_file_without_changing_it_is_not_a_change(corpus: Path, tmp_path: Path):
    build_index([corpus], tmp_path / "ix")
    os.utime(corpus / "vlaams" / FLEMISH_SEED.name, (time.time() + 100, time.time() + 100))
    assert counts(build_index([corpus], tmp_path / "ix")) == (0, 0, 0, N)


def test_rebuild_flag_builds_from_scratch(corpus: Path, tmp_path: Path):
    build_index([corpus], tmp_path / "ix")
    report = build_index([corpus], tmp_path / "ix", rebuild=True)
    assert report.rebuilt == "--rebuild requested"
    assert counts(report) == (N, 0, 0, 0)


def test_changed_analysis_chain_forces_a_rebuild_and_says_why(corpus: Path, tmp_path: Path):
    build_index([corpus], tmp_path / "ix")
    manifest_path = next((tmp_path / "ix").glob("gen-*/manifest.json"))
    manifest = json.loads(manifest_path.read_text())
    manifest["analysis_version"] = "0-old"
    manifest_path.write_text(json.dumps(manifest))
    report = build_index([corpus], tmp_path / "ix")
    assert report.rebuilt.startswith("the index was built with analysis chain 0-old")
    assert counts(report) == (N, 0, 0, 0)


def test_duplicate_id_moves_to_the_file_that_now_comes_first(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(FLEMISH_SEED, second / "x.txt")
    build_index([first, second], tmp_path / "ix")
    (first / "x.txt").write_text("title: Eerste\nSCHRIFTELIJKE VRAAG\nnr. 1\nEen andere tekst over fietsen.\n")
    report = build_index([first, second], tmp_path / "ix")
    assert [p.reason for p in report.problems] == [f"duplicate id 'x' (first indexed from {first / 'x.txt'})"]
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.document("x").title == "Eerste"
    (first / "x.txt").unlink()
    build_index([first, second], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.document("x").title == "Nederlands-Vlaamse onderwijstop - Vervolg"


def test_problems_of_unchanged_files_are_reported_again(corpus: Path, tmp_path: Path):
    (corpus / "leeg.txt").write_text("")
    assert [p.reason for p in build_index([corpus], tmp_path / "ix").problems] == ["empty file"]
    assert [p.reason for p in build_index([corpus], tmp_path / "ix").problems] == ["empty file"]


def test_old_generation_still_answers_after_an_update(corpus: Path, tmp_path: Path):
    build_index([corpus], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as reader:
        before = [h.id for h in reader.search("trein", limit=50).hits]
        (corpus / "kamer" / "kamer-2017-184501.txt").unlink()
        build_index([corpus], tmp_path / "ix")
        assert [h.id for h in reader.search("trein", limit=50).hits] == before
        reader.refresh()
        assert "kamer/kamer-2017-184501" not in [h.id for h in reader.search("trein", limit=50).hits]


def test_second_writer_waits_then_fails_naming_the_lock(tmp_path: Path):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    with store.write_lock(tmp_path / "ix"):
        started = time.monotonic()
        with pytest.raises(IndexLocked, match=r"lock file .*\.lock"):
            build_index([FLEMISH_SEED], tmp_path / "ix", lock_timeout=0.5)
        assert time.monotonic() - started >= 0.5
    assert build_index([FLEMISH_SEED], tmp_path / "ix").unchanged == 1


def test_a_waiting_writer_says_who_holds_the_lock_and_reports_progress_only_once_it_has_it(tmp_path: Path):
    # The CLI starts its progress bar at the first progress call: a wait before it would make the
    # bar's time estimate absurd.
    build_index([FLEMISH_SEED], tmp_path / "ix")
    events: list[tuple[str, object]] = []
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.write_lock(tmp_path / "ix"):
            held.set()
            release.wait(10)
            events.append(("released", None))

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)

    def waiting(who: str) -> None:
        events.append(("waiting", who))
        release.set()

    build_index([FLEMISH_SEED], tmp_path / "ix", lock_timeout=10, waiting=waiting,
                progress=lambda done, total: events.append(("progress", (done, total))))
    holder.join()
    assert events == [("waiting", f"process {os.getpid()}"), ("released", None), ("progress", (1, 1))]


def _big_corpus(tmp_path: Path, copies: int) -> Path:
    big = tmp_path / "big"
    for n in range(copies):
        shutil.copytree(FIXTURE_SEEDS, big / f"copy{n:03d}")
    return big


def _start_build(sources: Path, index_dir: Path) -> subprocess.Popen:
    code = f"from indexer import build_index; build_index([{str(sources)!r}], {str(index_dir)!r}, rebuild=True)"
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO)


def _wait_for_new_generation(index_dir: Path, known: set[str], process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if {p.name for p in index_dir.glob("gen-*")} - known:
            time.sleep(0.5)  # let it write part of the new generation
            return
        time.sleep(0.05)
    pytest.fail("the build did not start writing a new generation")


def test_killed_build_leaves_the_previous_index_working(tmp_path: Path):
    index_dir = tmp_path / "ix"
    build_index([FIXTURE_SEEDS], index_dir)
    with Searcher(index_dir) as searcher:
        expected = [h.id for h in searcher.search("trein vertraging", limit=50).hits]
    known = {p.name for p in index_dir.glob("gen-*")}
    process = _start_build(_big_corpus(tmp_path, 40), index_dir)
    _wait_for_new_generation(index_dir, known, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Searcher(index_dir) as searcher:
        assert [h.id for h in searcher.search("trein vertraging", limit=50).hits] == expected
    # The kernel released the dead writer's lock; the next build runs and clears the leftovers.
    report = build_index([FIXTURE_SEEDS], index_dir, lock_timeout=1)
    assert counts(report) == (0, 0, 0, N)
    build_index([FIXTURE_SEEDS], index_dir, rebuild=True, lock_timeout=1)
    assert len(list(index_dir.glob("gen-*"))) == 2  # the live one and the one before it


def test_concurrent_build_in_another_process_is_refused_then_succeeds(tmp_path: Path):
    index_dir = tmp_path / "ix"
    build_index([FLEMISH_SEED], index_dir)
    # The other build stops at its first file, holding the lock, until told to go on: the second
    # build is tried while the lock is certainly held, however fast the machine.
    code = (
        "import sys; from indexer import build_index\n"
        "def pause(done, total):\n"
        "    if done == 1:\n"
        "        print('building', flush=True); sys.stdin.readline()\n"
        f"build_index([{str(FIXTURE_SEEDS)!r}], {str(index_dir)!r}, rebuild=True, progress=pause)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "building\n"
        with pytest.raises(IndexLocked, match=f"being written by process {process.pid} "):
            build_index([FLEMISH_SEED], index_dir, lock_timeout=0.2)
    finally:
        process.communicate("go on\n", timeout=300)
    assert process.returncode == 0
    assert build_index([FLEMISH_SEED], index_dir, lock_timeout=5).rebuilt is None


def test_reader_searching_in_a_loop_while_a_writer_reindexes(corpus: Path, tmp_path: Path):
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir)
    with Searcher(index_dir) as searcher:
        full = searcher.search("trein").total
    errors: list[BaseException] = []
    totals: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        try:
            with Searcher(index_dir) as searcher:
                while not stop.is_set():
                    searcher.refresh()
                    totals.add(searcher.search("trein").total)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        extra = corpus / "kamer" / "kamer-2017-184501.txt"
        saved = extra.read_bytes()
        for _ in range(4):
            extra.unlink()
            build_index([corpus], index_dir)
            extra.write_bytes(saved)
            build_index([corpus], index_dir)
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert totals <= {full - 1, full}  # always a complete index: with or without that one document


def test_a_mistyped_source_is_an_error_and_keeps_the_index(corpus: Path, tmp_path: Path):
    build_index([corpus], tmp_path / "ix")
    with pytest.raises(IndexProblem, match="No such source: .*seedz. Nothing was indexed"):
        build_index([tmp_path / "seedz"], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.stats().documents == N


def test_a_single_source_may_be_given_as_a_string(corpus: Path, tmp_path: Path):
    assert build_index(str(corpus), tmp_path / "ix").documents == N


def test_a_file_that_cannot_be_read_this_time_keeps_its_documents(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    build_index([corpus], tmp_path / "ix")
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == FLEMISH_SEED.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = build_index([corpus], tmp_path / "ix")
    assert counts(report) == (0, 0, 0, N)
    assert [p.reason for p in report.problems] == [
        "cannot read file: Permission denied; its documents are kept from the previous index"
    ]
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.search("onderwijstop").total == 1


def test_stats_count_only_live_documents_after_an_update(corpus: Path, tmp_path: Path):
    build_index([corpus], tmp_path / "ix")
    (corpus / "vlaams" / FLEMISH_SEED.name).unlink()
    build_index([corpus], tmp_path / "ix")
    with Searcher(tmp_path / "ix") as searcher:
        stats = searcher.stats()
        assert stats.documents == N - 1
        assert stats.answered == N - 2  # the Flemish seed was answered, 184505 never was


def test_a_failure_after_the_swap_keeps_the_new_live_index(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    build_index([corpus], tmp_path / "ix")
    real_fsync_dir = store._fsync_dir
    calls = []

    def fsync_dir(path: Path) -> None:
        calls.append(path)
        if path == tmp_path / "ix":  # the last step of publishing, after CURRENT was replaced
            raise KeyboardInterrupt
        real_fsync_dir(path)

    monkeypatch.setattr(store, "_fsync_dir", fsync_dir)
    with pytest.raises(KeyboardInterrupt):
        build_index([corpus], tmp_path / "ix", rebuild=True)
    monkeypatch.undo()
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.stats().documents == N


def test_a_build_pauses_the_cycle_collector_and_restores_it(corpus: Path, tmp_path: Path):
    import gc

    during: list[bool] = []
    build_index([corpus], tmp_path / "ix", progress=lambda done, total: during.append(gc.isenabled()))
    assert during and not any(during)  # paused while files are indexed
    assert gc.isenabled()
    # What a build leaves alive (here `during`, like its word caches) is in the oldest generation:
    # young collections after the build do not walk it.
    assert any(item is during for item in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # restored after an interrupted build too
        build_index([corpus], tmp_path / "other", progress=interrupt)
    assert gc.isenabled()
    gc.disable()
    try:  # and left as the caller had it
        build_index([corpus], tmp_path / "ix")
        assert not gc.isenabled()
    finally:
        gc.enable()
    frozen = ["frozen by the caller"]
    gc.freeze()
    try:  # objects the caller froze stay frozen (out of every generation)
        build_index([corpus], tmp_path / "ix")
        assert not any(item is frozen for item in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(item is frozen for item in gc.get_objects())


def test_a_build_leaves_its_state_to_reference_counting(corpus: Path, tmp_path: Path):
    """Nothing of a build waits for the cycle collector: not its file list, writers or frames
    (Whoosh keeps an error it ignores in a local variable, which would hold every frame of the build)."""
    import gc

    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        build_index([corpus], tmp_path / "ix", processes=1)
        gc.collect()
        left = {type(item).__name__ for item in gc.garbage}
        # Frames of this build's code only: another test's thread may leave cycles of its own.
        frames = [item.f_code.co_filename for item in gc.garbage if type(item).__name__ == "frame"]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not left & {"SourcePass", "SourceFile", "FastSegmentWriter", "TermPool"}
    assert not [name for name in frames if f"{os.sep}indexer{os.sep}" in name or f"{os.sep}whoosh{os.sep}" in name]
