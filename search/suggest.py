"""Spelling suggestions ("Bedoelde u: …?") built from the index's own vocabulary."""

from __future__ import annotations

import re
from typing import Any, Callable

from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata

from indexer.analysis import EXACT_PREFIX
from indexer.schema import TEXT_FIELDS
from indexer.textdata import fold

from .syntax import word_lexemes

MAX_EDITS = 2
SHARED_PREFIX = 2
"""Letters a suggestion shares with the typed word: few misspellings touch the first letters,
and it keeps the candidate list short."""
MIN_WORD = 4
MAX_QUERY_CHARS = 200
"""Longer queries get no suggestion: they are pasted text, not typed, and a suggestion would
repeat all of it (its names and codes would pass for misspellings, too)."""


def suggest(searcher: Any, query: str, finds: Callable[[str], bool] = lambda word: False) -> str | None:
    """The query with each unknown word replaced by the most frequent indexed word within
    MAX_EDITS edits (Damerau-Levenshtein), or None when every word is known or has no neighbour.

    `searcher` is a Whoosh searcher; words are compared in their exact (unstemmed, folded) form.
    A word is unknown when that form is not in the index and `finds(word)` is false: a word that
    finds documents through its stem or its parts ("mentoringprogramma") needs no correction.
    A query of more than MAX_QUERY_CHARS characters gets None.
    """
    if len(query) > MAX_QUERY_CHARS:
        return None
    reader = searcher.reader()
    corrections: dict[str, str] = {}
    for word in dict.fromkeys(word_lexemes(query)):
        folded = fold(word.lower())
        if len(folded) < MIN_WORD or not folded.isalpha() or _frequency(reader, folded) > 0 or finds(word):
            continue
        best = _closest(reader, [leaf.reader() for leaf, _ in searcher.leaf_searchers()], folded)
        if best is not None:
            corrections[word] = best
    if not corrections:
        return None
    # In one pass over the query as typed: a correction that extends its word ("…programma" →
    # "…programma's") is not found again and corrected twice.
    typed = "|".join(re.escape(word) for word in sorted(corrections, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{typed})(?!\w)", lambda match: corrections[match.group(0)], query)


def _frequency(reader: Any, word: str) -> int:
    term = EXACT_PREFIX + word
    return sum(reader.doc_frequency(field, term) for field in TEXT_FIELDS)


def _closest(reader: Any, segments: list[Any], word: str) -> str | None:
    candidates: set[str] = set()
    prefix = len(EXACT_PREFIX) + SHARED_PREFIX
    for edits in range(1, MAX_EDITS + 1):
        # One automaton walks every field of every segment (Whoosh's terms_within builds one per
        # call), and segment by segment: a reader over several segments would compute the edit
        # distance of every term in Python.
        automaton = levenshtein_automaton(EXACT_PREFIX + word, edits, prefix).to_dfa()
        for segment in segments:
            for field in TEXT_FIELDS:
                for term in Automata.find_matches(automaton, segment.cursor(field)):
                    candidates.add(term[len(EXACT_PREFIX):])
        if candidates:
            break  # the nearest candidates win over more frequent but more distant ones
    if not candidates:
        return None
    return max(candidates, key=lambda c: (_frequency(reader, c), c))
