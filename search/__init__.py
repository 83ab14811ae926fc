"""Vraagbaak's search side: parse queries, rank, highlight; the `vraagbaak` command sits on top.

The public names below are imported on first use, so that `vraagbaak --help` and `vraagbaak index`
do not load the query, ranking and highlighting modules they never call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.document import Document
    from indexer.errors import (
        DocumentNotFound,
        IndexLocked,
        IndexNotFound,
        IndexOutdated,
        IndexProblem,
        QuerySyntaxError,
        SavedSearchError,
        VraagbaakError,
    )

    from .export import ExportRow, export_lines, export_rows
    from .highlight import Passage
    from .profile import DistinctiveWord, Profile, profile_of
    from .query import parse_query
    from .results import Hit, IndexStats, Results, document_to_dict
    from .searcher import Searcher
    from .timeline import Timeline, TimelinePeriod, timeline_of
    from .watch import SavedSearch, SavedSearches, WatchReport

__all__ = [
    "DistinctiveWord",
    "Document",
    "DocumentNotFound",
    "ExportRow",
    "Hit",
    "IndexLocked",
    "IndexNotFound",
    "IndexOutdated",
    "IndexProblem",
    "IndexStats",
    "Passage",
    "Profile",
    "QuerySyntaxError",
    "Results",
    "SavedSearch",
    "SavedSearchError",
    "SavedSearches",
    "Searcher",
    "Timeline",
    "TimelinePeriod",
    "VraagbaakError",
    "WatchReport",
    "document_to_dict",
    "export_lines",
    "export_rows",
    "parse_query",
    "profile_of",
    "timeline_of",
]

_PUBLIC = {
    "DistinctiveWord": ".profile",
    "Document": "indexer.document",
    "DocumentNotFound": "indexer.errors",
    "ExportRow": ".export",
    "Hit": ".results",
    "IndexLocked": "indexer.errors",
    "IndexNotFound": "indexer.errors",
    "IndexOutdated": "indexer.errors",
    "IndexProblem": "indexer.errors",
    "IndexStats": ".results",
    "Passage": ".highlight",
    "Profile": ".profile",
    "QuerySyntaxError": "indexer.errors",
    "Results": ".results",
    "SavedSearch": ".watch",
    "SavedSearchError": "indexer.errors",
    "SavedSearches": ".watch",
    "Searcher": ".searcher",
    "Timeline": ".timeline",
    "TimelinePeriod": ".timeline",
    "VraagbaakError": "indexer.errors",
    "WatchReport": ".watch",
    "document_to_dict": ".results",
    "export_lines": ".export",
    "export_rows": ".export",
    "parse_query": ".query",
    "profile_of": ".profile",
    "timeline_of": ".timeline",
}
"""Public name → the module it is imported from on first use."""


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name], __name__), name)
