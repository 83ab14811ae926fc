"""Vraagbaak's search side: parse queries, rank, highlight; the `vraagbaak` command sits on top."""

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
