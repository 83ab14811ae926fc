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
A word that no cut explains and the lexicon does not know is cut before the longest lexicon word
it ends with, its unknown first part kept as a part of its own ("taxshelter" + "regeling"):
loanwords and names lead many new compounds.

The lexicon `data/lexicon_nl.txt` lists OpenTaal's lower-case words that occur in the seeds
(BSD / CC-BY 3.0, see `data/LEXICON-LICENSE.txt`) with their counts, and OpenTaal's proper names.
Rebuild it:
    python scripts/derive_lexicon.py PATH/TO/opentaal/wordlist.txt seeds/
"""

from __future__ import annotations

import collections
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from .textdata import data_bytes, fold, read_data

MIN_WORD = 8
MIN_PART = 3
MIN_SHORT_PART_COUNT = 20
"""A three-letter part must occur this often on its own in the seeds (par·keer, neu·rol·ogen)."""
MAX_PARTS = 4
MIN_MODIFIER = 4
"""An unknown word splits as an unknown modifier of at least this many letters ..."""
MIN_HEAD = 5
"""... and a lexicon word of at least this many (see `_unknown_modifier`)."""
MAX_LEXICON_WORD = 18
LINKS = ("", "s", "e", "en", "er")
LEXICON_FILE = "lexicon_nl.txt"

_SHORT_PART_WEIGHT = math.log(MIN_SHORT_PART_COUNT + 1)

PROTECTED = frozenset(read_data("compound_protected.txt"))
# Stop words are never parts either (der·gelijke, het·zelfde, een·heden).
NON_PARTS = frozenset(read_data("compound_nonparts.txt")) | frozenset(read_data("stopwords_nl.txt"))


class Lexicon:
    """The seed-corpus counts of the lexicon's words, and its proper names.

    The file groups both by their first MIN_PART letters, a line per group, and a group is read
    when a word first needs it: a one-off search splits a few words and reads a few groups, a
    build reads them all, once.
    """

    def __init__(self, text: str) -> None:
        words, names = text.split("\n\n")
        self._word_lines = {line[:MIN_PART]: line for line in words.split("\n")}
        self._name_lines = {line[:MIN_PART]: line for line in names.split("\n")}
        self._groups: dict[str, tuple[dict[str, str], int]] = {}

    def beginning_with(self, beginning: str) -> tuple[dict[str, str], int]:
        """The words beginning with `beginning` (MIN_PART letters), each with its count (as
        written), and the length of the longest of them (0 for none)."""
        group = self._groups.get(beginning)
        if group is None:
            line = self._word_lines.get(beginning)
            fields = line.split(" ") if line else []
            words = dict(zip(fields[::2], fields[1::2]))
            group = self._groups[beginning] = (words, max(map(len, words), default=0))
        return group

    @lru_cache(maxsize=100_000)
    def weight(self, word: str) -> float:
        """Log of (count + 1); 0 for a word not in the lexicon (or only as a proper name)."""
        count = self.beginning_with(word[:MIN_PART])[0].get(word)
        return math.log(int(count) + 1) if count else 0.0

    def is_name(self, word: str) -> bool:
        return word in self._names_beginning_with(word[:MIN_PART])

    @lru_cache(maxsize=None)
    def _names_beginning_with(self, beginning: str) -> frozenset[str]:
        return frozenset(self._name_lines.get(beginning, "").split(" "))

    def words(self) -> Iterator[str]:
        """Every word of the lexicon."""
        for beginning in self._word_lines:
            yield from self.beginning_with(beginning)[0]

    def names(self) -> Iterator[str]:
        """Every proper name of the lexicon."""
        for line in self._name_lines.values():
            yield from line.split(" ")


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    """Loaded on first use, when a word long enough to be a compound is analysed."""
    return Lexicon(data_bytes(LEXICON_FILE).decode("utf-8"))


def is_known_word(word: str) -> bool:
    """Whether the seeds use `word` on its own and OpenTaal lists it."""
    return _lexicon().weight(word) > 0


def lexicon_words_at(word: str, start: int) -> list[str]:
    """The lexicon words (the possible parts of a compound) that begin at `start` in `word`."""
    group, longest = _lexicon().beginning_with(word[start:start + MIN_PART])
    end = min(len(word), start + longest)
    return [word[start:stop] for stop in range(start + MIN_PART, end + 1) if word[start:stop] in group]


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
    for i in range(n - MIN_PART, -1, -1):
        # Only the lexicon words with the same first letters; most cuts are a plain dict miss.
        group, longest = lexicon.beginning_with(word[i:i + MIN_PART])
        for j in range(i + MIN_PART, min(n, i + longest) + 1):
            part = word[i:j]
            if part not in group or part in NON_PARTS:
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
    if not chosen and not whole:
        chosen = _unknown_modifier(word, lexicon)
    return chosen


def _unknown_modifier(word: str, lexicon: Lexicon) -> tuple[str, ...]:
    """A word no lexicon knows, cut before the longest lexicon word it ends with: "taxshelter" +
    "regeling", "skype" + "gesprek". Loanwords and names (mystery shopping, tax shelter, Skype)
    lead many new compounds, and no word list has them; the head, a word of its own, says that
    the word is a compound."""
    for start in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        head = word[start:]
        if lexicon.weight(head) > 0 and head not in NON_PARTS:
            modifier = word[:start]
            # A particle or stop word is no part (tegen·expertise stays whole), and a known word
            # at, or one or two letters short of, the cut means a misplaced one: the head is the
            # end of a longer, unknown word (vloer·partikels, not vloerp·artikels).
            if modifier in NON_PARTS or any(lexicon.weight(word[:start - cut]) > 0 for cut in (0, 1, 2)):
                return ()
            return (modifier, head)
    return ()


_WORD_RE = re.compile(r"^[^\W\d_]+$")
_TOKEN_RE = re.compile(r"[^\W\d_]+")


def derive_lexicon(wordlist: Path, corpus: Path) -> str:
    """The lexicon file's text from an OpenTaal word list and a folder of seed texts: the words,
    each followed by its count in the seeds, then after an empty line the proper names; each a
    line per first MIN_PART letters, space-separated (see `Lexicon`)."""
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
    return "\n\n".join(["\n".join(_grouped(f"{word} {words[word]}" for word in sorted(words))),
                        "\n".join(_grouped(sorted(names - set(words))))])


def _grouped(entries: Iterable[str]) -> Iterator[str]:
    """Sorted entries as lines, one line per first MIN_PART letters."""
    for _, group in itertools.groupby(entries, key=lambda entry: entry[:MIN_PART]):
        yield " ".join(group)
