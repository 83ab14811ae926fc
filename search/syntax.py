"""Query syntax: query text → a small syntax tree of words, phrases, groups and operators.

The lexer reads pasted text leniently (unmatched brackets and quotes as plain characters, a
trailing '*' ignored) unless asked to be strict; the parser builds the tree `query.py` compiles.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import NamedTuple

from indexer.errors import QuerySyntaxError
from indexer.schema import TEXT_FIELDS

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


# --- lexing ----------------------------------------------------------------------------------------

class _Lexeme(NamedTuple):
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


def quoted(text: str) -> str:
    """`text` in quotes for a message, cut to QUOTED_CHARS."""
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
        if match and match.group(1).lower() not in FIELD_ALIASES:
            if strict:
                known = ", ".join(sorted(a + ":" for a in FIELD_ALIASES))
                raise QuerySyntaxError(f"Unknown field '{match.group(1)}:' in query; known fields: {known}.")
            match = None  # "https://…", "Bron:NOS" in pasted text: words
        if match:
            alias = match.group(1).lower()
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
                raise QuerySyntaxError(f"Missing closing quote in query: {quoted(text[i:])}")
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
class Node:
    """A node of the syntax tree."""

    kind: str  # "word", "phrase", "group", "or", "and", "not", "required"
    text: str = ""
    field: str | None = None
    children: list["Node"] = dataclasses.field(default_factory=list)


class Parser:
    """Parses query text into a `Node` tree (`parse`), noting what it read leniently (`notice`)."""

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

    def parse(self) -> Node:
        if not self.lexemes:
            if self.plain:
                raise nothing_to_search(self.text)
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

    def _group(self, top: bool) -> Node:
        children = []
        while (lexeme := self._peek()) is not None and lexeme.kind != ")":
            children.append(self._clause())
        if not children:
            raise QuerySyntaxError("Empty brackets '()' in query." if not top else "The query is empty.")
        return Node("group", children=children)

    def _clause(self) -> Node:
        sides = [self._or()]
        while (lexeme := self._peek()) is not None and lexeme.kind == "op" and lexeme.text == "AND":
            self.i += 1
            sides.append(self._or(after="AND"))
        return sides[0] if len(sides) == 1 else Node("and", children=sides)

    def _or(self, after: str | None = None) -> Node:
        options = [self._unary(after)]
        while (lexeme := self._peek()) is not None and lexeme.kind == "op" and lexeme.text == "OR":
            self.i += 1
            options.append(self._unary("OR"))
        return options[0] if len(options) == 1 else Node("or", children=options)

    def _unary(self, after: str | None = None) -> Node:
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
            return Node("not", children=[self._unary("NOT")])
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
            node = Node(lexeme.kind, text=lexeme.text, field=lexeme.field)
        if lexeme.modifier == "-":
            return Node("not", children=[node])
        if lexeme.modifier == "+":
            return Node("required", children=[node])
        return node


SYMBOL_HELP = {
    "+": "'+' goes right before a word that must occur (+fietsen)",
    "-": "'-' goes right before a word to leave out (-trein)",
    "*": "'*' is not a wildcard (a word finds its other forms by itself)",
    "\\": "'\\' escapes nothing (put text in quotes to search it as written)",
    "(": "brackets group words: (trein OR bus)",
    ")": "brackets group words: (trein OR bus)",
    '"': 'quotes enclose a phrase: "digitale competenties"',
}


def nothing_to_search(text: str) -> QuerySyntaxError:
    """The error for a query of punctuation only, saying what its symbols are for."""
    hints = dict.fromkeys(SYMBOL_HELP[char] for char in text if char in SYMBOL_HELP)
    return QuerySyntaxError(f"The query {quoted(text)} has no word to search for" + (
        ": " + "; ".join(hints) + "." if hints else "."
    ))


def only_filters(node: Node) -> bool:
    """A filter, or a combination of filters only ("thema:a OR thema:b"): it narrows, it never ranks."""
    if node.children:
        return node.kind != "not" and all(only_filters(child) for child in node.children)
    return node.field in FILTER_FIELDS
