"""Source parsing: seed text files, JSON Lines records and PDFs → `Document`s, with every problem reported.

A PDF's text comes from `pdf.py`; the Dutch House layout is parsed by `house.py`, and any other
PDF text by the seed parser here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .document import Document
from .errors import DocumentParseError
from .pages import PAGES_KEY, page_starts

SEED_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
PDF_SUFFIXES = (".pdf",)
SOURCE_SUFFIXES = SEED_SUFFIXES + JSONL_SUFFIXES + PDF_SUFFIXES
MAX_FILE_BYTES = 10 * 1024 * 1024
"""Seed files above this size are skipped: no written question is near it, and analysing one
would stall the whole build (the largest real seed is ~60 KB)."""

MAX_PDF_BYTES = 20 * 1024 * 1024
"""PDFs above this size are skipped: a written question with its answer is a few pages (the real
ones are 17–35 KB); a larger file is a report or a scan, and extracting it would stall the build."""

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


@dataclass(frozen=True)
class Problem:
    """Something wrong with a source: where, why, whether the document was indexed anyway, and
    whether the previous build reported it too (`known`)."""

    path: str
    reason: str
    line: int | None = None
    indexed: bool = False
    known: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        outcome = "indexed anyway" if self.indexed else "skipped"
        return f"{where}: {self.reason} ({outcome}{', reported before' if self.known else ''})"


@dataclass(frozen=True)
class SourceFile:
    """A file found under a source folder; `root` is the folder ids are relative to."""

    path: Path
    root: Path

    @property
    def relative(self) -> str:
        return self.path.relative_to(self.root).as_posix()


# --- finding files -------------------------------------------------------------------------------


def discover(sources: Iterable[str | os.PathLike[str]]) -> tuple[list[SourceFile], list[Problem]]:
    """List the seed, JSON Lines and PDF files under `sources` (files or folders), sorted.

    Hidden entries are ignored; symlinks are followed once (a loop is reported, not followed).
    """
    found: list[SourceFile] = []
    problems: list[Problem] = []
    for source in sources:
        path = Path(source)
        if path.is_file() and path.suffix.lower() not in SOURCE_SUFFIXES:
            problems.append(Problem(str(path), "not a seed (.txt), JSON Lines (.jsonl) or PDF (.pdf) file"))
        elif path.is_file():
            found.append(SourceFile(path, path.parent))
        elif path.is_dir():
            found.extend(_walk(path, problems))
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return found, problems


def _walk(root: Path, problems: list[Problem]) -> Iterator[SourceFile]:
    seen_dirs: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[SourceFile]:
        try:
            info = folder.stat()
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as err:
            problems.append(Problem(str(folder), f"cannot read folder: {err.strerror or err}"))
            return
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            problems.append(Problem(str(folder), "symlink loop: folder already visited"))
            return
        seen_dirs.add(key)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child = folder / entry.name
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as err:
                problems.append(Problem(str(child), f"cannot read: {err.strerror or err}"))
                continue
            if is_dir:
                yield from visit(child)
            elif is_file and child.suffix.lower() in SOURCE_SUFFIXES:
                yield SourceFile(child, root)
            elif entry.is_symlink() and not child.exists():
                problems.append(Problem(str(child), "broken or looping symlink"))

    yield from visit(root)


# --- reading a file ------------------------------------------------------------------------------


def read_source(source: SourceFile) -> tuple[list[Document], list[Problem]]:
    """Read and parse one source file into documents; problems are returned, never raised."""
    try:
        data = read_bytes(source)
    except DocumentParseError as err:
        return [], [Problem(err.path, err.reason, err.line)]
    except OSError as err:
        return [], [Problem(str(source.path), f"cannot read file: {err.strerror or err}")]
    return parse_source(source, data)


def read_bytes(source: SourceFile) -> bytes:
    """The file's bytes; DocumentParseError for a seed or PDF too large to be a written question."""
    suffix = source.path.suffix.lower()
    if suffix not in JSONL_SUFFIXES:
        limit = MAX_PDF_BYTES if suffix in PDF_SUFFIXES else MAX_FILE_BYTES
        size = source.path.stat().st_size
        if size > limit:
            raise DocumentParseError(
                str(source.path), f"file too large ({size / 1e6:.1f} MB, limit {limit / 1e6:.0f} MB)"
            )
    return source.path.read_bytes()


def parse_source(source: SourceFile, data: bytes) -> tuple[list[Document], list[Problem]]:
    """Parse a source file's bytes (seed text or JSON Lines); problems are returned, never raised."""
    path = str(source.path)
    if source.path.suffix.lower() in JSONL_SUFFIXES:
        return _parse_jsonl(source, data)
    if source.path.suffix.lower() in PDF_SUFFIXES:
        return parse_pdf(source, data)
    try:
        text, encoding_problem = decode(data, path)
        doc_id = source.relative.rsplit(".", 1)[0]
        document, notes = parse_seed(text, doc_id=doc_id, source=source.relative)
    except DocumentParseError as err:
        return [], [Problem(path, err.reason, err.line)]
    problems = [Problem(path, note, indexed=True) for note in notes]
    if encoding_problem:
        problems.insert(0, Problem(path, encoding_problem, indexed=True))
    return [document], problems


def decode(data: bytes, path: str) -> tuple[str, str | None]:
    """Decode a seed's bytes: UTF-8 (with or without BOM), else cp1252, else Latin-1.

    Returns the text and a note when a fallback encoding was used.
    """
    if not data.strip():
        raise DocumentParseError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise DocumentParseError(path, "binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        first_bad = err.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, f"not valid UTF-8 (byte {first_bad}); decoded as {encoding}"
    raise AssertionError("latin-1 decodes every byte string")


def _parse_jsonl(source: SourceFile, data: bytes) -> tuple[list[Document], list[Problem]]:
    path = str(source.path)
    documents: list[Document] = []
    problems: list[Problem] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            record = json.loads(line)
            document = parse_record(record, source=f"{source.relative}:{number}")
            documents.append(document)
            if record.get("date") and document.date is None:
                problems.append(Problem(path, f"unreadable date {record['date']!r}", number, indexed=True))
        except UnicodeDecodeError:
            problems.append(Problem(path, "line is not valid UTF-8", number))
        except json.JSONDecodeError as err:
            # Some of json's messages end in "at" ("Unterminated string starting at"), others do not.
            at = "" if err.msg.endswith(" at") else " at"
            problems.append(Problem(path, f"invalid JSON: {err.msg}{at} column {err.colno}", number))
        except DocumentParseError as err:
            problems.append(Problem(path, err.reason, number))
    if not documents and not problems:
        problems.append(Problem(path, "empty file"))
    return documents, problems


def parse_pdf(source: SourceFile, data: bytes,
              extract: Callable[[bytes, str], tuple[list[str], dict[str, str]]] | None = None
              ) -> tuple[list[Document], list[Problem]]:
    """Parse a PDF's bytes: the Dutch House layout by `house.py`, any other text as a seed; problems
    are returned, never raised. `extract` gets its pages and metadata (default `pdf.extract_pages`;
    a build passes the results of its `pdf.ExtractionPool`)."""
    # Imported here: pypdf is loaded only by builds that meet a PDF, and house.py imports this module.
    from . import house, pdf

    path = str(source.path)
    doc_id = source.relative.rsplit(".", 1)[0]
    try:
        raw_pages, metadata = (extract or pdf.extract_pages)(data, path)
        if house.is_house_layout(raw_pages):
            document, notes = house.parse_house(raw_pages, metadata, doc_id=doc_id, source=source.relative)
        else:
            text = pdf.clean_pages(raw_pages)
            document, notes = parse_seed(text.text, doc_id=doc_id, source=source.relative)
            extra: dict[str, Any] = {**document.extra, PAGES_KEY: {
                section: page_starts(value, text.lines) if value else []
                for section, value in (("question", document.question), ("answer", document.answer))
            }}
            if text.footnotes:
                extra["voetnoten"] = list(text.footnotes)
            document = dataclasses.replace(document, extra=extra)
    except DocumentParseError as err:
        return [], [Problem(path, err.reason, err.line)]
    return [document], [Problem(path, note, indexed=True) for note in notes]


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
    title = _clean_str(record.get("title"))
    number = record.get("number")
    return Document(
        id=str(doc_id).strip(),
        source=source,
        title=title or first_line(question or answer or ""),
        title_from_text=title is None,
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
            id=doc_id, source=source, title=title or first_line("\n".join(lines[header_end:])),
            title_from_text=not title, question=body,
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
        title=title or first_line(question),
        title_from_text=not title,
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


def first_line(text: str, limit: int = 120) -> str:
    """The first non-blank line of `text`, squashed, cut at a word before `limit` characters."""
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
