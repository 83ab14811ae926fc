"""Speed benchmark: Vraagbaak against plain Whoosh, SQLite FTS5 and Tantivy — build, queries, cold start.

    python benchmarks/speed.py [--scales 1 10] [--repeat 2] [--queries 200] [--rounds 3] [--runs 5]
                               [--json OUT] [--work DIR [--reuse]]

For each corpus scale (1 = the seeds, 10 = ten copies with unique ids, 40 = ~150,000 documents:
run on demand, it takes long) every engine builds its index in a fresh process (wall and CPU
seconds, documents/s, peak memory, index size), then answers a fixed, seeded set of 1–3-word
queries drawn from the corpus vocabulary for the top 10 hits with stored fields, and again with
highlighted passages. Engines run interleaved (A B A B) and figures are medians over the rounds;
ratios are against plain Whoosh measured in the same run, since the machine is shared and noisy.

Then, in `--rounds` rounds, the console commands as a user runs them, each a whole process: `vraagbaak
index` from scratch and cold `vraagbaak search`, against the minimal plain-Whoosh script
benchmarks/plain_whoosh.py on the seeds, in turn (`--scales` without a value times only these).
Prints Markdown tables and writes JSON (default benchmarks/results/speed.json).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

sys.path.insert(0, str(Path(__file__).parent / "relevance"))

from baselines import Fts5Baseline, WhooshBaseline, body  # noqa: E402

from indexer import build_index  # noqa: E402
from indexer.analysis import STOP_WORDS  # noqa: E402
from indexer.document import Document  # noqa: E402
from indexer.parse import parse_record  # noqa: E402
from indexer.sources import discover, read_source  # noqa: E402
from search import Searcher  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ENGINE_NAMES = ("vraagbaak", "whoosh", "fts5", "tantivy")


# --- the engines -----------------------------------------------------------------------------------

class VraagbaakEngine:
    """The real thing: `indexer.build_index` and `search.Searcher`, full Dutch chain and schema."""

    def build(self, corpus: Path, folder: Path) -> None:
        build_index([corpus], folder, rebuild=True)

    def open(self, folder: Path) -> None:
        self.searcher = Searcher(folder)

    def search(self, query: str, highlight: bool) -> int:
        return len(self.searcher.search(query, limit=10, highlight=highlight).hits)


class WhooshEngine(WhooshBaseline):
    """Plain Whoosh: StemmingAnalyzer with the Dutch stemmer, one stored TEXT field, default BM25F."""

    @staticmethod
    def schema() -> Any:
        schema = WhooshBaseline.schema()
        schema["body"].stored = True
        return schema

    def build(self, corpus: Path, folder: Path) -> None:  # type: ignore[override]
        super().build(read_corpus(corpus), folder)

    def open(self, folder: Path) -> None:  # type: ignore[override]
        from whoosh.qparser import OrGroup, QueryParser

        super().open(folder)
        self.whoosh_searcher = self._index.searcher()  # type: ignore[union-attr]
        self.parser = QueryParser("body", self._index.schema, group=OrGroup)  # type: ignore[union-attr]

    def search(self, query: str, highlight: bool) -> int:  # type: ignore[override]
        hits = self.whoosh_searcher.search(self.parser.parse(query), limit=10)
        for hit in hits:
            hit.fields()
            if highlight:
                hit.highlights("body", top=3)
        return len(hits)


class Fts5Engine(Fts5Baseline):
    """SQLite FTS5, `unicode61 remove_diacritics 2`, bm25(); snippet() for highlighting."""

    def build(self, corpus: Path, folder: Path) -> None:  # type: ignore[override]
        super().build(read_corpus(corpus), folder)

    def search(self, query: str, highlight: bool) -> int:  # type: ignore[override]
        match = " OR ".join('"' + word.replace('"', '""') + '"' for word in query.split())
        columns = "id, body, snippet(docs, 1, '[', ']', '…', 24)" if highlight else "id, body"
        rows = self._db.execute(  # type: ignore[union-attr]
            f"SELECT {columns} FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10", (match,)
        ).fetchall()
        return len(rows)


class TantivyEngine:
    """Tantivy (tantivy-py): a Dutch-stemming text analyzer, BM25, SnippetGenerator for highlighting."""

    def _analyzer(self) -> Any:
        import tantivy

        return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
                .filter(tantivy.Filter.stemmer("dutch")).build())

    def _schema(self) -> Any:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("body", stored=True, tokenizer_name="dutch")
        return builder.build()

    def build(self, corpus: Path, folder: Path) -> None:
        import tantivy

        folder.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self._schema(), path=str(folder))
        index.register_tokenizer("dutch", self._analyzer())
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        for document in read_corpus(corpus):
            writer.add_document(tantivy.Document(id=document.id, body=body(document)))
        writer.commit()
        writer.wait_merging_threads()

    def open(self, folder: Path) -> None:
        import tantivy

        self.index = tantivy.Index(self._schema(), path=str(folder))
        self.index.register_tokenizer("dutch", self._analyzer())
        self.index.reload()
        self.searcher = self.index.searcher()
        self.tantivy = tantivy

    def search(self, query: str, highlight: bool) -> int:
        parsed = self.index.parse_query(" ".join(re.findall(r"\w+", query)) or "x", ["body"])
        result = self.searcher.search(parsed, 10)
        snippets = self.tantivy.SnippetGenerator.create(self.searcher, parsed, self._schema(), "body") if highlight else None
        for _, address in result.hits:
            document = self.searcher.doc(address)
            if snippets is not None:
                snippets.snippet_from_doc(document).to_html()
        return len(result.hits)


def engine(name: str) -> Any:
    return {"vraagbaak": VraagbaakEngine, "whoosh": WhooshEngine, "fts5": Fts5Engine, "tantivy": TantivyEngine}[name]()


# --- the corpus and the queries ---------------------------------------------------------------------

def read_corpus(corpus: Path) -> Iterator[Document]:
    with open(corpus, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            yield parse_record(json.loads(line), source=f"{corpus.name}:{number}")


def write_corpus(seeds: Path, scale: int, target: Path) -> int:
    """The seeds as JSON Lines, `scale` times over with unique ids; returns the document count."""
    documents = [doc for source in discover([seeds])[0] for doc in read_source(source)[0]]
    partial = target.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for copy in range(scale):
            for doc in documents:
                record = {"id": f"{doc.id}#{copy}", "title": doc.title, "theme": doc.theme,
                          "questioner": doc.questioner, "minister": doc.minister, "office": doc.office,
                          "date": doc.date.isoformat() if doc.date else None, "number": doc.number,
                          "question": doc.question, "answer": doc.answer}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(target)  # a build still reading an earlier copy keeps reading that one
    return len(documents) * scale


def make_queries(corpus: Path, count: int, seed: int = 42) -> list[str]:
    """`count` queries of 1–3 words drawn from the corpus vocabulary (words seen 5 to 500 times)."""
    frequency: dict[str, int] = {}
    for document in read_corpus(corpus):
        for word in re.findall(r"[^\W\d_]{4,}", body(document).lower()):
            frequency[word] = frequency.get(word, 0) + 1
    vocabulary = sorted(w for w, n in frequency.items() if 5 <= n <= 500 and w not in STOP_WORDS)
    rng = random.Random(seed)
    return [" ".join(rng.sample(vocabulary, rng.randint(1, 3))) for _ in range(count)]


# --- measuring ---------------------------------------------------------------------------------------

def build_in_subprocess(name: str, corpus: Path, folder: Path) -> dict[str, float]:
    """Build in a fresh process, so peak memory and CPU time are the build's own.

    Peak memory comes from /usr/bin/time when it is there: a child forked from this (large) process
    would otherwise inherit its peak, since Linux keeps ru_maxrss across exec.
    """
    shutil.rmtree(folder, ignore_errors=True)
    command = [sys.executable, __file__, "_build", name, str(corpus), str(folder)]
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if timer:
        command = [timer, "-f", "MAXRSS_KB %M", *command]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    peaks = re.findall(r"MAXRSS_KB (\d+)", done.stderr)
    if peaks:
        figures["peak_mb"] = int(peaks[-1]) / 1024
    return figures


def _build_here(name: str, corpus: str, folder: str) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    engine(name).build(Path(corpus), Path(folder))
    # Vraagbaak's second indexing process (a child, joined by now) counts too.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu + children.ru_utime + children.ru_stime,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": children.ru_maxrss / 1024,
        "index_mb": sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 1e6,
    }))


def latencies(searcher: Any, queries: list[str], highlight: bool) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        searcher.search(query, highlight)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"mean": statistics.fmean(ordered), "p50": ordered[len(ordered) // 2],
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}


PLAIN_SCRIPT = REPO / "benchmarks" / "plain_whoosh.py"
COLD_QUERIES = ("kinderopvang subsidie", "leerkrachten digitale competenties", "fietsen ongevallen",
                "trein vertraging")


def timed_process(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, its children included) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_commands(seeds: Path, work: Path, rounds: int, runs: int) -> dict[str, Any]:
    """The console commands as a user runs them against benchmarks/plain_whoosh.py, interleaved.

    Each round builds both indexes from scratch (`vraagbaak index` into an empty folder, the plain
    script's `index`), in turn, the order swapped every round; then runs each of COLD_QUERIES
    `runs` times as a whole `vraagbaak search` process and as the plain script's `search`, in turn.
    """
    # Byte-compiled first, as an installed package is (pip compiles it, like Whoosh's own modules):
    # an editable install under PYTHONDONTWRITEBYTECODE would otherwise recompile it every run.
    for package in ("indexer", "search", "benchmarks"):
        compileall.compile_dir(str(REPO / package), quiet=1)
    # The command installed next to this Python (the venv's), even when the venv is not activated.
    script = Path(sys.executable).with_name("vraagbaak")
    vraagbaak = str(script) if script.exists() else shutil.which("vraagbaak") or "vraagbaak"
    ours, plain = work / "commands-vraagbaak", work / "commands-plain"
    builds = {
        "vraagbaak": [vraagbaak, "index", str(seeds), "--index-dir", str(ours)],
        "whoosh": [sys.executable, str(PLAIN_SCRIPT), "index", str(seeds), str(plain)],
    }
    documents = len(discover([seeds])[0])
    result: dict[str, Any] = {"documents": documents, "queries": list(COLD_QUERIES), "runs": runs, "rounds": []}
    for round_ in range(rounds):
        order = ["vraagbaak", "whoosh"] if round_ % 2 == 0 else ["whoosh", "vraagbaak"]
        build: dict[str, tuple[float, float]] = {}
        for name in order:
            shutil.rmtree(ours if name == "vraagbaak" else plain, ignore_errors=True)
            build[name] = timed_process(builds[name])
        searches: dict[str, list[tuple[float, float]]] = {"vraagbaak": [], "whoosh": []}
        for run in range(runs):
            for query in COLD_QUERIES:
                commands = {
                    "vraagbaak": [vraagbaak, "search", *query.split(), "--index-dir", str(ours)],
                    "whoosh": [sys.executable, str(PLAIN_SCRIPT), "search", str(plain), *query.split()],
                }
                for name in (order if run % 2 == 0 else order[::-1]):
                    searches[name].append(timed_process(commands[name]))
        figures = {
            "build_s": {name: build[name][0] for name in build},
            "build_cpu_s": {name: build[name][1] for name in build},
            "search_s": {name: statistics.median(w for w, _ in t) for name, t in searches.items()},
            "search_cpu_s": {name: statistics.median(c for _, c in t) for name, t in searches.items()},
        }
        figures["build_ratio"] = figures["build_s"]["whoosh"] / figures["build_s"]["vraagbaak"]
        figures["search_ratio"] = figures["search_s"]["vraagbaak"] / figures["search_s"]["whoosh"]
        result["rounds"].append(figures)
        print(f"commands round {round_ + 1}: index {build['vraagbaak'][0]:.1f} s against {build['whoosh'][0]:.1f} s "
              f"({figures['build_ratio']:.2f}x the documents/s); search {figures['search_s']['vraagbaak']:.3f} s "
              f"against {figures['search_s']['whoosh']:.3f} s ({figures['search_ratio']:.2f}x)", flush=True)
    return result


def run_scale(scale: int, seeds: Path, work: Path, names: Iterable[str], repeat: int, query_count: int,
              reuse: bool = False) -> dict[str, Any]:
    corpus = work / f"corpus-{scale}.jsonl"
    if reuse and corpus.exists():
        with open(corpus, "rb") as lines:
            documents = sum(1 for _ in lines)
    else:
        documents = write_corpus(seeds, scale, corpus)
    queries = make_queries(corpus, query_count)
    names = list(names)
    builds: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    queries_plain: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    queries_marked: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for round_ in range(repeat):
        for name in names:  # interleaved: A B A B
            folder = work / f"{name}-{scale}"
            figures = folder.with_suffix(".build.json")
            if reuse and figures.exists():
                # An earlier run's index and build figures (--work DIR --reuse), in every round: the
                # large scales take long enough to build that query timing is worth repeating alone.
                builds[name].append(json.loads(figures.read_text()))
            else:
                builds[name].append(build_in_subprocess(name, corpus, folder))
                figures.write_text(json.dumps(builds[name][-1]))
            searcher = engine(name)
            searcher.open(folder)
            latencies(searcher, queries[:20], True)  # warm up caches and the lexicon
            queries_plain[name].append(summary(latencies(searcher, queries, False)))
            queries_marked[name].append(summary(latencies(searcher, queries, True)))
            print(f"scale {scale} round {round_ + 1} {name}: build {builds[name][-1]['wall']:.1f} s, "
                  f"p95 {queries_plain[name][-1]['p95']:.1f} / {queries_marked[name][-1]['p95']:.1f} ms", flush=True)
    result: dict[str, Any] = {"scale": scale, "documents": documents, "queries": len(queries), "engines": {}}
    for name in names:
        median = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
        result["engines"][name] = {
            "build": {key: median(builds[name], key) for key in builds[name][0]},
            "query": {key: median(queries_plain[name], key) for key in ("mean", "p50", "p95")},
            "query_highlighted": {key: median(queries_marked[name], key) for key in ("mean", "p50", "p95")},
        }
        result["engines"][name]["build"]["docs_per_s"] = documents / result["engines"][name]["build"]["wall"]
    return result


def markdown(result: dict[str, Any]) -> str:
    engines = result["engines"]
    base = engines.get("whoosh")
    lines = [
        f"### {result['documents']:,} documents (scale {result['scale']}), {result['queries']} queries",
        "",
        "| engine | build s | CPU s | docs/s | × whoosh | peak MB | index MB | top-10 mean / p50 / p95 ms | p95 × whoosh | with highlights mean / p50 / p95 ms | p95 × whoosh |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e in engines.items():
        b, q, h = e["build"], e["query"], e["query_highlighted"]
        ratio = lambda value, ref: f"{value / ref:.2f}" if base else "-"  # noqa: E731
        lines.append(
            f"| {name} | {b['wall']:.1f} | {b['cpu']:.1f} | {b['docs_per_s']:,.0f} | "
            f"{ratio(b['docs_per_s'], base['build']['docs_per_s']) if base else '-'} | {b['peak_mb']:.0f}"
            f"{f' (+{worker:.0f})' if (worker := b.get('worker_peak_mb', 0)) >= 1 else ''} | "
            f"{b['index_mb']:.1f} | {q['mean']:.1f} / {q['p50']:.1f} / {q['p95']:.1f} | "
            f"{ratio(q['p95'], base['query']['p95']) if base else '-'} | "
            f"{h['mean']:.1f} / {h['p50']:.1f} / {h['p95']:.1f} | "
            f"{ratio(h['p95'], base['query_highlighted']['p95']) if base else '-'} |"
        )
    return "\n".join(lines)


def markdown_commands(result: dict[str, Any]) -> str:
    lines = [
        f"### The commands as whole processes against benchmarks/plain_whoosh.py ({result['documents']:,} seed files; "
        f"search: median of {result['runs']} runs of each of {len(result['queries'])} queries)",
        "",
        "| round | `vraagbaak index` s (CPU s) | plain index s (CPU s) | documents/s × plain "
        "| `vraagbaak search` s (CPU s) | plain search s (CPU s) | search × plain |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for number, r in enumerate(result["rounds"], start=1):
        lines.append(
            f"| {number} | {r['build_s']['vraagbaak']:.1f} ({r['build_cpu_s']['vraagbaak']:.1f}) | "
            f"{r['build_s']['whoosh']:.1f} ({r['build_cpu_s']['whoosh']:.1f}) | **{r['build_ratio']:.2f}** | "
            f"{r['search_s']['vraagbaak']:.3f} ({r['search_cpu_s']['vraagbaak']:.3f}) | "
            f"{r['search_s']['whoosh']:.3f} ({r['search_cpu_s']['whoosh']:.3f}) | **{r['search_ratio']:.2f}** |"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "_build":
        _build_here(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds")
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--engines", nargs="+", default=list(ENGINE_NAMES), choices=ENGINE_NAMES)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the commands timed as whole processes (0: none)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each cold search query per round")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "speed.json")
    parser.add_argument("--work", type=Path, help="keep corpora and indexes in this folder (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="with --work: reuse the indexes and build figures found there")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="vraagbaak-speed-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for scale in args.scales:
            results.append(run_scale(scale, args.seeds, work, args.engines, args.repeat, args.queries, args.reuse))
            print("\n" + markdown(results[-1]) + "\n", flush=True)
        commands = run_commands(args.seeds, work, args.rounds, args.runs) if args.rounds else None
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": os.uname().nodename, "results": results, "commands": commands},
                                    indent=1))
    print("\n\n".join([markdown(r) for r in results] + ([markdown_commands(commands)] if commands else [])))


if __name__ == "__main__":
    main()
