"""Filters: `thema:`, `minister:`, `van:`, `nr:`, `datum:`, `beantwoord:` and the options that
stand for them (`Filters`), as Whoosh queries that narrow a search without ranking it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from whoosh import query as wq

from indexer.analysis import name_analyzer
from indexer.errors import QuerySyntaxError

IsFacetValue = Callable[[str, str], bool]
"""Whether a value is one the index's facet (by its name: "theme", "minister", "questioner") lists."""


def filter_query(field: str, value: str, phrase: bool = False, is_facet_value: IsFacetValue | None = None) -> wq.Query:
    """The filter `field:value` of the query syntax (field by its schema name: "theme", "date", ...).

    Names and themes match case- and diacritic-insensitively, on any of their words ("weyts"
    matches "Ben Weyts"); several words must all occur, in order when `phrase` is set. With
    `is_facet_value`, a name given exactly as a facet lists it ("Minister van Justitie") selects
    exactly that value, so that a drill-down count is exact.
    """
    value = value.strip()
    if field in ("theme", "minister", "questioner") and is_facet_value is not None and is_facet_value(field, value):
        return wq.Term(f"{field}_facet", value)
    if field == "date":
        return _date_query(value)
    if field == "number":
        return wq.Term("number", value)
    if field == "answered":
        answers = {"ja": True, "yes": True, "true": True, "nee": False, "no": False, "false": False}
        if value.lower() not in answers:
            raise QuerySyntaxError(f"Use beantwoord:ja or beantwoord:nee, not beantwoord:{value}.")
        return wq.Term("answered", answers[value.lower()])
    names = name_terms(value)
    if not names:
        raise QuerySyntaxError(f"Nothing to search for in '{value}'.")
    if len(names) == 1:
        return wq.Term(field, names[0])
    if phrase:
        return wq.Phrase(field, names)
    return wq.And([wq.Term(field, name) for name in names])


@dataclass(frozen=True)
class Filters:
    """Filters given apart from the query text (the CLI's --thema, --minister, ... options).

    Each is equivalent to its query syntax: `theme="onderwijs"` is `thema:onderwijs`,
    `date_from="2023"` / `date_to="2024-06"` is `datum:2023..2024-06`, `answered=False` is
    `beantwoord:nee`.
    """

    theme: str | None = None
    minister: str | None = None
    questioner: str | None = None
    date_from: str | dt.date | None = None
    date_to: str | dt.date | None = None
    answered: bool | None = None

    def queries(self, is_facet_value: IsFacetValue | None = None) -> list[wq.Query]:
        """The filters as queries (`is_facet_value` as for `filter_query`)."""
        queries = []
        for name, value in (("theme", self.theme), ("minister", self.minister), ("questioner", self.questioner)):
            if value:
                queries.append(filter_query(name, value, is_facet_value=is_facet_value))
        if self.date_from or self.date_to:
            low, high = _option_date("--from", self.date_from), _option_date("--to", self.date_to)
            if low and high and _date_bounds(low)[0] > _date_bounds(high)[1]:
                raise QuerySyntaxError(f"The date range from {low} to {high} ends before it starts.")
            queries.append(filter_query("date", f"{low}..{high}"))
        if self.answered is not None:
            queries.append(filter_query("answered", "ja" if self.answered else "nee"))
        return queries


def _option_date(option: str, value: str | dt.date | None) -> str:
    """A date given as `date_from` or `date_to` (the CLI's --from, --to), as the query syntax
    writes it; a malformed one is an error naming the option, not the range it would make."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if not value:
        return ""
    try:
        _date_bounds(value)
    except ValueError:
        raise QuerySyntaxError(f"Cannot read the {option} date '{value}'; use 2024, 2024-04 or 2024-04-26.") from None
    return value.strip()


# Built once: a chain of filters is several objects. Whoosh analyzers keep no state between calls.
_name_analyzer = lru_cache(maxsize=1)(name_analyzer)


def name_terms(text: str) -> list[str]:
    """The words of a name, office or theme as the name fields index them."""
    return [t.text for t in _name_analyzer()(text, mode="query") if not getattr(t, "whole", False)]


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _date_query(value: str) -> wq.Query:
    """`datum:2024`, `datum:2024-04`, `datum:2024-04-26`, ranges `A..B`, `A..`, `..B`, `>=A`, `<A`."""
    try:
        if ".." in value:
            low, high = value.split("..", 1)
            if not low and not high:
                raise ValueError
            start = _date_bounds(low)[0] if low else None
            end = _date_bounds(high)[1] if high else None
        elif value.startswith((">=", "<=", ">", "<")):
            op = value[:2] if value[1:2] == "=" else value[:1]
            low_day, high_day = _date_bounds(value[len(op):])
            if op == ">=":
                start, end = low_day, None
            elif op == ">":
                start, end = high_day + dt.timedelta(days=1), None
            elif op == "<=":
                start, end = None, high_day
            else:
                start, end = None, low_day - dt.timedelta(days=1)
        else:
            start, end = _date_bounds(value)
    except (ValueError, OverflowError):  # OverflowError: the day after 9999-12-31
        raise QuerySyntaxError(
            f"Cannot read the date '{value}'; use datum:2024, datum:2024-04, datum:2024-04-26 "
            "or a range such as datum:2023-01..2024-06."
        ) from None
    if start and end and start > end:
        raise QuerySyntaxError(f"The date range '{value}' ends before it starts.")
    return wq.DateRange(
        "date",
        dt.datetime.combine(start, dt.time()) if start else None,
        dt.datetime.combine(end, dt.time.max) if end else None,
    )


def _date_bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a (partial) ISO date covers; ValueError when it is not one."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    if day:
        date = dt.date(year, int(month), int(day))
        return date, date
    if month:
        first = dt.date(year, int(month), 1)
        following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
