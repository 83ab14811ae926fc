"""The search page in a real browser: headless system Chromium, driven by Playwright, against a live server.

Skips when Playwright or /usr/bin/chromium is missing (Playwright's own browser download is not used).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium)", allow_module_level=True)

import uvicorn  # noqa: E402

from search.web import create_app  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(fixture_index: Path) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound before the server starts: no race for the port
    uvicorn_server = uvicorn.Server(uvicorn.Config(create_app(fixture_index), log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uvicorn_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uvicorn_server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def test_search_facet_paging_and_document_work_without_javascript(server: str, browser: sync_api.Browser, tmp_path: Path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/?limit=2")
    page.fill("#q", "trein")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=trein&limit=2")
    summary = re.fullmatch(r"\d+ resultaten voor ‘trein’ · pagina 1 van (\d+)", page.locator(".summary").inner_text())
    assert summary and int(summary.group(1)) > 1
    assert page.locator("li.hit mark").count() > 0
    assert page.locator("li.hit mark").first.inner_text().lower().startswith("trein")
    page.screenshot(path=tmp_path / "search.png", full_page=True)
    assert (tmp_path / "search.png").stat().st_size > 10_000

    questioner = page.locator("aside.facets section.facet", has_text="Vraagsteller").locator("a").first
    name = questioner.inner_text()
    questioner.click()
    assert "van=" in page.url
    assert page.locator("aside .active li").inner_text() == f"Vraagsteller: {name} ×"
    assert page.locator("li.hit").count() == 1
    page.locator("aside .active a").first.click()  # remove the filter again
    assert "van=" not in page.url

    page.locator("a[rel=next]").click()
    assert "page=2" in page.url
    assert page.locator(".summary").inner_text().endswith(f"pagina 2 van {summary.group(1)}")

    title = page.locator("li.hit h2 a").first
    heading = title.inner_text()
    title.click()
    assert "/documents/kamer/" in page.url
    assert page.locator("h1").inner_text() == heading
    assert page.locator("h2", has_text="Vergelijkbare vragen").is_visible()
    context.close()


def test_page_fits_a_phone_screen_without_sideways_scrolling(server: str, browser: sync_api.Browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for url in ("/?q=leerkrachten+digitale+competenties", "/documents/vlaams/000_e61c5a0f903231aa", "/"):
        page.goto(server + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
    # On a phone the facets come after the results, in one column.
    page.goto(server + "/?q=trein")
    hits, facets = page.locator("section.results").bounding_box(), page.locator("aside.facets").bounding_box()
    assert facets["y"] >= hits["y"] + hits["height"]
    context.close()


def test_timeline_bar_narrows_to_its_period_and_downloads_hold_every_match(server: str, browser: sync_api.Browser,
                                                                          tmp_path: Path):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server}/?q=trein&limit=2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    bars = page.locator(".timeline svg a")
    assert bars.count() == 4
    # The bar's tooltip says its period and count: "2017-01: 3".
    period, count = bars.first.locator("title").text_content().split(": ")
    bars.first.locator("rect").click()
    page.wait_for_url(f"**/?q=trein&limit=2&from={period}&to={period}")
    assert page.locator(".summary").inner_text().startswith(f"{count} resultaten voor ‘trein’")

    page.goto(f"{server}/?q=trein&limit=2")
    with page.expect_download() as download:
        page.locator(".downloads a", has_text="CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert (saved.name, lines[0]) == ("vraagbaak.csv", "number,date,questioner,minister,theme,title,link,passage,id")
    assert len(lines) == 1 + 6  # every match, not the page of 2
    context.close()
