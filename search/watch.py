"""Saved searches: named queries, and the documents added or changed since each was last reported.

The state is one file beside the index's generations, so it survives every build:

    index_data/
      saved_searches.json    the saved searches and the ledger of documents (below)
      .saved_searches.lock   held (flock) while the file is read and rewritten

What is "new" is decided by content, not by indexing: the ledger keeps a fingerprint of every
document the index has held and the number of the check ("sync") at which that content was first
seen. A sync runs when a saved search is added or reported, or `vraagbaak index` counts them, and
the index's generation has changed since the last one. A document is new for a saved search when
its content was first seen after the search's last report (or after it was added), so a rebuild,
which re-indexes every document unchanged, makes nothing new. A document removed and indexed again
unchanged is new only to a search reported while it was gone: its absences are kept as gaps.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any, Iterator

from indexer.errors import SavedSearchError

from .filters import Filters
from .results import Hit
from .searcher import Searcher

STATE_FILE = "saved_searches.json"
LOCK_FILE = ".saved_searches.lock"
MAX_NAME = 100


@dataclass(frozen=True)
class SavedSearch:
    """A named query with the filters of `Searcher.search`."""

    name: str
    query: str = ""
    theme: str | None = None
    minister: str | None = None
    questioner: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    answered: bool | None = None
    group: bool = True
    added: str = ""
    """When it was saved (UTC, ISO 8601)."""
    reported: str | None = None
    """When it was last reported, or None."""

    @property
    def filters(self) -> Filters:
        return Filters(self.theme, self.minister, self.questioner, self.date_from, self.date_to, self.answered)

    def to_dict(self) -> dict[str, Any]:
        """The saved search as `vraagbaak watch list --json` prints it."""
        return {"name": self.name, "query": self.query, "theme": self.theme, "minister": self.minister,
                "questioner": self.questioner, "from": self.date_from, "to": self.date_to,
                "answered": self.answered, "group": self.group, "added": self.added, "reported": self.reported}


@dataclass(frozen=True)
class WatchReport:
    """What is new for one saved search: `total` documents (questions, when grouped), newest first."""

    search: SavedSearch
    total: int
    hits: tuple[Hit, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `vraagbaak watch report --json` (one object per saved search)."""
        return {**self.search.to_dict(), "new": self.total, "hits": [hit.to_dict() for hit in self.hits]}


class SavedSearches:
    """The saved searches of the index in `index_dir`."""

    def __init__(self, index_dir: str | os.PathLike[str]) -> None:
        self.index_dir = Path(index_dir)

    def searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        self._require_index()
        state = self._read()
        return [_saved(name, fields) for name, fields in sorted(state["searches"].items())]

    def add(
        self,
        searcher: Searcher,
        name: str,
        query: str = "",
        *,
        group: bool = True,
        theme: str | None = None,
        minister: str | None = None,
        questioner: str | None = None,
        date_from: str | dt.date | None = None,
        date_to: str | dt.date | None = None,
        answered: bool | None = None,
    ) -> tuple[SavedSearch, int]:
        """Save a search under `name`, and how many documents (questions, when grouped) match it
        now; what is added or changed from now on is new for it. `searcher` must be open on this
        index. Raises SavedSearchError for a name in use or unusable, QuerySyntaxError for a
        malformed query."""
        name = name.strip()
        if not name or len(name) > MAX_NAME or any(not char.isprintable() for char in name):
            raise SavedSearchError(f"'{name}' cannot name a saved search: use 1 to {MAX_NAME} printable characters.")
        search = SavedSearch(
            name, query, theme, minister, questioner,
            date_from.isoformat() if isinstance(date_from, dt.date) else date_from,
            date_to.isoformat() if isinstance(date_to, dt.date) else date_to,
            answered, group, added=_now(),
        )
        with self._locked() as state:
            if name in state["searches"]:
                raise SavedSearchError(
                    f"A saved search named '{name}' exists already in '{self.index_dir}'. Remove it first: "
                    f"vraagbaak watch remove {name!r}")
            seen = _sync(state, searcher)
            _, _, matches = searcher._matching(query, search.filters)  # a malformed query raises: nothing saved
            state["searches"][name] = {**_fields(search), "seen": seen}
        return search, searcher._columns.distinct_questions(matches) if group else len(matches)

    def remove(self, name: str) -> SavedSearch:
        """Forget the saved search `name` (and return it); raises SavedSearchError if there is none."""
        with self._locked() as state:
            fields = state["searches"].pop(self._known(state, name))
        return _saved(name, fields)

    def report(self, searcher: Searcher, name: str | None = None) -> list[WatchReport]:
        """What is new for the saved search `name` (or for each, by name) since its last report,
        which this report then becomes. Raises SavedSearchError for an unknown name."""
        with self._locked() as state:
            names = [self._known(state, name)] if name is not None else sorted(state["searches"])
            sync = _sync(state, searcher)
            reports = [self._new(searcher, state, each, with_hits=True) for each in names]
            now = _now()
            for each in names:
                state["searches"][each].update(seen=sync, reported=now)
        return reports

    def new_counts(self, searcher: Searcher) -> dict[str, int]:
        """How many documents (questions, when grouped) are new for each saved search, by name,
        without reporting them."""
        with self._locked() as state:
            _sync(state, searcher)
            return {name: self._new(searcher, state, name, with_hits=False).total for name in sorted(state["searches"])}

    def _new(self, searcher: Searcher, state: dict[str, Any], name: str, with_hits: bool) -> WatchReport:
        fields = state["searches"][name]
        search = _saved(name, fields)
        parsed, scorer, matches = searcher._matching(search.query, search.filters)
        ids = searcher._columns.column("id")
        documents, seen = state["documents"], fields["seen"]
        new = {docnum for docnum in matches if _is_new(documents[ids[docnum].decode("utf-8")], seen)}
        total = searcher._columns.distinct_questions(new) if search.group else len(new)
        if not with_hits or not new:
            return WatchReport(search, total, ())
        newest, _, _ = searcher._ordered(parsed, scorer, new, "-date", None, search.group)
        marking = searcher._marking(parsed)
        return WatchReport(search, total, tuple(searcher._hit(docnum, 0.0, marking, search.group)
                                                for docnum, _ in newest))

    def _known(self, state: dict[str, Any], name: str) -> str:
        if name not in state["searches"]:
            known = ", ".join(sorted(state["searches"])) or "none"
            raise SavedSearchError(f"No saved search named '{name}' in '{self.index_dir}' (saved: {known}).")
        return name

    def _require_index(self) -> None:
        if not self.index_dir.is_dir():
            raise SavedSearchError(f"No Vraagbaak index in '{self.index_dir}'. Build one with: "
                                   f"vraagbaak index --index-dir {self.index_dir}")

    def _read(self) -> dict[str, Any]:
        path = self.index_dir / STATE_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"sync": 0, "generation": None, "documents": {}, "searches": {}}
        except OSError as err:
            raise SavedSearchError(f"Cannot read the saved searches in '{path}': {err.strerror or err}.") from err
        try:
            state = json.loads(text)
            _check_state(state)
        except ValueError as err:
            raise SavedSearchError(f"The saved searches in '{path}' are damaged ({err}); remove the file "
                                   "to start again without them.") from err
        return state

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The state, to change: written back (atomically) when the block ends without an error.
        One process at a time, so two commands cannot lose each other's changes."""
        self._require_index()
        with open(self.index_dir / LOCK_FILE, "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            state = self._read()
            yield state
            path = self.index_dir / STATE_FILE
            temporary = path.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(state, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, path)


def _sync(state: dict[str, Any], searcher: Searcher) -> int:
    """Bring the ledger up to the index's live generation (refreshing `searcher` to it); the
    number of the latest sync."""
    # The live generation, not one the searcher opened earlier: going back to an older one would
    # see every change since as a change.
    searcher.refresh()
    generation = searcher._generation.path.name
    if state["generation"] == generation:
        return int(state["sync"])
    sync = state["sync"] + 1
    documents: dict[str, list[Any]] = state["documents"]
    present = set()
    changed = False
    for _, stored in searcher._searcher.reader().iter_docs():
        doc_id = stored["id"]
        present.add(doc_id)
        fingerprint = _fingerprint(stored)
        entry = documents.get(doc_id)
        if entry is None or entry[0] != fingerprint:
            documents[doc_id] = [fingerprint, sync, []]  # new content: since this sync, no gaps
            changed = True
        elif entry[2] and entry[2][-1][1] is None:
            entry[2][-1][1] = sync  # back, unchanged: its absence ends here
            changed = True
    for doc_id, entry in documents.items():
        if doc_id not in present and not (entry[2] and entry[2][-1][1] is None):
            entry[2].append([sync, None])  # gone: an absence that starts here
            changed = True
    state["generation"] = generation
    if changed:
        state["sync"] = sync
    return int(state["sync"])


def _is_new(entry: list[Any], seen: int) -> bool:
    """Whether a document (its ledger entry: fingerprint, first sync of this content, absences)
    differs now from what it was at sync `seen`: other content then, or not there at all."""
    _, since, gaps = entry
    return since > seen or any(start <= seen and (end is None or seen < end) for start, end in gaps)


def _check_state(state: Any) -> None:
    """Raise ValueError unless `state` has the shape this module writes (a file edited by hand, or
    another program's, must give a message, not a traceback)."""
    if not isinstance(state, dict) or set(state) != {"sync", "generation", "documents", "searches"}:
        raise ValueError("not the saved searches' layout")
    if not isinstance(state["sync"], int) or not isinstance(state["generation"], (str, type(None))):
        raise ValueError("no valid sync point")
    if not isinstance(state["documents"], dict) or not all(isinstance(v, list) for v in state["documents"].values()):
        raise ValueError("no valid document table")
    known = {field.name for field in dataclass_fields(SavedSearch)} - {"name"} | {"seen"}
    searches = state["searches"]
    if not isinstance(searches, dict) or not all(
            isinstance(search, dict) and isinstance(search.get("seen"), int) and set(search) <= known
            for search in searches.values()):
        raise ValueError("a saved search is not valid")


def _fingerprint(stored: dict[str, Any]) -> str:
    """A document's content as stored (every field, the source path included)."""
    text = json.dumps(stored, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _fields(search: SavedSearch) -> dict[str, Any]:
    fields = asdict(search)
    del fields["name"]
    return fields


def _saved(name: str, fields: dict[str, Any]) -> SavedSearch:
    return SavedSearch(name, **{key: value for key, value in fields.items() if key != "seen"})


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
