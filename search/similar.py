"""More like this: the significant terms of one document, and the query that finds documents like it.

A term is significant when it is frequent in the document and rare in the index (TF-IDF, as in
Lucene's MoreLikeThis): stems only, no stop words, no numbers, and only terms that occur in at
least one other document and in at most a tenth of them (or ten, in a small index).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from indexer.analysis import EXACT_PREFIX, dutch_analyzer
from indexer.document import Document
from indexer.schema import TEXT_FIELDS

KEY_TERMS = 20
MAX_DOC_SHARE = 0.1
SMALL_INDEX_DF = 10


@dataclass(frozen=True)
class KeyTerm:
    """A significant stem of the document, the word it stands for there, and its weight."""

    term: str
    word: str
    weight: float


def key_terms(reader: Any, document: Document, count: int = KEY_TERMS) -> list[KeyTerm]:
    """The `count` most significant terms of `document`, best first."""
    frequency: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    # A title counts twice: it names the subject in few words, as its field weight does in search.
    # A title that is the text's first line is counted with the text only.
    titles = () if document.title_from_text else (document.title, document.title)
    for text in (*titles, document.question, document.answer or ""):
        for token in dutch_analyzer()(text, positions=True, chars=True, mode="index"):
            term = token.text
            if term.startswith(EXACT_PREFIX) or token.part or token.whole or not term.isalpha() or len(term) < 3:
                continue
            frequency[term] += 1
            surface.setdefault(term, Counter())[text[token.startchar:token.endchar].lower()] += 1
    total = max(reader.doc_count(), 1)
    # A small index cannot spare a tenth: there, any term shared by a few documents may count.
    max_df = max(MAX_DOC_SHARE * total, min(total - 1, SMALL_INDEX_DF))
    scored = []
    for term, tf in frequency.items():
        df = max(reader.doc_frequency(field, term) for field in TEXT_FIELDS)
        if df < 2 or df > max_df:
            continue
        weight = tf * math.log(total / df)
        scored.append(KeyTerm(term, surface[term].most_common(1)[0][0], weight))
    scored.sort(key=lambda k: (-k.weight, k.term))
    return scored[:count]


def similar_query(terms: list[KeyTerm], weights: dict[str, float]) -> wq.Query:
    """Documents sharing the key terms, each weighted by its significance and the field's weight."""
    top = terms[0].weight if terms else 1.0
    return wq.Or([
        wq.Term(field, key.term, boost=weights.get(field, 1.0) * key.weight / top)
        for key in terms for field in TEXT_FIELDS
    ])
