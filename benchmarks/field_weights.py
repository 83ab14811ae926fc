"""Field-weight benchmark: measures which field weights and BM25F parameters rank best.

Relevance labels are the Chamber seeds' `trefwoorden:` descriptors (human-assigned, not indexed):
each sampled descriptor is a query, and the documents tagged with it are its relevant documents.
A coordinate search starts from the defaults in search/query.py and search/searcher.py and keeps,
one knob at a time, the value with the best nDCG@10 (a tie keeps the current value).

    python benchmarks/field_weights.py [--index-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from search import QuerySyntaxError, Searcher, parse_query
from search.query import FIELD_WEIGHTS
from search.searcher import BM25_B, BM25_K1

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
RESULTS = ROOT / "benchmarks" / "results" / "field_weights.json"
MIN_DOCS, MAX_DOCS, TOPIC_COUNT, SAMPLE_SEED = 3, 50, 150, 42
METADATA = ("theme", "questioner", "minister_name")  # tuned together, as "meta"
STEPS = [
    ("title", [1.0, 2.0, 3.0, 5.0]),
    ("question", [1.0, 1.5, 2.0, 3.0]),
    ("meta", [0.0, 0.5, 1.0, 2.0]),
    ("b", [0.3, 0.5, 0.75, 0.9]),
    ("k1", [0.8, 1.2, 1.6, 2.0]),
]
METRICS = ("nDCG@10", "MRR@10", "P@10", "R@100")

Setting = dict[str, float]
Topic = tuple[str, frozenset[str]]


def descriptors(seeds: Path) -> dict[str, set[str]]:
    """Each `trefwoorden:` descriptor of the Chamber seeds → the ids of the documents tagged with it."""
    tagged: dict[str, set[str]] = defaultdict(set)
    for path in sorted((seeds / "kamer-2017").glob("*.txt")):
        doc_id = path.relative_to(seeds).with_suffix("").as_posix()
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip() == "SCHRIFTELIJKE VRAAG":
                    break
                key, _, value = line.partition(":")
                if key.strip() == "trefwoorden":
                    for descriptor in filter(None, (d.strip() for d in value.split(","))):
                        tagged[descriptor].add(doc_id)
    return tagged


def searchable(text: str) -> bool:
    """Whether `text` is a valid query with words to rank by (not only stop words)."""
    try:
        return parse_query(text).scored
    except QuerySyntaxError:
        return False


def sample_topics(seeds: Path) -> list[Topic]:
    """The fixed, seeded sample of (query, relevant ids) topics."""
    tagged = descriptors(seeds)
    candidates = sorted(d for d, ids in tagged.items() if MIN_DOCS <= len(ids) <= MAX_DOCS and searchable(d))
    chosen = random.Random(SAMPLE_SEED).sample(candidates, min(TOPIC_COUNT, len(candidates)))
    return [(d, frozenset(tagged[d])) for d in chosen]


def topic_scores(ranked: list[str], relevant: frozenset[str]) -> tuple[float, ...]:
    """nDCG@10 (binary gains), reciprocal rank within 10, P@10 and Recall@100 of one ranking."""
    gains = [doc in relevant for doc in ranked[:10]]
    dcg = sum(1 / math.log2(rank + 2) for rank, gain in enumerate(gains) if gain)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), 10)))
    reciprocal = next((1 / (rank + 1) for rank, gain in enumerate(gains) if gain), 0.0)
    return dcg / ideal, reciprocal, sum(gains) / 10, len(relevant.intersection(ranked[:100])) / len(relevant)


def field_weights(setting: Setting) -> dict[str, float]:
    """The Searcher's field weights for `setting`; answer and number keep their defaults."""
    return {**FIELD_WEIGHTS, "title": setting["title"], "question": setting["question"],
            **{name: setting["meta"] for name in METADATA}}


def run_topics(index_dir: str, setting: Setting, topics: list[Topic]) -> list[tuple[float, ...]]:
    """Per-topic scores of `topics` searched (top 100) with `setting`."""
    with Searcher(index_dir, field_weights=field_weights(setting),
                  bm25_b=setting["b"], bm25_k1=setting["k1"]) as searcher:
        return [topic_scores([hit.id for hit in searcher.search(query, limit=100).hits], relevant)
                for query, relevant in topics]


def evaluate(pool: ProcessPoolExecutor, workers: int, index_dir: str,
             settings: list[Setting], topics: list[Topic]) -> list[dict[str, float]]:
    """Mean metrics of each setting; every setting's topics are split over the workers."""
    shards = [topics[i::workers] for i in range(workers)]
    futures = [[pool.submit(run_topics, index_dir, s, shard) for shard in shards] for s in settings]
    means = []
    for setting_futures in futures:
        scores = [row for future in setting_futures for row in future.result()]
        means.append({name: sum(col) / len(scores) for name, col in zip(METRICS, zip(*scores))})
    return means


def describe(setting: Setting) -> str:
    """A setting as `title=3 question=1.5 ...`; also its key in the measurements."""
    return " ".join(f"{knob}={value:g}" for knob, value in setting.items())


def table(rows: list[tuple[str, dict[str, float]]]) -> str:
    """A Markdown table of (setting, metrics) rows."""
    lines = ["| setting | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(f"{m[name]:.4f}" for name in METRICS) + " |" for label, m in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", default=str(ROOT / "index_data"),
                        help="index to search (default: %(default)s)")
    args = parser.parse_args()
    started = time.perf_counter()
    topics = sample_topics(SEEDS)
    with Searcher(args.index_dir) as searcher:  # fail fast on an index without the judged documents
        for doc_id in sorted(set().union(*(relevant for _, relevant in topics))):
            searcher.document(doc_id)
    print(f"{len(topics)} topics, {sum(len(r) for _, r in topics)} judged documents, index {args.index_dir}\n")

    defaults: Setting = {"title": FIELD_WEIGHTS["title"], "question": FIELD_WEIGHTS["question"],
                         "meta": FIELD_WEIGHTS["theme"], "b": BM25_B, "k1": BM25_K1}
    current, steps = dict(defaults), []
    measured: dict[str, dict[str, float]] = {}
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers) as pool:
        for knob, grid in STEPS:
            candidates = [{**current, knob: value} for value in sorted({*grid, current[knob]})]
            new = [s for s in candidates if describe(s) not in measured]
            measured.update(zip(map(describe, new), evaluate(pool, workers, args.index_dir, new, topics)))
            ndcg = {describe(s): round(measured[describe(s)]["nDCG@10"], 4) for s in candidates}
            # Only a gain visible at the printed precision replaces the current value.
            best = max(candidates, key=lambda s: (ndcg[describe(s)], s == current))
            current = best
            rows = [(f"{knob}={s[knob]:g}" + (" (kept)" if s == best else ""), measured[describe(s)])
                    for s in candidates]
            steps.append({"knob": knob, "kept": best[knob], "rows": [{"setting": label, **m} for label, m in rows]})
            print(f"### {knob}\n\n{table(rows)}\n")

    final = [(f"defaults: {describe(defaults)}", measured[describe(defaults)]),
             (f"best: {describe(current)}", measured[describe(current)])]
    print(f"### defaults vs best\n\n{table(final)}\n")
    print(f"FIELD_WEIGHTS = {field_weights(current)}\nBM25_B = {current['b']:g}\nBM25_K1 = {current['k1']:g}")
    elapsed = time.perf_counter() - started
    print(f"\n{len(measured)} settings × {len(topics)} topics in {elapsed:.0f} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "topics": len(topics), "seconds": round(elapsed),
        "defaults": {"setting": defaults, **measured[describe(defaults)]},
        "best": {"setting": current, **measured[describe(current)]},
        "recommended": {"FIELD_WEIGHTS": field_weights(current),
                        "BM25_B": current["b"], "BM25_K1": current["k1"]},
        "steps": steps,
    }, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
