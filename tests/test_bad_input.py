"""Bad input gets a clear error and loses nothing: every case is reported, the rest is indexed."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import IndexProblem, build_index
from search import Searcher
from search.cli import main

from .conftest import FIXTURE_SEEDS, FIXTURES, FLEMISH_SEED

FLEMISH_TEXT = FLEMISH_SEED.read_text(encoding="utf-8")
GOOD = FIXTURE_SEEDS / "kamer" / "kamer-2017-184501.txt"


def make_bad_corpus(root: Path) -> Path:
    """A seeds folder with one of every kind of bad input, beside two good seeds."""
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_bytes(GOOD.read_bytes())
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 40)
    with open(seeds / "huge.txt", "wb") as handle:  # 50 MB
        handle.truncate(50 * 1024 * 1024)
    (seeds / "cp1252.txt").write_bytes(FLEMISH_TEXT.replace("385", "901").encode("cp1252", errors="replace"))
    (seeds / "latin1.txt").write_bytes(FLEMISH_TEXT.replace("385", "902").encode("latin-1", errors="replace"))
    (seeds / "bom.txt").write_bytes(b"\xef\xbb\xbf" + FLEMISH_TEXT.replace("385", "903").encode())
    (seeds / "crlf.txt").write_bytes(FLEMISH_TEXT.replace("385", "904").replace("\n", "\r\n").encode())
    (seeds / "nomarker.txt").write_text("Notulen van de vergadering\nDe kinderopvang werd besproken.\n")
    (seeds / "twoanswers.txt").write_text(FLEMISH_TEXT.replace("385", "905") + "\nANTWOORD\nNog een antwoord.\n")
    (seeds / "loop").mkdir()
    (seeds / "loop" / "back").symlink_to(seeds)
    (seeds / "records.jsonl").write_text(
        '{"id": "r1", "question": "Hoeveel fietsenstallingen zijn er?"}\n'
        '{"id": "r2", "question": "kapot\n'
        '{"id": "r3", "question": "Wat kost de kinderopvang?"}\n',
        encoding="utf-8",
    )
    (seeds / "zdup").mkdir()
    (seeds / "zdup" / "records.jsonl").write_text('{"id": "r1", "question": "Een kopie."}\n', encoding="utf-8")
    return seeds


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bad")
    seeds = make_bad_corpus(root)
    result = CliRunner().invoke(main, ["index", str(seeds), "--index-dir", str(root / "ix")])
    return seeds, root / "ix", result


def reported(result, path: Path) -> list[str]:
    return [line.strip() for line in result.output.splitlines() if line.strip().startswith(f"{path}:")]


def test_exit_code_says_completed_with_problems(bad_build):
    _, _, result = bad_build
    assert result.exit_code == 3
    assert "skipped:" in result.output.splitlines()[1]


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.txt", "empty file (skipped)"),
        ("binary.txt", "binary file, not text (skipped)"),
        ("huge.txt", "file too large (52.4 MB, limit 10 MB) (skipped)"),
        ("cp1252.txt", "decoded as cp1252 (indexed anyway)"),
        ("latin1.txt", "decoded as cp1252 (indexed anyway)"),
        ("nomarker.txt", "no 'SCHRIFTELIJKE VRAAG' marker: not a written question, indexed as plain text (indexed anyway)"),
        ("twoanswers.txt", "2 'ANTWOORD' sections; joined into one answer (indexed anyway)"),
    ],
)
def test_each_bad_file_is_reported_with_path_and_reason(bad_build, name: str, reason: str):
    seeds, _, result = bad_build
    [line] = reported(result, seeds / name)
    assert line.endswith(reason)


def test_broken_jsonl_line_is_reported_by_number_and_the_others_indexed(bad_build):
    seeds, index_dir, result = bad_build
    [line] = reported(result, seeds / "records.jsonl")
    assert line == f"{seeds / 'records.jsonl'}:2: invalid JSON: Unterminated string starting at column 26 (skipped)"
    with Searcher(index_dir) as searcher:
        assert searcher.document("r3").question == "Wat kost de kinderopvang?"


def test_duplicate_id_keeps_the_first_file(bad_build):
    seeds, index_dir, result = bad_build
    [line] = reported(result, seeds / "zdup" / "records.jsonl")
    assert line.endswith(f"duplicate id 'r1' (first indexed from {seeds / 'records.jsonl'}) (skipped)")
    with Searcher(index_dir) as searcher:
        assert searcher.document("r1").question == "Hoeveel fietsenstallingen zijn er?"


def test_symlink_loop_is_reported_not_followed(bad_build):
    seeds, _, result = bad_build
    assert any("symlink loop" in line for line in reported(result, seeds / "loop" / "back"))


def test_the_rest_of_the_corpus_is_indexed(bad_build):
    _, index_dir, _ = bad_build
    with Searcher(index_dir) as searcher:
        numbers = {h.number for h in searcher.search("onderwijstop", limit=50, group=False).hits}
        assert numbers == {"901", "902", "903", "904", "905"}
        assert searcher.document("good").number == "184501"
        assert searcher.document("nomarker").title == "Notulen van de vergadering"
        assert "kopiëren" in searcher.document("cp1252").question
        assert searcher.stats().documents == 9


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its permissions")
def test_unreadable_file_is_reported(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "secret.txt").write_text(FLEMISH_TEXT)
    (seeds / "secret.txt").chmod(0)
    report = build_index([seeds], tmp_path / "ix")
    assert [p.reason for p in report.problems] == ["cannot read file: Permission denied"]


def test_unreadable_file_is_reported_whoever_runs_the_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "secret.txt").write_text(FLEMISH_TEXT)
    (seeds / "open.txt").write_text(FLEMISH_TEXT)
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "secret.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = build_index([seeds], tmp_path / "ix")
    assert report.documents == 1
    assert [(p.path, p.reason) for p in report.problems] == [
        (str(seeds / "secret.txt"), "cannot read file: Permission denied")
    ]


def test_index_dir_with_missing_parent(tmp_path: Path):
    result = CliRunner().invoke(main, ["index", str(FLEMISH_SEED), "--index-dir", str(tmp_path / "a" / "b")])
    assert result.exit_code == 1
    assert "its parent folder does not exist" in result.output
    assert not (tmp_path / "a").exists()


def test_disk_full_while_writing_leaves_the_previous_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    from whoosh.writing import SegmentWriter

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", full)
    with pytest.raises(IndexProblem, match="No space left on device. The previous index is unchanged."):
        build_index([FIXTURE_SEEDS], tmp_path / "ix")
    monkeypatch.undo()
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.stats().documents == 1
        assert searcher.search("onderwijstop").total == 1
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 1


def test_real_full_disk_on_a_small_tmpfs(tmp_path: Path):
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        index_dir = mount_point / "ix"
        build_index([FLEMISH_SEED], index_dir)
        # In a separate process: Whoosh leaves files open when a write fails, and they fail
        # again when the garbage collector closes them on a still-full disk.
        result = subprocess.run(
            [sys.executable, "-c", "from search.cli import main; main()", "index", str(FIXTURE_SEEDS),
             str(FIXTURES / "records.jsonl"), "--index-dir", str(index_dir), "--rebuild"],
            capture_output=True, text=True,
        )
        if result.returncode == 0:
            pytest.skip("the corpus fitted on the tmpfs")
        assert result.returncode == 1
        assert result.stderr.startswith("Error: Cannot write the index in")
        assert "No space left on device. The previous index is unchanged." in result.stderr
        with Searcher(index_dir) as searcher:
            assert searcher.search("onderwijstop").total == 1
            assert searcher.stats().documents == 1
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)
