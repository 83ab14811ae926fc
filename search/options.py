"""What a search accepts: the largest page and the sort orders (light, for the command line's options)."""

from __future__ import annotations

from typing import Literal

MAX_LIMIT = 1000
SortOrder = Literal["relevance", "date", "-date"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "date", "-date")
