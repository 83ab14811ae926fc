"""Baseline search engines for relevance benchmarks: plain Whoosh with a Dutch stemmer, and SQLite FTS5.

Both index one text per document (title, question and answer joined) and rank with BM25. Each has
`build(documents, folder)` to index, `open(folder)` to reuse an index built before, and
`search(query, k)` returning the ids of the `k` best documents. Queries are plain words, OR-ed.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Iterable

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.lang import stemmer_for_language
from whoosh.qparser import OrGroup, QueryParser

from indexer.document import Document

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def body(document: Document) -> str:
    """The text a baseline indexes for `document`: title, question and answer."""
    return "\n".join(part for part in (document.title, document.question, document.answer) if part)


class WhooshBaseline:
    """Whoosh's StemmingAnalyzer with the Snowball Dutch stemmer, no stop words, default BM25F."""

    name = "whoosh-stem"

    def __init__(self) -> None:
        self._index: whoosh_index.Index | None = None

    @staticmethod
    def schema() -> Schema:
        """One stored id and one stemmed text field, `body`."""
        analyzer = StemmingAnalyzer(stemfn=stemmer_for_language("nl"), stoplist=None)
        return Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=analyzer))

    def build(self, documents: Iterable[Document], folder: str | Path) -> None:
        """Index `documents` into `folder` (created, or emptied of a previous index)."""
        Path(folder).mkdir(parents=True, exist_ok=True)
        self._index = whoosh_index.create_in(str(folder), self.schema())
        writer = self._index.writer(limitmb=256)
        for document in documents:
            writer.add_document(id=document.id, body=body(document))
        writer.commit()

    def open(self, folder: str | Path) -> int:
        """Open an index built before in `folder`; returns its document count (0 when there is none)."""
        if not whoosh_index.exists_in(str(folder)):
            return 0
        self._index = whoosh_index.open_dir(str(folder))
        return self._index.doc_count()

    def search(self, query: str, k: int) -> list[str]:
        """The ids of the `k` best documents for `query`, best first."""
        assert self._index is not None, "build() or open() first"
        parsed = QueryParser("body", self._index.schema, group=OrGroup).parse(query)
        with self._index.searcher() as searcher:
            return [hit["id"] for hit in searcher.search(parsed, limit=k)]


class Fts5Baseline:
    """SQLite FTS5, `unicode61 remove_diacritics 2` tokenizer, bm25() ranking, query words OR-ed."""

    name = "sqlite-fts5"
    FILENAME = "fts5.sqlite"

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None

    def build(self, documents: Iterable[Document], folder: str | Path) -> None:
        """Index `documents` into `folder`/fts5.sqlite (replacing a previous one)."""
        path = Path(folder) / self.FILENAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize='unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            "INSERT INTO docs (id, body) VALUES (?, ?)", ((d.id, body(d)) for d in documents)
        )
        self._db.commit()

    def open(self, folder: str | Path) -> int:
        """Open an index built before in `folder`; returns its document count (0 when there is none)."""
        path = Path(folder) / self.FILENAME
        if not path.exists():
            return 0
        self._db = sqlite3.connect(path)
        return self._db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def search(self, query: str, k: int) -> list[str]:
        """The ids of the `k` best documents for `query`, best first."""
        assert self._db is not None, "build() or open() first"
        words = [word for word in query.split() if _WORD_RE.search(word)]
        if not words:
            return []
        match = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
        rows = self._db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, k)
        )
        return [row[0] for row in rows]
