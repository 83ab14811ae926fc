"""Relevance benchmark runner: ranks the judged queries with Vraagbaak and two baselines and scores them.

Reads `queries.jsonl` and the graded judgments `qrels.jsonl` beside this file, indexes the Chamber
seeds of 2017 (`seeds/kamer-2017`) with Vraagbaak (through `indexer.build_index` and
`search.Searcher` only) and with the baselines of `baselines.py`, runs every query and prints a
Markdown table of MRR@10, nDCG@10, P@10 and Recall@100, overall and per query kind. Unjudged
documents count as non-relevant.

    python benchmarks/relevance/run.py [--index-dir DIR] [--json OUT] [--per-query] [--seeds DIR]

`--index-dir DIR` keeps the three indexes in DIR (subfolders `vraagbaak/`, `whoosh/`, `fts5/`) and
reuses them on the next run; without it they are built in a temporary folder. `--seeds DIR` ranks
other documents (tests/test_benchmarks.py runs the script on a few, so that it cannot rot).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from baselines import Fts5Baseline, WhooshBaseline
from indexer import Document, build_index
from indexer.sources import discover, read_source
from search import Searcher

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEEDS = ROOT / "seeds" / "kamer-2017"
DEPTH = 100
"""Documents retrieved per query: enough for Recall@100."""
METRICS = ("MRR@10", "nDCG@10", "P@10", "R@100")
KINDS = ("topic", "known-item", "compound")

Ranker = Callable[[str, int], list[str]]
Qrels = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Query:
    """One benchmark query: its id, text, kind and the information need it stands for."""

    id: str
    text: str
    kind: str
    note: str


def load_queries(path: Path) -> list[Query]:
    """The queries of `queries.jsonl`, in file order."""
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return [Query(r["id"], r["query"], r["kind"], r["note"]) for r in records]


def load_qrels(path: Path) -> Qrels:
    """Query id → {document id: grade} from `qrels.jsonl`."""
    qrels: Qrels = {}
    with path.open(encoding="utf-8") as lines:
        for line in filter(str.strip, lines):
            record = json.loads(line)
            qrels.setdefault(record["query"], {})[record["doc"]] = int(record["grade"])
    return qrels


def corpus(source: Path = SEEDS) -> list[Document]:
    """The documents of `source`, parsed with Vraagbaak's own parser (ids are the file stems)."""
    files, _ = discover([source])
    return [document for file in files for document in read_source(file)[0]]


def vraagbaak(folder: Path, seeds: Path = SEEDS) -> Ranker:
    """Index the seeds with Vraagbaak in `folder` (an up-to-date index is reused) and rank with it.

    Vraagbaak shows a question sent to several ministers once, listing the other copies with the
    hit (`Hit.also_asked`); the copies are ranked right after their hit, so every judged document
    can be found.
    """
    build_index([seeds], folder)
    searcher = Searcher(folder)

    def rank(query: str, k: int) -> list[str]:
        hits = searcher.search(query, limit=k).hits
        return [doc for hit in hits for doc in (hit.id, *(copy for copy, _ in hit.also_asked))][:k]

    return rank


def baseline(engine: WhooshBaseline | Fts5Baseline, documents: list[Document], folder: Path) -> Ranker:
    """Open the baseline's index in `folder`, (re)building it unless it holds exactly `documents`."""
    if engine.open(folder) != len(documents):
        engine.build(documents, folder)
    return engine.search


def systems(documents: list[Document], folder: Path, seeds: Path = SEEDS) -> dict[str, Ranker]:
    """Vraagbaak and the baselines over `documents` (read from `seeds`), each with its index in a
    subfolder of `folder`."""
    started = time.monotonic()
    rankers = {
        "Vraagbaak": vraagbaak(folder / "vraagbaak", seeds),
        "Whoosh StemmingAnalyzer": baseline(WhooshBaseline(), documents, folder / "whoosh"),
        "SQLite FTS5": baseline(Fts5Baseline(), documents, folder / "fts5"),
    }
    print(f"Indexes ready in {folder} ({time.monotonic() - started:.0f} s).", file=sys.stderr)
    return rankers


def scores(ranking: list[str], judged: dict[str, int]) -> dict[str, float]:
    """MRR@10, nDCG@10 (gains 0/1/2, log2 discount, ideal from all judgments), P@10, R@100."""
    gains = [judged.get(doc, 0) for doc in ranking]
    relevant = sum(1 for grade in judged.values() if grade > 0)
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    first = next((i for i, g in enumerate(gains[:10]) if g > 0), None)
    return {
        "MRR@10": 0.0 if first is None else 1 / (first + 1),
        "nDCG@10": dcg / idcg if idcg else 0.0,
        "P@10": sum(1 for g in gains[:10] if g > 0) / 10,
        "R@100": sum(1 for g in gains[:100] if g > 0) / relevant if relevant else 0.0,
    }


def mean(rows: Iterable[dict[str, float]]) -> dict[str, float]:
    """The per-metric mean of `rows`."""
    rows = list(rows)
    return {m: sum(r[m] for r in rows) / len(rows) for m in METRICS}


def evaluate(rankers: dict[str, Ranker], queries: list[Query], qrels: Qrels) -> dict[str, dict[str, dict]]:
    """System → query id → {"ranking": ids, "scores": metrics}."""
    results: dict[str, dict[str, dict]] = {}
    for name, rank in rankers.items():
        results[name] = {}
        for query in queries:
            ranking = rank(query.text, DEPTH)
            results[name][query.id] = {"ranking": ranking, "scores": scores(ranking, qrels.get(query.id, {}))}
    return results


def summary(results: dict[str, dict[str, dict]], queries: list[Query]) -> dict[str, dict[str, dict[str, float]]]:
    """System → "all" or a kind → mean metrics."""
    groups = {"all": queries} | {kind: [q for q in queries if q.kind == kind] for kind in KINDS}
    return {
        name: {group: mean(per_query[q.id]["scores"] for q in members) for group, members in groups.items() if members}
        for name, per_query in results.items()
    }


def table(means: dict[str, dict[str, dict[str, float]]], queries: list[Query]) -> str:
    """The Markdown table of mean metrics per system, overall and per kind."""
    counts = {"all": len(queries)} | {kind: sum(q.kind == kind for q in queries) for kind in KINDS}
    lines = ["| queries | system | " + " | ".join(METRICS) + " |", "|---|---|" + "---:|" * len(METRICS)]
    for group in ("all",) + KINDS:
        for name, groups in means.items():
            if group in groups:
                cells = " | ".join(f"{groups[group][m]:.3f}" for m in METRICS)
                lines.append(f"| {group} ({counts[group]}) | {name} | {cells} |")
    return "\n".join(lines)


def per_query_table(results: dict[str, dict[str, dict]], queries: list[Query]) -> str:
    """The Markdown table of nDCG@10 per query and system."""
    names = list(results)
    lines = ["| id | kind | query | " + " | ".join(names) + " |", "|---|---|---|" + "---:|" * len(names)]
    for q in queries:
        cells = " | ".join(f"{results[n][q.id]['scores']['nDCG@10']:.3f}" for n in names)
        lines.append(f"| {q.id} | {q.kind} | {q.text} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, build or reuse the indexes, run the queries and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="keep (and reuse) the three indexes in this folder")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write metrics and rankings to OUT")
    parser.add_argument("--per-query", action="store_true", help="also print nDCG@10 per query and system")
    parser.add_argument("--seeds", type=Path, default=SEEDS,
                        help="the documents to rank (default: the seeds the judgments are for; others only to try the script)")
    args = parser.parse_args()

    queries = load_queries(HERE / "queries.jsonl")
    qrels = load_qrels(HERE / "qrels.jsonl")
    documents = corpus(args.seeds)
    with tempfile.TemporaryDirectory(prefix="relevance-") as scratch:
        folder = args.index_dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = evaluate(systems(documents, folder, args.seeds), queries, qrels)
    means = summary(results, queries)

    print(f"{len(queries)} queries, {sum(map(len, qrels.values()))} judgments, {len(documents)} documents.\n")
    print(table(means, queries))
    if args.per_query:
        print("\nnDCG@10 per query:\n")
        print(per_query_table(results, queries))
    if args.json:
        args.json.write_text(json.dumps({"summary": means, "queries": results}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
