"""Parsing seed files and JSON Lines into Documents, on the real seed and on every variation."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from indexer.parse import parse_date, parse_record, parse_seed, readable_name
from indexer.sources import SourceFile, discover, read_source
from indexer.errors import DocumentParseError

from .conftest import FIXTURE_SEEDS, FIXTURES, FLEMISH_SEED

FLEMISH_TEXT = FLEMISH_SEED.read_text(encoding="utf-8")
KAMER_SEED = FIXTURE_SEEDS / "kamer" / "kamer-2017-184501.txt"


def parse_file(path: Path, root: Path | None = None):
    return read_source(SourceFile(path, root or path.parent))


def test_flemish_seed_metadata():
    doc, notes = parse_seed(FLEMISH_TEXT, doc_id="vlaams/000", source="vlaams/000.txt")
    assert notes == []
    assert doc.title == "Nederlands-Vlaamse onderwijstop - Vervolg"
    assert doc.theme == "Onderwijs en Vorming"
    assert doc.number == "385"
    assert doc.questioner == "Karolien Grosemans"
    assert doc.minister == "Ben Weyts"
    assert doc.office == (
        "Viceminister-president van de Vlaamse Regering, Vlaams minister van Onderwijs, Sport, "
        "Dierenwelzijn en Vlaamse Rand"
    )
    assert doc.date == dt.date(2024, 4, 26)
    assert doc.extra == {
        "pdf link": "https://docs.vlaamsparlement.be/pfile?id=2063647",
        "thema link": "https://www.vlaamsparlement.be/parlementaire-documenten/schriftelijke-vragen/1824060",
    }


def test_flemish_seed_question_is_running_text_with_numbered_items():
    doc, _ = parse_seed(FLEMISH_TEXT, doc_id="x", source="x")
    paragraphs = doc.question.split("\n")
    assert paragraphs[0].startswith("Op maandag 23 januari 2024 vond een omvangrijke Vlaams-Nederlandse onderwijstop plaats")
    assert "van samenwerking om de beide onderwijssystemen" in paragraphs[0]  # line wrap undone
    assert [p[:3] for p in paragraphs[1:]] == ["1. ", "2. ", "3. ", "4. "]
    assert paragraphs[-1] == "4. Zal die tweede onderwijstop een vervolg krijgen? Zo ja, waar en wanneer?"
    assert "BEN WEYTS" not in doc.question  # the repeated addressee block is not question text


def test_flemish_seed_answer_starts_after_its_header():
    doc, _ = parse_seed(FLEMISH_TEXT, doc_id="x", source="x")
    assert doc.answer is not None
    assert doc.answer.startswith("1+3. Het samenwerkingsproject waarnaar verwezen wordt")
    assert "op vraag nr. 385" not in doc.answer
    assert "\n2. Naast het digitaliseringsaspect" in doc.answer
    assert doc.answer.endswith("in de volgende legislatuur moeten worden gemaakt.")


def test_chamber_seed_with_office_instead_of_name_and_keywords():
    [doc], problems = parse_file(KAMER_SEED, FIXTURE_SEEDS)
    assert problems == []
    assert doc.id == "kamer/kamer-2017-184501"
    assert doc.source == "kamer/kamer-2017-184501.txt"
    assert doc.minister is None
    assert doc.office == (
        "Minister van Mobiliteit, belast met Belgocontrol en de Nationale Maatschappij der Belgische Spoorwegen"
    )
    assert doc.questioner == "Emmanuel Burton"
    assert doc.extra["trefwoorden"].startswith("vervoerslijn, vervoerbeleid")
    assert "verstoord.Pas na twee uur" in doc.question  # kept as written; the tokenizer splits it


def test_unanswered_question_has_no_answer():
    [doc], _ = parse_file(FIXTURE_SEEDS / "kamer" / "kamer-2017-184505.txt")
    assert doc.answer is None
    assert doc.question.endswith("het aantal asielzoekers in opvang voor de periode 2015-2016?")


def test_upper_case_question_line_is_not_taken_for_the_addressee_block():
    [doc], _ = parse_file(FIXTURE_SEEDS / "kamer" / "kamer-2017-191547.txt")
    assert doc.question.endswith("het Federal Cyber Emergency Team (CERT)?")


def test_missing_headers_are_none_and_title_comes_from_the_repeated_title():
    text = "\n".join(line for line in FLEMISH_TEXT.splitlines() if not line.startswith(("title:", "thema:")))
    doc, _ = parse_seed(text, doc_id="x", source="x")
    assert doc.theme is None
    assert doc.title == "Nederlands-Vlaamse onderwijstop - Vervolg"
    assert doc.number == "385"


def test_extra_header_keys_are_kept():
    doc, _ = parse_seed("trefwoorden: onderwijs, leraren\nregeerperiode: 2019-2024\n" + FLEMISH_TEXT, "x", "x")
    assert doc.extra["trefwoorden"] == "onderwijs, leraren"
    assert doc.extra["regeerperiode"] == "2019-2024"


def test_bom_and_crlf(tmp_path: Path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + FLEMISH_TEXT.replace("\n", "\r\n").encode("utf-8"))
    [doc], problems = parse_file(path)
    assert problems == []
    assert doc.title == "Nederlands-Vlaamse onderwijstop - Vervolg"
    assert "\r" not in doc.question and "\r" not in (doc.answer or "")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_are_decoded_and_reported(tmp_path: Path, encoding: str):
    path = tmp_path / "legacy.txt"
    path.write_bytes(FLEMISH_TEXT.encode(encoding, errors="replace"))
    [doc], problems = parse_file(path)
    assert "kopiëren" in doc.question
    assert len(problems) == 1
    assert problems[0].indexed
    assert "not valid UTF-8" in problems[0].reason


def test_text_that_is_not_a_written_question_is_indexed_as_plain_text():
    text = "Verslag van de commissie\nDe commissie vergaderde over de kinderopvang.\nEr werd gestemd."
    doc, notes = parse_seed(text, doc_id="verslag", source="verslag.txt")
    assert doc.title == "Verslag van de commissie"
    assert "kinderopvang" in doc.question
    assert doc.answer is None
    assert notes == ["no 'SCHRIFTELIJKE VRAAG' marker: not a written question, indexed as plain text"]


def test_two_answer_sections_are_joined_and_noted():
    text = FLEMISH_TEXT + "\nANTWOORD\nop vraag nr. 385 van 26 april 2024\nvan KAROLIEN GROSEMANS\nAanvulling: nog een antwoord.\n"
    doc, notes = parse_seed(text, "x", "x")
    assert doc.answer is not None and doc.answer.endswith("Aanvulling: nog een antwoord.")
    assert notes == ["2 'ANTWOORD' sections; joined into one answer"]


def test_empty_and_binary_files_are_skipped_with_reason(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    assert parse_file(empty)[0] == []
    assert parse_file(empty)[1][0].reason == "empty file"
    assert parse_file(binary)[1][0].reason == "binary file, not text"


def test_too_large_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("indexer.sources.MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text(FLEMISH_TEXT)
    docs, [problem] = parse_file(path)
    assert docs == []
    assert problem.reason.startswith("file too large")


def test_jsonl_records_are_parsed_with_extra_keys():
    docs, problems = parse_file(FIXTURES / "records.jsonl")
    assert problems == []
    assert [d.id for d in docs] == ["kamer-2017-189040", "kamer-2017-190532", "kamer-2017-192262"]
    doc = docs[2]
    assert doc.questioner == "Karolien Grosemans"
    assert doc.minister is None and doc.office.startswith("Minister van Defensie")
    assert doc.date == dt.date(2017, 6, 13)
    assert doc.extra["party"] == "N-VA"
    assert doc.source == "records.jsonl:3"


def test_jsonl_bad_lines_are_reported_by_line_and_the_rest_kept(tmp_path: Path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"id": "a", "question": "Hoeveel fietsen?"}\n'
        '{"id": "b", "question": \n'
        '{"question": "zonder id"}\n'
        '["not", "an", "object"]\n'
        '{"id": "c"}\n'
        '{"id": "d", "text": "Alleen tekst.", "date": "26 april 2024"}\n',
        encoding="utf-8",
    )
    docs, problems = parse_file(path)
    assert [d.id for d in docs] == ["a", "d"]
    assert docs[1].question == "Alleen tekst." and docs[1].date == dt.date(2024, 4, 26)
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [
        (2, "invalid JSON"),
        (3, "record has no 'id'"),
        (4, "expected a JSON object, got list"),
        (5, "record has none of 'question', 'answer' or 'text'"),
    ]


def test_parse_record_requires_text():
    with pytest.raises(DocumentParseError, match="none of 'question'"):
        parse_record({"id": "x", "title": "only a title"}, source="s")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("26 april 2024", dt.date(2024, 4, 26)),
        ("4 januari 2017", dt.date(2017, 1, 4)),
        ("2017-06-13", dt.date(2017, 6, 13)),
        ("13/06/2017", dt.date(2017, 6, 13)),
        ("31 februari 2024", None),
        ("binnenkort", None),
    ],
)
def test_dutch_dates(text: str, expected: dt.date | None):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "raw, readable",
    [
        ("KAROLIEN GROSEMANS", "Karolien Grosemans"),
        ("JEAN-MARIE DEDECKER", "Jean-Marie Dedecker"),
        ("BARBARA PAS", "Barbara Pas"),
        ("Sybille de Coster-Bauchau", "Sybille de Coster-Bauchau"),
        ("FRANCIS D'HAESELEER", "Francis D'Haeseleer"),
    ],
)
def test_names_in_readable_case(raw: str, readable: str):
    assert readable_name(raw) == readable


def test_discover_skips_hidden_and_other_files_and_reports_missing(tmp_path: Path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.jsonl").write_text("{}")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    files, problems = discover([tmp_path, tmp_path / "missing"])
    assert [f.relative for f in files] == ["a.txt", "b.jsonl"]
    assert [p.reason for p in problems] == ["no such file or folder"]


def test_discover_survives_a_symlink_loop(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    files, problems = discover([tmp_path])
    assert [f.relative for f in files] == ["sub/a.txt"]
    assert any("symlink loop" in p.reason for p in problems)


def test_every_record_of_the_shared_corpus_parses_like_its_seed():
    records = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "kamer-2017" / "records.jsonl"
    if not records.exists():
        pytest.skip("../shared/corpora/kamer-2017 is not present")
    seeds = records.parent / "seeds"
    mismatched = []
    for line in records.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        [doc], _ = parse_file(seeds / f"{record['id']}.txt")
        squash = lambda s: "".join((s or "").split())  # noqa: E731
        if squash(doc.question) != squash(record["question"]) or squash(doc.answer) != squash(record["answer"]):
            mismatched.append(record["id"])
    assert mismatched == []


def test_office_in_readable_case_keeps_possessive_s_small():
    from indexer.parse import readable_office

    assert readable_office("MINISTER VAN MIDDENSTAND, ZELFSTANDIGEN, KMO'S") == "Minister van Middenstand, Zelfstandigen, Kmo's"


def test_an_explicit_file_of_another_kind_is_reported_not_indexed(tmp_path: Path):
    notes = tmp_path / "notes.md"
    notes.write_text("# niet een vraag")
    files, problems = discover([notes])
    assert files == []
    assert [p.reason for p in problems] == ["not a seed (.txt) or JSON Lines (.jsonl) file"]


def test_jsonl_record_with_an_unreadable_date_is_indexed_and_reported(tmp_path: Path):
    path = tmp_path / "dates.jsonl"
    path.write_text('{"id": "a", "question": "Hoeveel?", "date": "binnenkort"}\n', encoding="utf-8")
    [doc], [problem] = parse_file(path)
    assert doc.date is None
    assert (problem.line, problem.reason, problem.indexed) == (1, "unreadable date 'binnenkort'", True)
