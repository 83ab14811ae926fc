"""Vraagbaak's exceptions: every error a user can see, defined in one place.

    VraagbaakError
    ├── DocumentParseError      a source file or record cannot be read as a document
    ├── IndexProblem            problems with the index on disk (also: empty or damaged)
    │   ├── IndexNotFound       no index at the given directory
    │   ├── IndexOutdated       the index was built by another analysis chain or schema
    │   └── IndexLocked         another process is writing the index
    ├── QuerySyntaxError        the query cannot be parsed
    ├── DocumentNotFound        no document with the given id
    └── SavedSearchError        no saved search by that name, or the name is taken or unusable

Messages are sentences a user can act on: they name the file, query or directory and the fix.

One error stays inside the indexer and never reaches a user as itself:

    RuntimeError
    └── WorkerFailed            the second indexing process failed or stopped; build_index
                                raises it as an IndexProblem
"""

from __future__ import annotations


class VraagbaakError(Exception):
    """Base class of every error Vraagbaak raises on purpose."""


class DocumentParseError(VraagbaakError):
    """A source file or record cannot be turned into a document."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class IndexProblem(VraagbaakError):
    """Base class of errors about the index on disk."""


class IndexNotFound(IndexProblem):
    """There is no index at the given directory."""


class IndexOutdated(IndexProblem):
    """The index was built with a different analysis chain or schema."""


class IndexLocked(IndexProblem):
    """Another process holds the index's write lock."""


class QuerySyntaxError(VraagbaakError):
    """The query cannot be parsed."""


class DocumentNotFound(VraagbaakError):
    """No document has the requested id."""


class WorkerFailed(RuntimeError):
    """The second indexing process of a parallel build failed or stopped (`build_index` reports it
    as an IndexProblem)."""


class SavedSearchError(VraagbaakError):
    """A saved search is unknown, its name already taken or unusable, or the file keeping them unreadable."""
