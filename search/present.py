"""Presentation: results, documents and build reports as terminal text (JSON comes from `to_dict`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from indexer.document import Document
from indexer.pages import PAGES_KEY, page_at
from indexer.structure import pair_parts, question_intro

if TYPE_CHECKING:
    from indexer.build import BuildReport

    from .highlight import Passage
    from .profile import Profile
    from .results import Hit, IndexStats, Results
    from .timeline import Timeline
    from .watch import SavedSearch, WatchReport

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


def format_timeline(timeline: Timeline, color: bool = False, width: int = 40) -> str:
    """A timeline as a bar chart, a line per period, each followed by who asked and who was asked
    most. Bars are blocks on a terminal (`color`), "#" in plain text."""
    noun = "result" if timeline.total == 1 else "results"
    what = f"{timeline.total:,} {noun}" + (f" for {timeline.query!r}" if timeline.query.strip() else "")
    if not timeline.periods:
        undated = f" ({timeline.undated:,} without a date)" if timeline.undated else ""
        return f"{what}{undated}: nothing to draw."
    span = f"{timeline.periods[0].label} to {timeline.periods[-1].label}"
    lines = [f"{what} by {timeline.by} ({span})", ""]
    highest = max(period.count for period in timeline.periods) or 1
    label_width = max(len(period.label) for period in timeline.periods)
    digits = len(f"{highest:,}")
    for period in timeline.periods:
        length = round(width * period.count / highest) or (1 if period.count else 0)
        bar = bold_yellow("█" * length) if color else "#" * length
        lines.append(f"{period.label:<{label_width}}  {period.count:>{digits},}  {bar}".rstrip())
        indent = " " * (label_width + digits + 4)
        for heading, people in (("asked by", period.questioners), ("asked to", period.ministers)):
            if people:
                lines.append(f"{indent}{heading} " + ", ".join(f"{name} ({n:,})" for name, n in people.items()))
    if timeline.undated:
        lines += ["", f"{timeline.undated:,} without a date."]
    return "\n".join(lines)


def format_profile(profile: Profile, top: int = 8) -> str:
    """A profile: who, how many questions (answered), then the counts per theme, year, minister and
    questioner, and the distinctive words with their shares here and elsewhere."""
    who = " ".join(part for part in (profile.questioner and f"by {profile.questioner!r}",
                                     profile.minister and f"to {profile.minister!r}") if part)
    if not profile.total:
        return f"No questions {who}."
    noun = "question" if profile.total == 1 else "questions"
    lines = [f"{profile.total:,} {noun} {who} ({profile.answered:,} answered)", ""]
    facets = {"themes": profile.themes, "years": profile.years, "ministers": profile.ministers,
              "questioners": profile.questioners}
    lines += format_facets(facets, top)
    if profile.words:
        lines += ["", "distinctive words (share of these documents / of all others):"]
        width = max(len(word.word) for word in profile.words)
        lines += [f"  {word.word:<{width}}  {word.share:>4.0%} / {word.others_share:.1%}" for word in profile.words]
    return "\n".join(lines)


def describe_search(search: SavedSearch) -> str:
    """A saved search as one line: its query and its filters, in the command's option names."""
    options = [("--thema", search.theme), ("--minister", search.minister), ("--van", search.questioner),
               ("--from", search.date_from), ("--to", search.date_to)]
    parts = [repr(search.query)] if search.query.strip() else []
    parts += [f"{option} {value!r}" for option, value in options if value]
    if search.answered is not None:
        parts.append("--answered" if search.answered else "--unanswered")
    if not search.group:
        parts.append("--no-group")
    return " ".join(parts)


def format_saved_searches(searches: list[SavedSearch]) -> str:
    """Each saved search on a line: name, query and filters, when it was last reported."""
    if not searches:
        return "No saved searches."
    width = max(len(search.name) for search in searches)
    return "\n".join(f"{search.name:<{width}}  {describe_search(search)}  (last report: {search.reported or 'never'})"
                     for search in searches)


def format_watch_reports(reports: list[WatchReport], color: bool = False) -> str:
    """What is new for each saved search: a heading with the count, then the new hits, newest first."""
    if not reports:
        return "No saved searches."
    strong = bold if color else _plain
    mark = bold_yellow if color else _plain
    blocks = []
    for report in reports:
        since = report.search.reported or f"it was saved ({report.search.added})"
        lines = [f"{report.search.name}: {report.total:,} new since {since} — {describe_search(report.search)}"]
        for rank, hit in enumerate(report.hits, start=1):
            lines.append("")
            lines.extend(format_hit(hit, rank, strong, mark))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_new_counts(counts: dict[str, int]) -> str:
    """One line: how many new documents each saved search has (after an index build)."""
    shown = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    return f"New for saved searches: {shown} (vraagbaak watch report lists them)."


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
        page = f" (p. {passage.page})" if passage.page is not None else ""
        lines.append(f"   {passage.section}{page}: {mark_passage(passage, mark)}")
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
    meta = _meta_line(document.number, date, document.questioner, document.addressee, document.theme)
    if meta:
        lines.append(meta)
    if document.minister and document.office:  # the office of a minister named above
        lines.append(document.office)
    for key, value in document.extra.items():
        if key == PAGES_KEY:  # shown as "(p. N)" beside the text instead
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        lines.append(f"{key}: {shown}")
    lines.append(f"id: {document.id}  source: {document.source}")
    pages = document.extra.get(PAGES_KEY)

    def on_page(section: str, offset: int) -> str:
        page = page_at(pages, section, offset)
        return f" (p. {page})" if page is not None else ""

    pairs = pair_parts(document.question, document.answer)
    if not pairs:
        lines += ["", strong("QUESTION" + on_page("question", 0)), document.question, ""]
        lines.append(strong("ANSWER" + (on_page("answer", 0) if document.answer else "")))
        lines.append(document.answer if document.answer else "(not answered)")
        return "\n".join(lines)
    # Pair by pair: each numbered sub-question, then the part of the answer that answers it.
    lines += ["", strong("QUESTION")]
    intro = question_intro(document.question, pairs)
    if intro:
        lines.append(intro)
    for pair in pairs:
        numbers = "+".join(map(str, pair.numbers))
        asked = on_page("question", pair.questions[0].start) if pair.questions else ""
        lines += ["", strong(f"QUESTION {numbers}{asked}")]
        lines += [q.text for q in pair.questions] or ["(not in the question)"]
        answered = on_page("answer", pair.answer.start) if pair.answer else ""
        lines.append(strong(f"ANSWER {numbers}{answered}"))
        lines.append(pair.answer.text if pair.answer else "(no answer to this part)")
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
