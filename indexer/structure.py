"""Document structure: numbered sub-questions, the numbered answers, and which answer pairs with which.

Written questions number their sub-questions ("1. Kan de minister ...", "hoe?2. Zou er ...") and
answers refer to them ("1+3. Het project ...", "2. Naast ...", "Antwoord op vraag 4: ..."). This
module splits both into their numbered parts and pairs them, so a search hit in an answer can show
the question it answers, and `show` can print a document pair by pair.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import NamedTuple

# "1.", "1+3.", "1 en 2.", "1)" where a numbered item starts: at the start of the text, after a space
# or a line break, or right after the end of a sentence ("hoe?2."), and followed by a capital or a
# quote. The first digit comes first in the pattern and the lookbehind after it ("not preceded by
# anything else"), so the regex engine jumps from digit to digit instead of trying every position.
_ITEM_RE = re.compile(
    r"(?P<numbers>\d(?<![^\s.?!:;]\d)\d?(?:\s*(?:\+|,|&|en|tot\s+en\s+met|-)\s*\d{1,2})*)[.)]"
    r"(?=\s*[A-Z\"'‘“(])"
)
_ANSWER_REF_RE = re.compile(
    r"(?<![^\n.?!:;])\s*(?:Antwoord\s+op\s+)?(?:de\s+)?vra(?:ag|gen)\s+"
    r"(?P<numbers>\d{1,2}(?:\s*(?:\+|,|&|en|tot\s+en\s+met|-)\s*\d{1,2})*)\s*[:.)]",
    re.IGNORECASE,
)
_ANSWER_REF_HINT_RE = re.compile(r"vra(?:ag|gen)\s+\d")
_NUMBER_RE = re.compile(r"\d{1,2}")


class Part(NamedTuple):
    """A numbered part of a question or answer: the numbers it carries and its text span."""

    numbers: tuple[int, ...]
    start: int
    end: int
    text: str


class Pair(NamedTuple):
    """Question parts and the answer part that answers them (either side may be missing)."""

    numbers: tuple[int, ...]
    questions: tuple[Part, ...]
    answer: Part | None

    def to_dict(self) -> dict[str, object]:
        return {
            "numbers": list(self.numbers),
            "questions": [q.text for q in self.questions],
            "answer": self.answer.text if self.answer else None,
        }


def numbered_parts(text: str, answer_refs: bool = False) -> list[Part]:
    """The numbered parts of `text`, in order; [] when it has no (plausible) numbering.

    Numbering must start at 1, never repeat a number and never jump far ahead, so "art. 3. De"
    inside running text does not count; answers may take numbers out of order ("1+3.", "2."). With `answer_refs`, "Antwoord op vraag 4:" / "Vraag 2:" also start parts.
    """
    starts: list[tuple[int, int, tuple[int, ...]]] = []
    # Every answer reference holds "vraag 4" or "vragen 2": a plain search for that skips the
    # slow case-insensitive pattern in most answers, which hold none.
    refs = answer_refs and _ANSWER_REF_HINT_RE.search(text.lower()) is not None
    patterns = (_ITEM_RE, _ANSWER_REF_RE) if refs else (_ITEM_RE,)
    for pattern in patterns:
        for match in pattern.finditer(text):
            starts.append((match.start("numbers"), match.end(), _numbers(match.group("numbers"))))
    starts.sort()
    accepted: list[tuple[int, int, tuple[int, ...]]] = []
    seen: set[int] = set()
    for start, body, numbers in starts:
        if not numbers or set(numbers) & seen or (not seen and 1 not in numbers):
            continue
        if min(numbers) > max(seen, default=0) + 3:  # "2." then "17." is a number in the text
            continue
        accepted.append((start, body, numbers))
        seen.update(numbers)
    if len(accepted) < 2 and not (accepted and answer_refs):
        return []
    parts = []
    for i, (start, body, numbers) in enumerate(accepted):
        end = accepted[i + 1][0] if i + 1 < len(accepted) else len(text)
        parts.append(Part(numbers, start, end, text[start:end].strip()))
    return parts


def _numbers(text: str) -> tuple[int, ...]:
    values = [int(n) for n in _NUMBER_RE.findall(text)]
    if re.search(r"tot\s+en\s+met|-", text) and len(values) == 2 and values[0] < values[1] <= values[0] + 20:
        return tuple(range(values[0], values[1] + 1))
    return tuple(sorted(set(values)))


def pair_parts(question: str, answer: str | None) -> list[Pair]:
    """Pair each numbered answer part with the question parts it names, in question order.

    Question parts no answer part names are paired with None; [] when either side is unnumbered.
    """
    questions = numbered_parts(question)
    answers = numbered_parts(answer, answer_refs=True) if answer else []
    if not questions or not answers:
        return []
    by_number = {n: q for q in questions for n in q.numbers}
    pairs: list[Pair] = []
    answered: set[int] = set()
    for part in answers:
        asked = tuple(dict.fromkeys(by_number[n] for n in part.numbers if n in by_number))
        pairs.append(Pair(part.numbers, asked, part))
        answered.update(part.numbers)
    for q in questions:
        if not set(q.numbers) & answered:
            pairs.append(Pair(q.numbers, (q,), None))
    pairs.sort(key=lambda p: min(p.numbers))
    return pairs


def question_intro(question: str, pairs: list[Pair]) -> str:
    """The question's opening, before its first numbered sub-question (shown once above the pairs)."""
    first = min((part.start for pair in pairs for part in pair.questions), default=0)
    return question[:first].strip()


def answered_question(question: str, answer: str | None, offset: int) -> str | None:
    """The text of the sub-question(s) the answer part at character `offset` answers, if known."""
    for pair in _pairs(question, answer):
        if pair.answer is not None and pair.answer.start <= offset < pair.answer.end and pair.questions:
            return " ".join(q.text for q in pair.questions)
    return None


@lru_cache(maxsize=16)
def _pairs(question: str, answer: str | None) -> tuple[Pair, ...]:
    # A hit shows up to three passages of one answer: its parts are found once, not per passage.
    return tuple(pair_parts(question, answer))


def question_fingerprint(question: str) -> str:
    """The same for identical questions sent to several ministers, whatever the spacing or case."""
    return hashlib.sha1(" ".join(question.lower().split()).encode("utf-8")).hexdigest()[:16]
