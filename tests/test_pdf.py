"""PDF sources: extraction, the page layout undone, the Dutch House layout, pages, bad PDFs."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader, PdfWriter

from indexer import build_index
from indexer.house import is_house_layout
from indexer.pages import PAGES_KEY, page_at, page_starts
from indexer.sources import SourceFile, parse_source
from indexer.pdf import ExtractionPool, Line, clean_pages, dehyphenate
from indexer.structure import pair_parts
from search import Searcher
from search.present import format_document
from search.web.app import create_app

from .conftest import FIXTURES, SHARED

PDF_FIXTURES = FIXTURES / "pdf"
REGENBOOG = "00fe7edd-24c8-4857-98da-774ed3b06836"
MEDEDELING = "01bf9f06-42d0-48a6-a85f-12c9c8e14c57"
CONDUCTEUR = "1bb0809b-f36a-48b7-9ef9-a96ed52c5b6d"
HOUSE_CORPUS = SHARED / "corpora" / "tweede-kamer-pdf"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A small PDF with a text layer: each page's lines in Helvetica, top to bottom."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 770 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content = len(objects) + 1
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        kids.append(len(objects) + 1)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
                       "/Resources << /Font << /F1 FONT 0 R >> >> >>")
    font = len(objects) + 1
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body.replace('FONT', str(font))}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def parse_file(path: Path):
    """The documents and problems of one source file, its id relative to its folder."""
    return parse_source(SourceFile(path, path.parent), path.read_bytes())


@pytest.fixture(scope="module")
def regenboog():
    documents, problems = parse_file(PDF_FIXTURES / f"{REGENBOOG}.pdf")
    assert problems == []
    return documents[0]


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("pdf-index") / "ix"
    build_index([PDF_FIXTURES], index_dir)
    return index_dir


# --- the Dutch House layout ------------------------------------------------------------------------


def test_house_pdf_gives_number_date_questioner_and_minister(regenboog):
    assert (regenboog.number, regenboog.date, regenboog.questioner, regenboog.minister, regenboog.office) == (
        "1314", dt.date(2024, 3, 6), "Mutluer en Kostić", "Dijkgraaf",
        "Minister van Onderwijs, Cultuur en Wetenschap",
    )
    assert regenboog.title == "Het bericht «Kritiek op besluit provincie Friesland tegen actief regenboogbeleid»"
    assert regenboog.extra["ontvangen"] == "2024-03-25"
    assert regenboog.extra["partij"] == "GroenLinks-PvdA, PvdD"
    assert regenboog.extra["pdf link"] == (
        "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Document(00fe7edd-24c8-4857-98da-774ed3b06836)/resource"
    )


def test_house_questions_pair_with_their_answers(regenboog):
    pairs = pair_parts(regenboog.question, regenboog.answer)
    assert [pair.numbers for pair in pairs] == [(1,), (2,), (3, 4, 5), (6,)]
    assert pairs[0].answer is not None and pairs[0].answer.text == "1. Ja."
    assert all(pair.questions and pair.answer for pair in pairs)


def test_house_notice_is_indexed_as_the_answer():
    documents, problems = parse_file(PDF_FIXTURES / f"{MEDEDELING}.pdf")
    document = documents[0]
    assert (document.number, document.questioner, document.minister) == ("1999", "Sneller, Chakor en Van Nispen", "De Jonge")
    assert document.answer is not None and document.answer.startswith("De schriftelijke vragen van de leden Sneller")
    assert [p.reason for p in problems] == ["a notice (Mededeling) instead of an answer: indexed as the answer"]
    assert all(p.indexed for p in problems)


def test_spacing_accents_join_their_letter_and_parties_leave_the_name():
    document = parse_file(PDF_FIXTURES / f"{CONDUCTEUR}.pdf")[0][0]
    assert document.minister == "Yeşilgöz-Zegerius"
    assert document.questioner == "Faber-van de Klashorst"
    assert document.extra["zie ook"] == "Aanhangsel Handelingen, vergaderjaar 2023–2024, nr. 1843"
    assert [pair.numbers for pair in pair_parts(document.question, document.answer)] == [(1,), (2, 3), (4,), (5,)]


def test_house_pdf_without_numbered_questions_keeps_its_metadata(tmp_path: Path):
    path = tmp_path / "vraag.pdf"
    path.write_bytes(make_pdf([[
        "Vragen van het lid Jansen (VVD) aan de Minister van Financien over de",
        "belastingdienst (ingezonden 3 maart 2024).",
        "Antwoord van Minister Heinen (Financien) (ontvangen 4 april 2024).",
        "Kan de minister uitleggen waarom de belastingdienst traag is?",
    ]]))
    documents, problems = parse_file(path)
    document = documents[0]
    assert (document.title, document.questioner, document.minister, document.date, document.answer) == (
        "De belastingdienst", "Jansen", "Heinen", dt.date(2024, 3, 3), None)
    assert document.question == "Kan de minister uitleggen waarom de belastingdienst traag is?"
    assert document.extra["ontvangen"] == "2024-04-04"
    assert [p.reason for p in problems] == [
        "no 'Vraag 1' headings: the text after the heading is indexed as the question"]


# --- the page layout -------------------------------------------------------------------------------


def test_running_footers_colophon_and_page_numbers_are_not_text(regenboog):
    text = regenboog.question + regenboog.answer
    for furniture in ("Aanhangsel 1", "Aanhangsel 2", "ISSN", "ah-tk-", "Gravenhage", "vergaderjaar"):
        assert furniture not in text


def test_hyphenation_at_line_ends_is_undone(regenboog):
    assert "zich regenboogprovincie te mogen noemen" in regenboog.question
    assert "Inventarisatie Regenboogbeleid Regenboogprovincies 2022" in regenboog.answer
    assert "regen-" not in regenboog.question


@pytest.mark.parametrize(("first", "second", "joined"), [
    ("om zich regen-", "boogprovincie te", ["om zich regenboogprovincie", "te"]),
    ("de provincie Noord-", "Brabant en", ["de provincie Noord-Brabant", "en"]),
    ("een zee-", "eend", ["een zee-eend"]),
    ("in Noord-", "en Zuid-Holland", ["in Noord-", "en Zuid-Holland"]),
    ("de COVID-", "19 maatregelen", ["de COVID-19", "maatregelen"]),
    ("(https://www.ad.nl/geen-vergunning-voor-intocht-met-zwarte-", "pieten-in-rijswijk/)",
     ["(https://www.ad.nl/geen-vergunning-voor-intocht-met-zwarte-pieten-in-rijswijk/)"]),
])
def test_dehyphenate(first: str, second: str, joined: list[str]):
    assert [line.text for line in dehyphenate([Line(first, 1), Line(second, 1)])] == joined


def test_footnotes_are_kept_apart_and_their_markers_leave_the_text(regenboog):
    assert "regenboogbeleid»?" in regenboog.question and "»?1" not in regenboog.question
    assert "Regenboogprovincies? Zo ja" in regenboog.question
    footnotes = regenboog.extra["voetnoten"]
    assert len(footnotes) == 2 and footnotes[0].startswith("1 NOS, d.d. 1 maart 2024")
    assert footnotes[1].startswith("2 Movisie, d.d. maart 2022, Inventarisatie Regenboogbeleid Regenboogprovincies, "
                                   "https://www.movisie.nl/sites/movisie.nl/files/2022-03/")
    assert "NOS, d.d." not in regenboog.question


def test_a_number_after_vraag_or_nr_is_not_a_footnote_marker():
    pages = ["Vraag 2 en 3\nZie Kamerstuk nr. 2 en de brief van de minister.1\n1 Kamerstuk 1, nr. 2",
             "Tweede pagina met tekst die doorloopt\nnog een regel"]
    text = clean_pages(pages)
    assert [line.text for line in text.lines][:2] == ["Vraag 2 en 3", "Zie Kamerstuk nr. 2 en de brief van de minister."]
    assert text.footnotes == ("1 Kamerstuk 1, nr. 2",)


def test_running_header_is_removed_but_a_repeated_paragraph_line_is_kept():
    repeated = "Deze zin staat midden op twee pagina's in het antwoord."
    pages = [f"Kamerstuk 36 000, vergaderjaar {n}\nEerste regel {n}\n{repeated}\nLaatste regel {n}\n{n}" for n in (1, 2, 3)]
    lines = [line.text for line in clean_pages(pages).lines]
    assert lines.count(repeated) == 3
    assert not any(line.startswith("Kamerstuk 36 000") for line in lines)
    assert "3" not in lines  # the page number


# --- pages -----------------------------------------------------------------------------------------


def test_page_map_names_the_page_of_every_offset(regenboog):
    pages = regenboog.extra[PAGES_KEY]
    answer = regenboog.answer
    assert page_at(pages, "answer", answer.index("1. Ja.")) == 1
    assert page_at(pages, "answer", answer.index("6. Bijgaande cijfers")) == 2
    assert page_at(pages, "question", regenboog.question.index("Kent u de Inventarisatie")) == 2
    assert page_at({}, "answer", 0) is None


def test_page_starts_follow_lines_through_rewrapped_text():
    lines = [("Eerste regel", 1), ("tweede regel.", 1), ("Derde regel", 2)]
    assert page_starts("Eerste regel tweede regel.\nDerde regel", lines) == [[0, 1], [27, 2]]


def test_passages_and_show_name_the_page(pdf_index: Path):
    with Searcher(pdf_index) as searcher:
        hit = searcher.search("meldingen aangiftes politie").hits[0]
        document = searcher.document(REGENBOOG)
    assert hit.id == REGENBOOG
    assert {(p.section, p.page) for p in hit.passages} >= {("question", 2)}
    assert all(p.to_dict()["page"] == p.page for p in hit.passages)
    shown = format_document(document).splitlines()
    assert "ANSWER 6 (p. 2)" in shown and "QUESTION 1 (p. 1)" in shown
    assert not any(line.startswith(f"{PAGES_KEY}:") for line in shown)


def test_text_documents_have_no_page(searcher: Searcher):
    passage = searcher.search("fietsen").hits[0].passages[0]
    assert passage.page is None and "page" not in passage.to_dict()


def test_web_page_links_the_pdf_and_serves_it(pdf_index: Path):
    with TestClient(create_app(pdf_index)) as client:
        page = client.get(f"/documents/{REGENBOOG}")
        pdf = client.get(f"/pdf/{REGENBOOG}")
        results = client.get("/", params={"q": "meldingen aangiftes politie"})
        missing = client.get("/pdf/no-such-document")
    assert page.status_code == 200 and f'href="/pdf/{REGENBOOG}"' in page.text
    assert f'<h3>Antwoord 6 <a class="page" href="/pdf/{REGENBOOG}#page=2">p. 2</a></h3>' in page.text
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.content == (PDF_FIXTURES / f"{REGENBOOG}.pdf").read_bytes()
    assert f'href="/pdf/{REGENBOOG}#page=2">p. 2</a>' in results.text
    assert missing.status_code == 404


# --- other layouts and bad PDFs --------------------------------------------------------------------


def test_flemish_layout_in_a_pdf_goes_through_the_seed_parser(tmp_path: Path):
    path = tmp_path / "vraag.pdf"
    path.write_bytes(make_pdf([
        ["SCHRIFTELIJKE VRAAG", "nr. 385", "van KAROLIEN GROSEMANS", "datum: 26 april 2024", "aan BEN WEYTS",
         "Onderwijstop", "Op maandag vond de onderwijstop plaats."],
        ["ANTWOORD", "op vraag nr. 385 van 26 april 2024", "De top was een succes."],
    ]))
    documents, problems = parse_file(path)
    document = documents[0]
    assert (document.number, document.questioner, document.minister, document.date) == (
        "385", "Karolien Grosemans", "Ben Weyts", dt.date(2024, 4, 26))
    assert document.answer == "De top was een succes."
    assert page_at(document.extra[PAGES_KEY], "answer", 0) == 2
    assert problems == []


def test_other_pdf_text_is_indexed_as_plain_text(tmp_path: Path):
    path = tmp_path / "nota.pdf"
    path.write_bytes(make_pdf([["Een nota over fietsen.1", "zonder vragen.", "1 Zie de fietsnota."], ["Slot."]]))
    documents, problems = parse_file(path)
    assert documents[0].title == "Een nota over fietsen."
    assert documents[0].question == "Een nota over fietsen. zonder vragen. Slot."
    assert documents[0].extra["voetnoten"] == ["1 Zie de fietsnota."]
    assert [p.indexed for p in problems] == [True]
    assert not is_house_layout(["Een nota over fietsen"])


def _encrypted(password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Geheime vraag over fietsen."]]))))
    writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture()
def bad_pdfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PDF_FIXTURES / f"{REGENBOOG}.pdf", corpus / "goed.pdf")
    (corpus / "scan.pdf").write_bytes(make_pdf([[]]))
    (corpus / "versleuteld.pdf").write_bytes(_encrypted("geheim"))
    (corpus / "kapot.pdf").write_bytes((PDF_FIXTURES / f"{REGENBOOG}.pdf").read_bytes()[:3000])
    (corpus / "geen.pdf").write_bytes(b"dit is geen pdf")
    (corpus / "groot.pdf").write_bytes(make_pdf([["Een groot bestand."]]) + b"%" * 60_000)
    # Between the real PDF (22 KB) and the large one.
    monkeypatch.setattr("indexer.sources.MAX_PDF_BYTES", 40_000)
    return corpus


def test_bad_pdfs_are_reported_with_path_and_reason_and_the_rest_indexed(bad_pdfs: Path, tmp_path: Path):
    report = build_index([bad_pdfs], tmp_path / "ix")
    reasons = {Path(p.path).name: (p.reason, p.indexed) for p in report.problems}
    assert reasons["scan.pdf"] == ("no text layer (a scanned PDF?); OCR is not supported", False)
    assert reasons["versleuteld.pdf"] == (
        "encrypted PDF: it needs a password; save an unprotected copy to index it", False)
    assert reasons["kapot.pdf"][0].startswith("not a readable PDF")
    assert reasons["geen.pdf"][0].startswith("not a readable PDF")
    assert reasons["groot.pdf"] == ("file too large (0.1 MB, limit 0 MB)", False)
    assert all(str(bad_pdfs) in p.path for p in report.problems)
    assert report.documents == 1
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.document("goed").number == "1314"


def test_pdf_encrypted_without_a_user_password_is_read(tmp_path: Path):
    path = tmp_path / "beveiligd.pdf"
    path.write_bytes(_encrypted(""))
    documents, _ = parse_file(path)
    assert documents[0].question == "Geheime vraag over fietsen."


def test_pdfs_are_reindexed_by_content_hash(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(PDF_FIXTURES, corpus)
    index_dir = tmp_path / "ix"
    first = build_index([corpus], index_dir)
    again = build_index([corpus], index_dir)
    (corpus / f"{CONDUCTEUR}.pdf").write_bytes((corpus / f"{REGENBOOG}.pdf").read_bytes())
    changed = build_index([corpus], index_dir)
    assert (first.added, again.unchanged, again.added + again.updated) == (3, 3, 0)
    assert (changed.updated, changed.unchanged) == (1, 2)
    with Searcher(index_dir) as searcher:
        assert searcher.document(CONDUCTEUR).number == "1314"


def test_pdfs_extracted_in_other_processes_index_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    taken = []
    take = ExtractionPool.take

    def counting_take(self: ExtractionPool, path: str, digest: str):
        result = take(self, path, digest)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(ExtractionPool, "take", counting_take)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(3):  # 9 PDFs and a broken one: enough for the extraction pool
        for path in sorted(PDF_FIXTURES.glob("*.pdf")):
            shutil.copy(path, corpus / f"{copy}-{path.name}")
    (corpus / "kapot.pdf").write_bytes((PDF_FIXTURES / f"{REGENBOOG}.pdf").read_bytes()[:3000])
    reports = {processes: build_index([corpus], tmp_path / f"ix-{processes}", processes=processes)
               for processes in (1, 2)}
    assert taken.count(True) == 9  # all but the broken PDF, from the pool; none with processes=1
    assert reports[1].problems == reports[2].problems
    assert [p.reason[:19] for p in reports[2].problems if not p.indexed] == ["not a readable PDF "]
    documents = {}
    for processes in (1, 2):
        with Searcher(tmp_path / f"ix-{processes}") as searcher:
            documents[processes] = [searcher.document(f"{copy}-{REGENBOOG}") for copy in range(3)]
    assert documents[1] == documents[2]


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited; whoever adopted it has not reaped it yet


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_a_killed_build_leaves_no_extraction_process_behind(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(40):
        for path in sorted(PDF_FIXTURES.glob("*.pdf")):
            shutil.copy(path, corpus / f"{copy}-{path.name}")
    build = subprocess.Popen([sys.executable, "-c", "import sys; from indexer import build_index; "
                              "build_index([sys.argv[1]], sys.argv[2])", str(corpus), str(tmp_path / "ix")])
    children: list[int] = []
    deadline = time.monotonic() + 60
    while len(children) < 2 and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        children = [int(pid) for pid in Path(f"/proc/{build.pid}/task/{build.pid}/children").read_text().split()]
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert len(children) >= 2  # the extraction pool was running
    deadline = time.monotonic() + 10
    while any(map(_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in children if _alive(pid)]
    for pid in left:  # so that a failure here leaves nothing running either
        os.kill(pid, signal.SIGKILL)
    assert left == []
    assert build_index([PDF_FIXTURES], tmp_path / "ix", lock_timeout=5).documents == 3


# --- the real corpus (../shared) -------------------------------------------------------------------


@pytest.mark.skipif(not HOUSE_CORPUS.is_dir(), reason="../shared/corpora/tweede-kamer-pdf is absent")
def test_house_corpus_documents_have_their_metadata_and_pairs():
    documents = []
    for path in sorted(HOUSE_CORPUS.glob("*.pdf")):
        found, problems = parse_file(path)
        assert all(problem.indexed for problem in problems)
        documents.extend(found)
    complete = [d for d in documents if d.number and d.date and d.questioner and d.minister]
    paired = [d for d in documents if pair_parts(d.question, d.answer)]
    assert (len(documents), len(complete), len(paired)) == (22, 22, 21)
    by_number = {d.number: d for d in documents}
    assert (by_number["698"].questioner, by_number["698"].minister, by_number["698"].date) == (
        "Bouwmeester", "Schippers", dt.date(2014, 10, 3))
    assert by_number["2129"].questioner == "Ceder en Dobbe"
    assert by_number["1771"].office == "Staatssecretaris van Infrastructuur en Waterstaat"
