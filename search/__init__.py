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
        VraagbaakError,
    )

    from .highlight import Passage
    from .query import parse_query
    from .searcher import Hit, IndexStats, Results, Searcher, document_to_dict

__all__ = [
    "Document",
    "DocumentNotFound",
    "Hit",
    "IndexLocked",
    "IndexNotFound",
    "IndexOutdated",
    "IndexProblem",
    "IndexStats",
    "Passage",
    "QuerySyntaxError",
    "Results",
    "Searcher",
    "VraagbaakError",
    "document_to_dict",
    "parse_query",
]

_PUBLIC = {
    "Document": "indexer.document",
    "DocumentNotFound": "indexer.errors",
    "Hit": ".searcher",
    "IndexLocked": "indexer.errors",
    "IndexNotFound": "indexer.errors",
    "IndexOutdated": "indexer.errors",
    "IndexProblem": "indexer.errors",
    "IndexStats": ".searcher",
    "Passage": ".highlight",
    "QuerySyntaxError": "indexer.errors",
    "Results": ".searcher",
    "Searcher": ".searcher",
    "VraagbaakError": "indexer.errors",
    "document_to_dict": ".searcher",
    "parse_query": ".query",
}
"""Public name → the module it is imported from on first use."""


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name], __name__), name)
