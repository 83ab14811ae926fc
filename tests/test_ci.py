"""CI runs exactly what the README tells a developer to run."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readmes_test_command_with_the_checks() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^python3 -m venv .*pip install -e '\.\[test\]'.*$", readme, re.MULTILINE)
    assert command is not None
    assert command.group(0) in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "ruff check && mypy && python -m pytest" in command.group(0)
