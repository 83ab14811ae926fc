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
from .parse import first_line, parse_date, unwrap
from .pages import PAGES_KEY, page_starts
from .pdf import Line, clean_pages

FURNITURE_RE = re.compile(
    r"^\s*(?:ah-tk-\d+-\d+|ISSN \d{4}\s*-\s*\d{4})\s*$"
    r"|(?:^|\s+)(?:[’']s-Gravenhage \d{4}\s*)?"
    r"Tweede Kamer, vergaderjaar \d{4}\s*[–-]\s*\d{4}, Aanhangsel(?:\s+\d+)?\s*$"
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
_SEE_ALSO_RE = re.compile(r"Zie ook\b\s*(?P<ref>.*?)\.?\s*$", re.DOTALL)
_REFERENCE_END_RE = re.compile(r"\d$")
"""A "Zie ook" reference ends with the number of the earlier Aanhangsel ("..., nr. 594")."""
REPLY_MAX_LINES = 8
"""Lines after the heading that can still be the reply paragraph; beyond, they are the question's."""
_NUMBER_RE = re.compile(r"^ah-tk-\d{8}-(?P<number>\d+)\s*$", re.MULTILINE)
_SESSION_RE = re.compile(r"Vergaderjaar\s+(?P<session>\d{4}\s*[–-]\s*\d{4})")
_PARTY_RE = re.compile(r"\s*\((?:beiden\s+|allen\s+)?(?P<party>[^)]*)\)")
_DOWNLOAD_RE = re.compile(r"(https://\S+)")


def is_house_layout(pages: list[str]) -> bool:
    """Whether the extracted pages look like a Dutch House "Aanhangsel": "Vragen van het lid ..." or
    "Vragen van de leden ..." opening a line of the first two pages."""
    return bool(_HEADING_RE.search("\n".join(pages[:2])))


def parse_house(pages: list[str], metadata: Mapping[str, str], doc_id: str, source: str
                ) -> tuple[Document, list[str]]:
    """Parse the pages (pypdf's text, layout included) of a House PDF into a Document and notes on
    what was odd. Raises DocumentParseError when the heading ("Vragen van ...") is missing."""
    pdf = clean_pages(pages, furniture=FURNITURE_RE)
    lines = list(pdf.lines)
    heading_at = next((i for i, line in enumerate(lines) if _HEADING_RE.match(line.text)), None)
    if heading_at is None:
        raise DocumentParseError(source, "no 'Vragen van ...' heading: not a Dutch House question")
    heading, body_at = _joined_until(lines, heading_at, _SENT_RE)
    reply, body_at = _reply(lines, body_at)
    fields, extra, notes = _asked(heading)
    replied, reply_extra, reply_notes = _replied(reply)
    fields.update(replied)
    extra.update(reply_extra)
    notes += reply_notes
    raw = "\n".join(pages)
    if number := _NUMBER_RE.search(raw):
        fields["number"] = number.group("number")
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
    extra[PAGES_KEY] = {"question": page_starts(question, question_lines),
                        "answer": page_starts(answer, answer_lines) if answer else []}
    title = fields.pop("title", None) or metadata.get("subject")
    return Document(id=doc_id, source=source, title=title or first_line(question) or doc_id,
                    title_from_text=not title, question=question, answer=answer, extra=extra, **fields), notes


def _asked(heading: str) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Fields, extra metadata and notes from "Vragen van het lid X (party) aan de Minister ... over
    <subject> (ingezonden <date>)"."""
    match = _QUESTION_RE.match(heading)
    if match is None:
        return {}, {}, ["heading without 'aan ... over ... (ingezonden <date>)': questioner, title and date unknown"]
    who = match.group("who")
    subject = " ".join(match.group("subject").split())
    fields: dict[str, Any] = {
        "questioner": " ".join(_PARTY_RE.sub("", who).split()) or None,
        "title": subject[:1].upper() + subject[1:],
        "date": parse_date(match.group("date")),
    }
    extra: dict[str, Any] = {"aan": " ".join(match.group("to").split())}
    parties = [" ".join(m.group("party").split()) for m in _PARTY_RE.finditer(who)]
    if parties:
        extra = {"partij": ", ".join(dict.fromkeys(parties)), **extra}
    notes = [] if fields["date"] else [f"unreadable date {match.group('date')!r}"]
    return fields, extra, notes


def _replied(reply: str) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Fields, extra metadata and notes from "Antwoord van Minister X (portfolio) (ontvangen
    <date>). Zie ook ..." or "Mededeling van ..."."""
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    notes: list[str] = []
    if match := _REPLY_RE.match(reply):
        fields["minister"] = " ".join(match.group("name").split())
        fields["office"] = f"{match.group('role')} van {' '.join(match.group('portfolio').split())}"
        if match.group("kind") == "Mededeling":
            notes.append("a notice (Mededeling) instead of an answer: indexed as the answer")
    elif reply:
        notes.append(f"reply line not understood: {reply[:80]!r}")
    if (received := _RECEIVED_RE.search(reply)) and (date := parse_date(received.group("date"))):
        extra["ontvangen"] = date.isoformat()
    if (see_also := _SEE_ALSO_RE.search(reply)) and see_also.group("ref"):
        extra["zie ook"] = " ".join(see_also.group("ref").split())
    return fields, extra, notes


def _joined_until(lines: list[Line], start: int, marker: re.Pattern[str], limit: int = 10) -> tuple[str, int]:
    """Lines from `start` joined until they hold `marker` (at most `limit` lines), and the index after."""
    end = start
    while end < min(len(lines), start + limit):
        end += 1
        if marker.search(" ".join(line.text for line in lines[start:end])):
            break
    return " ".join(line.text for line in lines[start:end]), end


def _reply(lines: list[Line], start: int) -> tuple[str, int]:
    """The "Antwoord van ..." / "Mededeling van ..." paragraph and the index after it: up to its
    "(ontvangen <date>)" and a "Zie ook ... nr. 594." after that, or the first "Vraag N"."""
    end = start
    while end < len(lines) and not _BLOCK_RE.match(lines[end].text) and not _NOTICE_RE.match(lines[end].text):
        end += 1
        if end - start > REPLY_MAX_LINES:  # not a reply paragraph: leave the lines to the question
            return "", start
        text = " ".join(line.text for line in lines[start:end])
        if _RECEIVED_RE.search(text):
            see_also = _SEE_ALSO_RE.search(text)
            if see_also is None or _REFERENCE_END_RE.search(see_also.group("ref")):
                break
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
