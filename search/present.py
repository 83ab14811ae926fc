"""Presentation: results, documents and build reports as terminal text (JSON comes from `to_dict`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from indexer.document import Document
from indexer.structure import pair_parts, question_intro

if TYPE_CHECKING:
    from indexer.build import BuildReport

    from .highlight import Passage
    from .searcher import Hit, IndexStats, Results

Style = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def bold_yellow(text: str) -> str:
    return f"\x1b[1;33m{text}\x1b[0m"


def bold(text: str) -> str:
    return f"\x1b[1m{text}\x1b[0m"


def format_results(results: Results, color: bool = False) -> str:
    """Search results for a terminal: a summary line, then each hit with its passages."""
    mark = bold_yellow if color else _plain
    strong = bold if color else _plain
    # A query of filters only has no text to repeat.
    for_query = f" for {_quote(results.query)}" if results.query.strip() else ""
    notes = [f"Note: {results.notice}"] if results.notice else []
    notes += [f"Bedoelde u: {results.suggestion}?"] if results.suggestion else []
    if results.total == 0:
        return "\n".join([f"No results{for_query}."] + notes)
    noun = "result" if results.total == 1 else "results"
    lines = [f"{results.total:,} {noun}{for_query} (page {results.page} of {results.pages})"]
    lines += notes
    first = (results.page - 1) * results.limit
    for rank, hit in enumerate(results.hits, start=first + 1):
        lines.append("")
        lines.extend(format_hit(hit, rank, strong, mark))
    if not results.hits:
        lines.append(f"Page {results.page} is past the last page ({results.pages}).")
    if results.facets:
        lines += ["", *format_facets(results.facets)]
    return "\n".join(lines)


SHOWN_QUERY_CHARS = 80
"""How much of the query the summary line repeats: a pasted text can be thousands of characters."""


def _quote(query: str) -> str:
    query = " ".join(query.split()) if len(query) > SHOWN_QUERY_CHARS else query
    return repr(query if len(query) <= SHOWN_QUERY_CHARS else query[:SHOWN_QUERY_CHARS].rstrip() + "…")


def format_facets(facets: dict[str, dict[str, int]], top: int = 8) -> list[str]:
    """Each facet on a line: its most frequent values with their counts."""
    lines = []
    for name, counts in facets.items():
        shown = ", ".join(f"{value} ({count:,})" for value, count in list(counts.items())[:top])
        more = f", … {len(counts) - top} more" if len(counts) > top else ""
        lines.append(f"{name}: {shown or '-'}{more}")
    return lines


def format_similar(results: Results, color: bool = False) -> str:
    """Documents like one document, each with the key words they share."""
    strong = bold if color else _plain
    mark = bold_yellow if color else _plain
    if not results.hits:
        return f"No documents like {results.query}."
    lines = [f"Documents like {results.query}:"]
    for rank, hit in enumerate(results.hits, start=1):
        lines.append("")
        lines.extend(format_hit(hit, rank, strong, mark))
    return "\n".join(lines)


def format_hit(hit: Hit, rank: int, strong: Style = _plain, mark: Style = _plain) -> list[str]:
    lines = [f"{rank}. {strong(hit.title)}"]
    meta = _meta_line(hit.number, hit.date.isoformat() if hit.date else None, hit.questioner, hit.minister, hit.theme)
    if meta:
        lines.append(f"   {meta}")
    if hit.shared_terms:
        lines.append(f"   shared: {', '.join(hit.shared_terms)}")
    for passage in hit.passages:
        lines.append(f"   {passage.section}: {mark_passage(passage, mark)}")
        if passage.subquestion:
            lines.append(f"      (answers: {_shorten(passage.subquestion)})")
    if hit.also_asked:
        others = "; ".join(f"{minister or '?'} ({doc_id})" for doc_id, minister in hit.also_asked)
        lines.append(f"   also asked to: {others}")
    lines.append(f"   id: {hit.id}")
    return lines


def _shorten(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"


def mark_passage(passage: Passage, mark: Style) -> str:
    """The passage's text with each highlighted span passed through `mark`."""
    text, out, last = passage.text, [], 0
    for start, end in passage.highlights:
        out.append(text[last:start])
        out.append(mark(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out).replace("\n", " ")


def _meta_line(number: str | None, date: str | None, questioner: str | None, minister: str | None,
               theme: str | None) -> str:
    # The arrow stays when a side is missing: "→ Ben Weyts" is the minister, not the questioner.
    people = f"{questioner or ''} → {minister or ''}".strip() if questioner or minister else ""
    parts = [f"nr. {number}" if number else None, date, people or None, theme]
    return " · ".join(p for p in parts if p)


def format_document(document: Document, color: bool = False) -> str:
    """A whole document: title, metadata, question and answer."""
    strong = bold if color else _plain
    date = document.date.isoformat() if document.date else None
    lines = [strong(document.title)]
    meta = _meta_line(document.number, date, document.questioner, document.minister, document.theme)
    if meta:
        lines.append(meta)
    if document.office:
        lines.append(document.office)
    for key, value in document.extra.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        lines.append(f"{key}: {shown}")
    lines.append(f"id: {document.id}  source: {document.source}")
    pairs = pair_parts(document.question, document.answer)
    if not pairs:
        lines += ["", strong("QUESTION"), document.question, "", strong("ANSWER")]
        lines.append(document.answer if document.answer else "(not answered)")
        return "\n".join(lines)
    # Pair by pair: each numbered sub-question, then the part of the answer that answers it.
    lines += ["", strong("QUESTION")]
    intro = question_intro(document.question, pairs)
    if intro:
        lines.append(intro)
    for pair in pairs:
        numbers = "+".join(map(str, pair.numbers))
        lines += ["", strong(f"QUESTION {numbers}")]
        lines += [q.text for q in pair.questions] or ["(not in the question)"]
        lines += [strong(f"ANSWER {numbers}"), pair.answer.text if pair.answer else "(no answer to this part)"]
    return "\n".join(lines)


def format_report(report: BuildReport) -> str:
    """The summary of an index build, with every problem on its own line."""
    if report.rebuilt:
        lines = [
            f"Built a new index in {report.index_dir} ({report.rebuilt}): {report.documents:,} documents "
            f"from {report.files:,} files in {report.seconds:.1f} s."
        ]
    else:
        lines = [
            f"Updated the index in {report.index_dir}: {report.added:,} added, {report.updated:,} updated, "
            f"{report.removed:,} removed, {report.unchanged:,} unchanged ({report.documents:,} documents "
            f"from {report.files:,} files) in {report.seconds:.1f} s."
        ]
    if report.problems:
        known = sum(1 for problem in report.problems if problem.known)
        before = f", {known} reported before" if known else ""
        lines.append(f"{len(report.problems)} problem(s), {report.skipped} skipped{before}:")
        lines.extend(f"  {problem}" for problem in report.problems)
    else:
        lines.append("No problems.")
    return "\n".join(lines)


def format_stats(stats: IndexStats) -> str:
    """Index statistics as aligned lines, then the counts per theme and per year."""
    lines = [
        f"index:            {stats.index_dir}",
        f"documents:        {stats.documents:,} ({stats.answered:,} answered, {stats.documents - stats.answered:,} unanswered)",
        f"source files:     {stats.files:,} from {', '.join(stats.sources)}",
        f"last build:       {stats.built_at}",
        f"index size:       {stats.index_bytes / 1e6:.1f} MB",
        f"analysis version: {stats.analysis_version}",
        "",
        "per year:",
    ]
    lines += [f"  {year}  {count:>7,}" for year, count in stats.years.items()]
    lines += ["", "per theme:"]
    width = max((len(theme) for theme in stats.themes), default=0)
    lines += [f"  {theme:<{width}}  {count:>7,}" for theme, count in stats.themes.items()]
    return "\n".join(lines)
