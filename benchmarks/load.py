"""Load test of `vraagbaak serve`: concurrent clients with varied queries on loopback, as a Markdown table.

    python benchmarks/load.py [--index-dir index_data] [--seeds seeds] [--clients 20] [--seconds 10]
    python benchmarks/load.py --url http://127.0.0.1:8080   # a server that is already running

Starts the server in its own process on a free loopback port (so the clients do not share its
interpreter), warms it up, then runs the clients for a fixed time. Each request is a search API
call, a search page (with facets, as a browser gets it) or a document page, with queries of one to
three words drawn at random from the seeds' titles. Reports requests/s, p50/p95 latency and errors
(any status but 200, or no response) per kind of request and overall.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STOPWORDS = ROOT / "indexer" / "data" / "stopwords_nl.txt"
KINDS = {"search API": 6, "search page": 3, "document page": 1}
"""Kinds of request and how often each is sent, relative to the others."""
WORD_RE = re.compile(r"[a-zà-ÿ]{5,}")


@dataclass(frozen=True)
class Sample:
    kind: str
    seconds: float
    ok: bool


def workload(seeds: Path) -> tuple[list[str], list[str]]:
    """Words that occur in at least three seed titles (stop words left out), and every document id."""
    stopwords = set(STOPWORDS.read_text(encoding="utf-8").split())
    counts: Counter[str] = Counter()
    ids = []
    for path in sorted(seeds.rglob("*.txt")):
        ids.append(path.relative_to(seeds).with_suffix("").as_posix())
        with path.open(encoding="utf-8", errors="replace") as lines:
            title = next((line for line in lines if line.startswith("title:")), "")
        counts.update(set(WORD_RE.findall(title.lower())) - stopwords)
    return [word for word, count in counts.items() if count >= 3], ids


def request(rng: random.Random, words: list[str], ids: list[str]) -> tuple[str, str, dict[str, str | int]]:
    """A random request: (kind, path, query parameters)."""
    kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
    if kind == "document page":
        return kind, f"/documents/{rng.choice(ids)}", {}
    params: dict[str, str | int] = {"q": " ".join(rng.sample(words, rng.randint(1, 3)))}
    if rng.random() < 0.2:
        params["page"] = 2
    if rng.random() < 0.2:
        params["sort"] = "-date"
    return kind, "/api/search" if kind == "search API" else "/", params


async def client(base: str, words: list[str], ids: list[str], until: float, seed: int, samples: list[Sample]) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < until:
            kind, path, params = request(rng, words, ids)
            start = time.perf_counter()
            try:
                ok = (await http.get(path, params=params)).status_code == 200
            except httpx.HTTPError:
                ok = False
            samples.append(Sample(kind, time.perf_counter() - start, ok))


async def run(base: str, words: list[str], ids: list[str], clients: int, seconds: float) -> tuple[list[Sample], float]:
    samples: list[Sample] = []
    start = time.monotonic()
    await asyncio.gather(*(client(base, words, ids, start + seconds, seed, samples) for seed in range(clients)))
    return samples, time.monotonic() - start


def table(samples: list[Sample], elapsed: float) -> str:
    lines = ["| requests | count | requests/s | p50 ms | p95 ms | errors |", "|---|---:|---:|---:|---:|---:|"]
    for kind in [*KINDS, "all"]:
        chosen = [s for s in samples if kind in ("all", s.kind)]
        if len(chosen) < 2:
            continue
        cuts = statistics.quantiles([s.seconds * 1000 for s in chosen], n=100)
        errors = sum(not s.ok for s in chosen)
        lines.append(f"| {kind} | {len(chosen):,} | {len(chosen) / elapsed:.1f} | {cuts[49]:.0f} | {cuts[94]:.0f} | {errors} |")
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(index_dir: str, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from search.cli import main; main()",
               "serve", "--index-dir", index_dir, "--port", str(port)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)


def wait_until_up(base: str, timeout: float = 60) -> int:
    """Wait for the server's /healthz; returns the number of documents it serves."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{base}/healthz")
        except httpx.TransportError:  # not listening yet
            time.sleep(0.2)
            continue
        if response.status_code != 200:
            raise SystemExit(f"The server at {base} cannot search: {response.json()['error']}")
        return response.json()["documents"]
    raise SystemExit(f"The server at {base} did not start within {timeout:g} s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", default="index_data", help="the index to serve (default index_data)")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="where the queries' words and the ids come from")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, default=10, help="how long they run (default 10)")
    parser.add_argument("--url", help="load-test this running server instead of starting one")
    args = parser.parse_args()

    words, ids = workload(args.seeds)
    port = free_port()
    server = None if args.url else start_server(args.index_dir, port)
    base = args.url or f"http://127.0.0.1:{port}"
    try:
        documents = wait_until_up(base)
        # Warm up: the first searches load the index's columns and caches.
        asyncio.run(run(base, words, ids, clients=2, seconds=2))
        samples, elapsed = asyncio.run(run(base, words, ids, args.clients, args.seconds))
    finally:
        if server:
            server.terminate()
            server.wait()
    print(f"{args.clients} clients for {args.seconds:g} s on loopback, {os.cpu_count()} CPUs; "
          f"{len(words):,} query words; server: {args.url or args.index_dir} ({documents:,} documents)\n")
    print(table(samples, elapsed))


if __name__ == "__main__":
    main()
