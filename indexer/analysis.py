"""Dutch analysis chain: text → index terms, the same at index and at query time.

`dutch_analyzer()` composes a tokenizer with small filters, Whoosh style::

    DutchTokenizer() | LowercaseFilter() | StopMarkFilter() | AccentFoldFilter() | DutchStemFilter()
        | CompoundFilter()

Every word yields two terms at the same position: its exact form, prefixed with `EXACT_PREFIX`
(lower-cased and diacritic-folded: "=leerkrachten"), and its stem ("leerkracht"). Stop words keep
only their exact form, so they do not count for ranking but "quoted phrases" still match them.
A compound adds the stems of its parts at its position too ("kinderopvang": "kinder", "opvang").

The filters are the one definition of the chain. Indexing and highlighting take the terms of each
distinct word from `wordterms.word_terms`, which runs the same filters on the word once
(`filter_word`) and keeps the result, so a change to a filter, the stop words or the stemmer's
overrides is one edit that indexing, querying and highlighting all follow.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import Iterator

from whoosh.analysis import CompositeAnalyzer, Filter, LowercaseFilter, Token, Tokenizer

from .compounds import is_known_word, split_compound
from .textdata import data_bytes, fold, read_data

EXACT_PREFIX = "="
CHAIN_VERSION = 4
"""Bump when the chain's behaviour changes; the data files' contents are part of the version too."""
DATA_FILES = ("stopwords_nl.txt", "stem_overrides.txt", "lexicon_nl.txt", "compound_protected.txt",
              "compound_nonparts.txt")

# Runs of letters and digits, joined by inner punctuation ("700.000", "2019/C/42", "auto's",
# "Nederlands-Vlaamse", "verbeteren.Het"); the tokenizer then decides how to split each run.
WORD_RUN_RE = re.compile(r"[^\W_]+(?:[.,/'’\-][^\W_]+)*")
_DOT_SPLIT_RE = re.compile(r"[.,]")
_DIGIT_RE = re.compile(r"\d")
_ABBREVIATION_RE = re.compile(r"^(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}$")
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*$")
_POSSESSIVE_END_RE = re.compile(r"'s?$")
# Stem fix-ups as plain string tests: stem() runs for every distinct word a search highlights.
_LONG_VOWELS = frozenset(("ie", "ij", "ei", "ui", "ou", "au", "oe", "eu", "aa", "ee", "oo", "uu"))
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
_VOWELS = frozenset("aeiouy")


STOP_WORDS = frozenset(read_data("stopwords_nl.txt"))
STEM_OVERRIDES: dict[str, str] = dict(line.split() for line in read_data("stem_overrides.txt"))


@lru_cache(maxsize=1)
def analysis_version() -> str:
    """A fingerprint of the chain: its code version plus a checksum of its data files' contents."""
    # CRC-32, not a cryptographic hash: it only tells one release's files from another's, and
    # every search computes it (a SHA-1 of the 800 KB lexicon cost 1 ms a search).
    checksum = 0
    for name in DATA_FILES:
        checksum = zlib.crc32(data_bytes(name), checksum)
    return f"{CHAIN_VERSION}-{checksum:08x}"


class DutchTokenizer(Tokenizer):
    """Splits text into words the way Dutch parliamentary text needs.

    - glued sentences are split: "verbeteren.Het" → "verbeteren", "Het"; "hoe?2." → "hoe", "2";
    - numbers and codes stay whole: "700.000", "3,5", "2019/C/42"; abbreviations too: "o.a";
    - hyphenated words give their parts at successive positions plus the joined whole at the
      first part's position ("Nederlands-Vlaamse" → "Nederlands", "Vlaamse", "NederlandsVlaamse"),
      with `token.whole = True` on the joined form;
    - "en/of" gives "en", "of"; apostrophes stay inside the word ("auto's", "zo'n").
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            _set(token, value, start_pos, start_char, start_char + len(value), keeporiginal)
            yield token
            return
        for text, pos, start, end, whole in words(value):
            _set(token, text, start_pos + pos, start_char + start, start_char + end, keeporiginal)
            token.whole = whole
            yield token


Word = tuple[str, int, int, int, bool]
"""A word of the text: (text, position, start offset, end offset, is the joined whole of a hyphenated word)."""


def words(text: str) -> Iterator[Word]:
    """The words `DutchTokenizer` makes of `text`, as plain tuples (see its docstring)."""
    pos = 0
    for match in WORD_RUN_RE.finditer(text):
        run = match.group(0)
        if run.isalnum():  # the common case: a plain word
            yield run, pos, match.start(), match.end(), False
            pos += 1
            continue
        for parts in _split_run(run, match.start()):
            # `parts` is one position: [(text, start, end)], or a hyphenated word's parts.
            first_pos = pos
            for part, start, end in parts:
                yield part, pos, start, end, False
                pos += 1
            if len(parts) > 1:
                joiner = "-" if any(_DIGIT_RE.search(p[0]) for p in parts) else ""
                yield joiner.join(p[0] for p in parts), first_pos, parts[0][1], parts[-1][2], True


def _set(token: Token, text: str, pos: int, start: int, end: int, keeporiginal: bool) -> None:
    token.text = text
    token.boost = 1.0
    token.stopped = False
    token.whole = False
    token.part = False
    if keeporiginal:
        token.original = text
    if token.positions:
        token.pos = pos
    if token.chars:
        token.startchar = start
        token.endchar = end


def _split_run(run: str, offset: int) -> Iterator[list[tuple[str, int, int]]]:
    """Split one run of joined characters into positions (see `DutchTokenizer`)."""
    if _NUMBER_RE.match(run) or _ABBREVIATION_RE.match(run):
        yield [(run, offset, offset + len(run))]
        return
    start = 0
    for piece in _pieces(run):
        begin = run.index(piece, start)
        start = begin + len(piece)
        yield from _split_piece(piece, offset + begin)


def _pieces(run: str) -> list[str]:
    """Split at '.' and ',' unless they sit between digits ("700.000" stays, "incident.Trein" splits)."""
    pieces: list[str] = []
    current = ""
    for i, char in enumerate(run):
        if char in ".," and not (run[i - 1].isdigit() and i + 1 < len(run) and run[i + 1].isdigit()):
            pieces.append(current)
            current = ""
        else:
            current += char
    pieces.append(current)
    return [p for p in pieces if p]


def _split_piece(piece: str, offset: int) -> Iterator[list[tuple[str, int, int]]]:
    if "/" in piece and not _DIGIT_RE.search(piece):
        # "en/of", "leerkrachten/leraars": separate words.
        start = 0
        for part in piece.split("/"):
            yield from _split_piece(part, offset + start)
            start += len(part) + 1
        return
    if "-" in piece and "/" not in piece:
        parts, start = [], 0
        for part in piece.split("-"):
            parts.append((part, offset + start, offset + start + len(part)))
            start += len(part) + 1
        yield parts
        return
    yield [(piece, offset, offset + len(piece))]


class StopMarkFilter(Filter):
    """Marks Dutch stop words (`token.stopped`) without removing them: phrases still need them.

    Runs before accent folding, so "één" (one) is not taken for the stop word "een" (a).
    """

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS) -> None:
        self.stoplist = stoplist

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.stopped = token.text in self.stoplist
            yield token


class AccentFoldFilter(Filter):
    """Folds diacritics: "ideeën" → "ideeen", "kopiëren" → "kopieren", "coöperatie" → "cooperatie"."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class DutchStemFilter(Filter):
    """Yields each word's exact form ("=" + word) and, unless it is a stop word, its stem."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            word, is_stop = token.text, token.stopped
            # Whoosh drops stopped tokens when indexing; the exact form of a stop word must stay.
            token.stopped = False
            token.text = EXACT_PREFIX + word
            yield token
            if not is_stop:
                token.text = stem(word)
                yield token


class CompoundFilter(Filter):
    """After each word's exact form, yields the stems of its compound parts at the same position.

    "kinderopvang" → "=kinderopvang", "kinder", "opvang", "kinderopvang" (see `compounds`);
    the parts carry `token.part = True`.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            token.part = False
            yield token
            if text.startswith(EXACT_PREFIX) and not token.whole:
                parts = split_compound(text[1:])
                if parts:
                    for part in parts:
                        token.text = stem(part)
                        token.part = True
                        yield token
                    token.part = False


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of a folded, lower-case word: overrides, Snowball `dutch_porter`, then fix-ups.

    Before Snowball: "auto's" → "auto", "competenties" → "competentie", "ideeen" → "idee",
    "drones" → "drone" when the lexicon knows "drone" (Snowball leaves vowel plurals alone, and
    "adres" or "proces" must keep their s). After: a final v/z after a long vowel becomes f/s
    ("bedrijven" → "bedrijf", "reizen" → "reis") and a final double consonant is undoubled
    ("gevangenissen" → "gevangenis"), so singular and plural meet.
    """
    base = _POSSESSIVE_END_RE.sub("", word) if "'" in word else word  # "auto's" → "auto", "f-16's" → "f-16"
    if base in STEM_OVERRIDES:
        return STEM_OVERRIDES[base]
    if len(base) < 3 or (not base.isalpha() and _DIGIT_RE.search(base)):
        return base
    if len(base) > 5 and base.endswith("ies"):
        base = base[:-1]
    elif len(base) > 5 and base.endswith(("ieen", "eeen")):
        base = base[:-2]
    elif len(base) > 4 and base[-1] == "s" and base[-2] in "aeiouy" and is_known_word(base[:-1]):
        base = base[:-1]  # a plural in -s after a vowel: drones, kerncentrales, studios
    result = _snowball().stemWord(base)
    last = result[-1:]
    if last in ("v", "z") and result[-3:-1] in _LONG_VOWELS:
        result = result[:-1] + ("f" if last == "v" else "s")
    elif len(result) > 4 and last in _CONSONANTS and result[-2] == last:
        result = result[:-1]
    return result


@lru_cache(maxsize=1)
def _snowball():  # type: ignore[no-untyped-def]
    # Created lazily and never stored on a filter: Whoosh pickles the analyzer into the index,
    # and a PyStemmer object cannot be pickled.
    import snowballstemmer

    return snowballstemmer.stemmer("dutch_porter")


@lru_cache(maxsize=2)
def _chain_filters(without: type[Filter] | None = None) -> tuple[Filter, ...]:
    """`dutch_analyzer()`'s filters (all but the tokenizer), without those of class `without`."""
    return tuple(f for f in dutch_analyzer().items[1:] if without is None or not isinstance(f, without))


def filter_word(word: str, whole: bool = False, compounds: bool = True) -> tuple[str, ...]:
    """The terms `dutch_analyzer()`'s filters give one word from `words()` (`whole`: the joined form
    of a hyphenated word), what `wordterms` keeps per word; `compounds=False` leaves out
    `CompoundFilter`, whose splitting is the costly step."""
    token = Token(mode="index")
    _set(token, word, 0, 0, len(word), False)
    token.whole = whole
    tokens: Iterator[Token] = iter((token,))
    for filter_ in _chain_filters() if compounds else _chain_filters(without=CompoundFilter):
        tokens = filter_(tokens)
    return tuple(t.text for t in tokens)


def stem_keys(term: str) -> tuple[str, ...]:
    """What every word with stem `term` begins with (see `stem`).

    Stemming only cuts a word's ending, then may change the stem's last letter: "heden" → "heid",
    a long vowel undoubled before it ("brood" → "brod"), v/z → f/s ("bedrijven" → "bedrijf"). So
    such a word starts with the stem minus its last letter, then that letter, the vowel before it
    again, v for f or z for s ("heid": "hei" or "hed"), unless its stem is overridden to `term`
    (the overrides are arbitrary). tests/test_analysis.py checks every word of the lexicon.
    """
    if term.endswith("heid"):
        keys = {term[:-1], term[:-2] + "d"}
    else:
        base, last = term[:-1], term[-1:]
        keys = {term, base + {"f": "v", "s": "z"}.get(last, last)}
        if term[-2:-1] in _VOWELS:
            keys.add(base + term[-2])
    keys.update(word for word, stem_ in STEM_OVERRIDES.items() if stem_ == term)
    keys.discard("")
    return tuple(sorted(keys))


def dutch_analyzer() -> CompositeAnalyzer:
    """The analysis chain for the question, answer and title fields."""
    return (DutchTokenizer() | LowercaseFilter() | StopMarkFilter(STOP_WORDS) | AccentFoldFilter()
            | DutchStemFilter() | CompoundFilter())


def name_analyzer() -> CompositeAnalyzer:
    """For names, offices and themes: words lower-cased and folded, nothing removed or stemmed."""
    return DutchTokenizer() | LowercaseFilter() | AccentFoldFilter()


def index_terms(text: str) -> list[str]:
    """The terms `dutch_analyzer()` indexes for `text`, in order (for tests and debugging)."""
    return [token.text for token in dutch_analyzer()(text, mode="index")]
