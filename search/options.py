"""What the commands accept: pages, sort orders, export formats, timeline periods, list lengths.

Light on purpose: the command line reads these to declare its options before any command runs."""

from __future__ import annotations

from typing import Literal

MAX_LIMIT = 1000
SortOrder = Literal["relevance", "date", "-date"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "date", "-date")

ExportFormat = Literal["csv", "markdown", "jsonl"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "markdown", "jsonl")

Period = Literal["month", "quarter", "year"]
PERIODS: tuple[Period, ...] = ("month", "quarter", "year")
MAX_AUTO_PERIODS = 24
"""Without `by`, the finest period that draws the matches' span in at most this many bars."""
TOP_PEOPLE = 3
"""Questioners and ministers named per period of a timeline."""

TOP_WORDS = 15
"""Distinctive words in a profile."""
