"""The `vraagbaak` command through click's CliRunner: output, JSON and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from indexer import store
from search.cli import main

from .conftest import FIXTURE_FILES, FIXTURE_SEEDS, FIXTURES, FLEMISH_SEED

FLEMISH_ID = "vlaams/000_e61c5a0f903231aa"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_the_console_command_gives_mains_output_and_exit_codes(tmp_path: Path):
    """`vraagbaak` runs `search.cli.run`, which ends the process after `main` (see pyproject.toml)."""
    def vraagbaak(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from search.cli import run; run()", *args],
                              capture_output=True, text=True)

    built = vraagbaak("index", str(FIXTURE_SEEDS), "--index-dir", str(tmp_path / "ix"))
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith(f"Built a new index in {tmp_path / 'ix'} (no index yet): {FIXTURE_FILES} documents")
    found = vraagbaak("search", "onderwijstop", "--index-dir", str(tmp_path / "ix"))
    assert found.returncode == 0 and "onderwijstop" in found.stdout.lower()
    bad = vraagbaak("search", "trein AND", "--index-dir", str(tmp_path / "ix"))
    assert bad.returncode == 2 and bad.stderr.startswith("Error:") and "Traceback" not in bad.stderr


def test_index_reports_documents_and_exits_zero(runner: CliRunner, tmp_path: Path):
    result = runner.invoke(main, ["index", str(FIXTURE_SEEDS), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Built a new index in {tmp_path / 'ix'} (no index yet): {FIXTURE_FILES} documents from {FIXTURE_FILES} files in ")
    assert lines[1:] == ["No problems."]
    again = runner.invoke(main, ["index", str(FIXTURE_SEEDS), "--index-dir", str(tmp_path / "ix")])
    assert again.exit_code == 0
    assert again.output.startswith(
        f"Updated the index in {tmp_path / 'ix'}: 0 added, 0 updated, 0 removed, {FIXTURE_FILES} unchanged "
        f"({FIXTURE_FILES} documents from {FIXTURE_FILES} files) in "
    )
    rebuilt = runner.invoke(main, ["index", str(FIXTURE_SEEDS), "--index-dir", str(tmp_path / "ix"), "--rebuild"])
    assert rebuilt.output.startswith(f"Built a new index in {tmp_path / 'ix'} (--rebuild requested): {FIXTURE_FILES} documents")


def test_index_with_bad_files_reports_each_and_exits_three(runner: CliRunner, tmp_path: Path):
    sources = tmp_path / "seeds"
    sources.mkdir()
    (sources / "good.txt").write_bytes(FLEMISH_SEED.read_bytes())
    (sources / "empty.txt").write_text("")
    (sources / "image.txt").write_bytes(b"\x00\x01\x02binary")
    (sources / "broken.jsonl").write_text('{"id": "a", "text": "Hoeveel fietsen?"}\n{oops\n')
    result = runner.invoke(main, ["index", str(sources), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 3
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Built a new index in {tmp_path / 'ix'} (no index yet): 2 documents from 4 files")
    assert lines[1] == "3 problem(s), 3 skipped:"
    assert sorted(lines[2:]) == sorted([
        f"  {sources / 'broken.jsonl'}:2: invalid JSON: Expecting property name enclosed in double quotes at column 2 (skipped)",
        f"  {sources / 'empty.txt'}: empty file (skipped)",
        f"  {sources / 'image.txt'}: binary file, not text (skipped)",
    ])
    search = runner.invoke(main, ["search", "fietsen", "--index-dir", str(tmp_path / "ix"), "--json"])
    assert [hit["id"] for hit in json.loads(search.output)["hits"]] == ["a"]


def test_index_exits_three_only_in_the_run_that_meets_a_problem(runner: CliRunner, tmp_path: Path):
    sources, index_dir = tmp_path / "seeds", str(tmp_path / "ix")
    sources.mkdir()
    (sources / "good.txt").write_bytes(FLEMISH_SEED.read_bytes())
    (sources / "empty.txt").write_text("")
    assert runner.invoke(main, ["index", str(sources), "--index-dir", index_dir]).exit_code == 3
    again = runner.invoke(main, ["index", str(sources), "--index-dir", index_dir])
    assert again.exit_code == 0
    assert again.output.splitlines()[1:] == [
        "1 problem(s), 1 skipped, 1 reported before:",
        f"  {sources / 'empty.txt'}: empty file (skipped, reported before)",
    ]
    # A new bad file alone changes no document, and still counts once.
    (sources / "image.txt").write_bytes(b"\x00\x01\x02binary")
    added = runner.invoke(main, ["index", str(sources), "--index-dir", index_dir])
    assert added.exit_code == 3
    assert sorted(added.output.splitlines()[1:]) == [
        f"  {sources / 'empty.txt'}: empty file (skipped, reported before)",
        f"  {sources / 'image.txt'}: binary file, not text (skipped)",
        "2 problem(s), 2 skipped, 1 reported before:",
    ]
    assert runner.invoke(main, ["index", str(sources), "--index-dir", index_dir]).exit_code == 0
    assert runner.invoke(main, ["index", str(sources), "--index-dir", index_dir, "--rebuild"]).exit_code == 0
    (sources / "image.txt").unlink()
    (sources / "empty.txt").write_text("title: Leeg\nSCHRIFTELIJKE VRAAG\nnr. 1\nHoeveel fietsen?\n")
    fixed = runner.invoke(main, ["index", str(sources), "--index-dir", index_dir])
    assert (fixed.exit_code, fixed.output.splitlines()[1:]) == (0, ["No problems."])


def test_index_waiting_for_the_lock_says_who_holds_it(runner: CliRunner, tmp_path: Path):
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    with store.write_lock(index_dir):
        result = runner.invoke(main, ["index", str(FLEMISH_SEED), "--index-dir", str(index_dir), "--wait", "0.2"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Waiting for the lock on {index_dir}, held by process {os.getpid()} (at most 0.2 s)…",
        f"Error: The index in '{index_dir}' is being written by process {os.getpid()} (lock file "
        f"{index_dir / '.lock'}); waited 0.2 s. Try again when that build has finished.",
    ]
    assert result.stdout == ""


def test_search_in_a_damaged_index_is_one_line_saying_rebuild(runner: CliRunner, tmp_path: Path):
    index_dir = tmp_path / "ix"
    assert runner.invoke(main, ["index", str(FLEMISH_SEED), "--index-dir", str(index_dir)]).exit_code == 0
    for toc in index_dir.glob("gen-*/*.toc"):
        toc.unlink()
    for command in (["search", "onderwijstop"], ["stats"], ["show", "000_e61c5a0f903231aa"]):
        result = runner.invoke(main, [*command, "--index-dir", str(index_dir)])
        assert (result.exit_code, result.output) == (1, (
            f"Error: Cannot read the index in '{index_dir}': it has no index files. "
            f"Rebuild it: vraagbaak index --rebuild --index-dir {index_dir}\n"
        ))


def test_index_into_a_folder_whose_parent_is_missing_fails_cleanly(runner: CliRunner, tmp_path: Path):
    result = runner.invoke(main, ["index", str(FLEMISH_SEED), "--index-dir", str(tmp_path / "no" / "ix")])
    assert result.exit_code == 1
    assert result.output == f"Error: Cannot create the index in '{tmp_path / 'no' / 'ix'}': its parent folder does not exist.\n"


def test_search_prints_hits_with_highlighted_passages(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "leerkrachten", "digitale", "competenties", "--index-dir", str(fixture_index), "--limit", "2"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "6 results for 'leerkrachten digitale competenties' (page 1 of 3)"
    assert lines[2] == "1. Nederlands-Vlaamse onderwijstop - Vervolg"
    assert lines[3] == "   nr. 385 · 2024-04-26 · Karolien Grosemans → Ben Weyts · Onderwijs en Vorming"
    assert lines[4].startswith(("   answer: ", "   question: "))
    assert f"   id: {FLEMISH_ID}" in lines
    assert "\x1b[" not in result.output  # not a terminal: no colour codes


def test_search_marks_matches_in_colour_on_a_terminal(fixture_index: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("search.cli._use_color", lambda: True)
    result = CliRunner().invoke(main, ["search", "kopieren", "--index-dir", str(fixture_index)], color=True)
    assert "\x1b[1;33mkopiëren\x1b[0m" in result.output


def test_no_color_turns_colour_off(monkeypatch: pytest.MonkeyPatch):
    from search import cli

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert cli._use_color() is False


def test_search_json_contract(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "kopieren", "--index-dir", str(fixture_index), "--json", "--limit", "1"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["query"] == "kopieren"
    assert data["total"] == 3
    [hit] = data["hits"]
    assert hit["id"] == FLEMISH_ID
    assert hit["minister"] == "Ben Weyts"
    [passage] = [p for p in hit["passages"] if p["section"] == "question"]
    assert [passage["text"][s:e] for s, e in passage["highlights"]] == ["kopiëren"]


def test_search_no_results(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "xylofoonbouwer", "--index-dir", str(fixture_index)])
    assert result.exit_code == 0
    assert result.output == "No results for 'xylofoonbouwer'.\n"


@pytest.mark.parametrize("query", ["thema:", "+", "trein AND", "thema:(a OR b)", "datum:morgen"])
def test_bad_query_is_one_line_and_exit_code_two(runner: CliRunner, fixture_index: Path, query: str):
    result = runner.invoke(main, ["search", query, "--index-dir", str(fixture_index)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_pasted_text_with_an_unmatched_bracket_is_searched_with_a_notice(runner: CliRunner, fixture_index: Path):
    args = ["search", "vertraging (zie bijlage", "--index-dir", str(fixture_index), "--limit", "1"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        "8 results for 'vertraging (zie bijlage' (page 1 of 8)",
        "Note: Unmatched '(' read as plain text.",
    ]
    data = json.loads(runner.invoke(main, args + ["--json"]).output)
    assert (data["total"], data["notice"]) == (8, "Unmatched '(' read as plain text.")
    strict = runner.invoke(main, args + ["--strict"])
    assert (strict.exit_code, strict.output) == (2, "Error: Missing ')' in query.\n")


def test_a_search_by_filters_only_has_no_empty_query_in_its_summary(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "--minister", "mobiliteit", "--index-dir", str(fixture_index), "--limit", "1"])
    assert (result.exit_code, result.output.splitlines()[0]) == (0, "7 results (page 1 of 7)")
    none = runner.invoke(main, ["search", "--minister", "mobiliteit", "--from", "2030", "--index-dir", str(fixture_index)])
    assert (none.exit_code, none.output) == (0, "No results.\n")


def test_a_long_query_is_shortened_in_the_summary_line(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "vertraging " * 500, "--index-dir", str(fixture_index), "--limit", "1"])
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [f"7 results for '{'vertraging ' * 7}ver…' (page 1 of 7)", ""]


def test_search_without_index_says_how_to_build_one(runner: CliRunner, tmp_path: Path):
    result = runner.invoke(main, ["search", "trein", "--index-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == f"Error: No Vraagbaak index in '{tmp_path}'. Build one with: vraagbaak index --index-dir {tmp_path}\n"


def test_limit_and_page_are_validated(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "trein", "--index-dir", str(fixture_index), "--limit", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--limit'" in result.output


def test_show_prints_question_and_answer_pair_by_pair(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["show", FLEMISH_ID, "--index-dir", str(fixture_index)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Nederlands-Vlaamse onderwijstop - Vervolg"
    at = lines.index("QUESTION 1+3")
    assert lines[at + 1].startswith("1. Kan de minister meer duiding geven")
    assert lines[at + 2] == "3. Hoe zal de ondersteuning van 700.000 euro aangewend worden?"
    assert lines[at + 3] == "ANSWER 1+3"
    assert lines[at + 4].startswith("1+3. Het samenwerkingsproject")
    assert lines[lines.index("ANSWER 4") + 1].startswith("4. Wegens de huidige formatiegesprekken")
    data = json.loads(runner.invoke(main, ["show", FLEMISH_ID, "--index-dir", str(fixture_index), "--json"]).output)
    assert [pair["numbers"] for pair in data["pairs"]] == [[1, 3], [2], [4]]


def test_show_names_a_minister_known_only_by_office_after_the_arrow(runner: CliRunner, fixture_index: Path):
    lines = runner.invoke(main, ["show", "kamer/kamer-2017-184504", "--index-dir", str(fixture_index)]).output.splitlines()
    assert lines[1] == ("nr. 184504 · 2017-01-04 · Nele Lijnen → Vice-eersteminister en minister van Veiligheid en "
                        "Binnenlandse Zaken, belast met de Regie der Gebouwen · Strafrecht")
    assert lines[2].startswith("trefwoorden: ")


def test_show_unanswered_and_json(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["show", "kamer/kamer-2017-184505", "--index-dir", str(fixture_index)])
    assert result.output.rstrip().endswith("ANSWER\n(not answered)")
    data = json.loads(runner.invoke(main, ["show", FLEMISH_ID, "--index-dir", str(fixture_index), "--json"]).output)
    assert data["answer"].startswith("1+3.")
    assert data["date"] == "2024-04-26"
    assert data["extra"]["pdf link"].startswith("https://docs.vlaamsparlement.be")


def test_show_and_search_keep_the_arrow_when_the_questioner_or_minister_is_missing(runner: CliRunner, tmp_path: Path):
    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"id": "a", "number": "7", "date": "2024-05-03", "minister": "Ben Weyts", "question": "Hoeveel fietsen?"}\n'
        '{"id": "b", "questioner": "Jan Peeters", "question": "Hoeveel fietsen?"}\n', encoding="utf-8",
    )
    assert runner.invoke(main, ["index", str(records), "--index-dir", str(tmp_path / "ix")]).exit_code == 0
    shown = runner.invoke(main, ["show", "a", "--index-dir", str(tmp_path / "ix")])
    assert shown.output.splitlines()[1] == "nr. 7 · 2024-05-03 · → Ben Weyts"
    found = runner.invoke(main, ["search", "fietsen", "--no-group", "--index-dir", str(tmp_path / "ix")]).output
    assert "   nr. 7 · 2024-05-03 · → Ben Weyts" in found.splitlines()
    assert "   Jan Peeters →" in found.splitlines()


def test_show_unknown_id(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["show", "nope", "--index-dir", str(fixture_index)])
    assert result.exit_code == 1
    assert result.output == "Error: No document with id 'nope' in the index.\n"


def test_every_command_has_help_text():
    for name, command in main.commands.items():
        assert command.help, name
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"vraagbaak {name}" in readme, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.opts[0] in readme, f"{name} {param.opts[0]}"


def test_jsonl_fixture_is_indexed_by_the_cli(runner: CliRunner, tmp_path: Path):
    result = runner.invoke(main, ["index", str(FIXTURES / "records.jsonl"), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0
    shown = runner.invoke(main, ["show", "kamer-2017-192262", "--index-dir", str(tmp_path / "ix"), "--json"])
    assert json.loads(shown.output)["questioner"] == "Karolien Grosemans"


def test_search_suggests_a_spelling(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "leerkrachen", "--index-dir", str(fixture_index)])
    assert result.output.splitlines()[1] == "Bedoelde u: leerkrachten?"
    data = json.loads(runner.invoke(main, ["search", "leerkrachen", "--index-dir", str(fixture_index), "--json"]).output)
    assert data["suggestion"] == "leerkrachten"
