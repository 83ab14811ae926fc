"""The analysis chain is defined once: a stop word or a stem override added to its data file is the
one edit, and indexing, querying and highlighting all follow it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import FIXTURE_SEEDS

REPO = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, sys
from indexer import build_index
from indexer import analysis
from search import Searcher

build_index([sys.argv[1]], sys.argv[2], processes=1)
result = {"analysis": analysis.__file__, "terms": analysis.index_terms("leerkrachten en competenties")}
with Searcher(sys.argv[2]) as searcher:
    for query in ("onderwijzer", "competentie"):
        hits = searcher.search(query, limit=100).hits
        result[query] = {
            "hits": len(hits),
            "marked": sorted({p.text[a:b].lower() for h in hits for p in h.passages for a, b in p.highlights}),
        }
print(json.dumps(result))
"""


def _run(packages: Path, index_dir: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(FIXTURE_SEEDS), str(index_dir)],
                          env={"PYTHONPATH": str(packages), "PATH": "/usr/bin:/bin"}, cwd=packages,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    assert result.pop("analysis") == str(packages / "indexer" / "analysis.py")  # the copy, not this repo
    return result


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    packages = tmp_path_factory.mktemp("packages")
    for package in ("indexer", "search"):
        shutil.copytree(REPO / package, packages / package, ignore=shutil.ignore_patterns("__pycache__"))
    before = _run(packages, packages / "before")
    data = packages / "indexer" / "data"
    with open(data / "stem_overrides.txt", "a", encoding="utf-8") as overrides:
        overrides.write("leerkrachten onderwijzer\n")
    with open(data / "stopwords_nl.txt", "a", encoding="utf-8") as stop_words:
        stop_words.write("competenties\n")
    return before, _run(packages, packages / "after")


def test_a_stem_override_reaches_indexing_querying_and_highlighting(
        before_and_after: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = before_and_after
    assert "onderwijzer" not in before["terms"] and "onderwijzer" in after["terms"]
    assert before["onderwijzer"] == {"hits": 0, "marked": []}
    assert after["onderwijzer"]["hits"] > 0 and "leerkrachten" in after["onderwijzer"]["marked"]


def test_a_stop_word_reaches_indexing_querying_and_highlighting(
        before_and_after: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = before_and_after
    assert "competentie" in before["terms"] and "competentie" not in after["terms"]
    assert "=competenties" in after["terms"]  # kept for phrases, as every stop word
    assert "competenties" in before["competentie"]["marked"]
    assert "competenties" not in after["competentie"]["marked"]
    assert after["competentie"]["hits"] < before["competentie"]["hits"]
