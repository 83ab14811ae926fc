"""The minimal plain-Whoosh search a user writes in an afternoon: the baseline of benchmarks/speed.py.

    python benchmarks/plain_whoosh.py index SEEDS INDEX_DIR
    python benchmarks/plain_whoosh.py search INDEX_DIR WORD ...

One stored TEXT field holds each seed file's whole text, analysed by StemmingAnalyzer with the Dutch
stemmer and stop list, written by the default writer; a search parses the words on that field, takes
the top 10 and prints each hit's first line (its title) with three highlighted fragments.
"""

import sys
from pathlib import Path

from whoosh import highlight, index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import TEXT, Schema
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.qparser import QueryParser


def build(seeds: str, index_dir: str) -> None:
    analyzer = StemmingAnalyzer(stemfn=stemmer_for_language("nl"), stoplist=stopwords_for_language("nl"))
    schema = Schema(text=TEXT(stored=True, analyzer=analyzer))
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    ix = index.create_in(index_dir, schema)
    writer = ix.writer()
    for path in sorted(Path(seeds).rglob("*.txt")):
        writer.add_document(text=path.read_text(encoding="utf-8"))
    writer.commit()


def search(index_dir: str, words: list[str]) -> None:
    ix = index.open_dir(index_dir)
    with ix.searcher() as searcher:
        results = searcher.search(QueryParser("text", ix.schema).parse(" ".join(words)), limit=10)
        results.fragmenter = highlight.ContextFragmenter(maxchars=200, surround=40)
        for hit in results:
            print(hit["text"].split("\n", 1)[0])
            print(hit.highlights("text", top=3))


if __name__ == "__main__":
    if sys.argv[1] == "index":
        build(sys.argv[2], sys.argv[3])
    else:
        search(sys.argv[2], sys.argv[3:])
