"""Highlighting: the best passages of a hit, with every matched word's and phrase's character offsets."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from indexer.analysis import EXACT_PREFIX, WORD_RUN_RE, stem_keys, words
from indexer.structure import answered_question
from indexer.textdata import fold
from indexer.wordterms import word_terms, yields_any

MAX_PASSAGES = 3
PASSAGE_CHARS = 260
_SENTENCE_END_RE = re.compile(r"[.?!;\n](?:(?<=\n)\n*|\s+)")
"""Line breaks, or . ? ! ; and the whitespace after them: one character class first, which the
regex engine scans for quickly (a look-behind first was most of the cost of highlighting)."""


@dataclass(frozen=True)
class Passage:
    """A piece of one section of a document; `highlights` are [start, end) offsets into `text`."""

    section: str
    text: str
    highlights: tuple[tuple[int, int], ...] = ()
    subquestion: str | None = None
    """For a passage of an answer: the numbered sub-question(s) that part of the answer answers."""
    page: int | None = None
    """For a document indexed from a PDF: the page the passage starts on."""

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "section": self.section, "text": self.text, "highlights": [list(h) for h in self.highlights],
        }
        if self.section == "answer":
            data["subquestion"] = self.subquestion
        if self.page is not None:
            data["page"] = self.page
        return data


def match_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in `text` that produce any of `terms`, merged and sorted.

    The text goes through the same analysis as at index time, so "leerkracht" marks
    "leerkrachten" and "kopieren" marks "kopiëren".
    """
    return _merged([(start, end) for start, end, _, _ in marked_words(text, terms)])


def marked_words(text: str, terms: set[str]) -> list[tuple[int, int, str, bool]]:
    """The words of `text` that produce any of `terms`, as (start, end, word, is the joined whole
    of a hyphenated word), sorted; a hyphenated word's whole overlaps its parts."""
    if not terms or not text:
        return []
    wanted = frozenset(terms)
    found: list[tuple[int, int, str, bool]] = []
    folded = _fold_in_place(text)
    if folded is None:  # a character that folds to more or fewer than one: analyse every word
        _mark_runs(text, 0, len(text), wanted, found)
    else:
        # Only the stretches of word characters holding a key can hold a marked word (see
        # `_keys`); each is analysed exactly as the whole text would be.
        done = 0
        for at in _key_positions(folded, _keys(wanted)):
            if at < done:
                continue
            start = at
            while start > 0 and _RUN_CHAR_RE.match(text, start - 1):
                start -= 1
            done = _RUN_CHARS_RE.match(text, at).end()  # type: ignore[union-attr]
            _mark_runs(text, start, done, wanted, found)
    found.sort()
    return found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = sorted(spans)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_RUN_CHAR_RE = re.compile(r"[^\W_]|[.,/'’\-]")
_RUN_CHARS_RE = re.compile(f"(?:{_RUN_CHAR_RE.pattern})+")
"""The characters `WORD_RUN_RE` runs are made of: a run never crosses any other character."""


def _mark_runs(text: str, start: int, end: int, terms: frozenset[str], found: list[tuple[int, int, str, bool]]) -> None:
    """Add the marked words of the runs in text[start:end] to `found` (see `marked_words`)."""
    for match in WORD_RUN_RE.finditer(text, start, end):
        run = match.group()
        if run.isalnum():  # most words: no need for the tokenizer's splitting rules
            if _marks(run, False, terms):
                found.append((match.start(), match.end(), run, False))
            continue
        offset = match.start()
        found.extend((offset + s, offset + e, word, whole) for word, _, s, e, whole in words(run)
                     if _marks(word, whole, terms))


@lru_cache(maxsize=200_000)
def _marks(word: str, whole: bool, terms: frozenset[str]) -> bool:
    # Cached per query: the same words recur across a page of hits.
    return yields_any(word, whole, terms)


def _fold_in_place(text: str) -> str | None:
    """`text` lower-cased and diacritic-folded character by character, so offsets stay the same
    (except that non-ASCII characters no run is made of become spaces); None when a character would not fold to exactly
    one (ß, a loose combining accent, final Σ)."""
    lower = text.lower()
    if lower.isascii():
        return lower
    if len(lower) != len(text) or "Σ" in text:
        return None
    table = {}
    for char in set(lower):
        if not char.isascii():
            folded = fold(char)
            if len(folded) != 1:
                return None
            # A character no run is made of becomes a space, so a key never reaches across it.
            table[ord(char)] = folded if _RUN_CHAR_RE.match(char) else " "
    return lower.translate(table)


@lru_cache(maxsize=256)
def _keys(terms: frozenset[str]) -> tuple[str, ...]:
    """Strings of which every word that yields one of `terms` holds one, folded.

    A word yields a term through its exact form, its stem or a compound part's stem; a word with
    a stem begins with one of its `stem_keys`, and a compound holds such a part as a substring.
    """
    keys = set()
    for term in terms:
        if term.startswith(EXACT_PREFIX):
            keys.add(term[len(EXACT_PREFIX):])
        else:
            keys.update(stem_keys(term))
    # Without hyphens, as the text is searched ("f-16", "covid-19": see `_key_positions`).
    keys = {key.replace("-", "") for key in keys}
    keys.discard("")
    return tuple(sorted(keys))


def _key_positions(folded: str, keys: tuple[str, ...]) -> list[int]:
    """Where the keys occur in `folded`, in order. Hyphens are skipped over (a hyphenated word's
    joined form is a key: "nederlandsvlaams" in "nederlands-vlaamse").

    A plain search per key: compiling the keys into one pattern cost more than the searches.
    """
    hyphens: list[int] = []
    if "-" in folded:
        # Each hyphen's position in the text without hyphens, to map positions back.
        at = folded.find("-")
        while at >= 0:
            hyphens.append(at - len(hyphens))
            at = folded.find("-", at + 1)
        folded = folded.replace("-", "")
    found = set()
    for key in keys:
        at = folded.find(key)
        while at >= 0:
            found.add(at)
            at = folded.find(key, at + 1)
    if hyphens:
        return sorted(at + bisect_right(hyphens, at) for at in found)
    return sorted(found)


def best_passages(
    sections: dict[str, str | None], terms: dict[str, set[str]], max_passages: int = MAX_PASSAGES, *,
    weights: dict[str, float] | None = None, phrases: dict[str, list[tuple[str, ...]]] | None = None,
) -> list[Passage]:
    """Up to `max_passages` passages, best first: the sentences whose matched words weigh most.

    A sentence counts each distinct term it matches once, with its weight in `weights` (1 when
    absent): rare, decisive words and a compound's own form weigh more than common words and a
    compound's parts. `phrases` (per section, sequences of exact forms) are marked only where
    their words stand in order (word by word where a sentence ends between them), and count
    PHRASE_WEIGHT times the weights of their words' exact forms. The title
    is used only when no sentence of the question or answer matches; with no match at all, the
    question's opening is returned unmarked so every hit shows some text.
    """
    weights = weights or {}
    candidates: list[tuple[float, int, str, int, int, list[tuple[int, int]]]] = []
    order = 0
    for section in ("question", "answer"):
        text = sections.get(section)
        if not text:
            continue
        found = _weighted_spans(text, terms.get(section, set()), weights, (phrases or {}).get(section, []))
        if not found:
            continue
        spans = _merged([(start, end) for start, end, _, _ in found])
        starts, ends = [s for s, _ in spans], [e for _, e in spans]
        found_starts = [start for start, _, _, _ in found]
        for start, end in _sentences(text, spans[-1][1]):
            # The spans are sorted and disjoint, so those inside a sentence are a slice of them.
            inside = spans[bisect_left(starts, start):bisect_right(ends, end)]
            if not inside:
                continue
            best: dict[str, float] = {}
            for _, word_end, key, weight in found[bisect_left(found_starts, start):]:
                if word_end > end:
                    break
                best[key] = max(weight, best.get(key, 0.0))
            order += 1
            candidates.append((sum(best.values()) + min(len(inside), 9) / 100, -order, section, start, end, inside))
    if candidates:
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        passages = []
        for _, _, section, start, end, inside in candidates[:max_passages]:
            text = sections[section] or ""
            passage = _window(section, text, start, end, inside)
            if section == "answer":
                subquestion = answered_question(sections.get("question") or "", text, start)
                passage = dataclasses.replace(passage, subquestion=subquestion)
            passages.append(passage)
        return passages
    title = sections.get("title") or ""
    title_spans = _merged([(start, end) for start, end, _, _ in _weighted_spans(
        title, terms.get("title", set()), weights, (phrases or {}).get("title", []))])
    if title_spans:
        return [Passage("title", title, tuple(title_spans))]
    question = sections.get("question") or sections.get("answer") or ""
    section = "question" if sections.get("question") else "answer"
    for start, end in _sentences(question):
        return [_window(section, question, start, end, [])]
    return []


PHRASE_WEIGHT = 10.0
"""How much more a "quoted phrase" found in a sentence counts than its words would one by one:
a passage holding the phrase comes before those with a few other words of the query."""


def _weighted_spans(text: str, terms: set[str], weights: dict[str, float], phrases: list[tuple[str, ...]]
                    ) -> list[tuple[int, int, str, float]]:
    """The marked words and phrases of `text` as (start, end, what it matched, weight), sorted by
    start: a word by its weightiest term, a phrase by the phrase."""
    found = []
    for start, end, word, whole in marked_words(text, terms):
        matched = [term for term in word_terms(word, whole) if term in terms]
        key = max(matched, key=lambda term: weights.get(term, 1.0))
        found.append((start, end, key, weights.get(key, 1.0)))
    if phrases:
        folded = _fold_in_place(text)
        if folded is None:
            folded = fold(text.lower())
        if len(folded) == len(text):  # else offsets would not fit the text: mark no phrase rather than wrongly
            for phrase in phrases:
                word_weights = [weights.get(EXACT_PREFIX + word, 1.0) for word in phrase]
                for start, end, index in phrase_spans(folded, phrase):
                    if index is None:
                        found.append((start, end, " ".join(phrase), PHRASE_WEIGHT * sum(word_weights)))
                    else:  # a word of a phrase split by a sentence end counts as that word alone
                        found.append((start, end, EXACT_PREFIX + phrase[index], word_weights[index]))
    found.sort()
    return found


def phrase_spans(folded: str, phrase: tuple[str, ...]) -> list[tuple[int, int, int | None]]:
    """Where the words of `phrase` (exact forms: lower-case, folded) stand one after the other in
    `folded` (a text lower-cased and folded), as the index's phrase search finds them: only spaces
    or punctuation between. Each is (start, end, None) for the whole phrase, or, where a sentence
    ends between its words, (start, end, index in `phrase`) for each word, so that no span
    crosses a passage's bounds."""
    found: list[tuple[int, int, int | None]] = []
    for match in _phrase_re(phrase).finditer(folded):
        words = [match.span(group) for group in range(1, len(phrase) + 1)]
        between = [folded[end:start] for (_, end), (start, _) in zip(words, words[1:])]
        if any(_SENTENCE_END_RE.search(gap + " ") for gap in between):
            found.extend((start, end, index) for index, (start, end) in enumerate(words))
        else:
            found.append((*match.span(), None))
    return found


@lru_cache(maxsize=256)
def _phrase_re(phrase: tuple[str, ...]) -> re.Pattern[str]:
    words = r"[^\w]+".join(f"({re.escape(word)})" for word in phrase)
    return re.compile(rf"(?<![^\W_]){words}(?![^\W_])")


def _sentences(text: str, last: int | None = None) -> Iterator[tuple[int, int]]:
    """The sentences of `text` as [start, end) bounds, in order (with `last`, up to the one
    holding offset `last`). A sentence ends after . ? ! or ; before whitespace, or at a line break;
    the whitespace between sentences belongs to neither."""
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.start() + (text[match.start()] != "\n")  # the punctuation stays in the sentence
        if end > start:
            yield start, end
        start = match.end()
        if last is not None and start > last:
            return
    if start < len(text):
        yield start, len(text)


def _window(section: str, text: str, start: int, end: int, spans: list[tuple[int, int]]) -> Passage:
    """The sentence [start, end), cut to about PASSAGE_CHARS around its first match."""
    if end - start > PASSAGE_CHARS:
        anchor = spans[0][0] if spans else start
        new_start = max(start, anchor - PASSAGE_CHARS // 3)
        if new_start > start:
            space = text.find(" ", new_start, anchor) if anchor > new_start else -1
            new_start = space + 1 if space >= 0 else new_start
        new_end = min(end, new_start + PASSAGE_CHARS)
        if new_end < end:
            space = text.rfind(" ", new_start, new_end)
            new_end = space if space > new_start else new_end
        start, end = new_start, new_end
    before = text[:start].rstrip(" ")
    prefix = "…" if before and not before.endswith((".", "?", "!", ";", "\n")) else ""
    suffix = "…" if end < len(text) and text[end - 1] not in ".?!;:" else ""
    body = text[start:end]
    highlights = tuple(
        (s - start + len(prefix), e - start + len(prefix)) for s, e in spans if s >= start and e <= end
    )
    return Passage(section, prefix + body + suffix, highlights)
