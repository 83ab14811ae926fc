"""PDF benchmark: extraction speed (pages/s), and building an index from PDFs vs the same documents as text.

    python benchmarks/pdf_extraction.py [--corpus ../shared/corpora/tweede-kamer-pdf] [--copies 10] [--repeat 3] [--compare]

The PDFs are copied `--copies` times under new names (new ids); the "same documents as text" are
each PDF's parsed document written in the seed text format, so the text build parses and indexes
the same words without the PDF extraction. Each build runs in a fresh process, interleaved (PDF,
PDF with `processes=1`, i.e. without the extraction pool, text; again ...), and the ratios of their
medians to the text build's are measured in the same run (the machines are shared and noisy:
compare ratios, not seconds; the CPU seconds of all a build's processes depend least on the
machine's other load). `--compare` also times pdfminer.six (if installed) on the same files and
counts the words each library gives that the other does not.
"""

from __future__ import annotations

import argparse
import logging
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from indexer import Document
from indexer.parse import MONTHS
from indexer.sources import SourceFile, parse_source
from indexer.pdf import clean_pages, extract_pages

_MONTH_NAMES = {number: name for name, number in MONTHS.items()}


def as_seed(document: Document) -> str:
    """The document in the seed text format (see ARCHITECTURE.md)."""
    lines = [f"title: {document.title}", "SCHRIFTELIJKE VRAAG"]
    if document.number:
        lines.append(f"nr. {document.number}")
    if document.questioner:
        lines.append(f"van {document.questioner.upper()}")
    if document.date:
        lines.append(f"datum: {document.date.day} {_MONTH_NAMES[document.date.month]} {document.date.year}")
    if document.minister:
        lines.append(f"aan {document.minister.upper()}")
    if document.office:
        lines.append(document.office.upper())
    lines += [document.title, document.question]
    if document.answer:
        lines += ["ANTWOORD", f"op vraag nr. {document.number}", document.answer]
    return "\n".join(lines) + "\n"


def extraction_speed(pdfs: list[Path]) -> tuple[int, float]:
    """Pages extracted (pypdf, layout undone as indexing does) and the seconds it took."""
    pages = 0
    started = time.perf_counter()
    for path in pdfs:
        raw, _ = extract_pages(path.read_bytes(), str(path))
        clean_pages(raw)
        pages += len(raw)
    return pages, time.perf_counter() - started


def compare_pdfminer(pdfs: list[Path]) -> None:
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        print("pdfminer.six is not installed: pip install pdfminer.six to compare")
        return
    from pypdf import PdfReader

    timings: dict[str, float] = {"pypdf": 0.0, "pdfminer.six": 0.0}
    only: dict[str, int] = {"pypdf": 0, "pdfminer.six": 0}
    unmapped = 0
    pages = 0
    for path in pdfs:
        started = time.perf_counter()
        reader = PdfReader(path)
        ours = "\n".join(page.extract_text() for page in reader.pages)
        timings["pypdf"] += time.perf_counter() - started
        pages += len(reader.pages)
        started = time.perf_counter()
        theirs = extract_text(str(path))
        timings["pdfminer.six"] += time.perf_counter() - started
        a, b = Counter(ours.split()), Counter(theirs.split())
        only["pypdf"] += sum((a - b).values())
        only["pdfminer.six"] += sum((b - a).values())
        unmapped += theirs.count("(cid:")
    print(f"\n{len(pdfs)} PDFs, {pages} pages, raw extraction only\n")
    print("| library | s | pages/s | words the other lacks |")
    print("|---|---:|---:|---:|")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.2f} | {pages / seconds:.1f} | {only[name]} |")
    print(f"\npdfminer.six left {unmapped} glyphs unmapped ('(cid:N)')")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora/tweede-kamer-pdf"))
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="also time pdfminer.six on the same PDFs")
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a benchmark reports numbers, not pypdf's notes
    originals = sorted(args.corpus.glob("*.pdf"))
    if not originals:
        raise SystemExit(f"No PDFs in {args.corpus}")
    if args.compare:
        compare_pdfminer(originals)

    with tempfile.TemporaryDirectory() as tmp:
        pdf_dir, text_dir = Path(tmp) / "pdf", Path(tmp) / "text"
        pdf_dir.mkdir()
        text_dir.mkdir()
        for copy in range(args.copies):
            for path in originals:
                target = pdf_dir / f"{copy:02d}-{path.name}"
                shutil.copy(path, target)
                documents, _ = parse_source(SourceFile(target, pdf_dir), target.read_bytes())
                for document in documents:
                    (text_dir / f"{target.stem}.txt").write_text(as_seed(document), encoding="utf-8")
        pdfs = sorted(pdf_dir.glob("*.pdf"))
        pages, seconds = extraction_speed(pdfs)
        print(f"\nextraction: {pages:,} pages of {len(pdfs)} PDFs in {seconds:.2f} s: {pages / seconds:.1f} pages/s "
              f"({len(pdfs) / seconds:.1f} documents/s)")

        walls: dict[str, list[float]] = {"PDF": [], "PDF, one process": [], "text": []}
        cpus: dict[str, list[float]] = {label: [] for label in walls}
        for round_ in range(args.repeat):
            for label, source, processes in (("PDF", pdf_dir, 2), ("PDF, one process", pdf_dir, 1),
                                             ("text", text_dir, 2)):
                index_dir = Path(tmp) / f"ix-{round_}"
                wall, cpu = timed_build(source, index_dir, processes)
                walls[label].append(wall)
                cpus[label].append(cpu)
                shutil.rmtree(index_dir)
                print(f"round {round_ + 1}: {label}: {wall:.2f} s, CPU {cpu:.2f} s", flush=True)
    wall_text, cpu_text = statistics.median(walls["text"]), statistics.median(cpus["text"])
    print(f"\n{len(pdfs)} documents ({args.copies} copies of {len(originals)} PDFs, {pages:,} pages), "
          f"median of {args.repeat} builds\n")
    print("| corpus | build s | documents/s | pages/s | vs text | CPU s | CPU vs text |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label in walls:
        wall, cpu = statistics.median(walls[label]), statistics.median(cpus[label])
        shown = "same documents as text" if label == "text" else label
        per_page = f"{pages / wall:.1f}" if label != "text" else "–"
        print(f"| {shown} | {wall:.2f} | {len(pdfs) / wall:.1f} | {per_page} | {wall / wall_text:.2f}× "
              f"| {cpu:.2f} | {cpu / cpu_text:.2f}× |")


def timed_build(source: Path, index_dir: Path, processes: int) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, every process of the build) of a build in a fresh process."""
    script = ("import logging, sys; from indexer import build_index; logging.getLogger('pypdf').setLevel(logging.ERROR); "
              "build_index([sys.argv[1]], sys.argv[2], processes=int(sys.argv[3]))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, str(source), str(index_dir), str(processes)], check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    main()
