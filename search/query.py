"""Query parsing: Vraagbaak's query syntax → a Whoosh query plus the terms to highlight.

Syntax (see README):
    leerkrachten digitale      words; documents with all of them rank above those with some
    +word  word AND word       required words          -word  NOT word    excluded words
    a OR b   (grouping)        alternatives            "exact phrase"     exact words in order
    thema:  minister:  van:  nr:  datum:2024  datum:2023-01..2024-06      filters
    beantwoord:ja  beantwoord:nee                                         answered or not
    titel:  vraag:  antwoord:  a word or "phrase" searched in one section only
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from whoosh import query as wq

from indexer.analysis import EXACT_PREFIX, STOP_WORDS, dutch_analyzer, name_analyzer
from indexer.errors import QuerySyntaxError
from indexer.schema import NAME_FIELDS, TEXT_FIELDS
from indexer.wordforms import related_stems

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

FIELD_ALIASES = {
    "titel": "title", "title": "title",
    "vraag": "question", "question": "question",
    "antwoord": "answer", "answer": "answer",
    "thema": "theme", "theme": "theme",
    "minister": "minister", "aan": "minister",
    "van": "questioner", "vraagsteller": "questioner", "questioner": "questioner",
    "nr": "number", "nummer": "number", "number": "number",
    "datum": "date", "date": "date",
    "beantwoord": "answered", "answered": "answered",
}
FILTER_FIELDS = ("theme", "minister", "questioner", "number", "date", "answered")
OPERATORS = ("AND", "OR", "NOT")
MAX_DEPTH = 20


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


# --- lexing ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Lexeme:
    kind: str  # "(", ")", "op", "word", "phrase", "plain" (a character that searches nothing)
    text: str
    modifier: str = ""  # "+", "-" or ""
    field: str | None = None
    wildcard: bool = False  # typed with a trailing '*', which is not searched


_FIELD_PREFIX_RE = re.compile(r"([A-Za-z]+):")
_WILDCARD_RE = re.compile(r"(.*\w)\*+")
FIELD_EXAMPLES = {
    "title": "onderwijstop", "question": "leerkrachten", "answer": "leerkrachten", "theme": "onderwijs",
    "minister": "weyts", "questioner": "grosemans", "number": "385", "date": "2024", "answered": "ja",
}
QUOTED_CHARS = 60
"""How much of a query a message repeats: a pasted text can be thousands of characters."""


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= QUOTED_CHARS else f"'{text[:QUOTED_CHARS].rstrip()}…'"


def _no_value(name: str) -> QuerySyntaxError:
    alias = name.lower()
    return QuerySyntaxError(
        f"'{name}:' has no value; write it right after the colon ({alias}:{FIELD_EXAMPLES[FIELD_ALIASES[alias]]}), "
        f'or quote it ("{name}:") to search for the word.'
    )


def _lex(text: str, strict: bool = False) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in "()":
            lexemes.append(_Lexeme(char, char))
            i += 1
            continue
        modifier = ""
        if char in "+-" and i + 1 < n and not text[i + 1].isspace():
            modifier, i = char, i + 1
            if text[i] == "(":  # "-(a OR b)", "+(a OR b)": the bracket carries the modifier
                lexemes.append(_Lexeme("(", "(", modifier))
                i += 1
                continue
        fieldname = None
        match = _FIELD_PREFIX_RE.match(text, i)
        if match and (match.end() == n or text[match.end()].isspace()):
            if match.group(1).lower() in FIELD_ALIASES:
                raise _no_value(match.group(1))
            match = None  # "Opmerking: ..." in pasted text: a word
        if match:
            alias = match.group(1).lower()
            if alias not in FIELD_ALIASES:
                known = ", ".join(sorted(a + ":" for a in FIELD_ALIASES))
                raise QuerySyntaxError(f"Unknown field '{match.group(1)}:' in query; known fields: {known}.")
            fieldname = FIELD_ALIASES[alias]
            i = match.end()
            if text[i] == "(":
                raise QuerySyntaxError(
                    f"'{match.group(0)}(' groups are not supported; repeat the field instead "
                    f"({alias}:a OR {alias}:b)."
                )
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            if end >= 0:
                if fieldname and not text[i + 1:end].strip():
                    raise _no_value(match.group(1))  # type: ignore[union-attr]
                lexemes.append(_Lexeme("phrase", text[i + 1:end], modifier, fieldname))
                i = end + 1
                continue
            if strict:
                raise QuerySyntaxError(f"Missing closing quote in query: {_quoted(text[i:])}")
            # The last quote of the text and unmatched: a plain character, as pasted text has them.
            lexemes.append(_Lexeme("plain", '"'))
            i += 1
        start = i
        while i < n and not text[i].isspace() and text[i] not in '()"':
            i += 1
        word = text[start:i]
        if not word:
            if fieldname:
                raise _no_value(match.group(1))  # type: ignore[union-attr]
            continue
        wildcard = _WILDCARD_RE.fullmatch(word)
        if wildcard and strict:
            raise QuerySyntaxError(
                f"Wildcards are not supported: '{word}'. A word finds its other forms by itself "
                "(trein finds treinen), and a compound its parts."
            )
        if word in OPERATORS and not modifier and not fieldname:
            lexemes.append(_Lexeme("op", word))
        elif wildcard:
            lexemes.append(_Lexeme("word", wildcard.group(1), modifier, fieldname, wildcard=True))
        else:
            lexemes.append(_Lexeme("word", word, modifier, fieldname))
    return lexemes


def _plain_brackets(lexemes: list[_Lexeme]) -> list[_Lexeme]:
    """Unmatched brackets, and empty pairs "()", as plain characters (pasted text has them)."""
    plain: dict[int, str] = {}
    open_at: list[int] = []
    for i, lexeme in enumerate(lexemes):
        if lexeme.kind == "(":
            open_at.append(i)
        elif lexeme.kind == ")":
            if not open_at:
                plain[i] = ")"
            elif open_at[-1] == i - 1:
                plain[open_at.pop()], plain[i] = "()", ""
            else:
                open_at.pop()
    plain.update((i, "(") for i in open_at)
    return [_Lexeme("plain", plain[i]) if i in plain else lexeme
            for i, lexeme in enumerate(lexemes) if plain.get(i) != ""]


def word_lexemes(text: str) -> list[str]:
    """The words of a query that are searched as text (not filters, operators or excluded words)."""
    return [
        lexeme.text for lexeme in _lex(text)
        if lexeme.kind == "word" and lexeme.modifier != "-" and lexeme.field in (None, *TEXT_FIELDS)
    ]


# --- parsing into a small syntax tree ------------------------------------------------------------------

@dataclass
class _Node:
    kind: str  # "word", "phrase", "group", "or", "and", "not", "required"
    text: str = ""
    field: str | None = None
    children: list["_Node"] = dataclasses.field(default_factory=list)


class _Parser:
    def __init__(self, text: str, strict: bool = False) -> None:
        self.text = text
        lexemes = _lex(text, strict)
        if not strict:
            lexemes = _plain_brackets(lexemes)
        self.plain = [lexeme.text for lexeme in lexemes if lexeme.kind == "plain"]
        self.wildcards = [lexeme.text for lexeme in lexemes if lexeme.wildcard]
        self.lexemes = [lexeme for lexeme in lexemes if lexeme.kind != "plain"]
        self.i = 0
        self.depth = 0

    def parse(self) -> _Node:
        if not self.lexemes:
            if self.plain:
                raise _nothing_to_search(self.text)
            raise QuerySyntaxError("The query is empty.")
        node = self._group(top=True)
        if self.i < len(self.lexemes):
            raise QuerySyntaxError("Unmatched ')' in query.")
        return node

    def notice(self) -> str | None:
        """How the query was read differently from how it was typed, in one line (or None)."""
        notes = []
        unmatched = [f"'{char}'" for char in dict.fromkeys(self.plain) if char != "()"]
        if unmatched:
            notes.append(f"Unmatched {' and '.join(unmatched)} read as plain text.")
        if "()" in self.plain:
            notes.append("Empty brackets '()' read as plain text.")
        if self.wildcards:
            words = ", ".join(dict.fromkeys(self.wildcards))
            notes.append(f"'*' is not a wildcard: searched {words}, which finds other forms of the word too.")
        return " ".join(notes) or None

    def _peek(self) -> _Lexeme | None:
        return self.lexemes[self.i] if self.i < len(self.lexemes) else None

    def _group(self, top: bool) -> _Node:
        children = []
        while (lexeme := self._peek()) is not None and lexeme.kind != ")":
            children.append(self._clause())
        if not children:
            raise QuerySyntaxError("Empty brackets '()' in query." if not top else "The query is empty.")
        return _Node("group", children=children)

    def _clause(self) -> _Node:
        sides = [self._or()]
        while (lexeme := self._peek()) is not None and lexeme.kind == "op" and lexeme.text == "AND":
            self.i += 1
            sides.append(self._or(after="AND"))
        return sides[0] if len(sides) == 1 else _Node("and", children=sides)

    def _or(self, after: str | None = None) -> _Node:
        options = [self._unary(after)]
        while (lexeme := self._peek()) is not None and lexeme.kind == "op" and lexeme.text == "OR":
            self.i += 1
            options.append(self._unary("OR"))
        return options[0] if len(options) == 1 else _Node("or", children=options)

    def _unary(self, after: str | None = None) -> _Node:
        lexeme = self._peek()
        if lexeme is None or lexeme.kind == ")":
            raise QuerySyntaxError(
                f"'{after}' at the end of the query needs a word after it." if after
                else "Unexpected ')' in query."
            )
        if lexeme.kind == "op":
            if lexeme.text != "NOT":
                raise QuerySyntaxError(f"'{lexeme.text}' needs a word on both sides.")
            self.i += 1
            return _Node("not", children=[self._unary("NOT")])
        self.i += 1
        if lexeme.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QuerySyntaxError(f"The query nests brackets more than {MAX_DEPTH} deep.")
            inner = self._group(top=False)
            self.depth -= 1
            if self._peek() is None:
                raise QuerySyntaxError("Missing ')' in query.")
            self.i += 1
            node = inner
        else:
            node = _Node(lexeme.kind, text=lexeme.text, field=lexeme.field)
        if lexeme.modifier == "-":
            return _Node("not", children=[node])
        if lexeme.modifier == "+":
            return _Node("required", children=[node])
        return node


# --- compiling to Whoosh -------------------------------------------------------------------------------

def parse_query(text: str, field_weights: dict[str, float] | None = None, *, strict: bool = False) -> ParsedQuery:
    """Parse `text` in Vraagbaak's query syntax; raises QuerySyntaxError with a one-line reason.

    Unmatched brackets and quotes are read as plain characters, and a trailing '*' is ignored,
    as pasted text needs; `ParsedQuery.notice` says so. `strict=True` makes them errors.
    """
    compiler = _Compiler(field_weights or FIELD_WEIGHTS)
    parser = _Parser(text, strict)
    tree = parser.parse()
    compiled = compiler.group(tree, top=True)
    if compiled is None:
        if not re.search(r"\w", text):
            raise _nothing_to_search(text)
        raise QuerySyntaxError(
            f"The query {_quoted(text)} has only stop words (de, het, van, ...); put them in quotes to "
            'search for them as a phrase, e.g. "van de".'
        )
    return ParsedQuery(compiled, compiler.highlight, compiler.scored, compiler.all_words, compiler.words,
                       compiler.term_weights, compiler.phrases, parser.notice())


SYMBOL_HELP = {
    "+": "'+' goes right before a word that must occur (+fietsen)",
    "-": "'-' goes right before a word to leave out (-trein)",
    "*": "'*' is not a wildcard (a word finds its other forms by itself)",
    "\\": "'\\' escapes nothing (put text in quotes to search it as written)",
    "(": "brackets group words: (trein OR bus)",
    ")": "brackets group words: (trein OR bus)",
    '"': 'quotes enclose a phrase: "digitale competenties"',
}


def _nothing_to_search(text: str) -> QuerySyntaxError:
    """The error for a query of punctuation only, saying what its symbols are for."""
    hints = dict.fromkeys(SYMBOL_HELP[char] for char in text if char in SYMBOL_HELP)
    return QuerySyntaxError(f"The query {_quoted(text)} has no word to search for" + (
        ": " + "; ".join(hints) + "." if hints else "."
    ))


class _Compiler:
    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        self.highlight: dict[str, set[str]] = {}
        self.scored = False
        self.all_words: wq.Query | None = None
        self.words: dict[str, list[wq.Query]] = {}
        self.term_weights: dict[str, float] = {}
        self.phrases: dict[str, list[tuple[str, ...]]] = {}
        self._negated = 0

    def node(self, node: _Node) -> wq.Query | None:
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

    def group(self, group: _Node, top: bool) -> wq.Query | None:
        required, optional, excluded, filters = [], [], [], []
        free_words: list[tuple[int, _Node, wq.Query | None]] = []
        for place, child in enumerate(group.children):
            if child.kind == "not":
                self._negated += 1
                try:
                    excluded.append(self.node(child.children[0]))
                finally:
                    self._negated -= 1
            elif _only_filters(child):
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

    def joined_words(self, free_words: list[tuple[int, _Node, wq.Query | None]]
                     ) -> list[tuple[list[wq.Query], wq.Query]]:
        """Runs of 2 or 3 adjacent free words searched also as the one word they make ("mystery
        calls": "mysterycalls", "body cam": "bodycam" and "body-cam"), each with the queries of
        the words it stands for. Users type apart what documents write as one, and no lexicon
        knows the loanwords and new coinages among them. The joined word counts as each of the
        words it joins (its weight in a field times their number)."""
        found: list[tuple[list[wq.Query], wq.Query]] = []
        if self._negated:
            return found
        for first in range(len(free_words)):
            for size in range(2, JOINED_WORDS_MAX + 1):
                run = free_words[first:first + size]
                if len(run) < size or run[-1][0] - run[0][0] != size - 1:
                    break  # not adjacent in the query
                parts = [_joinable(node.text) for _, node, _ in run]
                if any(q is None or node.field != run[0][1].field for _, node, q in run) or None in parts:
                    break
                query = self.text(_Node("word", "".join(parts), run[0][1].field), joined=size)  # type: ignore[arg-type]
                if query is not None:
                    for _, node, _ in run:
                        self.words.setdefault(node.text, []).append(query)
                    found.append(([q for _, _, q in run if q is not None], query))
        return found

    def text(self, node: _Node, joined: int = 1) -> wq.Query | None:
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
        for fieldname in fields:
            q = _positions_query(fieldname, positions, exact)
            if q is None:
                continue
            clauses.append(_boosted(q, self.weights.get(fieldname, 1.0) * joined))
            if not self._negated:
                self.scored = True
                self.mark(fieldname, positions, exact, joined)
        if not node.field and not exact and clauses and joined == 1:
            names = _name_terms(node.text)
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
            if exact or not _is_stop_position(terms):
                for term, kind in terms:
                    self.highlight.setdefault(fieldname, set()).add(term)
                    weight = _KIND_WEIGHTS.get(kind, 1.0) * joined
                    self.term_weights[term] = max(weight, self.term_weights.get(term, 0.0))

    def filter(self, node: _Node) -> wq.Query:
        return filter_query(node.field or "", node.text, phrase=node.kind == "phrase")


def filter_query(field: str, value: str, phrase: bool = False) -> wq.Query:
    """The filter `field:value` of the query syntax (field by its schema name: "theme", "date", ...).

    Names and themes match case- and diacritic-insensitively, on any of their words ("weyts"
    matches "Ben Weyts"); several words must all occur, in order when `phrase` is set.
    """
    value = value.strip()
    if field == "date":
        return _date_query(value)
    if field == "number":
        return wq.Term("number", value)
    if field == "answered":
        answers = {"ja": True, "yes": True, "true": True, "nee": False, "no": False, "false": False}
        if value.lower() not in answers:
            raise QuerySyntaxError(f"Use beantwoord:ja or beantwoord:nee, not beantwoord:{value}.")
        return wq.Term("answered", answers[value.lower()])
    names = _name_terms(value)
    if not names:
        raise QuerySyntaxError(f"Nothing to search for in '{value}'.")
    if len(names) == 1:
        return wq.Term(field, names[0])
    if phrase:
        return wq.Phrase(field, names)
    return wq.And([wq.Term(field, name) for name in names])


@dataclass(frozen=True)
class Filters:
    """Filters given apart from the query text (the CLI's --thema, --minister, ... options).

    Each is equivalent to its query syntax: `theme="onderwijs"` is `thema:onderwijs`,
    `date_from="2023"` / `date_to="2024-06"` is `datum:2023..2024-06`, `answered=False` is
    `beantwoord:nee`.
    """

    theme: str | None = None
    minister: str | None = None
    questioner: str | None = None
    date_from: str | dt.date | None = None
    date_to: str | dt.date | None = None
    answered: bool | None = None

    def queries(self, is_facet_value: Callable[[str, str], bool] | None = None) -> list[wq.Query]:
        """The filters as queries. With `is_facet_value`, a name given exactly as a facet lists it
        ("Minister van Justitie") selects exactly that value, so a drill-down count is exact."""
        queries = []
        for name, value in (("theme", self.theme), ("minister", self.minister), ("questioner", self.questioner)):
            if value and is_facet_value is not None and is_facet_value(name, value):
                queries.append(wq.Term(f"{name}_facet", value))
            elif value:
                queries.append(filter_query(name, value))
        if self.date_from or self.date_to:
            low, high = _option_date("--from", self.date_from), _option_date("--to", self.date_to)
            if low and high and _date_bounds(low)[0] > _date_bounds(high)[1]:
                raise QuerySyntaxError(f"The date range from {low} to {high} ends before it starts.")
            queries.append(filter_query("date", f"{low}..{high}"))
        if self.answered is not None:
            queries.append(filter_query("answered", "ja" if self.answered else "nee"))
        return queries


def _option_date(option: str, value: str | dt.date | None) -> str:
    """A date given as `date_from` or `date_to` (the CLI's --from, --to), as the query syntax
    writes it; a malformed one is an error naming the option, not the range it would make."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if not value:
        return ""
    try:
        _date_bounds(value)
    except ValueError:
        raise QuerySyntaxError(f"Cannot read the {option} date '{value}'; use 2024, 2024-04 or 2024-04-26.") from None
    return value.strip()


def _only_filters(node: _Node) -> bool:
    """A filter, or a combination of filters only ("thema:a OR thema:b"): it narrows, it never ranks."""
    if node.children:
        return node.kind != "not" and all(_only_filters(child) for child in node.children)
    return node.field in FILTER_FIELDS


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
        # A stop word has no stem: its exact form stands in, so hyphenated words keep their order.
        if exact or not stems:
            positions.append(exact_terms)
            continue
        words = [t[len(EXACT_PREFIX):] for t, k in exact_terms if k == "word"]
        known = {t for t, _ in stems}
        related = [stem for word in words for stem in related_stems(word) if stem not in known]
        positions.append(stems + [(stem, "related") for stem in dict.fromkeys(related)])
    if not exact and all(_is_stop_position(p) for p in positions):
        return []
    return positions


def _is_stop_position(terms: Alternatives) -> bool:
    return all(term.startswith(EXACT_PREFIX) for term, _ in terms)


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


def _positions_query(fieldname: str, positions: list[Alternatives], exact: bool) -> wq.Query | None:
    if not positions:
        return None
    wholes = [wq.Term(fieldname, term) for terms in positions for term, kind in terms if kind == "whole"]
    parts = [q for q in (_position_query(fieldname, terms) for terms in positions) if q is not None]
    if len(parts) == 1 and not wholes:
        return parts[0]
    if exact or wholes:
        # A phrase, or a hyphenated word: its parts in order, or its joined form.
        sequence = wq.Sequence(parts) if len(parts) > 1 else parts[0]
        return wq.Or([sequence] + wholes) if wholes and not exact else sequence
    # A glued word typed in the query ("verbeteren.Het"): all its words, in any order.
    content = [p for p, terms in zip(parts, positions) if not _is_stop_position(terms)]
    return _combine(wq.And, content)


# Built once: a chain of filters is several objects, and a query is analysed word by word. Whoosh
# analyzers keep no state between calls (each call makes its own token).
_text_analyzer = lru_cache(maxsize=1)(dutch_analyzer)
_name_analyzer = lru_cache(maxsize=1)(name_analyzer)


def _name_terms(text: str) -> list[str]:
    return [t.text for t in _name_analyzer()(text, mode="query") if not getattr(t, "whole", False)]


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _date_query(value: str) -> wq.Query:
    """`datum:2024`, `datum:2024-04`, `datum:2024-04-26`, ranges `A..B`, `A..`, `..B`, `>=A`, `<A`."""
    try:
        if ".." in value:
            low, high = value.split("..", 1)
            if not low and not high:
                raise ValueError
            start = _date_bounds(low)[0] if low else None
            end = _date_bounds(high)[1] if high else None
        elif value.startswith((">=", "<=", ">", "<")):
            op = value[:2] if value[1:2] == "=" else value[:1]
            low_day, high_day = _date_bounds(value[len(op):])
            if op == ">=":
                start, end = low_day, None
            elif op == ">":
                start, end = high_day + dt.timedelta(days=1), None
            elif op == "<=":
                start, end = None, high_day
            else:
                start, end = None, low_day - dt.timedelta(days=1)
        else:
            start, end = _date_bounds(value)
    except (ValueError, OverflowError):  # OverflowError: the day after 9999-12-31
        raise QuerySyntaxError(
            f"Cannot read the date '{value}'; use datum:2024, datum:2024-04, datum:2024-04-26 "
            "or a range such as datum:2023-01..2024-06."
        ) from None
    if start and end and start > end:
        raise QuerySyntaxError(f"The date range '{value}' ends before it starts.")
    return wq.DateRange(
        "date",
        dt.datetime.combine(start, dt.time()) if start else None,
        dt.datetime.combine(end, dt.time.max) if end else None,
    )


def _date_bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a (partial) ISO date covers; ValueError when it is not one."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    if day:
        date = dt.date(year, int(month), int(day))
        return date, date
    if month:
        first = dt.date(year, int(month), 1)
        following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
