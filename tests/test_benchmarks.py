"""The benchmarks still run: each script once, on the small fixture corpus, one round."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import FIXTURE_SEEDS

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str | Path) -> str:
    done = subprocess.run([sys.executable, *map(str, args)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_speed_benchmark_measures_every_engine_it_can_run(tmp_path: Path) -> None:
    out = tmp_path / "speed.json"
    _run("benchmarks/speed.py", "--seeds", FIXTURE_SEEDS, "--scales", "1", "--repeat", "1", "--queries", "3",
         "--engines", "vraagbaak", "whoosh", "fts5", "--rounds", "1", "--runs", "1", "--json", out)
    measured = json.loads(out.read_text())
    (result,) = measured["results"]
    assert result["queries"] == 3
    assert set(result["engines"]) == {"vraagbaak", "whoosh", "fts5"}
    assert result["engines"]["vraagbaak"]["build"]["wall"] > 0
    assert measured["commands"]


def test_relevance_benchmark_scores_every_system(tmp_path: Path) -> None:
    out = tmp_path / "relevance.json"
    _run("benchmarks/relevance/run.py", "--seeds", FIXTURE_SEEDS, "--index-dir", tmp_path / "indexes", "--json", out)
    summary = json.loads(out.read_text())["summary"]
    assert set(summary) == {"titled", "untitled"}
    for condition in summary.values():
        assert set(condition) == {"Vraagbaak", "Whoosh StemmingAnalyzer", "SQLite FTS5"}


def test_index_build_benchmark_times_full_no_op_and_incremental_builds() -> None:
    table = _run("benchmarks/index_build.py", "--seeds", FIXTURE_SEEDS, "--repeat", "1")
    assert table.count("\n|") >= 3
