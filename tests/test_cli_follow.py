"""The commands that follow a topic: `search --format`, `timeline`, `watch`, `profile` (through CliRunner)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import main

from .conftest import FIXTURE_SEEDS

KOPIEREN_CSV = """\
number,date,questioner,minister,theme,title,link,passage,id
385,2024-04-26,Karolien Grosemans,Ben Weyts,Onderwijs en Vorming,Nederlands-Vlaamse onderwijstop - Vervolg,\
https://docs.vlaamsparlement.be/pfile?id=2063647,"Nederland zal ook het concept van de Kwaliteitsalliantie kopiëren, \
zodat het meer vat krijgt op de kwaliteit van de gebruikte leermiddelen in het onderwijs.",vlaams/000_e61c5a0f903231aa
187703,2017-03-06,Leen Dierick,Minister van Justitie,Strafrecht,Namaak.,kamer/kamer-2017-187703.txt,\
"Veel websites die namaak aanbieden, zijn amper van de echte merken te onderscheiden, ze kopieren de lay-out van de \
originele website.",kamer/kamer-2017-187703
192545,2017-06-16,Stefaan Van Hecke,Minister van Justitie,,FPC's. - Toezichtcommissie (MV 18125).,\
kamer/kamer-2017-192545.txt,Het zou een fout signaal zijn om toezichtstechnieken uit het gevangeniswezen te kopieren \
naar deze instellingen.Het lijkt dus logischer dat op de geinterneerden die in zorginstellingen verblijven dezelfde \
toezichtmechanismen worden gehanteerd dan op niet…,kamer/kamer-2017-192545
"""


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_search_format_csv_prints_every_match_as_rows(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "kopieren", "--index-dir", str(fixture_index), "--format", "csv"])
    assert result.exit_code == 0
    assert result.output == KOPIEREN_CSV


def test_search_format_jsonl_goes_past_the_first_page(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "--from", "2017", "--index-dir", str(fixture_index),
                                  "--format", "jsonl", "--no-group"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    listed = runner.invoke(main, ["search", "--from", "2017", "--index-dir", str(fixture_index),
                                  "--no-group", "--json", "--limit", "100"])
    assert [row["id"] for row in rows] == [hit["id"] for hit in json.loads(listed.output)["hits"]]
    assert len(rows) > 10


def test_search_format_markdown_is_a_table(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "kopieren", "--index-dir", str(fixture_index), "--format", "markdown"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:2] == ["| number | date | questioner | minister | theme | title | link | passage | id |",
                         "|---|---|---|---|---|---|---|---|---|"]
    assert len(lines) == 5


@pytest.mark.parametrize("option", [["--limit", "5"], ["--page", "2"], ["--json"], ["--facets"]])
def test_search_format_refuses_page_and_json_options(runner: CliRunner, fixture_index: Path, option: list[str]):
    result = runner.invoke(main, ["search", "trein", "--index-dir", str(fixture_index), "--format", "csv", *option])
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: {option[0]} cannot be combined with --format (an export holds every match).\n")


def test_search_format_of_a_bad_query_is_one_line_and_exit_code_two(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["search", "(trein", "--strict", "--index-dir", str(fixture_index), "--format", "csv"])
    assert result.exit_code == 2
    assert result.output == "Error: Missing ')' in query.\n"
    lenient = runner.invoke(main, ["search", "(trein", "--index-dir", str(fixture_index), "--format", "csv"])
    assert lenient.exit_code == 0 and lenient.output.count("\n") > 2


def test_timeline_draws_a_bar_per_month_with_who_asked_whom(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["timeline", "trein", "--index-dir", str(fixture_index), "--top", "1"])
    assert result.exit_code == 0
    mobility = "Minister van Mobiliteit, belast met Belgocontrol en de Nationale Maatschappij der Belgische Spoorwegen"
    assert result.output == f"""\
6 results for 'trein' by month (2017-01 to 2017-06)

2017-01  3  ########################################
            asked by Emmanuel Burton (1)
            asked to {mobility} (3)
2017-02  0
2017-03  0
2017-04  1  #############
            asked by Jean-Marc Nollet (1)
            asked to {mobility} (1)
2017-05  1  #############
            asked by David Geerts (1)
            asked to {mobility} (1)
2017-06  1  #############
            asked by Ine Somers (1)
            asked to {mobility} (1)
"""


def test_timeline_by_year_with_filters_only(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["timeline", "--index-dir", str(fixture_index), "--from", "2017", "--by", "year",
                                  "--top", "0", "--no-group"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "25 results by year (2017 to 2024)", "",
        "2017  24  ########################################",
        *[f"{year}   0" for year in range(2018, 2024)],
        "2024   1  ##",
    ]


def test_timeline_json_is_the_librarys_contract(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["timeline", "verkrachting", "--index-dir", str(fixture_index), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["query"], data["by"], data["total"], data["undated"]) == ("verkrachting", "month", 2, 0)
    assert data["periods"] == [{"period": "2017-01", "from": "2017-01-01", "to": "2017-01-31", "count": 2,
                                "questioners": {"Nele Lijnen": 2}, "ministers": data["periods"][0]["ministers"]}]
    assert list(data["periods"][0]["ministers"].values()) == [2, 2, 1]


def test_timeline_without_matches_says_so(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["timeline", "xylofoonbouwer", "--index-dir", str(fixture_index)])
    assert (result.exit_code, result.output) == (0, "0 results for 'xylofoonbouwer': nothing to draw.\n")


@pytest.mark.parametrize("args, message", [
    (["thema:"], "Error: 'thema:' has no value; write it right after the colon (thema:onderwijs), or quote it "
                 '("thema:") to search for the word.\n'),
    ([], "Error: The query is empty."),
    (["trein", "--by", "week"], "Error: Invalid value for '--by': 'week' is not one of 'month', 'quarter', 'year'.\n"),
])
def test_timeline_bad_input_is_one_line_and_exit_code_two(runner: CliRunner, fixture_index: Path, args, message):
    result = runner.invoke(main, ["timeline", *args, "--index-dir", str(fixture_index)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message.splitlines()[0]


@pytest.fixture()
def watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Sources (a copy of the fixture seeds) and their index, at a fixed clock for saved searches."""
    monkeypatch.setattr("search.watch._now", lambda: "2026-12-01T09:00:00+00:00")
    sources = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, sources)
    index_dir = tmp_path / "ix"
    assert CliRunner().invoke(main, ["index", str(sources), "--index-dir", str(index_dir)]).exit_code == 0
    return sources, index_dir


def test_watch_add_list_report_remove(runner: CliRunner, watched: tuple[Path, Path]):
    _, index_dir = watched
    ix = ["--index-dir", str(index_dir)]
    added = runner.invoke(main, ["watch", "add", "treinen", "trein", *ix])
    assert (added.exit_code, added.output) == (0, "Saved 'treinen': 'trein' (6 matching now). vraagbaak watch report "
                                                  "'treinen' lists what is added or changed from now on.\n")
    added = runner.invoke(main, ["watch", "add", "justitie", "--minister", "justitie", "--unanswered", "--no-group", *ix])
    assert added.exit_code == 0
    listed = runner.invoke(main, ["watch", "list", *ix])
    assert (listed.exit_code, listed.output) == (0, """\
justitie  --minister 'justitie' --unanswered --no-group  (last report: never)
treinen   'trein'  (last report: never)
""")
    assert json.loads(runner.invoke(main, ["watch", "list", "--json", *ix]).output)[1] == {
        "name": "treinen", "query": "trein", "theme": None, "minister": None, "questioner": None, "from": None,
        "to": None, "answered": None, "group": True, "added": "2026-12-01T09:00:00+00:00", "reported": None}
    reported = runner.invoke(main, ["watch", "report", "treinen", *ix])
    assert (reported.exit_code, reported.output) == (
        0, "treinen: 0 new since it was saved (2026-12-01T09:00:00+00:00) — 'trein'\n")
    again = runner.invoke(main, ["watch", "report", *ix])
    assert again.output == ("justitie: 0 new since it was saved (2026-12-01T09:00:00+00:00) — --minister 'justitie' "
                            "--unanswered --no-group\n\ntreinen: 0 new since 2026-12-01T09:00:00+00:00 — 'trein'\n")
    removed = runner.invoke(main, ["watch", "remove", "justitie", *ix])
    assert (removed.exit_code, removed.output) == (0, "Removed 'justitie'.\n")
    assert runner.invoke(main, ["watch", "list", *ix]).output.splitlines() == [
        "treinen  'trein'  (last report: 2026-12-01T09:00:00+00:00)"]


def test_index_ends_with_the_new_documents_of_each_saved_search(runner: CliRunner, watched: tuple[Path, Path]):
    sources, index_dir = watched
    ix = ["--index-dir", str(index_dir)]
    runner.invoke(main, ["watch", "add", "treinen", "trein", *ix])
    runner.invoke(main, ["watch", "add", "fietsen", "fietsen", *ix])
    changed = sources / "kamer" / "kamer-2017-185112.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEen zin over de trein erbij.\n", encoding="utf-8")
    indexed = runner.invoke(main, ["index", str(sources), *ix])
    assert indexed.exit_code == 0
    assert indexed.output.splitlines()[-2:] == [
        "No problems.", "New for saved searches: fietsen 0, treinen 1 (vraagbaak watch report lists them)."]
    reported = runner.invoke(main, ["watch", "report", "treinen", "--json", *ix])
    [report] = json.loads(reported.output)
    assert (report["name"], report["new"], [hit["id"] for hit in report["hits"]]) == (
        "treinen", 1, ["kamer/kamer-2017-185112"])
    rebuilt = runner.invoke(main, ["index", str(sources), "--rebuild", *ix])
    assert rebuilt.output.splitlines()[-1] == "New for saved searches: fietsen 0, treinen 0 (vraagbaak watch report lists them)."


def test_index_without_saved_searches_says_nothing_of_them(runner: CliRunner, watched: tuple[Path, Path]):
    sources, index_dir = watched
    indexed = runner.invoke(main, ["index", str(sources), "--index-dir", str(index_dir)])
    assert indexed.output.splitlines()[-1] == "No problems."


@pytest.mark.parametrize("args, code, message", [
    (["watch", "remove", "nope"], 1, "Error: No saved search named 'nope' in '{ix}' (saved: none)."),
    (["watch", "report", "nope"], 1, "Error: No saved search named 'nope' in '{ix}' (saved: none)."),
    (["watch", "add", "kapot", "van:"], 2, "Error: 'van:' has no value; write it right after the colon (van:grosemans), "
                                           'or quote it ("van:") to search for the word.'),
    (["watch", "add", " ", "trein"], 1, "Error: '' cannot name a saved search: use 1 to 100 printable characters."),
])
def test_watch_errors_are_one_line_and_non_zero(runner: CliRunner, watched: tuple[Path, Path], args, code, message):
    _, index_dir = watched
    result = runner.invoke(main, [*args, "--index-dir", str(index_dir)])
    assert (result.exit_code, result.output) == (code, message.format(ix=index_dir) + "\n")


def test_watch_without_an_index_says_how_to_build_one(runner: CliRunner, tmp_path: Path):
    result = runner.invoke(main, ["watch", "list", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output == f"Error: No Vraagbaak index in '{tmp_path / 'none'}'. Build one with: vraagbaak index --index-dir {tmp_path / 'none'}\n"


def test_profile_of_a_member_prints_counts_and_distinctive_words(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["profile", "--van", "nele lijnen", "--words", "3", "--index-dir", str(fixture_index)])
    assert result.exit_code == 0
    assert result.output == """\
2 questions by 'nele lijnen' (2 answered)

themes: Strafrecht (1)
years: 2017 (2)
ministers: Minister van Justitie (2), Vice-eersteminister en minister van Veiligheid en Binnenlandse Zaken, belast \
met de Regie der Gebouwen (2), Staatssecretaris voor Armoedebestrijding, Gelijke Kansen, Personen met Een Beperking, \
en Wetenschapsbeleid, belast met Grote Steden, Toegevoegd aan de minister van Financien (1)
questioners: Nele Lijnen (2)

distinctive words (share of these documents / of all others):
  dossiers  100% / 0.0%
  geweld    100% / 0.0%
  meedelen  100% / 0.0%
"""


def test_profile_json_of_a_minister(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["profile", "--minister", "justitie", "--json", "--index-dir", str(fixture_index)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["questioner"], data["minister"], data["total"], data["answered"], data["documents"]) == (
        None, "justitie", 5, 5, 5)
    assert data["ministers"] == {"Minister van Justitie": 5}
    assert data["words"][:2] == [
        {"word": "afgelopen", "term": "afgelop", "documents": 2, "share": 0.4, "others_share": 0.0,
         "score": data["words"][0]["score"]},
        {"word": "gevangenissen", "term": "gevangenis", "documents": 2, "share": 0.4, "others_share": 0.0,
         "score": data["words"][1]["score"]}]


def test_profile_of_nobody_says_so(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["profile", "--van", "xylofoonbouwer", "--index-dir", str(fixture_index)])
    assert (result.exit_code, result.output) == (0, "No questions by 'xylofoonbouwer'.\n")


def test_profile_needs_van_or_minister(runner: CliRunner, fixture_index: Path):
    result = runner.invoke(main, ["profile", "--index-dir", str(fixture_index)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: Give --van NAME or --minister NAME (or both)."


def test_index_with_damaged_saved_searches_still_succeeds_and_says_so(runner: CliRunner, watched: tuple[Path, Path]):
    sources, index_dir = watched
    (index_dir / "saved_searches.json").write_text("{kapot", encoding="utf-8")
    indexed = runner.invoke(main, ["index", str(sources), "--index-dir", str(index_dir)])
    assert indexed.exit_code == 0
    assert indexed.stdout.splitlines()[-1] == "No problems."
    assert indexed.stderr.startswith(f"Saved searches not checked: The saved searches in '{index_dir / 'saved_searches.json'}'"
                                     " are damaged (")


@pytest.mark.parametrize("content", ["[]", '{"searches": {"a": 1}}',
                                     '{"sync": 0, "generation": null, "documents": {}, "searches": {"a": {"query": "x"}}}'])
@pytest.mark.parametrize("command", [["watch", "list"], ["watch", "report"]])
def test_saved_searches_of_the_wrong_shape_are_one_line_saying_remove_the_file(
        runner: CliRunner, watched: tuple[Path, Path], content: str, command: list[str]):
    _, index_dir = watched
    (index_dir / "saved_searches.json").write_text(content, encoding="utf-8")
    result = runner.invoke(main, [*command, "--index-dir", str(index_dir)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: The saved searches in '{index_dir / 'saved_searches.json'}' are damaged (")
    assert result.output.endswith("remove the file to start again without them.\n")
