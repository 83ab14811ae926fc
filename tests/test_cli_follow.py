"""The commands that follow a topic: `search --format`, `timeline`, `watch`, `profile` (through CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import main

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
    result = runner.invoke(main, ["search", "(trein", "--index-dir", str(fixture_index), "--format", "csv"])
    assert result.exit_code == 2
    assert result.output == "Error: Missing ')' in query.\n"


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
    (["(trein"], "Error: Missing ')' in query.\n"),
    ([], "Error: The query is empty."),
    (["trein", "--by", "week"], "Error: Invalid value for '--by': 'week' is not one of 'month', 'quarter', 'year'.\n"),
])
def test_timeline_bad_input_is_one_line_and_exit_code_two(runner: CliRunner, fixture_index: Path, args, message):
    result = runner.invoke(main, ["timeline", *args, "--index-dir", str(fixture_index)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message.splitlines()[0]
