"""Parsing: a seed text or a JSON Lines record → a `Document` (files are found and read in sources.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .document import Document
from .errors import DocumentParseError

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}

QUESTION_MARKER = "SCHRIFTELIJKE VRAAG"
ANSWER_MARKER = "ANTWOORD"

_HEADER_RE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,39}):\s*(.*?)\s*$")
_NUMBER_RE = re.compile(r"^nr\.?\s*(\S+)\s*$", re.IGNORECASE)
_FROM_RE = re.compile(r"^van\s+(.+?)\s*$")
_DATE_LINE_RE = re.compile(r"^datum\s*:\s*(.+?)\s*$", re.IGNORECASE)
_TO_RE = re.compile(r"^aan\s+(.+?)\s*$")
_ANSWER_REF_RE = re.compile(r"^op vraag\b", re.IGNORECASE)
_DUTCH_DATE_RE = re.compile(r"\b(\d{1,2})\s+([a-zA-Z]+)\s+(\d{4})\b")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# A line that starts a numbered or bulleted item: "1.", "1+3.", "2)", "a)", "•", "- ".
_ITEM_START_RE = re.compile(r"^(?:\d{1,2}(?:\s*[+,&]\s*\d{1,2})*[.)](?:\s|$)|[a-z]\)\s|[•▪◦·]|[-–]\s)")
_OFFICE_WORDS = re.compile(
    r"\b(?:MINISTER|VICEMINISTER|MINISTER-PRESIDENT|VICEMINISTER-PRESIDENT|EERSTEMINISTER|"
    r"VICE-EERSTEMINISTER|EERSTE MINISTER|STAATSSECRETARIS|REGERING|COMMISSARIS)\b",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset(
    "aan bij de den der en het in met of op over te ten ter tot van voor belast "
    "minister viceminister staatssecretaris eerste president".split()
)
_NAME_PARTICLES = frozenset("de den der het ten ter".split())


# --- JSON Lines records --------------------------------------------------------------------------

_RECORD_FIELDS = {"id", "title", "theme", "questioner", "minister", "office", "date", "number",
                  "question", "answer", "text"}


def parse_record(record: Any, source: str) -> Document:
    """Turn one JSON Lines object into a Document (only `id` and some text are required)."""
    if not isinstance(record, dict):
        raise DocumentParseError(source, f"expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("id")
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        raise DocumentParseError(source, "record has no 'id'")
    question = _clean_str(record.get("question")) or _clean_str(record.get("text"))
    answer = _clean_str(record.get("answer"))
    if not question and not answer:
        raise DocumentParseError(source, "record has none of 'question', 'answer' or 'text'")
    minister, office = _clean_str(record.get("minister")), _clean_str(record.get("office"))
    if minister and not office and _OFFICE_WORDS.search(minister):
        minister, office = None, minister
    raw_date = record.get("date")
    date = parse_date(str(raw_date)) if raw_date else None
    title = _clean_str(record.get("title")) or _first_line(question or answer or "")
    number = record.get("number")
    return Document(
        id=str(doc_id).strip(),
        source=source,
        title=title,
        question=question or "",
        answer=answer,
        theme=_clean_str(record.get("theme")),
        number=str(number).strip() if number not in (None, "") else None,
        questioner=_clean_str(record.get("questioner")),
        minister=minister,
        office=office,
        date=date,
        extra={k: v for k, v in record.items() if k not in _RECORD_FIELDS},
    )


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# --- the seed text format ------------------------------------------------------------------------


def parse_seed(text: str, doc_id: str, source: str) -> tuple[Document, list[str]]:
    """Parse a seed text (the format is in the README) into a Document and notes on what was odd."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    marker = _find_line(lines, QUESTION_MARKER)
    header_end = marker if marker is not None else _header_length(lines)
    headers = _parse_headers(lines[:header_end])
    title = headers.pop("title", None)
    theme = headers.pop("thema", None) or headers.pop("theme", None)
    notes: list[str] = []

    if marker is None:
        body = unwrap(lines[header_end:])
        if not body and not title:
            raise DocumentParseError(source, "no text")
        notes.append(f"no '{QUESTION_MARKER}' marker: not a written question, indexed as plain text")
        return Document(
            id=doc_id, source=source, title=title or _first_line("\n".join(lines[header_end:])), question=body,
            theme=theme, extra=headers,
        ), notes

    meta, start = _parse_question_meta(lines, marker + 1, title)
    if meta.get("date_text") and meta.get("date") is None:
        notes.append(f"unreadable date {meta['date_text']!r}")
    if title is None:
        title = meta.get("title_line")
    answers = _find_all_lines(lines, ANSWER_MARKER, start)
    question_end = answers[0] if answers else len(lines)
    question_lines = _strip_addressee_block(lines[start:question_end], meta)
    answer_text: str | None = None
    if answers:
        if len(answers) > 1:
            notes.append(f"{len(answers)} '{ANSWER_MARKER}' sections; joined into one answer")
        parts = []
        for i, begin in enumerate(answers):
            end = answers[i + 1] if i + 1 < len(answers) else len(lines)
            parts.append(unwrap(_skip_answer_header(lines[begin + 1:end])))
        answer_text = "\n".join(p for p in parts if p) or None
    question = unwrap(question_lines)
    return Document(
        id=doc_id,
        source=source,
        title=title or _first_line(question),
        question=question,
        answer=answer_text,
        theme=theme,
        number=meta.get("number"),
        questioner=meta.get("questioner"),
        minister=meta.get("minister"),
        office=meta.get("office"),
        date=meta.get("date"),
        extra=headers,
    ), notes


def _find_line(lines: list[str], marker: str, start: int = 0) -> int | None:
    for i in range(start, len(lines)):
        if lines[i].strip() == marker:
            return i
    return None


def _find_all_lines(lines: list[str], marker: str, start: int) -> list[int]:
    return [i for i in range(start, len(lines)) if lines[i].strip() == marker]


def _header_length(lines: list[str]) -> int:
    """Without a question marker, the header is the leading run of `key: value` lines."""
    for i, line in enumerate(lines):
        if line.strip() and not _HEADER_RE.match(line.strip()):
            return i
    return len(lines)


def _parse_headers(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        match = _HEADER_RE.match(line.strip())
        if match and match.group(2):
            headers.setdefault(match.group(1).strip().lower(), match.group(2))
    return headers


def _parse_question_meta(lines: list[str], start: int, title: str | None) -> tuple[dict[str, Any], int]:
    """Read `nr.`, `van`, `datum:`, `aan` (+ office lines) and the repeated title after the marker."""
    meta: dict[str, Any] = {}
    i = start
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if "number" not in meta and (m := _NUMBER_RE.match(line)):
            meta["number"] = m.group(1)
        elif "questioner" not in meta and (m := _FROM_RE.match(line)):
            meta["questioner"] = readable_name(m.group(1))
        elif "date_text" not in meta and (m := _DATE_LINE_RE.match(line)):
            meta["date_text"] = m.group(1)
            meta["date"] = parse_date(m.group(1))
        elif "addressee" not in meta and (m := _TO_RE.match(line)):
            addressee = [m.group(1)]
            while i + 1 < len(lines) and _is_upper_line(lines[i + 1]) and not _same_text(lines[i + 1], title):
                i += 1
                addressee.append(lines[i].strip())
            meta["addressee"] = addressee
            meta.update(_split_addressee(addressee))
        else:
            break
        i += 1
    # The title is repeated (possibly re-wrapped) before the question text.
    if i < len(lines):
        consumed, repeated = _match_title(lines, i, title)
        if consumed:
            meta["title_line"] = repeated
            i += consumed
    return meta, i


def _match_title(lines: list[str], i: int, title: str | None) -> tuple[int, str]:
    first = _squash(lines[i])
    if title is None:
        return 1, first
    target = _squash(title).lower()
    joined = ""
    for k in range(i, min(i + 4, len(lines))):
        joined = _squash(f"{joined} {lines[k]}").lower()
        if _squash_all(joined) == _squash_all(target):
            return k - i + 1, _squash(" ".join(lines[i:k + 1]))
        if not _squash_all(target).startswith(_squash_all(joined)):
            break
    return 0, ""


def _split_addressee(lines: list[str]) -> dict[str, str]:
    """`aan BEN WEYTS` + office lines → name and office; `aan MINISTER VAN ...` → office only."""
    first, rest = lines[0], lines[1:]
    if _OFFICE_WORDS.search(first):
        return {"office": readable_office(" ".join(lines))}
    result = {"minister": readable_name(first)}
    if rest:
        result["office"] = readable_office(" ".join(rest))
    return result


def _strip_addressee_block(lines: list[str], meta: dict[str, Any]) -> list[str]:
    """Drop the addressee block the source repeats between question and answer."""
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    block_start = end
    while block_start > 0 and _is_upper_line(lines[block_start - 1]):
        block_start -= 1
    addressee = _squash(meta.get("addressee", [""])[0]).upper()[:25]
    # Upper-case lines just above the block can be question text ("(CERT)?"): cut where it starts.
    for k in range(block_start, end):
        line = _squash(lines[k])
        if (addressee and line.upper().startswith(addressee)) or _OFFICE_WORDS.match(line):
            return lines[:k]
    return lines[:end]


def _skip_answer_header(lines: list[str]) -> list[str]:
    """Drop `op vraag nr. ... van <date>` and `van NAME` that open an answer section."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and _ANSWER_REF_RE.match(lines[i].strip()):
        i += 1
        if i < len(lines) and _FROM_RE.match(lines[i].strip()) and _is_upper_line(lines[i][4:]):
            i += 1
    return lines[i:]


def _is_upper_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and any(c.isalpha() for c in stripped) and not any(c.islower() for c in stripped)


def _same_text(line: str, title: str | None) -> bool:
    return title is not None and _squash_all(line).lower() == _squash_all(title).lower()


def _squash(text: str) -> str:
    return " ".join(text.split())


def _squash_all(text: str) -> str:
    return "".join(text.split())


def _first_line(text: str, limit: int = 120) -> str:
    for line in text.splitlines():
        if line.strip():
            line = _squash(line)
            return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"
    return ""


# --- text clean-up ---------------------------------------------------------------------------------


def unwrap(lines: list[str]) -> str:
    """Undo the PDF's line wraps: running text, one line per paragraph or numbered item."""
    stripped = [line.strip() for line in lines]
    lengths = sorted(len(line) for line in stripped if line)
    if not lengths:
        return ""
    # A line much shorter than the usual wrap width that ends a sentence ends its paragraph.
    short = 0.75 * lengths[int(0.9 * (len(lengths) - 1))]
    paragraphs: list[list[str]] = []
    previous = ""
    for line in stripped:
        if not line:
            previous = ""
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        starts_item = bool(_ITEM_START_RE.match(line))
        ends_paragraph = previous.endswith((".", "?", "!", ":", ";")) and len(previous) < short
        if not paragraphs or (paragraphs[-1] and (starts_item or ends_paragraph)):
            paragraphs.append([])
        paragraphs[-1].append(line)
        previous = line
    return "\n".join(" ".join(p) for p in paragraphs if p)


def readable_name(name: str) -> str:
    """'KAROLIEN GROSEMANS' → 'Karolien Grosemans'; names already in mixed case are kept."""
    name = _squash(name)
    if any(c.islower() for c in name):
        return name
    words: list[str] = []
    for i, word in enumerate(name.lower().split(" ")):
        if i > 0 and word in _NAME_PARTICLES and words and words[-1].lower() in ("van", "de", "ver"):
            words.append(word)
        else:
            words.append(_capitalize_parts(word))
    return " ".join(words)


def readable_office(office: str) -> str:
    """An upper-case office in sentence case, with the names of its portfolios capitalised."""
    office = _squash(office)
    if any(c.islower() for c in office):
        return office
    words = []
    for i, word in enumerate(office.lower().split(" ")):
        bare = word.strip(",.;:()")
        if i == 0:
            words.append(word[:1].upper() + word[1:])
        elif bare in _SMALL_WORDS or bare.split("-")[0] in _SMALL_WORDS:
            words.append(word)
        else:
            words.append(_capitalize_parts(word))
    return " ".join(words)


def _capitalize_parts(word: str) -> str:
    # "jean-marie" → "Jean-Marie", "d'haeseleer" → "D'Haeseleer", but "kmo's" → "Kmo's"
    word = re.sub(r"(^|-)(\w)", lambda m: m.group(1) + m.group(2).upper(), word)
    return re.sub(r"\b(\w['’])(\w)", lambda m: m.group(1) + m.group(2).upper(), word)


def parse_date(text: str) -> dt.date | None:
    """A date from Dutch ("26 april 2024"), ISO ("2024-04-26") or numeric ("26/04/2024") text."""
    try:
        if m := _ISO_DATE_RE.search(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if (m := _DUTCH_DATE_RE.search(text)) and m.group(2).lower() in MONTHS:
            return dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if m := _NUMERIC_DATE_RE.search(text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None
