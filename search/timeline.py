"""A query's timeline: its matches counted per month, quarter or year, with who asked and who was asked.

Built from the searcher's set of matches (`Searcher._matching`) and the index's columns, like the
facets, and counted in the same unit: a question sent to several ministers counts once when
results are grouped (once per minister in the ministers' counts), every copy when not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from whoosh.util.times import long_to_datetime

from .columns import NO_DATE, facet_counts
from .filters import Filters
from .options import MAX_AUTO_PERIODS, PERIODS, TOP_PEOPLE, Period
from .searcher import Searcher

MONTHS_PER: dict[Period, int] = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class TimelinePeriod:
    """One bar: the matches dated within `start`..`end` (inclusive) and the people most involved."""

    label: str
    """"2017-03", "2017-Q1" or "2017"."""
    start: dt.date
    end: dt.date
    count: int
    questioners: dict[str, int]
    """The members who asked most in this period, most first (at most `top` of them)."""
    ministers: dict[str, int]
    """The ministers (or offices) asked most in this period, most first."""

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.label, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "count": self.count, "questioners": self.questioners, "ministers": self.ministers}


@dataclass(frozen=True)
class Timeline:
    """A query's matches per period, from the period of the first dated match to that of the last
    (empty periods between included, with count 0)."""

    query: str
    by: Period
    total: int
    """Every match, dated or not, in the unit counted."""
    undated: int
    """Matches without a date: counted in `total`, in no period."""
    periods: tuple[TimelinePeriod, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `vraagbaak timeline --json` and /api/timeline."""
        return {"query": self.query, "by": self.by, "total": self.total, "undated": self.undated,
                "periods": [period.to_dict() for period in self.periods]}


def timeline_of(
    searcher: Searcher,
    query: str = "",
    *,
    by: Period | None = None,
    group: bool = True,
    top: int = TOP_PEOPLE,
    theme: str | None = None,
    minister: str | None = None,
    questioner: str | None = None,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
    answered: bool | None = None,
) -> Timeline:
    """How many documents match `query` and the filters (as in `Searcher.search`) per period.

    `by` is "month", "quarter" or "year"; None takes the finest that needs at most
    MAX_AUTO_PERIODS bars. `top`: how many questioners and ministers each period names.
    Raises QuerySyntaxError for a malformed query, ValueError for an unknown `by` or `top` < 0.
    """
    if by is not None and by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}, not {by!r}")
    if top < 0:
        raise ValueError(f"top must be 0 or more, not {top}")
    _, _, matches = searcher._matching(query, Filters(theme, minister, questioner, date_from, date_to, answered))
    months = _months(searcher)
    keys = searcher._columns.question_keys() if group else None
    # The unit counted: a question (its key; a document without one is its own) or a document.
    units = {docnum: (keys[docnum] or -1 - docnum) if keys is not None else docnum for docnum in matches}
    total = len(set(units.values()))
    dated = [docnum for docnum in matches if months[docnum] >= 0]
    undated = len({units[docnum] for docnum in matches if months[docnum] < 0})
    if not dated:
        return Timeline(query, by or "month", total, undated, ())
    first, last = min(months[d] for d in dated), max(months[d] for d in dated)
    chosen: Period = "year"
    if by is not None:
        chosen = by
    else:
        chosen = next((p for p in PERIODS if last // MONTHS_PER[p] - first // MONTHS_PER[p] < MAX_AUTO_PERIODS), "year")
    size = MONTHS_PER[chosen]
    counts = Counter(period for period, _ in {(months[d] // size, units[d]) for d in dated})
    asked: dict[int, Counter[str]] = {}
    addressed: dict[int, Counter[str]] = {}
    questioners, ministers = searcher._columns.column("questioner_facet"), searcher._columns.column("minister_facet")
    for column, found in ((questioners, asked), (ministers, addressed)):
        for period, _, value in {(months[d] // size, units[d], column[d]) for d in dated}:
            if value:
                found.setdefault(period, Counter())[value.decode("utf-8")] += 1
    periods = []
    for period in range(first // size, last // size + 1):
        start_month = period * size
        periods.append(TimelinePeriod(
            label=_label(start_month, chosen), start=_first_day(start_month),
            end=_first_day(start_month + size) - dt.timedelta(days=1), count=counts[period],
            questioners=_top(asked.get(period), top), ministers=_top(addressed.get(period), top),
        ))
    return Timeline(query, chosen, total, undated, tuple(periods))


def _months(searcher: Searcher) -> list[int]:
    """Each document's month as year * 12 + month - 1 (-1 without a date), by document number."""
    def load() -> list[int]:
        found = []
        for value in searcher._columns.dates():
            if value == NO_DATE:
                found.append(-1)
            else:
                day = long_to_datetime(value)
                found.append(day.year * 12 + day.month - 1)
        return found
    return searcher._columns.cached("months", load)


def _first_day(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def _label(month: int, by: Period) -> str:
    year = month // 12
    if by == "year":
        return str(year)
    if by == "quarter":
        return f"{year}-Q{month % 12 // 3 + 1}"
    return f"{year}-{month % 12 + 1:02d}"


def _top(counts: Counter[str] | None, top: int) -> dict[str, int]:
    if not counts or not top:
        return {}
    # The facets' order (most first, ties by name), cut to `top`.
    return dict(list(facet_counts(dict(counts)).items())[:top])
