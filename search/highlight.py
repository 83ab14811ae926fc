"""Highlighting: the best passages of a hit, with every matched word's character offsets."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from indexer.analysis import EXACT_PREFIX, WORD_RUN_RE, stem_keys, words, yields_any
from indexer.structure import answered_question
from indexer.textdata import fold

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
    if not terms or not text:
        return []
    wanted = frozenset(terms)
    spans: list[tuple[int, int]] = []
    folded = _fold_in_place(text)
    if folded is None:  # a character that folds to more or fewer than one: analyse every word
        _mark_runs(text, 0, len(text), wanted, spans)
    else:
        # Only the stretches of word characters holding a key can hold a marked word (see
        # `_keys`); each is analysed exactly as the whole text would be.
        done = 0
        for found in _key_positions(folded, _keys(wanted)):
            if found < done:
                continue
            start = found
            while start > 0 and _RUN_CHAR_RE.match(text, start - 1):
                start -= 1
            done = _RUN_CHARS_RE.match(text, found).end()  # type: ignore[union-attr]
            _mark_runs(text, start, done, wanted, spans)
    spans.sort()
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


def _mark_runs(text: str, start: int, end: int, terms: frozenset[str], spans: list[tuple[int, int]]) -> None:
    """Add the spans of the marked words of the runs in text[start:end] to `spans`."""
    for match in WORD_RUN_RE.finditer(text, start, end):
        run = match.group()
        if run.isalnum():  # most words: no need for the tokenizer's splitting rules
            if _marks(run, False, terms):
                spans.append(match.span())
            continue
        offset = match.start()
        spans.extend((offset + s, offset + e) for word, _, s, e, whole in words(run)
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
    sections: dict[str, str | None], terms: dict[str, set[str]], max_passages: int = MAX_PASSAGES
) -> list[Passage]:
    """Up to `max_passages` passages, best first: sentences with the most distinct matched words.

    The title is used only when no sentence of the question or answer matches; with no match at
    all, the question's opening is returned unmarked so every hit shows some text.
    """
    candidates: list[tuple[int, int, str, int, int, list[tuple[int, int]]]] = []
    order = 0
    for section in ("question", "answer"):
        text = sections.get(section)
        spans = match_spans(text or "", terms.get(section, set()))
        if not text or not spans:
            continue
        starts, ends = [s for s, _ in spans], [e for _, e in spans]
        for start, end in _sentences(text, spans[-1][1]):
            # The spans are sorted and disjoint, so those inside a sentence are a slice of them.
            inside = spans[bisect_left(starts, start):bisect_right(ends, end)]
            if not inside:
                continue
            distinct = len({text[s:e].lower() for s, e in inside})
            order += 1
            candidates.append((distinct * 10 + min(len(inside), 9), -order, section, start, end, inside))
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
    title_spans = match_spans(title, terms.get("title", set()))
    if title_spans:
        return [Passage("title", title, tuple(title_spans))]
    question = sections.get("question") or sections.get("answer") or ""
    section = "question" if sections.get("question") else "answer"
    for start, end in _sentences(question):
        return [_window(section, question, start, end, [])]
    return []


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
