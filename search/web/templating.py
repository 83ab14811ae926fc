"""The web page's templates: the Jinja environment and the filters and helpers the templates use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup, escape

from indexer.document import Document
from indexer.pages import PAGES_KEY, page_at

from .. import Passage
from ..options import Period
from ..timeline import TimelinePeriod

TEMPLATES = Path(__file__).parent / "templates"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")
ALSO_ASKED_SHOWN = 3
ALSO_ASKED_CHARS = 40
"""'ook gesteld aan' lists this many other ministers, each shortened to about this many characters,
then 'en N anderen': a question can go to 16 ministers with titles of 100 characters."""


def shortened(text: str, width: int = ALSO_ASKED_CHARS) -> str:
    """`text` cut at a word to at most about `width` characters, with "…" when cut."""
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(",;:-– ") + "…"


def highlighted(passage: Passage) -> Markup:
    """The passage's text, escaped, with every highlighted span in <mark>."""
    text, out, last = passage.text, [], 0
    for start, end in passage.highlights:
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def nl_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def nl_date(value: dt.date | None) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


def document_url(doc_id: str) -> str:
    # Ids are paths ("kamer-2017/kamer-2017-184501"): keep the slashes, encode the rest.
    return "/documents/" + quote(doc_id)


def pdf_url(doc_id: str, page: int | None = None) -> str:
    """The link to the PDF a document was indexed from (at `page`, which browsers' viewers open)."""
    url = "/pdf/" + quote(doc_id)
    return f"{url}#page={page}" if page is not None else url


def page_of(document: Document, section: str, offset: int) -> int | None:
    """The PDF page of `section`'s text at `offset`, for a document indexed from a PDF."""
    return page_at(document.extra.get(PAGES_KEY), section, offset)


@jinja2.pass_context
def search_url(context: jinja2.runtime.Context, changes: Mapping[str, Any] | None = None) -> str:
    """The search page for the current URL parameters with `changes` (None removes one).

    Back to page 1 unless `changes` sets the page: a new filter or order starts at the top.
    """
    merged = {**context["params"], "page": None, **(changes or {})}
    query = urlencode({name: value for name, value in merged.items() if value not in (None, "")})
    return f"/?{query}" if query else "/"


@jinja2.pass_context
def export_url(context: jinja2.runtime.Context, export_format: str) -> str:
    """The download of every match of the current search in `export_format` (page and limit do not apply)."""
    params = {name: value for name, value in context["params"].items() if name not in ("page", "limit") and value}
    return "/api/export?" + urlencode({**params, "format": export_format})


def period_filter(period: TimelinePeriod, by: Period) -> dict[str, str]:
    """The URL parameters that narrow a search to one period of its timeline (whole months or years)."""
    shown = 4 if by == "year" else 7
    return {"from": period.start.isoformat()[:shown], "to": period.end.isoformat()[:shown]}


def facet_filter(name: str, value: str) -> dict[str, str]:
    """The URL parameters that narrow a search to one facet value (a year is a date range)."""
    return {"theme": {"thema": value}, "minister": {"minister": value}, "questioner": {"van": value},
            "year": {"from": value, "to": value}}[name]


def templates() -> jinja2.Environment:
    """The Jinja environment of the pages, with every filter and helper they use."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value shown is document or user text: escape all of it
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(highlighted=highlighted, nl_number=nl_number, nl_date=nl_date, document_url=document_url,
                               shortened=shortened, pdf_url=pdf_url)
    environment.globals.update(search_url=search_url, export_url=export_url, facet_filter=facet_filter,
                               period_filter=period_filter, also_asked_shown=ALSO_ASKED_SHOWN,
                               pages_key=PAGES_KEY, page_of=page_of)
    return environment
