"""The web side of following a topic: downloads of every match, the timeline chart and /api/timeline."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from search.cli import main
from search.web import create_app

from .test_web_api import links


@pytest.fixture(scope="module")
def client(fixture_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(fixture_index)) as test_client:
        yield test_client


@pytest.mark.parametrize("export_format, media_type, extension", [
    ("csv", "text/csv; charset=utf-8", "csv"),
    ("markdown", "text/markdown; charset=utf-8", "md"),
    ("jsonl", "application/x-ndjson; charset=utf-8", "jsonl"),
])
def test_export_download_is_what_vraagbaak_search_format_prints(client: TestClient, fixture_index: Path,
                                                                export_format: str, media_type: str, extension: str):
    response = client.get("/api/export", params={"q": "trein", "sort": "-date", "format": export_format, "page": 2})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="vraagbaak.{extension}"'
    printed = CliRunner().invoke(main, ["search", "trein", "--sort", "-date", "--format", export_format,
                                        "--index-dir", str(fixture_index)])
    assert response.text == printed.output


def test_export_errors_are_the_apis(client: TestClient):
    bad_query = client.get("/api/export", params={"q": "thema:"})
    assert (bad_query.status_code, bad_query.json()) == (400, {"error": (
        "'thema:' has no value; write it right after the colon (thema:onderwijs), or quote it (\"thema:\") "
        "to search for the word.")})
    bad = client.get("/api/export", params={"q": "trein", "format": "xml"})
    assert (bad.status_code, bad.json()) == (422, {"error": "format: Input should be 'csv', 'markdown' or 'jsonl'"})


def test_search_page_offers_the_matches_as_downloads(client: TestClient):
    html = client.get("/", params={"q": "trein", "thema": "Vervoerbeleid", "page": 2, "limit": 2}).text
    assert links(html, r"^/api/export") == [
        f"/api/export?q=trein&thema=Vervoerbeleid&format={name}" for name in ("csv", "markdown", "jsonl")]
    assert "Downloaden (alle 6)" in unescape(html)


def test_timeline_api_returns_what_vraagbaak_timeline_json_prints(client: TestClient, fixture_index: Path):
    response = client.get("/api/timeline", params={"q": "trein OR verkrachting", "by": "quarter", "top": 1,
                                                   "group": "false"})
    assert response.status_code == 200
    printed = CliRunner().invoke(main, ["timeline", "trein OR verkrachting", "--by", "quarter", "--top", "1",
                                        "--no-group", "--json", "--index-dir", str(fixture_index)])
    assert response.json() == json.loads(printed.output)


@pytest.mark.parametrize("params, error", [
    ({"q": "trein", "by": "week"}, "by: Input should be 'month', 'quarter' or 'year'"),
    ({"q": "trein", "top": -1}, "top: Input should be greater than or equal to 0"),
])
def test_timeline_api_bad_parameters_are_422(client: TestClient, params: dict, error: str):
    response = client.get("/api/timeline", params=params)
    assert (response.status_code, response.json()) == (422, {"error": error})


def test_search_page_draws_the_timeline_each_bar_a_link_to_its_period(client: TestClient):
    html = client.get("/", params={"q": "trein", "thema": "Vervoerbeleid"}).text
    chart = re.search(r'<section class="facet timeline">.*?</section>', html, re.S).group(0)
    assert "<svg" in chart and "<script" not in chart
    bars = links(chart, r"^/\?")
    assert bars == [f"/?q=trein&thema=Vervoerbeleid&from=2017-{month}&to=2017-{month}" for month in ("01", "04", "05", "06")]
    counts = [int(count) for count in re.findall(r"<title>2017-\d\d: (\d+)</title>", chart)]
    for bar, count in zip(bars, counts):
        narrowed = client.get(bar).text
        assert re.search(rf"\b{count}\s+(resultaat|resultaten) voor", narrowed) is not None
