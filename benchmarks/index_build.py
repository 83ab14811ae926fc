"""Index build benchmark: full build vs no-op re-index vs adding 1% new documents, on the seeds.

    python benchmarks/index_build.py [--seeds seeds] [--repeat 3]

Prints a Markdown table of median wall-clock seconds and each figure as a fraction of the full
build measured in the same run (the machines are shared and noisy: compare ratios, not seconds).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from indexer import build_index


def _add_new_documents(corpus: Path, fraction: float, round_: int) -> int:
    """Copy `fraction` of the seeds under new names (new ids) with a distinguishing line."""
    seeds = sorted(corpus.rglob("*.txt"))
    count = max(1, int(len(seeds) * fraction))
    target = corpus / f"new-{round_}"
    target.mkdir()
    for n, seed in enumerate(seeds[:count]):
        text = seed.read_text(encoding="utf-8")
        (target / f"new-{n:05d}.txt").write_text(text + f"\nAanvulling {round_}-{n}.\n", encoding="utf-8")
    return count


def measure(seeds: Path, repeat: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"full build": [], "no-op re-index": [], "add 1% new documents": []}
    for round_ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "seeds"
            shutil.copytree(seeds, corpus)
            index_dir = Path(tmp) / "index"
            for label, prepare in (
                ("full build", lambda: None),
                ("no-op re-index", lambda: None),
                ("add 1% new documents", lambda: _add_new_documents(corpus, 0.01, round_)),
            ):
                prepare()
                started = time.perf_counter()
                report = build_index([corpus], index_dir)
                timings[label].append(time.perf_counter() - started)
                print(f"round {round_ + 1}: {label}: {timings[label][-1]:.2f} s "
                      f"({report.added} added, {report.unchanged} unchanged)", flush=True)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    timings = measure(args.seeds, args.repeat)
    full = statistics.median(timings["full build"])
    print(f"\n{sum(1 for _ in args.seeds.rglob('*.txt')):,} seed files, median of {args.repeat} runs\n")
    print("| step | median s | vs full build |")
    print("|---|---:|---:|")
    for label, values in timings.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.2f} | {median / full:.3f} |")


if __name__ == "__main__":
    main()
