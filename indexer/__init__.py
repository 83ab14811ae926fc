"""Vraagbaak's indexing pipeline: parse seed files and JSON Lines, analyse Dutch, write the index."""

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
    VraagbaakError,
)
from .parse import Problem, parse_record, parse_seed
from .store import DEFAULT_INDEX_DIR

__all__ = [
    "DEFAULT_INDEX_DIR",
    "BuildReport",
    "Document",
    "DocumentNotFound",
    "DocumentParseError",
    "IndexLocked",
    "IndexNotFound",
    "IndexOutdated",
    "IndexProblem",
    "Problem",
    "QuerySyntaxError",
    "VraagbaakError",
    "analysis_version",
    "build_index",
    "dutch_analyzer",
    "index_terms",
    "name_analyzer",
    "parse_record",
    "parse_seed",
]
