"""Query compiling: Vraagbaak's query syntax (`syntax.py`) → a Whoosh query plus the terms to highlight.

Syntax (see README):
    leerkrachten digitale      words; documents with all of them rank above those with some
    +word  word AND word       required words          -word  NOT word    excluded words
    a OR b   (grouping)        alternatives            "exact phrase"     exact words in order
    thema:  minister:  van:  nr:  datum:2024  datum:2023-01..2024-06      filters
    beantwoord:ja  beantwoord:nee                                         answered or not
    titel:  vraag:  antwoord:  a word or "phrase" searched in one section only
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from whoosh import query as wq

from indexer.analysis import EXACT_PREFIX, STOP_WORDS, dutch_analyzer
from indexer.errors import QuerySyntaxError
from indexer.schema import NAME_FIELDS, TEXT_FIELDS
from indexer.wordforms import related_stems

from .filters import IsFacetValue, filter_query, name_terms
from .scoring import CombinedFields
from .syntax import FILTER_FIELDS, Node, Parser, nothing_to_search, only_filters, quoted

FIELD_WEIGHTS: dict[str, float] = {
    "title": 5.0,
    "question": 3.0,
    "answer": 1.0,
    "theme": 1.0,
    "questioner": 1.0,
    "minister_name": 1.0,
    "number": 2.0,
}
"""Boosts per field for free-text words, chosen with benchmarks/field_weights.py (see README)."""

COMPOUND_PARTS_WEIGHT = 0.25
"""Boost of a compound's parts found apart ("opvang van kinderen" for "kinderopvang"); measured
on the relevance benchmark against 0.5 and against parts that must stand near each other."""

RELATED_FORMS_WEIGHT = 0.5
"""Boost of another form of a query word's family ("terugkeer" for "teruggekeerde"): less than the
word's own stem, so the typed form ranks first."""

_KIND_WEIGHTS = {"part": COMPOUND_PARTS_WEIGHT, "related": RELATED_FORMS_WEIGHT}
"""A term's weight by its kind (see `Alternatives`), for choosing passages as for ranking."""

JOINED_WORDS_MAX = 3
"""Up to this many adjacent query words are also searched as one word ("fact checking fonds")."""

ALL_WORDS_BONUS = 10_000.0
"""Added to the score of documents that match every optional word, so they rank above the rest."""



@dataclass
class ParsedQuery:
    """A compiled query: what to run, which terms to mark per field, and whether it ranks."""

    query: wq.Query
    highlight: dict[str, set[str]] = field(default_factory=dict)
    scored: bool = True
    all_words: wq.Query | None = None
    """The optional words together, when the query gives ALL_WORDS_BONUS to documents with every
    one: those documents rank first, so when they fill a page the others need no scoring."""
    words: dict[str, list[wq.Query]] = field(default_factory=dict)
    """Each word searched as text (see `word_lexemes`), as typed, with the queries that find it
    (one per occurrence: "titel:fiets fiets" searches it in the title and everywhere; a word
    joined with its neighbours, "mysterycalls", finds each of "mystery" and "calls")."""
    term_weights: dict[str, float] = field(default_factory=dict)
    """How much a highlighted term counts when passages are chosen, relative to a word's own stem:
    a compound's part or a related form less, a word joined from query words more."""
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    """Per field, the "quoted phrases" of several words, as their exact forms: marked only where
    the words stand in that order, not one by one."""
    notice: str | None = None
    """One line on how the query was read when it was not read as typed: unmatched brackets and
    quotes taken as plain characters, a wildcard '*' ignored (not in strict mode, where they are errors)."""


def parse_query(text: str, field_weights: dict[str, float] | None = None, *, strict: bool = False,
                is_facet_value: IsFacetValue | None = None) -> ParsedQuery:
    """Parse `text` in Vraagbaak's query syntax; raises QuerySyntaxError with a one-line reason.

    Unmatched brackets and quotes are read as plain characters, and a trailing '*' is ignored,
    as pasted text needs; `ParsedQuery.notice` says so. `strict=True` makes them errors.
    `is_facet_value`: see `filter_query` (a searcher passes its index's).
    """
    compiler = _Compiler(field_weights or FIELD_WEIGHTS, is_facet_value)
    parser = Parser(text, strict)
    tree = parser.parse()
    compiled = compiler.group(tree, top=True)
    if compiled is None:
        if not re.search(r"\w", text):
            raise nothing_to_search(text)
        raise QuerySyntaxError(
            f"The query {quoted(text)} has only stop words (de, het, van, ...); put them in quotes to "
            'search for them as a phrase, e.g. "van de".'
        )
    return ParsedQuery(compiled, compiler.highlight, compiler.scored, compiler.all_words, compiler.words,
                       compiler.term_weights, compiler.phrases, parser.notice())


class _Compiler:
    def __init__(self, weights: dict[str, float], is_facet_value: IsFacetValue | None = None) -> None:
        self.weights = weights
        self.is_facet_value = is_facet_value
        self.highlight: dict[str, set[str]] = {}
        self.scored = False
        self.all_words: wq.Query | None = None
        self.words: dict[str, list[wq.Query]] = {}
        self.term_weights: dict[str, float] = {}
        self.phrases: dict[str, list[tuple[str, ...]]] = {}
        self._negated = 0

    def node(self, node: Node) -> wq.Query | None:
        if node.kind == "group":
            return self.group(node, top=False)
        if node.kind == "or":
            return _combine(wq.Or, [self.node(c) for c in node.children])
        if node.kind == "and":
            return _combine(wq.And, [self.node(c) for c in node.children])
        if node.kind == "required":
            return self.node(node.children[0])
        if node.kind == "not":
            self._negated += 1
            try:
                inner = self.node(node.children[0])
            finally:
                self._negated -= 1
            return wq.Not(inner) if inner is not None else None
        if node.field in FILTER_FIELDS:
            return wq.ConstantScoreQuery(self.filter(node), 0.0)
        return self.text(node)

    def group(self, group: Node, top: bool) -> wq.Query | None:
        required, optional, excluded, filters = [], [], [], []
        free_words: list[tuple[int, Node, wq.Query | None]] = []
        for place, child in enumerate(group.children):
            if child.kind == "not":
                self._negated += 1
                try:
                    excluded.append(self.node(child.children[0]))
                finally:
                    self._negated -= 1
            elif only_filters(child):
                filters.append(self.node(child))
            elif child.kind in ("required", "and"):
                required.append(self.node(child))
            else:
                optional.append(self.node(child))
                if child.kind == "word":
                    free_words.append((place, child, optional[-1]))
        must = _combine(wq.And, required)
        should = [q for q in optional if q is not None]
        joined = self.joined_words(free_words)
        if len(should) > 1 and top:
            # Every word present beats any subset: a constant bonus puts those documents first
            # without dropping the documents that miss a word. Words written as one ("mystery
            # calls" as "mysterycalls") stand in for each of them.
            slots = [_combine(wq.Or, [q] + [j for words, j in joined if q in words]) for q in should]
            self.all_words = wq.And(slots)
            soft: wq.Query | None = wq.Or(should + [j for _, j in joined]
                                          + [wq.ConstantScoreQuery(self.all_words, ALL_WORDS_BONUS)])
        else:
            soft = _combine(wq.Or, should + [j for _, j in joined])
        if must is not None and soft is not None:
            result: wq.Query | None = wq.AndMaybe(must, soft)
        else:
            result = must if must is not None else soft
        # Filters narrow; they neither score nor replace the need to match a word.
        result = _combine(wq.And, [result] + filters)
        excluded_q = _combine(wq.Or, excluded)
        if excluded_q is not None:
            # Not AndNot: Whoosh's AndNotMatcher misses an excluded first document when the
            # excluded side starts earlier (fietsen -trein kept "Fiets op de trein").
            result = wq.And([result if result is not None else wq.Every(), wq.Not(excluded_q)])
        return result

    def joined_words(self, free_words: list[tuple[int, Node, wq.Query | None]]
                     ) -> list[tuple[list[wq.Query], wq.Query]]:
        """Runs of 2 or 3 adjacent free words searched also as the one word they make ("mystery
        calls": "mysterycalls", "body cam": "bodycam" and "body-cam"), each with the queries of
        the words it stands for. Users type apart what documents write as one, and no lexicon
        knows the loanwords and new coinages among them. The joined word counts as each of the
        words it joins (its weight in a field times their number)."""
        found: list[tuple[list[wq.Query], wq.Query]] = []
        if self._negated or len(free_words) < 2:
            return found
        joinable = [_joinable(node.text) if q is not None else None for _, node, q in free_words]
        for first in range(len(free_words)):
            for size in range(2, JOINED_WORDS_MAX + 1):
                run = free_words[first:first + size]
                parts = [part for part in joinable[first:first + size] if part is not None]
                if len(run) < size or run[-1][0] - run[0][0] != size - 1:
                    break  # not adjacent in the query
                if len(parts) < size or any(node.field != run[0][1].field for _, node, _ in run):
                    break
                query = self.text(Node("word", "".join(parts), run[0][1].field), joined=size)
                if query is not None:
                    for _, node, _ in run:
                        self.words.setdefault(node.text, []).append(query)
                    found.append(([q for _, _, q in run if q is not None], query))
        return found

    def text(self, node: Node, joined: int = 1) -> wq.Query | None:
        """A word or phrase, in every text field or (with titel:/vraag:/antwoord:) in one. A word
        `joined` from more than one query word is searched as itself only, not its compound parts
        (the words it joins are searched already) nor in the name fields, and counts as each of
        them (its weight times their number)."""
        exact = node.kind == "phrase"
        fields = (node.field,) if node.field else TEXT_FIELDS
        clauses = []
        positions = _analyze(node.text, exact)
        if joined > 1:
            positions = [[(term, kind) for term, kind in terms if kind == "word"] for terms in positions]
            if len(positions) != 1 or _is_stop_position(positions[0]) or not positions[0]:
                return None
        # Each word's fields scored as one term (BM25F), a word typed, quoted, in one section or
        # one of several (a phrase, a hyphenated or glued word).
        text = _word_query(positions[0], self.weights, fields) if len(positions) == 1 else \
            _words_query(positions, self.weights, fields, exact)
        if text is not None:
            clauses.append(_boosted(text, joined))
        if clauses and not self._negated:
            self.scored = True
            for fieldname in fields:
                self.mark(fieldname, positions, exact, joined)
        if not node.field and not exact and clauses and joined == 1:
            names = name_terms(node.text)
            for fieldname in NAME_FIELDS:
                if len(names) == 1 and self.weights.get(fieldname, 0) > 0:
                    clauses.append(_boosted(wq.Term(fieldname, names[0]), self.weights[fieldname]))
            if node.text.isdigit():
                clauses.append(_boosted(wq.Term("number", node.text), self.weights.get("number", 1.0)))
        query = _combine(wq.Or, clauses)
        if query is not None and node.kind == "word" and not self._negated and joined == 1:
            self.words.setdefault(node.text, []).append(query)
        return query

    def mark(self, fieldname: str, positions: list[Alternatives], exact: bool, joined: int) -> None:
        """Record what to highlight for a searched word or phrase, and how much each term counts."""
        if exact and len(positions) > 1:
            sequence = tuple(terms[0][0][len(EXACT_PREFIX):] for terms in positions)
            self.phrases.setdefault(fieldname, []).append(sequence)
            return
        for terms in positions:
            stop = not exact and _is_stop_position(terms)
            for term, kind in terms:
                if not stop or kind == "whole":
                    self.highlight.setdefault(fieldname, set()).add(term)
                    weight = _KIND_WEIGHTS.get(kind, 1.0) * joined
                    self.term_weights[term] = max(weight, self.term_weights.get(term, 0.0))

    def filter(self, node: Node) -> wq.Query:
        return filter_query(node.field or "", node.text, phrase=node.kind == "phrase", is_facet_value=self.is_facet_value)


def _joinable(text: str) -> str | None:
    """The word a query word gives to join with its neighbours (folded, without the punctuation
    typed with it: "calls?" gives "calls"), or None: a stop word, a number, several words."""
    positions = _analyze(text, exact=False)
    if len(positions) != 1:
        return None
    words = [term[len(EXACT_PREFIX):] for term, kind in _analyze(text, exact=True)[0] if kind == "word"]
    return words[0] if len(words) == 1 and words[0].isalpha() and words[0] not in STOP_WORDS else None


def _combine(kind: type[wq.CompoundQuery], queries: Iterable[wq.Query | None]) -> wq.Query | None:
    present = [q for q in queries if q is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else kind(present)


def _boosted(q: wq.Query, boost: float) -> wq.Query:
    # In place: every query given here was just built for its one field (Query.copy() is a deep
    # copy, and was half the cost of parsing).
    if boost != 1.0:
        q.boost = boost
    return q


Alternatives = list[tuple[str, str]]
"""The terms at one query position, each with its kind: "word", "whole" (a hyphenated word
joined: "nederlandsvlaams"), "part" (a compound's part: "opvang" in "kinderopvang") or "related"
(another form of the word's family: "terugker" for "teruggekeerde", see `related_stems`)."""


def _analyze(text: str, exact: bool) -> list[Alternatives]:
    """Analyse query text into positions of alternative terms.

    Unquoted words keep stems (and compound parts); quoted text keeps exact forms. Stop words have
    no stem, so they drop out of unquoted words but stay in phrases.
    """
    by_pos: dict[int, Alternatives] = {}
    for token in _text_analyzer()(text, positions=True, mode="query"):
        kind = "whole" if token.whole else "part" if token.part else "word"
        by_pos.setdefault(token.pos, []).append((token.text, kind))
    positions = []
    for pos in sorted(by_pos):
        exact_terms = [(t, k) for t, k in by_pos[pos] if t.startswith(EXACT_PREFIX)]
        stems = [(t, k) for t, k in by_pos[pos] if not t.startswith(EXACT_PREFIX)]
        if exact:
            positions.append(exact_terms)
            continue
        if not any(k != "whole" for _, k in stems):
            # A stop word has no stem: its exact form stands in (beside a hyphenated word's joined
            # form, which shares the first word's place), so hyphenated words keep their order.
            positions.append([(t, k) for t, k in exact_terms if k != "whole"] + stems)
            continue
        words = [t[len(EXACT_PREFIX):] for t, k in exact_terms if k == "word"]
        known = {t for t, _ in stems}
        related = [stem for word in words for stem in related_stems(word) if stem not in known]
        positions.append(stems + [(stem, "related") for stem in dict.fromkeys(related)])
    if not exact and all(_is_stop_position(p) and not _wholes(p) for p in positions):
        return []
    return positions


def _is_stop_position(terms: Alternatives) -> bool:
    """Whether the word at this place is a stop word (only its exact form; a hyphenated word's
    joined form may stand beside it)."""
    return all(term.startswith(EXACT_PREFIX) for term, kind in terms if kind != "whole")


def _wholes(terms: Alternatives) -> list[str]:
    return [term for term, kind in terms if kind == "whole"]


def _position_query(fieldname: str, terms: Alternatives) -> wq.Query | None:
    """The word itself, or (for a compound) all its parts, which may stand apart in a document."""
    alternatives: list[wq.Query] = [wq.Term(fieldname, t) for t, kind in terms if kind == "word"]
    alternatives += [wq.Term(fieldname, t, boost=RELATED_FORMS_WEIGHT) for t, kind in terms if kind == "related"]
    parts = [wq.Term(fieldname, t) for t, kind in terms if kind == "part"]
    if parts:
        # Anywhere in the field: requiring the parts near each other lost more relevant documents
        # ("asielopvang": "de opvang ... asielzoekers") than noise (benchmarks/relevance/RESULTS.md).
        alternatives.append(wq.And(parts, boost=COMPOUND_PARTS_WEIGHT))
    return _combine(wq.Or, alternatives)


def _across(text: str, weights: dict[str, float], fields: tuple[str, ...], boost: float = 1.0) -> CombinedFields:
    """One term in `fields`, each with its weight, scored as one term of the document (BM25F)."""
    return CombinedFields([wq.Term(fieldname, text, boost=weights.get(fieldname, 1.0)) for fieldname in fields],
                          boost=boost)


def _word_query(terms: Alternatives, weights: dict[str, float], fields: tuple[str, ...]) -> wq.Query | None:
    """A word (its terms at one position) in `fields`, each term scored over the fields together
    with the fields' weights; a compound's parts each over the fields, all of them required,
    anywhere in the document."""
    alternatives = [_across(t, weights, fields) for t, kind in terms if kind == "word"]
    alternatives += [_across(t, weights, fields, RELATED_FORMS_WEIGHT) for t, kind in terms if kind == "related"]
    parts = [_across(t, weights, fields) for t, kind in terms if kind == "part"]
    if parts:
        alternatives.append(wq.And(parts, boost=COMPOUND_PARTS_WEIGHT))
    return _combine(wq.Or, alternatives)


def _words_query(positions: list[Alternatives], weights: dict[str, float], fields: tuple[str, ...],
                 exact: bool) -> wq.Query | None:
    """Words at successive positions: a "phrase" (its words in order in one field), a hyphenated
    word (its joined form, or, as a compound's parts, its words in order) or a glued one
    ("verbeteren.Het": all its words, anywhere, as words typed apart but all required). Each word
    is scored over the fields as a word typed alone, wherever it stands in the document; the order
    only decides what matches, and adds nothing to the score."""
    words = [_word_query(terms, weights, fields) for terms in positions if exact or not _is_stop_position(terms)]
    scored = [word for word in words if word is not None]
    wholes = [_across(term, weights, fields) for terms in positions for term in _wholes(terms)]
    if not (exact or wholes):
        return _combine(wq.And, scored)
    if not scored:  # a hyphenated word of stop words ("de-het"): its joined form only
        return _combine(wq.Or, wholes)
    in_order = _combine(wq.Or, [_sequence([_position_query(fieldname, terms) for terms in positions])
                                for fieldname in fields])
    ordered = _combine(wq.And, ([wq.ConstantScoreQuery(in_order, 0.0)] if in_order else []) + scored)
    if exact or ordered is None:
        return ordered
    ordered.boost *= COMPOUND_PARTS_WEIGHT  # a new query: the And, or the one word's own
    return wq.Or(wholes + [ordered])


def _sequence(queries: list[wq.Query | None]) -> wq.Query | None:
    """The queries found in this order, or None when fewer than two are left to order (a position
    whose only term is a hyphenated word's joined form has none)."""
    present = [q for q in queries if q is not None]
    return wq.Sequence(present) if len(present) > 1 else None


# Built once: a chain of filters is several objects, and a query is analysed word by word. Whoosh
# analyzers keep no state between calls (each call makes its own token).
_text_analyzer = lru_cache(maxsize=1)(dutch_analyzer)
