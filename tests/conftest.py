"""Shared test fixtures: the small real corpus in tests/fixtures and an index built from it once."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import build_index
from search import Searcher

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_SEEDS = FIXTURES / "seeds"
FLEMISH_SEED = FIXTURE_SEEDS / "vlaams" / "000_e61c5a0f903231aa.txt"
SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURE_FILES = len(list(FIXTURE_SEEDS.rglob("*.txt")))


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/fixtures/seeds and records.jsonl, built once per test session."""
    index_dir = tmp_path_factory.mktemp("index") / "ix"
    report = build_index([FIXTURE_SEEDS, FIXTURES / "records.jsonl"], index_dir)
    assert report.problems == ()
    return index_dir


@pytest.fixture()
def searcher(fixture_index: Path):
    with Searcher(fixture_index) as opened:
        yield opened
