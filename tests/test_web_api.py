"""The web layer through FastAPI's TestClient: every endpoint, every error status, the pages, escaping, refresh."""

from __future__ import annotations

import json
import re
import sys
from html import unescape
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from indexer import build_index
from search.cli import main
from search.web import create_app

from .conftest import FIXTURE_SEEDS, FLEMISH_SEED

FLEMISH_ID = "vlaams/000_e61c5a0f903231aa"
UNANSWERED_ID = "kamer/kamer-2017-184505"
XSS = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
EVIL_SEED = f"""title: {XSS}
thema: <b>Onderwijs</b>
pdf link: javascript:alert(1)
SCHRIFTELIJKE VRAAG
nr. 1
Kan de minister zeggen waarom {XSS} in de schoolbrief stond?
"""


@pytest.fixture(scope="module")
def client(fixture_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(fixture_index)) as test_client:
        yield test_client


def cli_json(fixture_index: Path, *args: str) -> object:
    result = CliRunner().invoke(main, [*args, "--index-dir", str(fixture_index), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def links(html: str, pattern: str) -> list[str]:
    """The unescaped href of every <a> whose href matches `pattern`."""
    return [unescape(href) for href in re.findall(r'<a[^>]* href="([^"]*)"', html) if re.search(pattern, unescape(href))]


# The JSON API: the same contract as the command line.

@pytest.mark.parametrize(
    "params, options",
    [
        ({"q": "leerkrachten digitale competenties"}, ["leerkrachten", "digitale", "competenties"]),
        ({"q": "trein", "limit": 2, "page": 2, "sort": "-date", "facets": "true"},
         ["trein", "--limit", "2", "--page", "2", "--sort", "-date", "--facets"]),
        ({"q": "verkrachting", "group": "false"}, ["verkrachting", "--no-group"]),
        ({"thema": "vervoerbeleid", "minister": "mobiliteit", "from": "2017-01", "to": "2017-03", "answered": "true"},
         ["--thema", "vervoerbeleid", "--minister", "mobiliteit", "--from", "2017-01", "--to", "2017-03", "--answered"]),
        ({"van": "grosemans", "answered": "false", "sort": "date"}, ["--van", "grosemans", "--unanswered", "--sort", "date"]),
    ],
)
def test_search_api_returns_what_vraagbaak_search_json_prints(client: TestClient, fixture_index: Path, params, options):
    response = client.get("/api/search", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == cli_json(fixture_index, "search", *options)


def test_document_api_returns_what_vraagbaak_show_json_prints_including_pairs(client: TestClient, fixture_index: Path):
    response = client.get(f"/api/documents/{FLEMISH_ID}")
    assert response.status_code == 200
    data = response.json()
    assert data == cli_json(fixture_index, "show", FLEMISH_ID)
    assert [pair["numbers"] for pair in data["pairs"]] == [[1, 3], [2], [4]]


def test_similar_api_returns_what_vraagbaak_similar_json_prints(client: TestClient, fixture_index: Path):
    response = client.get(f"/api/documents/{FLEMISH_ID}/similar", params={"limit": 3})
    assert response.status_code == 200
    assert response.json() == cli_json(fixture_index, "similar", FLEMISH_ID, "--limit", "3")
    assert response.json()["hits"] and all("shared_terms" in hit for hit in response.json()["hits"])


def test_stats_api_returns_what_vraagbaak_stats_json_prints(client: TestClient, fixture_index: Path):
    response = client.get("/api/stats")
    assert response.status_code == 200
    assert response.json() == cli_json(fixture_index, "stats")


def test_healthz_says_ok_with_the_number_of_documents(client: TestClient, fixture_index: Path):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "documents": cli_json(fixture_index, "stats")["documents"]}


def test_openapi_is_served_and_nothing_loads_from_a_cdn(client: TestClient):
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/documents/{doc_id}", "/api/documents/{doc_id}/similar", "/api/stats", "/healthz"} <= set(spec["paths"])
    assert {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]} == {
        "q", "page", "limit", "thema", "minister", "van", "from", "to", "answered", "sort", "facets", "group"}
    # Swagger UI and ReDoc would load their scripts from a CDN.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    for url in ("/", "/?q=trein", f"/documents/{FLEMISH_ID}"):
        html = client.get(url).text
        assert not re.search(r'<(?:link|script|img)[^>]*(?:href|src)="(?:https?:)?//', html), url
        assert "<script" not in html


def test_responses_forbid_scripts_and_framing(client: TestClient):
    policy = client.get("/?q=trein").headers["content-security-policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert client.get("/api/search", params={"q": "trein"}).headers["x-content-type-options"] == "nosniff"


# Errors: JSON {"error": message} under /api, with the right status.

def test_malformed_query_is_400_with_the_librarys_message(client: TestClient, fixture_index: Path):
    response = client.get("/api/search", params={"q": "digitale AND"})
    assert response.status_code == 400
    cli = CliRunner().invoke(main, ["search", "digitale AND", "--index-dir", str(fixture_index)])
    assert response.json() == {"error": cli.output.removeprefix("Error: ").strip()}


def test_unmatched_quote_is_plain_text_with_the_notice_on_the_page_and_in_the_api(client: TestClient):
    response = client.get("/api/search", params={"q": '"digitale competenties'})
    assert response.status_code == 200
    assert response.json()["total"] > 0
    assert response.json()["notice"] == "Unmatched '\"' read as plain text."
    page = client.get("/", params={"q": '"digitale competenties'})
    assert '<p class="notice">Unmatched &#39;&#34;&#39; read as plain text.</p>' in page.text


def test_empty_query_without_filters_is_400(client: TestClient):
    response = client.get("/api/search")
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("url", ["/api/documents/nope", "/api/documents/nope/similar", "/api/documents/"])
def test_unknown_document_is_404(client: TestClient, url: str):
    response = client.get(url)
    assert response.status_code == 404
    assert "No document with id" in response.json()["error"]


@pytest.mark.parametrize("path", ["..%2F..%2F..%2Fetc%2Fpasswd", "..%2Fpyproject.toml", "%2Fetc%2Fpasswd", "vlaams%2F..%2F..%2FREADME.md"])
def test_document_ids_are_looked_up_in_the_index_never_on_disk(client: TestClient, path: str):
    for url in (f"/api/documents/{path}", f"/documents/{path}"):
        response = client.get(url)
        assert response.status_code == 404
        assert "No document with id" in response.text


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/search?q=trein&limit=0", "limit"),
        ("/api/search?q=trein&limit=101", "limit"),
        ("/api/search?q=trein&page=0", "page"),
        ("/api/search?q=trein&page=x", "page"),
        ("/api/search?q=trein&sort=newest", "sort"),
        ("/api/search?q=trein&answered=maybe", "answered"),
        ("/api/search?q=trein&from=last+week", "from"),
        ("/api/search?q=trein&from=2024-13", "from"),
        ("/api/search?q=trein&to=2024-02-30", "to"),
        ("/api/search?q=" + "trein+" * 100, "q"),
        (f"/api/documents/{FLEMISH_ID}/similar?limit=101", "limit"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(client: TestClient, url: str, parameter: str):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"{parameter}: ")


def test_a_date_of_the_right_shape_that_is_no_date_is_422_quoting_it(client: TestClient):
    response = client.get("/api/search?q=trein&to=2024-02-30")
    assert response.json() == {"error": "to: '2024-02-30' is not a date; use 2024, 2024-04 or 2024-04-26"}


def test_missing_index_is_503_until_one_is_built(tmp_path: Path):
    with TestClient(create_app(tmp_path / "ix", refresh_seconds=0)) as client:
        for url in ("/healthz", "/api/search?q=trein", "/api/stats"):
            response = client.get(url)
            assert response.status_code == 503
            assert "Build one with: vraagbaak index" in response.json()["error"]
        page = client.get("/?q=trein")
        assert page.status_code == 503
        assert "De index is niet beschikbaar" in page.text and "Er is nog geen index om in te zoeken." in page.text
        assert str(tmp_path) not in page.text
        build_index([FLEMISH_SEED], tmp_path / "ix")
        assert client.get("/healthz").json() == {"status": "ok", "documents": 1}


def test_index_built_by_another_version_is_503_saying_rebuild(tmp_path: Path):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix", refresh_seconds=0)) as client:
        assert client.get("/healthz").status_code == 200
        generation = tmp_path / "ix" / (tmp_path / "ix" / "CURRENT").read_text().strip()
        manifest = json.loads((generation / "manifest.json").read_text())
        (generation / "manifest.json").write_text(json.dumps({**manifest, "schema_version": -1}))
        response = client.get("/api/search", params={"q": "leerkrachten"})
        assert response.status_code == 503
        assert response.json() == {"error": "The index was built by another version of Vraagbaak. "
                                             "Rebuild the index: vraagbaak index --rebuild"}


def test_no_usable_index_never_shows_the_servers_paths(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    for toc in (tmp_path / "ix").glob("gen-*/*.toc"):
        toc.unlink()
    with TestClient(create_app(tmp_path / "ix")) as client:
        api = client.get("/api/search", params={"q": "onderwijstop"})
        page = client.get("/", params={"q": "onderwijstop"})
    assert (api.status_code, api.json()) == (503, {"error": "The index cannot be read. Rebuild the index: vraagbaak index --rebuild"})
    assert page.status_code == 503
    assert "<p>De index kan niet gelezen worden en moet opnieuw gebouwd worden.</p>" in page.text
    assert str(tmp_path) not in api.text + page.text
    assert f"Cannot read the index in '{tmp_path / 'ix'}'" in caplog.text  # for whoever runs the server


def test_pages_show_errors_as_html_with_the_same_status(client: TestClient):
    bad = client.get("/", params={"q": "thema:"})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("text/html")
    assert "Deze zoekvraag klopt niet" in bad.text
    assert client.get("/?q=trein&limit=500").status_code == 422
    missing = client.get("/documents/nope")
    assert missing.status_code == 404 and "Niet gevonden" in missing.text
    assert client.get("/no/such/page").status_code == 404


# Refresh: a re-indexed index is served without a restart.

def test_reindexed_index_is_picked_up_without_a_restart(tmp_path: Path):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix", refresh_seconds=0)) as client:
        assert client.get("/api/search", params={"q": "trein"}).json()["total"] == 0
        assert client.get("/healthz").json()["documents"] == 1
        build_index([FLEMISH_SEED, FIXTURE_SEEDS / "kamer"], tmp_path / "ix")
        assert client.get("/api/search", params={"q": "trein"}).json()["total"] > 0
        assert client.get("/healthz").json()["documents"] == 1 + len(list((FIXTURE_SEEDS / "kamer").glob("*.txt")))


def test_index_is_checked_for_changes_at_most_once_per_refresh_interval(tmp_path: Path):
    build_index([FLEMISH_SEED], tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix", refresh_seconds=3600)) as client:
        assert client.get("/healthz").json()["documents"] == 1
        build_index([FLEMISH_SEED, FIXTURE_SEEDS / "kamer"], tmp_path / "ix")
        assert client.get("/healthz").json()["documents"] == 1


# The search page.

def test_search_page_shows_hits_with_marked_passages_and_metadata(client: TestClient):
    html = client.get("/", params={"q": "leerkrachten digitale competenties"}).text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="nl">' in html
    assert f'<a href="/documents/{FLEMISH_ID}">Nederlands-Vlaamse onderwijstop - Vervolg</a>' in html
    assert "<span>nr. 385</span>" in html
    assert '<time datetime="2024-04-26">26 april 2024</time>' in html
    assert "<span>Karolien Grosemans → Ben Weyts</span>" in html
    assert "<span>Onderwijs en Vorming</span>" in html
    assert "<mark>leerkrachten</mark>" in html and "<mark>digitale</mark>" in html
    assert '<p class="answers">antwoord op: 1. Kan de minister' in html
    assert 'value="leerkrachten digitale competenties"' in html


def test_marks_follow_the_passage_highlights(client: TestClient, fixture_index: Path):
    hit = cli_json(fixture_index, "search", "kopieren")["hits"][0]
    passage = hit["passages"][0]
    start, end = passage["highlights"][0]
    html = client.get("/", params={"q": "kopieren"}).text
    assert f"<mark>{passage['text'][start:end]}</mark>" in html
    assert passage["text"][start:end] == "kopiëren"


def test_a_hit_without_questioner_keeps_the_arrow_before_the_minister(tmp_path: Path):
    records = tmp_path / "records.jsonl"
    records.write_text('{"id": "a", "minister": "Ben Weyts", "question": "Hoeveel fietsen?"}\n', encoding="utf-8")
    build_index([records], tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix")) as client:
        assert "<span>→ Ben Weyts</span>" in client.get("/", params={"q": "fietsen"}).text
        assert "<span>→ Ben Weyts</span>" in client.get("/documents/a").text


def test_questions_sent_to_several_ministers_show_ook_gesteld_aan(client: TestClient):
    html = client.get("/", params={"q": "verkrachting"}).text
    assert "ook gesteld aan:" in html
    assert ('<a href="/documents/kamer/kamer-2017-184504" title="Vice-eersteminister en minister van Veiligheid en '
            'Binnenlandse Zaken, belast met de Regie der Gebouwen">Vice-eersteminister en minister van…</a>') in html


def test_ook_gesteld_aan_lists_the_first_three_ministers_shortened_then_how_many_more(tmp_path: Path):
    records = tmp_path / "records.jsonl"
    offices = [f"Minister van Zaken nummer {n}, belast met van alles en nog wat" for n in range(16)]
    records.write_text("".join(
        json.dumps({"id": f"q{n:02d}", "minister": office, "date": "2024-05-03", "question": "Hoeveel fietsen zijn er?"}) + "\n"
        for n, office in enumerate(offices)
    ), encoding="utf-8")
    build_index([records], tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix")) as client:
        html = client.get("/", params={"q": "fietsen"}).text
    [also] = re.findall(r'<p class="also">(.*?)</p>', html, re.S)
    shown = re.findall(r'<a href="/documents/(q\d+)" title="([^"]*)">([^<]*)</a>', also)
    assert len(shown) == 3
    for doc_id, title, text in shown:
        assert title == offices[int(doc_id[1:])]
        assert text.endswith(", belast met…") and title.startswith(text[:-1]) and len(text) <= 41
    assert " ".join(also.split()).endswith("</a> en 12 anderen")


@pytest.mark.parametrize("url, status", [
    ("/", 200), ("/?q=trein", 200), ("/api/search?q=trein", 200), ("/healthz", 200),
    (f"/documents/{FLEMISH_ID}", 200), ("/static/style.css", 200), ("/documents/nope", 404),
])
def test_head_answers_as_get_without_a_body(client: TestClient, url: str, status: int):
    response, get = client.head(url), client.get(url)
    assert (response.status_code, response.content) == (status, b"")
    assert response.headers["content-type"] == get.headers["content-type"]
    assert response.headers["content-length"] == str(len(get.content))


def test_other_methods_are_still_not_allowed(client: TestClient):
    assert client.post("/api/search").status_code == 405


def test_facet_value_links_add_the_filter_and_active_filters_can_be_removed(client: TestClient):
    html = client.get("/", params={"q": "trein OR gevangenis"}).text
    assert '<h2>Thema</h2>' in html and '<h2>Minister</h2>' in html and '<h2>Vraagsteller</h2>' in html and '<h2>Jaar</h2>' in html
    theme_link = links(html, r"thema=")[0]
    assert theme_link.startswith("/?q=trein+OR+gevangenis&thema=")
    drilled = client.get(theme_link).text
    assert "Thema: " in drilled and "Filter verwijderen" in drilled
    removal = links(drilled, r"^/\?")
    assert "/?q=trein+OR+gevangenis" in removal
    year_link = links(html, r"from=2017")[0]
    assert year_link == "/?q=trein+OR+gevangenis&from=2017&to=2017"
    assert "Vanaf: 2017" in client.get(year_link).text


def test_facet_drill_down_narrows_to_the_count_shown(client: TestClient):
    html = client.get("/", params={"q": "trein", "group": "false"}).text
    match = re.search(r'<a href="([^"]*van=[^"]*)">([^<]*)</a> <span class="count">(\d+)</span>', html)
    assert match
    drilled = client.get(unescape(match.group(1)) + "&limit=100")
    assert drilled.status_code == 200
    assert drilled.text.count('<li class="hit">') == int(match.group(3))


def test_sort_links_change_the_order_and_keep_the_query(client: TestClient):
    html = client.get("/", params={"q": "trein"}).text
    assert '<strong aria-current="true">relevantie</strong>' in html
    newest = links(html, r"sort=-date")[0]
    assert newest == "/?q=trein&sort=-date"
    dates = re.findall(r'<time datetime="([^"]+)"', client.get(newest).text)
    assert dates == sorted(dates, reverse=True) and len(dates) > 1
    assert '<strong aria-current="true">oudste</strong>' in client.get("/?q=trein&sort=date").text


def test_paging_links_go_forward_and_back(client: TestClient):
    pages = -(-client.get("/api/search", params={"q": "trein", "limit": 2}).json()["total"] // 2)
    assert pages > 2
    first = client.get("/", params={"q": "trein", "limit": 2}).text
    assert f"pagina 1 van {pages}" in first and 'rel="prev"' not in first
    forward = re.search(r'<a rel="next" href="([^"]*)"', first).group(1)
    assert unescape(forward) == "/?q=trein&limit=2&page=2"
    second = client.get(unescape(forward)).text
    assert f"pagina 2 van {pages}" in second and 'rel="prev"' in second
    assert '<ol class="hits" start="3">' in second
    assert "bestaat niet" in client.get("/", params={"q": "trein", "page": 99}).text


def test_suggestion_is_a_link_to_the_corrected_search(client: TestClient):
    html = client.get("/", params={"q": "leerkrachen"}).text
    assert 'Bedoelde u: <a href="/?q=leerkrachten">leerkrachten</a>?' in html


def test_search_form_keeps_filters_and_order_for_the_next_query(client: TestClient):
    html = client.get("/", params={"q": "trein", "thema": "vervoerbeleid", "sort": "-date", "page": 2}).text
    form = html[html.index('<form class="search"'):html.index("</form>")]
    assert '<input type="hidden" name="thema" value="vervoerbeleid">' in form
    assert '<input type="hidden" name="sort" value="-date">' in form
    assert 'name="page"' not in form


def test_start_page_offers_themes_and_years(client: TestClient):
    html = client.get("/").text
    assert "schriftelijke vragen" in html
    assert '<a href="/?thema=Vervoerbeleid">Vervoerbeleid</a>' in html
    assert '<a href="/?from=2017&amp;to=2017">2017</a>' in html


def test_filters_without_a_query_list_the_questions(client: TestClient):
    html = client.get("/", params={"van": "grosemans"}).text
    assert "Vraagsteller: grosemans" in html
    assert f'href="/documents/{FLEMISH_ID}"' in html


# The document page.

def test_document_page_pairs_each_sub_question_with_its_answer(client: TestClient):
    html = client.get(f"/documents/{FLEMISH_ID}").text
    assert "<h1>Nederlands-Vlaamse onderwijstop - Vervolg</h1>" in html
    assert [unescape(h) for h in re.findall(r"<h3>([^<]*)</h3>", html)] == [
        "Vraag 1+3", "Antwoord 1+3", "Vraag 2", "Antwoord 2", "Vraag 4", "Antwoord 4"]
    assert "Op maandag 23 januari 2024" in html  # the question's opening, before sub-question 1
    assert "<h2>Vergelijkbare vragen</h2>" in html and "gedeelde woorden:" in html
    assert '<dt>pdf link</dt>' in html and '<a href="https://' in html


def test_document_page_without_numbering_shows_question_whole_and_says_unanswered(client: TestClient):
    html = client.get(f"/documents/{UNANSWERED_ID}").text
    assert "<h3>" not in html
    assert "Nog niet beantwoord." in html


# Escaping.

@pytest.fixture(scope="module")
def evil_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    seeds = tmp_path_factory.mktemp("evil")
    (seeds / 'evil"><i>x.txt').write_text(EVIL_SEED, encoding="utf-8")
    build_index([seeds], seeds / "ix")
    with TestClient(create_app(seeds / "ix")) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "url, status",
    [
        ("/?q=schoolbrief", 200),
        ("/?q=alert", 200),
        ("/?thema=onderwijs", 200),
        ("/documents/evil%22%3E%3Ci%3Ex", 200),
        ("/?q=<script>alert(1)</script> schoolbrief", 200),  # the query shown back in the box and the summary
        ("/?q=" + XSS, 200),  # its unmatched quote read as plain text, with a notice
        ("/documents/" + XSS, 404),  # the error message quotes the id
    ],
)
def test_markup_in_documents_queries_and_ids_renders_inert(evil_client: TestClient, url: str, status: int):
    response = evil_client.get(url)
    assert response.status_code == status
    html = response.text
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;b&gt;Onderwijs" in html


def test_highlighting_escapes_the_text_around_marks(evil_client: TestClient):
    html = evil_client.get("/", params={"q": "alert schoolbrief"}).text
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in html
    assert "<mark>schoolbrief</mark>" in html
    assert '<a href="/documents/evil%22%3E%3Ci%3Ex">' in html


def test_json_keeps_markup_as_data(evil_client: TestClient):
    response = evil_client.get('/api/documents/evil"><i>x')
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["title"] == XSS


# The command.

def test_serve_runs_the_app_on_loopback_by_default(fixture_index: Path, monkeypatch: pytest.MonkeyPatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    result = CliRunner().invoke(main, ["serve", "--index-dir", str(fixture_index)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Vraagbaak: http://127.0.0.1:8080/")
    app, options = calls[0]
    assert isinstance(app, FastAPI)
    assert options["host"] == "127.0.0.1" and options["port"] == 8080


def test_serve_without_the_web_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # makes `import uvicorn` raise ImportError
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert result.output == "Error: vraagbaak serve needs the web extra (uvicorn is not installed): pip install 'vraagbaak[web]'\n"


def test_document_page_shows_any_kind_of_extra_value(tmp_path: Path):
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({
        "id": "r1", "question": "Hoeveel fietsen?", "party": None, "pages": 3, "urgent": True,
        "keywords": ["fiets", "trein"], "meta": {"bron": "kamer"},
    }) + "\n", encoding="utf-8")
    build_index([records], tmp_path / "ix")
    with TestClient(create_app(tmp_path / "ix")) as client:
        page = client.get("/documents/r1")
        assert page.status_code == 200
        assert "fiets, trein" in page.text


def test_an_unexpected_failure_is_a_json_500_on_the_api(fixture_index: Path, monkeypatch: pytest.MonkeyPatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("search.searcher.Searcher.stats", fail)
    with TestClient(create_app(fixture_index), raise_server_exceptions=False) as client:
        response = client.get("/api/stats")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal error: the request failed; the server log has the details."}
