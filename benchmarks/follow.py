"""Timings of following a topic: timelines and profiles (the 0.5 s target), saved-search checks, exports.

    python benchmarks/follow.py [--index-dir index_data] [--repeat 5]

On an index of the seeds (`vraagbaak index` first). Each case is timed in-process on an open
`Searcher`, both ways it is opened: `preload=False`, as a one-shot `vraagbaak` command opens it
(the first call of each case in a fresh searcher, so its caches are cold), and `preload=True`, as
the web server keeps it (median and maximum of --repeat calls after one warm-up). Then the whole
`vraagbaak timeline` and `vraagbaak profile` processes, start-up included (median of --repeat).
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import SavedSearches, Searcher, export_rows, profile_of, timeline_of  # noqa: E402

TIMELINES: list[tuple[str, dict[str, Any]]] = [
    ("fietsen", {}),
    ("gevangenis", {"by": "quarter"}),
    ("trein OR bus OR tram", {}),
    ("onderwijs", {"by": "year"}),
    ("", {"date_from": "2017"}),  # every 2017 question: the largest timeline of the seeds
    ("", {"minister": "justitie", "by": "month"}),
]
TOP_PEOPLE = 5
"""Profiles of the seeds' most frequent questioners and ministers (the largest profiles)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", default=str(ROOT / "index_data"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with Searcher(args.index_dir, preload=False) as searcher:
        facets = searcher.search("", date_from="2000", facets=True, limit=1).facets or {}
    questioners = list(facets["questioner"])[:TOP_PEOPLE]
    ministers = list(facets["minister"])[:TOP_PEOPLE]
    cases: list[tuple[str, str, Callable[[Searcher], Any]]] = []
    for query, options in TIMELINES:
        shown = " ".join([repr(query)] + [f"{key}={value}" for key, value in options.items()])
        cases.append(("timeline", shown, lambda s, q=query, o=options: timeline_of(s, q, **o)))
    for name in questioners:
        cases.append(("profile", f"questioner={name}", lambda s, n=name: profile_of(s, questioner=n)))
    for name in ministers:
        cases.append(("profile", f"minister={name[:60]}", lambda s, n=name: profile_of(s, minister=n)))
    cases.append(("export", "every 2017 question, CSV rows", lambda s: sum(1 for _ in export_rows(s, "", date_from="2017"))))

    print(f"In-process, {args.repeat} calls after a warm-up (seconds)\n")
    print("| what | case | cold, preload=False | median, preload=True | max, preload=True | size |")
    print("|---|---|---:|---:|---:|---|")
    for kind, shown, run in cases:
        with Searcher(args.index_dir, preload=False) as cold_searcher:
            cold, result = _timed(run, cold_searcher)
        with Searcher(args.index_dir, preload=True) as warm_searcher:
            run(warm_searcher)
            warm = [_timed(run, warm_searcher)[0] for _ in range(args.repeat)]
        print(f"| {kind} | {shown} | {cold:.3f} | {statistics.median(warm):.3f} | {max(warm):.3f} | {_size(result)} |")

    print(f"\nSaved searches: a sync and the new counts of {len(TIMELINES)} saved searches after a rebuild-like change "
          "of generation (seconds)\n")
    _saved_searches(Path(args.index_dir))

    print(f"\nWhole processes, start-up included (median of {args.repeat}, seconds)\n")
    print("| command | s |")
    print("|---|---:|")
    commands = [["timeline", "gevangenis"], ["timeline", "--from", "2017"], ["profile", "--van", questioners[0]],
                ["profile", "--minister", ministers[0]]]
    for command in commands:
        full = [str(Path(sys.executable).parent / "vraagbaak"), *command, "--index-dir", args.index_dir]
        seconds = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(full, check=True, capture_output=True, cwd=ROOT)
            seconds.append(time.perf_counter() - start)
        print(f"| vraagbaak {' '.join(command)} | {statistics.median(seconds):.2f} |")


def _saved_searches(index_dir: Path) -> None:
    """The cost `vraagbaak index` adds: fingerprinting every document once per new generation."""
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "ix"
        shutil.copytree(index_dir, copy, ignore=shutil.ignore_patterns("saved_searches.json", ".*lock"))
        saved = SavedSearches(copy)
        with Searcher(copy, preload=False) as searcher:
            start = time.perf_counter()
            for number, (query, options) in enumerate(TIMELINES):
                saved.add(searcher, f"s{number}", query, **{k: v for k, v in options.items() if k != "by"})
            first = time.perf_counter() - start
            # A new generation name makes the next check fingerprint every document again, as after a build.
            (copy / "saved_searches.json").write_text(
                (copy / "saved_searches.json").read_text(encoding="utf-8").replace('"generation":"', '"generation":"x'),
                encoding="utf-8")
            start = time.perf_counter()
            saved.new_counts(searcher)
            after_build = time.perf_counter() - start
            start = time.perf_counter()
            saved.new_counts(searcher)
            unchanged = time.perf_counter() - start
    print("| step | s |")
    print("|---|---:|")
    print(f"| add {len(TIMELINES)} saved searches (the first fingerprints every document) | {first:.3f} |")
    print(f"| new counts after a new generation (fingerprints every document) | {after_build:.3f} |")
    print(f"| new counts, same generation | {unchanged:.3f} |")


def _timed(run: Callable[[Searcher], Any], searcher: Searcher) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run(searcher)
    return time.perf_counter() - start, result


def _size(result: Any) -> str:
    if isinstance(result, int):
        return f"{result:,} rows"
    if hasattr(result, "periods"):
        return f"{result.total:,} matches, {len(result.periods)} {result.by}s"
    return f"{result.total:,} questions, {result.documents:,} documents"


if __name__ == "__main__":
    main()
