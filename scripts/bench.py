"""Benchmark: ingest (cold, model load included), warm per-question latency, cold `assistant ask`,
peak memory, index size. Prints a table and, as its last line, one JSON object with the figures.

    .venv/bin/python scripts/bench.py [--questions evals/gold.jsonl] [--repeat 1]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import assistant  # noqa: E402,F401


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", default=str(REPO / "evals" / "gold.jsonl"))
    parser.add_argument("--corpus", default=str(REPO / "corpus"))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    from assistant.engine import Engine
    from assistant.indexer import Indexer
    from assistant.retrieval.embedder import Embedder

    questions = [json.loads(line)["question"] for line in Path(args.questions).read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        start = time.perf_counter()
        indexer = Indexer(index, Embedder)
        indexer.load_models()  # e5 and underthesea's CRF: counted in the cold ingest, not in clauses/s
        loaded = time.perf_counter()
        report = indexer.ingest([Path(args.corpus)])
        ingest_s = time.perf_counter() - start
        clauses_per_s = report.clauses / (time.perf_counter() - loaded)

        engine = Engine.open(index, embedder=indexer.embedder)
        engine.ask(questions[0])  # warm-up
        latencies = []
        for _ in range(args.repeat):
            for question in questions:
                t0 = time.perf_counter()
                engine.ask(question)
                latencies.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "--index", str(index), questions[0]],
                       cwd=REPO, check=True, capture_output=True)
        cold_ask_s = time.perf_counter() - t0
        index_mb = folder_size(index) / 1e6

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "plans": len(report.added), "clauses": report.clauses,
        "ingest_cold_s": round(ingest_s, 2), "ingest_clauses_per_s_after_model_load": round(clauses_per_s, 1),
        "questions": len(latencies),
        "warm_p50_ms": round(percentile(latencies, 50), 1), "warm_p95_ms": round(percentile(latencies, 95), 1),
        "warm_p99_ms": round(percentile(latencies, 99), 1), "warm_mean_ms": round(statistics.mean(latencies), 1),
        "cold_ask_s": round(cold_ask_s, 2), "peak_rss_mb": round(peak_mb), "index_mb": round(index_mb, 1),
    }
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
