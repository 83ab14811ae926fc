"""`vraagbaak index`, `search` and `show` on PDFs through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from search.cli import main

from .conftest import FIXTURES

PDF_FIXTURES = FIXTURES / "pdf"
REGENBOOG = "00fe7edd-24c8-4857-98da-774ed3b06836"


def test_index_reports_a_pdf_without_text_and_indexes_the_others(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(PDF_FIXTURES, corpus)
    (corpus / "leeg.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = CliRunner().invoke(main, ["index", str(corpus), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 3
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Built a new index in {tmp_path / 'ix'} (no index yet): 3 documents from 4 files in ")
    assert lines[1] == "2 problem(s), 1 skipped:"
    assert any(line.startswith(f"  {corpus / 'leeg.pdf'}: not a readable PDF (") and line.endswith("(skipped)")
               for line in lines)


def test_search_and_show_name_the_pdf_page(tmp_path: Path):
    runner = CliRunner()
    index_dir = str(tmp_path / "ix")
    assert runner.invoke(main, ["index", str(PDF_FIXTURES), "--index-dir", index_dir]).exit_code == 0
    found = runner.invoke(main, ["search", "aangiftes politie", "--index-dir", index_dir])
    shown = runner.invoke(main, ["show", REGENBOOG, "--index-dir", index_dir])
    as_json = json.loads(runner.invoke(main, ["search", "aangiftes politie", "--json", "--index-dir", index_dir]).output)
    assert found.exit_code == 0 and "   question (p. 2): " in found.output
    assert shown.exit_code == 0 and "ANSWER 3+4+5 (p. 2)" in shown.output.splitlines()
    assert as_json["hits"][0]["passages"][0]["page"] == 2
