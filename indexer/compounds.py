"""Dutch compound splitting: "kinderopvang" → "kind" + "opvang", over a lexicon from OpenTaal.

Dutch writes compounds as one word; people search for their parts ("opvang kinderen") or write
the parts where a document has the compound. The analysis chain indexes a compound's parts at the
compound's own position (as Lucene's decompounders do), so both are found.

The splitter (after Koehn & Knight 2003) considers every way to cut a word into lexicon words,
with linking sounds allowed between them (-s-, -e-, -en-, -er-: vervoer·s·plan, kind·er·opvang),
where every part occurs in the seed corpus on its own, and keeps the cut whose parts have the highest geometric mean frequency, if that beats the
frequency of the word itself. Frequencies are counts in the seed corpus: a word that is common on
its own ("verschillende", "ziekenhuis") stays whole, a rare compound of common words
("onderwijstop", "lerarentekort") is split. Words shorter than MIN_WORD and proper names
(Kortrijk, Nederland) are never split, nor are the words in `data/compound_protected.txt`; the
particles and suffix-like words of `data/compound_nonparts.txt` (onder, ster) and the stop words
are never a part, nor joined with a linking sound (acht·er·stand is achterstand, not acht + stand).

The lexicon `data/lexicon_nl.txt.gz` lists OpenTaal's lower-case words that occur in the seeds
(BSD / CC-BY 3.0, see `data/LEXICON-LICENSE.txt`), their counts, and OpenTaal's proper names, on
three lines. Rebuild it:
    python scripts/derive_lexicon.py PATH/TO/opentaal/wordlist.txt seeds/
"""

from __future__ import annotations

import collections
import gzip
import math
import re
from bisect import bisect_left
from functools import cached_property, lru_cache
from pathlib import Path

from .textdata import data_bytes, fold, read_data

MIN_WORD = 8
MIN_PART = 3
MIN_SHORT_PART_COUNT = 20
"""A three-letter part must occur this often on its own in the seeds (par·keer, neu·rol·ogen)."""
MAX_PARTS = 4
MAX_LEXICON_WORD = 18
LINKS = ("", "s", "e", "en", "er")
LEXICON_FILE = "lexicon_nl.txt.gz"

_SHORT_PART_WEIGHT = math.log(MIN_SHORT_PART_COUNT + 1)

PROTECTED = frozenset(read_data("compound_protected.txt"))
# Stop words are never parts either (der·gelijke, het·zelfde, een·heden).
NON_PARTS = frozenset(read_data("compound_nonparts.txt")) | frozenset(read_data("stopwords_nl.txt"))


class Lexicon:
    """The seed-corpus counts of the lexicon's words, and its proper names."""

    def __init__(self, text: str) -> None:
        # Three lines: the words, their counts, the proper names, each space-separated, so that
        # loading is three splits and a dict(zip()) at C speed (a Python loop over 70,000 entries
        # took 150 ms, which every one-shot `vraagbaak search` with a long word would pay).
        words, counts, names = text.split("\n")
        self.counts: dict[str, str] = dict(zip(words.split(" "), counts.split(" ")))
        # Sorted (as written), and looked up by bisection: making a set of them cost more than the
        # few names a query or a build's distinct words look up.
        self.names = names.split(" ")

    @lru_cache(maxsize=100_000)
    def weight(self, word: str) -> float:
        """Log of (count + 1); 0 for a word not in the lexicon (or only as a proper name)."""
        count = self.counts.get(word)
        return math.log(int(count) + 1) if count else 0.0

    def is_name(self, word: str) -> bool:
        at = bisect_left(self.names, word)
        return at < len(self.names) and self.names[at] == word

    @cached_property
    def longest(self) -> dict[str, int]:
        """For each word beginning (its first MIN_PART letters), the length of the longest word with it."""
        longest: dict[str, int] = {}
        for word in self.counts:
            start = word[:MIN_PART]
            if len(word) > longest.get(start, 0):
                longest[start] = len(word)
        return longest


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    """Loaded on first use, when a word long enough to be a compound is analysed."""
    return Lexicon(gzip.decompress(data_bytes(LEXICON_FILE)).decode("utf-8"))


def is_known_word(word: str) -> bool:
    """Whether the seeds use `word` on its own and OpenTaal lists it."""
    return _lexicon().weight(word) > 0


def lexicon_words_at(word: str, start: int) -> list[str]:
    """The lexicon words (the possible parts of a compound) that begin at `start` in `word`."""
    lexicon = _lexicon()
    counts, end = lexicon.counts, min(len(word), start + lexicon.longest.get(word[start:start + MIN_PART], 0))
    return [word[start:stop] for stop in range(start + MIN_PART, end + 1) if word[start:stop] in counts]


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a folded, lower-case compound, or () when it is not one (or is protected)."""
    n = len(word)
    if n < MIN_WORD or word in PROTECTED or not word.isalpha():
        return ()
    lexicon = _lexicon()
    if word[-1] == "s" and word[-2] in "aeiouy" and lexicon.weight(word[:-1]) > 0:
        return split_compound(word[:-1])  # a plural in -s splits as its singular: kerncentrales
    if lexicon.is_name(word):
        return ()
    # best[m][i]: the highest sum of log frequencies cutting word[i:] into m parts, and the parts.
    best: list[list[tuple[float, tuple[str, ...]] | None]] = [[None] * (n + 1) for _ in range(MAX_PARTS + 1)]
    best[0][n] = (0.0, ())
    counts, longest = lexicon.counts, lexicon.longest
    for i in range(n - MIN_PART, -1, -1):
        # Only cuts no longer than the longest lexicon word with the same first letters.
        for j in range(i + MIN_PART, min(n, i + longest.get(word[i:i + MIN_PART], 0)) + 1):
            part = word[i:j]
            if part not in counts or part in NON_PARTS:  # most cuts: a plain dict miss
                continue
            weight = lexicon.weight(part)
            if len(part) == MIN_PART and weight < _SHORT_PART_WEIGHT:
                continue
            for link in LINKS:
                k = j + len(link)
                if k > n or (link and (k == n or word[j:k] != link or part + link in NON_PARTS)):
                    continue
                for m in range(1, MAX_PARTS + 1):
                    rest = best[m - 1][k]
                    if rest is None:
                        continue
                    score = rest[0] + weight
                    current = best[m][i]
                    if current is None or score > current[0]:
                        best[m][i] = (score, (part,) + rest[1])
    whole = lexicon.weight(word)
    chosen: tuple[str, ...] = ()
    for m in range(2, MAX_PARTS + 1):
        cut = best[m][0]
        if cut is not None and cut[0] / m > whole:
            whole, chosen = cut[0] / m, cut[1]
    return chosen


_WORD_RE = re.compile(r"^[^\W\d_]+$")
_TOKEN_RE = re.compile(r"[^\W\d_]+")


def derive_lexicon(wordlist: Path, corpus: Path) -> str:
    """The lexicon file's text from an OpenTaal word list and a folder of seed texts: a line of
    words, a line of their counts in the seeds, a line of proper names (see module docstring)."""
    counts: collections.Counter[str] = collections.Counter()
    for path in corpus.rglob("*.txt"):
        counts.update(fold(w) for w in _TOKEN_RE.findall(path.read_text(encoding="utf-8", errors="replace").lower()))
    words: dict[str, int] = {}
    names: set[str] = set()
    for line in wordlist.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if not _WORD_RE.match(entry) or not MIN_PART <= len(entry) <= MAX_LEXICON_WORD:
            continue
        word = fold(entry.lower())
        if entry == entry.lower():
            # A word the seeds never use on its own can be neither a part nor a reason not to
            # split (its weight would be 0), so only the words with a count are kept.
            if counts[word]:
                words[word] = counts[word]
        elif entry[0].isupper() and entry[1:] == entry[1:].lower():
            names.add(word)
    ordered = sorted(words)
    return "\n".join([" ".join(ordered), " ".join(str(words[w]) for w in ordered), " ".join(sorted(names - set(words)))])
