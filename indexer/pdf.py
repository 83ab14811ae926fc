"""PDF reading: a PDF's bytes → its text as lines with their page numbers, without the page layout.

Text is extracted with pypdf (see "Measured choices" in the README for why not pdfminer.six), then
the layout is undone: running headers and footers, lone page numbers, footnotes (kept apart, their
markers taken out of the text), hyphenation at line ends, and glyphs that PDFs set apart (a
spacing accent after its letter, an unmapped bullet). Which lines are questions and answers is
for the layout parsers (`parse.py`, `house.py`); this module knows nothing of parliaments.

Every PDF that cannot give text raises DocumentParseError with the reason: corrupt, encrypted, or
without a text layer (a scan: OCR is not supported).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import multiprocessing
import os
import re
import threading
import time
import unicodedata
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from .errors import DocumentParseError

# pypdf raises its own errors for most broken files, but a damaged object or stream can surface
# as one of these from deep inside it; each means "this file cannot be read", nothing more.
_BROKEN_PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                      AssertionError, RecursionError, zlib.error)

_ENCRYPTED = "encrypted PDF: it needs a password; save an unprotected copy to index it"

# A PDF sets some accents as a glyph of their own after the letter ("Kostic´", "Yes¸ilgöz").
_SPACING_ACCENTS = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "¸": "\u0327", "ˆ": "\u0302",
                    "˜": "\u0303", "ˇ": "\u030c", "˚": "\u030a"}
_SPACING_ACCENT_RE = re.compile(f"(?<=[^\\W\\d_])[{''.join(_SPACING_ACCENTS)}]")
# A bullet whose glyph has no Unicode mapping comes out as a C1 control character.
_CONTROL_BULLET_RE = re.compile(r"^\s*[\x80-\x9f]\s*")
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-–]\s*)?\d{1,4}(?:\s*[-–])?\s*$")
_FOOTNOTE_RE = re.compile(r"^(\d{1,3})\s+\S")
_DIGITS_RE = re.compile(r"\d+")
# Vowel pairs that would read as one sound if the hyphen went ("zee-eend", "auto-ongeluk").
_VOWEL_CLASHES = frozenset("aa ae ai au ee ei eu ie ii oe oi oo ou ui uu".split())
# After a hyphen at a line end, these start the second half of "Noord- en Zuid-Holland".
_CONJUNCTIONS = frozenset("en of tot noch".split())
EDGE_LINES = 2
"""Running headers and footers are looked for in this many lines at the top and at the foot of a
page: a paragraph an answer repeats from an earlier answer is not page furniture."""
RUNNING_MIN_CHARS = 12
"""Shorter lines (a "Vraag 2" heading) repeat from page to page as content, not as page furniture."""
_NUMBERED_WORDS = frozenset("nr artikel art lid vraag vragen antwoord antwoorden bijlage hoofdstuk paragraaf "
                            "pagina blz p punt en of tot".split())
"""Words a number in the text follows ("vraag 2 en 3", "nr. 2"): that number is not a footnote marker."""


Extracted = tuple[list[str], dict[str, str]]
"""What `extract_pages` returns: each page's raw text, and the document information."""


class Line(NamedTuple):
    """A line of a PDF's text and the page (from 1) it is on."""

    text: str
    page: int


@dataclass(frozen=True)
class PdfText:
    """A PDF's text without its page layout: lines in reading order, and the footnotes."""

    lines: tuple[Line, ...]
    footnotes: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@contextlib.contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """pypdf's log lines kept in while it reads: it warns of what it works around (a missing
    optional font package, a malformed object) on every page, and a library stays quiet; what
    makes a PDF unreadable is raised and reported with the file instead."""
    logger = logging.getLogger("pypdf")
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def extract_pages(data: bytes, path: str) -> Extracted:
    """Each page's raw text (pypdf's reading order) and the document information (`title`,
    `subject`, `producer`, ... with lower-case keys); DocumentParseError when the PDF is corrupt,
    encrypted or has no text at all."""
    try:
        with _pypdf_quiet():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentParseError(path, _ENCRYPTED)
            pages = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata
            metadata = {str(key).lstrip("/").lower(): str(value) for key, value in (info or {}).items() if value}
    except DocumentParseError:
        raise
    except FileNotDecryptedError as err:
        raise DocumentParseError(path, _ENCRYPTED) from err
    except DependencyError as err:
        # AES encryption needs the optional `cryptography` package, even with an empty password.
        raise DocumentParseError(path, f"encrypted PDF that cannot be decrypted here ({err})") from err
    except _BROKEN_PDF_ERRORS as err:
        raise DocumentParseError(path, f"not a readable PDF ({type(err).__name__}: {err})") from err
    if not any(page.strip() for page in pages):
        raise DocumentParseError(path, "no text layer (a scanned PDF?); OCR is not supported")
    return pages, metadata


def extract_file(path: str, digest: str) -> Extracted | str | None:
    """`extract_pages` for the PDF at `path`, in an `ExtractionPool` process: its pages and
    metadata, the reason it cannot be read, or None when it cannot be read here or its content is
    no longer the one with SHA-1 `digest` (the build then reads and reports it itself)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if hashlib.sha1(data).hexdigest() != digest:
        return None
    try:
        return extract_pages(data, path)
    except DocumentParseError as err:
        return err.reason


PARENT_CHECK_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """In a pool process: exit when the build that started it is gone. A killed build's pool
    processes would otherwise wait for work forever, nothing telling them it is gone."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class ExtractionPool:
    """PDF text extraction, by far the slowest step of indexing a PDF, run ahead of the build in
    other processes, in the order the build asks for the files.

    `jobs` are (path, SHA-1 of the content) pairs; `take(path, digest)` gives a job's result, in
    job order. The processes are forked where the system can (as the build's segment worker is):
    spawned ones would import the caller's main module again. All of them start here, so create
    the pool before this process starts any thread (a forked child would inherit its locks).
    """

    def __init__(self, jobs: list[tuple[str, str]], processes: int) -> None:
        self._paths = {path for path, _ in jobs}
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        self._pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_exit_with_parent,
                                         initargs=(os.getpid(),))
        results = self._pool.map(extract_file, *zip(*jobs), chunksize=4)
        self._results: Iterator[tuple[tuple[str, str], Extracted | str | None]] = zip(jobs, results)

    def take(self, path: str, digest: str) -> Extracted | None:
        """The pages and metadata of the PDF at `path` with content `digest`, or None when they
        were not extracted ahead (the caller extracts them itself). Raises DocumentParseError
        when the PDF cannot be read."""
        if path not in self._paths:
            return None
        self._paths.discard(path)
        for (job_path, job_digest), result in self._ordered():
            if job_path == path:
                if job_digest != digest or result is None:
                    return None
                if isinstance(result, str):
                    raise DocumentParseError(path, result)
                return result
        return None

    def _ordered(self) -> Iterator[tuple[tuple[str, str], Extracted | str | None]]:
        try:
            yield from self._results
        except Exception:  # noqa: BLE001 - a process of the pool died: the build extracts the rest itself
            self._paths.clear()

    def close(self, wait: bool = True) -> None:
        """Stop the processes: after the build, waiting for them (no thread of the pool outlives it,
        for a later fork); after a failure, at once (`wait=False`), dropping what is not done."""
        self._pool.shutdown(wait=wait, cancel_futures=True)


def clean_pages(pages: list[str], furniture: re.Pattern[str] | None = None) -> PdfText:
    """Undo the layout of extracted pages (see the module docstring). `furniture` matches what a
    known layout prints on some pages only (a colophon): it is cut out of the lines it is in."""
    page_lines = [[_clean_glyphs(line) for line in page.splitlines()] for page in pages]
    if furniture is not None:
        page_lines = [[furniture.sub("", line).rstrip() for line in lines] for lines in page_lines]
    page_lines = [[line for line in lines if line.strip()] for lines in page_lines]
    running = _running_lines(page_lines)
    lines: list[Line] = []
    footnotes: list[str] = []
    for number, raw in enumerate(page_lines, start=1):
        at_edge = [i < EDGE_LINES or i >= len(raw) - EDGE_LINES for i in range(len(raw))]
        body = [_without_running(line, running) if edge else line for line, edge in zip(raw, at_edge)]
        body = [line for line in body if line]
        body, notes = _split_footnotes(body, len(footnotes) + 1)
        footnotes.extend(notes)
        lines.extend(Line(text, number) for text in body)
    return PdfText(tuple(dehyphenate(lines)), tuple(footnotes))


def _clean_glyphs(line: str) -> str:
    line = _CONTROL_BULLET_RE.sub("• ", line)
    if _SPACING_ACCENT_RE.search(line):
        line = unicodedata.normalize("NFC", _SPACING_ACCENT_RE.sub(lambda m: _SPACING_ACCENTS[m.group()], line))
    return line.rstrip()


def _running_key(line: str) -> str:
    return _DIGITS_RE.sub("#", " ".join(line.split()))


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines (page numbers aside) on at least half the pages, and on two or more: headers and footers."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        for key in {_running_key(line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]}:
            # Footnotes citing the same kind of source ("2 Kamerstuk #, nr. #") look alike too.
            if len(key) >= RUNNING_MIN_CHARS and not key.startswith("# "):
                counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= max(2, len(pages) / 2)}


def _without_running(line: str, running: set[str]) -> str:
    """The line without a running header or footer, or a page number: "" when that is all it is.

    The footer can come glued to the page's last line ("... (rijksfinancien.nl) Tweede Kamer,
    vergaderjaar 2023–2024, Aanhangsel 2"): only that end of the line goes.
    """
    if _PAGE_NUMBER_RE.match(line):
        return ""
    words = line.split()
    for key in running:
        size = len(key.split())
        if len(words) >= size and _running_key(" ".join(words[-size:])) == key:
            return " ".join(words[:-size])
    return line


def _split_footnotes(lines: list[str], first: int) -> tuple[list[str], list[str]]:
    """Take the page's footnotes (numbered from `first` on, at the foot of the page) out of its
    lines, and their markers out of the text: (body lines, footnotes)."""
    starts: list[tuple[int, int]] = []  # (line index, footnote number), found from the bottom up
    for i in range(len(lines) - 1, -1, -1):
        match = _FOOTNOTE_RE.match(lines[i])
        if not match:
            continue
        number = int(match.group(1))
        if starts and number != starts[-1][1] - 1:
            continue  # a number inside a footnote's text, or a body line; keep looking upwards
        if not starts and number < first:
            break
        starts.append((i, number))
        if number == first:
            break
    if not starts or starts[-1][1] != first:
        return lines, []
    starts.reverse()
    ends = [index for index, _ in starts[1:]] + [len(lines)]
    notes = [_joined(lines[start:end]) for (start, _), end in zip(starts, ends)]
    body = lines[:starts[0][0]]
    return _remove_markers(body, [number for _, number in starts]), notes


def _joined(lines: list[str]) -> str:
    """A footnote's lines as one line, undoing hyphenation, and a web address broken after a "/"."""
    text = ""
    for line in dehyphenate([Line(line.strip(), 0) for line in lines]):
        text += line.text if text.endswith("/") or not text else " " + line.text
    return text


def _remove_markers(lines: list[str], numbers: list[int]) -> list[str]:
    """Remove each footnote's marker: its number right after a word or a punctuation mark,
    searched in order from where the previous marker was."""
    lines = list(lines)
    line_no, column = 0, 0
    for number in numbers:
        found = _find_marker(lines, number, line_no, column)
        if found is None:
            continue
        line_no, start, end = found
        lines[line_no] = (lines[line_no][:start] + lines[line_no][end:]).rstrip()
        column = start
    return lines


def _find_marker(lines: list[str], number: int, line_no: int, column: int) -> tuple[int, int, int] | None:
    # Glued to what it annotates ("regenboogbeleid»?1"), or set apart by a space after a word or
    # a sentence ("ombudsman? 1", "Ends 1?"); never after a digit, "nr." or "artikel" (a number
    # in the text).
    patterns = (
        re.compile(rf"(?<=[^\W\d_]|[»”\"')?!.,:;]){number}(?![\d,.]\d)(?=\W|$)"),
        re.compile(rf"(?<=[^\W\d_]|[»”\"')?!.,:;]) {number}(?!\d)(?=[\s?!.,:;)]|$)"),
    )
    for pattern in patterns:
        for i in range(line_no, len(lines)):
            for match in pattern.finditer(lines[i], column if i == line_no else 0):
                before = lines[i][:match.start()].split()
                if before and before[-1].lower().rstrip(".") in _NUMBERED_WORDS:
                    continue
                return i, match.start(), match.end()
    return None


def dehyphenate(lines: Iterable[Line]) -> list[Line]:
    """Join words hyphenated at line ends: "regen-" + "boogprovincie" → "regenboogprovincie", but
    "Noord-" + "Brabant" → "Noord-Brabant", "zee-" + "eend" → "zee-eend", and "Noord-" + "en
    Zuid-Holland" stays apart. The joined word stays on its first line (and page)."""
    lines = list(lines)
    texts = [line.text for line in lines]
    for i in range(len(texts) - 1):
        text = texts[i]
        following = texts[i + 1].lstrip()
        if not (text.endswith("-") and len(text) > 1 and text[-2].isalpha() and following):
            continue
        word, _, rest = following.partition(" ")
        head = text[:-1].split()[-1] if text[:-1].split() else ""
        if not head or word.lower().rstrip(".,;:?!") in _CONJUNCTIONS or not word[0].isalnum():
            continue
        keep_hyphen = (not word[0].islower() or not head[-1].islower()
                       or (head[-1] + word[0]).lower() in _VOWEL_CLASHES
                       or "/" in head or head.startswith("www."))  # a web address broken at its hyphen
        texts[i] = text + word if keep_hyphen else text[:-1] + word
        texts[i + 1] = rest
    return [Line(text, line.page) for text, line in zip(texts, lines) if text.strip()]
