"""Page maps: on which page of its PDF each part of a document's question and answer is.

A document indexed from a PDF keeps, in `Document.extra[PAGES_KEY]`, for "question" and "answer"
the [offset, page] pairs where each page's text starts in that section. Apart from `pdf.py` so
that the search side reads page maps without loading pypdf.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Iterable, Mapping

PAGES_KEY = "pages"


def page_starts(text: str, lines: Iterable[tuple[str, int]]) -> list[list[int]]:
    """Where each page's text starts in `text`, made of these lines (in order, possibly re-wrapped
    or with some left out): [offset, page] pairs, the first at offset 0."""
    starts: list[list[int]] = []
    cursor = 0
    for line, page in lines:
        stripped = line.strip()
        # Unwrapping joins a line to the next with a space or a line break and keeps its text.
        at = text.find(stripped, cursor) if stripped else -1
        if at < 0:
            continue
        if not starts:
            starts.append([0, page])
        elif page != starts[-1][1]:
            starts.append([at, page])
        cursor = at + len(stripped)
    return starts


def page_at(pages: Any, section: str, offset: int) -> int | None:
    """The page the text at `offset` of `section` is on, from a document's PAGES_KEY map (None
    without one: a document that did not come from a PDF)."""
    if not isinstance(pages, Mapping) or not pages.get(section):
        return None
    starts = pages[section]
    index = bisect_right([start for start, _ in starts], offset) - 1
    return int(starts[max(index, 0)][1])
