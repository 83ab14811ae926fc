"""Vraagbaak's indexing pipeline: parse seed files and JSON Lines, analyse Dutch, write the index.

The public names below are imported on first use, so that `vraagbaak search` does not load the
parsing and building modules it never calls.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "DEFAULT_INDEX_DIR": "defaults",
    "BuildReport": "build",
    "Document": "document",
    "DocumentNotFound": "errors",
    "DocumentParseError": "errors",
    "IndexLocked": "errors",
    "IndexNotFound": "errors",
    "IndexOutdated": "errors",
    "IndexProblem": "errors",
    "Problem": "sources",
    "QuerySyntaxError": "errors",
    "SavedSearchError": "errors",
    "VraagbaakError": "errors",
    "analysis_version": "analysis",
    "build_index": "build",
    "dutch_analyzer": "analysis",
    "index_terms": "analysis",
    "name_analyzer": "analysis",
    "parse_record": "parse",
    "parse_seed": "parse",
}

# A literal list (not sorted(_PUBLIC)), so linters see the re-exports below.
__all__ = [
    "BuildReport",
    "DEFAULT_INDEX_DIR",
    "Document",
    "DocumentNotFound",
    "DocumentParseError",
    "IndexLocked",
    "IndexNotFound",
    "IndexOutdated",
    "IndexProblem",
    "Problem",
    "QuerySyntaxError",
    "SavedSearchError",
    "VraagbaakError",
    "analysis_version",
    "build_index",
    "dutch_analyzer",
    "index_terms",
    "name_analyzer",
    "parse_record",
    "parse_seed",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)


if TYPE_CHECKING:
    from .analysis import analysis_version, dutch_analyzer, index_terms, name_analyzer
    from .build import BuildReport, build_index
    from .document import Document
    from .errors import (
        DocumentNotFound,
        DocumentParseError,
        IndexLocked,
        IndexNotFound,
        IndexOutdated,
        IndexProblem,
        QuerySyntaxError,
        SavedSearchError,
        VraagbaakError,
    )
    from .parse import parse_record, parse_seed
    from .sources import Problem
    from .defaults import DEFAULT_INDEX_DIR
