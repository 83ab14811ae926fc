"""The Dutch House layout: a Tweede Kamer PDF of questions and answers → a `Document`.

The House publishes each set of written questions with the government's answers as an
"Aanhangsel van de Handelingen":

    Vergaderjaar 2023–2024 Aanhangsel van de Handelingen
    1314                                                         <- number (also in "ah-tk-20232024-1314")
    Vragen van de leden Mutluer (GroenLinks-PvdA) en Kostić (PvdD) aan de
    Minister van Onderwijs, Cultuur en Wetenschap over het bericht «…» (ingezonden 6 maart 2024).
    Antwoord van Minister Dijkgraaf (Onderwijs, Cultuur en Wetenschap) (ontvangen 25 maart 2024).
    Vraag 1                                                      <- "Vraag 3, 4 en 5" asks several at once
    Heeft u kennisgenomen van …
    Antwoord 1
    Ja.
    …

"Mededeling van Minister …" instead of "Antwoord van" announces a notice (the questions were
answered elsewhere, or late); its text, after a "Mededeling" heading, is the document's answer.
Numbered questions become "1. …" parts of `Document.question` and answers "1. …" parts of
`Document.answer`, which `structure.pair_parts` pairs again for `show`.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .document import Document
from .errors import DocumentParseError
from .parse import parse_date, unwrap
from .pages import PAGES_KEY, page_starts
from .pdf import Line, clean_pages

FURNITURE_RE = re.compile(
    r"^\s*(?:ah-tk-\d+-\d+|ISSN \d{4}\s*-\s*\d{4})\s*$"
    r"|(?:^|\s+)(?:[’']s-Gravenhage \d{4}\s*)?Tweede Kamer, vergaderjaar \d{4}\s*[–-]\s*\d{4}, Aanhangsel(?:\s+\d+)?\s*$"
)
"""The House's colophon and page footer, wherever pypdf puts them (alone, or glued to a line)."""

_HEADING_RE = re.compile(r"^Vragen van (?:het lid|de leden)\b", re.MULTILINE)
_BLOCK_RE = re.compile(
    r"^(?P<kind>Vra(?:ag|gen)|Antwoord(?:en)?)\s+"
    r"(?P<numbers>\d{1,2}(?:\s*(?:,|en|\+|&|-|–|tot en met)\s*\d{1,2})*)\s*:?\s*$"
)
_NOTICE_RE = re.compile(r"^Mededeling\s*$")
_QUESTION_RE = re.compile(
    r"^Vragen van (?:het lid|de leden)\s+(?P<who>.+?)\s+aan\s+(?:de|het)\s+(?P<to>.+?)\s+over\s+"
    r"(?P<subject>.+?)\s*\(ingezonden\s+(?P<date>[^)]*?)\)\s*\.?\s*$",
    re.DOTALL,
)
_REPLY_RE = re.compile(
    r"^(?P<kind>Antwoord|Mededeling) van\s+(?:de\s+)?(?P<role>Minister-President|Minister|Staatssecretaris)\s+"
    r"(?P<name>[^(]+?)\s*\((?P<portfolio>[^)]*)\)"
)
_SENT_RE = re.compile(r"\(ingezonden[^)]*\)")
_RECEIVED_RE = re.compile(r"\(ontvangen\s+(?:\(ontvangen\s+)?(?P<date>[^()]*?)\)")
_SEE_ALSO_RE = re.compile(r"Zie ook\s+(?P<ref>.+?)\.?\s*$", re.DOTALL)
_NUMBER_RE = re.compile(r"^ah-tk-\d{8}-(?P<number>\d+)\s*$", re.MULTILINE)
_SESSION_RE = re.compile(r"Vergaderjaar\s+(?P<session>\d{4}\s*[–-]\s*\d{4})")
_PARTY_RE = re.compile(r"\s*\((?:beiden\s+|allen\s+)?(?P<party>[^)]*)\)")
_DOWNLOAD_RE = re.compile(r"(https://\S+)")


def is_house_layout(pages: list[str]) -> bool:
    """Whether the extracted pages look like a Dutch House "Aanhangsel": its heading and a "Vraag 1"."""
    text = "\n".join(pages[:2])
    return bool(_HEADING_RE.search(text)) and re.search(r"^Vra(?:ag|gen) 1\b", "\n".join(pages), re.MULTILINE) is not None


def parse_house(pages: list[str], metadata: Mapping[str, str], doc_id: str, source: str
                ) -> tuple[Document, list[str]]:
    """Parse the pages (pypdf's text, layout included) of a House PDF into a Document and notes on
    what was odd. Raises DocumentParseError when the heading ("Vragen van ...") is missing."""
    pdf = clean_pages(pages, metadata, furniture=FURNITURE_RE)
    lines = list(pdf.lines)
    notes: list[str] = []
    heading_at = next((i for i, line in enumerate(lines) if _HEADING_RE.match(line.text)), None)
    if heading_at is None:
        raise DocumentParseError(source, "no 'Vragen van ...' heading: not a Dutch House question")
    heading, body_at = _joined_until(lines, heading_at, _SENT_RE)
    reply, body_at = _reply(lines, body_at)
    extra: dict[str, Any] = {}
    question_meta = _QUESTION_RE.match(heading)
    if question_meta is None:
        notes.append("heading without 'aan ... over ... (ingezonden <date>)': questioner, title and date unknown")
        title = questioner = None
        date = None
    else:
        who = question_meta.group("who")
        questioner = " ".join(_PARTY_RE.sub("", who).split())
        parties = [" ".join(m.group("party").split()) for m in _PARTY_RE.finditer(who)]
        if parties:
            extra["partij"] = ", ".join(dict.fromkeys(parties))
        extra["aan"] = " ".join(question_meta.group("to").split())
        subject = " ".join(question_meta.group("subject").split())
        title = subject[:1].upper() + subject[1:]
        date = parse_date(question_meta.group("date"))
        if date is None:
            notes.append(f"unreadable date {question_meta.group('date')!r}")
    minister = office = None
    if reply_meta := _REPLY_RE.match(reply):
        minister = " ".join(reply_meta.group("name").split())
        office = f"{reply_meta.group('role')} van {' '.join(reply_meta.group('portfolio').split())}"
    elif reply:
        notes.append(f"reply line not understood: {reply[:80]!r}")
    if received := _RECEIVED_RE.search(reply):
        received_date = parse_date(received.group("date"))
        if received_date:
            extra["ontvangen"] = received_date.isoformat()
    if see_also := _SEE_ALSO_RE.search(reply):
        extra["zie ook"] = " ".join(see_also.group("ref").split())
    raw = "\n".join(pages)
    number = m.group("number") if (m := _NUMBER_RE.search(raw)) else None
    if session := _SESSION_RE.search(raw):
        extra["vergaderjaar"] = session.group("session")
    if download := _DOWNLOAD_RE.search(metadata.get("producer", "")):
        # The House's open data names where the file came from: the public copy of the PDF.
        extra["pdf link"] = download.group(1)
    if pdf.footnotes:
        extra["voetnoten"] = list(pdf.footnotes)

    questions, answers, notice, loose = _blocks(lines[body_at:])
    if not questions:
        notes.append("no 'Vraag 1' headings: the text after the heading is indexed as the question")
        questions = [("", loose)]
    question_lines = _section_lines(questions)
    answer_lines = _section_lines(answers) if answers else notice
    question = unwrap([line.text for line in question_lines])
    answer = unwrap([line.text for line in answer_lines]) if answer_lines else None
    if reply_meta and reply_meta.group("kind") == "Mededeling":
        notes.append("a notice (Mededeling) instead of an answer: indexed as the answer")
    extra[PAGES_KEY] = {"question": page_starts(question, question_lines),
                        "answer": page_starts(answer, answer_lines) if answer else []}
    return Document(
        id=doc_id,
        source=source,
        title=title or metadata.get("subject") or (question.splitlines()[0][:120] if question else doc_id),
        question=question,
        answer=answer,
        number=number,
        questioner=questioner or None,
        minister=minister,
        office=office,
        date=date,
        extra=extra,
    ), notes


def _joined_until(lines: list[Line], start: int, marker: re.Pattern[str], limit: int = 10) -> tuple[str, int]:
    """Lines from `start` joined until they hold `marker` (at most `limit` lines), and the index after."""
    end = start
    while end < min(len(lines), start + limit):
        end += 1
        if marker.search(" ".join(line.text for line in lines[start:end])):
            break
    return " ".join(line.text for line in lines[start:end]), end


def _reply(lines: list[Line], start: int) -> tuple[str, int]:
    """The "Antwoord van ..." / "Mededeling van ..." paragraph up to the first block, and where it ends."""
    end = start
    while end < len(lines) and not _BLOCK_RE.match(lines[end].text) and not _NOTICE_RE.match(lines[end].text):
        end += 1
        if end - start > 8:  # not a reply paragraph: leave the lines to the question
            return "", start
    return " ".join(line.text for line in lines[start:end]), end


Block = tuple[str, list[Line]]


def _blocks(lines: list[Line]) -> tuple[list[Block], list[Block], list[Line], list[Line]]:
    """Split the body at "Vraag N" / "Antwoord N" / "Mededeling": the numbered questions, the
    numbered answers, the notice's lines, and lines before any heading."""
    questions: list[Block] = []
    answers: list[Block] = []
    notice: list[Line] = []
    loose: list[Line] = []
    current = loose
    for line in lines:
        if match := _BLOCK_RE.match(line.text):
            target = questions if match.group("kind").startswith("Vra") else answers
            target.append((" ".join(match.group("numbers").split()), []))
            current = target[-1][1]
        elif _NOTICE_RE.match(line.text):
            current = notice
        else:
            current.append(line)
    return questions, answers, notice, loose


def _section_lines(blocks: list[Block]) -> list[Line]:
    """The blocks as one section's lines: each block a paragraph opening with its numbers ("3, 4 en
    5. Deelt u ..."), as the seed format numbers sub-questions, so `structure` can pair them."""
    result: list[Line] = []
    for numbers, lines in blocks:
        if not lines:
            continue
        if result:
            result.append(Line("", lines[0].page))  # a blank line: each block its own paragraph
        first = lines[0]
        result.append(Line(f"{numbers}. {first.text}" if numbers else first.text, first.page))
        result.extend(lines[1:])
    return result
