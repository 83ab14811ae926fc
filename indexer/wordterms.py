"""Each distinct word's index terms, kept: the analysis chain's filters (`analysis.filter_word`)
run on a word at its first sight, for indexing (`term_positions`) and highlighting (`word_terms`,
`yields_any`), which meet the same words again and again."""

from __future__ import annotations

from functools import lru_cache

from .analysis import EXACT_PREFIX, WORD_RUN_RE, filter_word, stem, stem_keys, words
from .compounds import lexicon_words_at


def term_positions(text: str) -> dict[bytes, list[int]]:
    """Each index term of `text` (in UTF-8, as the index keeps it) with its positions: what
    `dutch_analyzer()` indexes, by the cached per-word path (`word_terms`). Indexing's inner loop:
    the positions are gathered per distinct word first (a text repeats its words), and a run of
    letters or digits that is one word — the common case — skips the general tokenizer."""
    by_word: dict[str | tuple[str, bool], list[int]] = {}
    pos = 0
    for run in WORD_RUN_RE.findall(text):
        if run.isalnum():
            found = by_word.get(run)
            if found is None:
                by_word[run] = [pos]
            else:
                found.append(pos)
            pos += 1
            continue
        run_words, width = _run_words(run)
        for word, offset, whole in run_words:
            by_word.setdefault((word, whole), []).append(pos + offset)
        pos += width
    positions: dict[bytes, list[int]] = {}
    for key, found in by_word.items():
        for term in _word_terms_utf8(key) if isinstance(key, str) else _word_terms_utf8(*key):
            known = positions.get(term)
            # The lists are shared between terms, never changed once placed: merge into a new one.
            positions[term] = found if known is None else sorted(known + found)
    return positions


@lru_cache(maxsize=300_000)
def _word_terms_utf8(word: str, whole: bool = False) -> tuple[bytes, ...]:
    return tuple(term.encode("utf-8") for term in word_terms(word, whole))


@lru_cache(maxsize=100_000)
def _run_words(run: str) -> tuple[tuple[tuple[str, int, bool], ...], int]:
    """The words of one run of joined characters ("700.000", "e-mail", "verbeteren.Het") with
    their positions in it, and how many positions it takes; runs like these recur."""
    found = tuple((word, pos, whole) for word, pos, _, _, whole in words(run))
    return found, max((pos for _, pos, _ in found), default=-1) + 1


@lru_cache(maxsize=300_000)
def word_terms(word: str, whole: bool = False) -> tuple[str, ...]:
    """The index terms `dutch_analyzer()` yields for one word from `words()` (`whole`: the joined
    form of a hyphenated word): its filters run on the word at its first sight, the result kept.
    Indexing and highlighting analyse each distinct word once this way."""
    return filter_word(word, whole)


@lru_cache(maxsize=300_000)
def _unsplit_word_terms(word: str, whole: bool) -> tuple[str, ...]:
    """`word_terms` without the compound parts: the chain's filters but `CompoundFilter`, whose
    splitting is the costly step (see `yields_any`)."""
    return filter_word(word, whole, compounds=False)


def yields_any(word: str, whole: bool, terms: frozenset[str]) -> bool:
    """Whether `word_terms(word, whole)` holds any of `terms` (stems and exact forms).

    The same answer, but a compound is split only when one of the lexicon words in it could be a
    part stemming to one of `terms`: highlighting tests every word holding a key of the query's
    terms, and most of them are not compounds of those terms (splitting is the costly step).
    """
    unsplit = _unsplit_word_terms(word, whole)
    if not terms.isdisjoint(unsplit):
        return True
    # A word's exact form comes first: the word as the chain folds it, behind EXACT_PREFIX.
    if whole or not _may_hold_part(unsplit[0][len(EXACT_PREFIX):], _keyed_stems(terms)):
        return False
    return not terms.isdisjoint(word_terms(word, whole))


@lru_cache(maxsize=256)
def _keyed_stems(terms: frozenset[str]) -> tuple[tuple[str, str], ...]:
    return tuple((key, term) for term in sorted(terms) if not term.startswith(EXACT_PREFIX)
                 for key in stem_keys(term))


def _may_hold_part(folded: str, keyed_stems: tuple[tuple[str, str], ...]) -> bool:
    # A compound's parts are lexicon words found in it as they are, but for an unknown first part
    # (see `compounds.split_compound`): a part with stem `term` begins with one of its keys.
    for key, term in keyed_stems:
        start = folded.find(key)
        while start >= 0:
            if start == 0 or any(stem(part) == term for part in lexicon_words_at(folded, start)):
                return True
            start = folded.find(key, start + 1)
    return False
