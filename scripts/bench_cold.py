"""Cold start of one `assistant ask`: per-phase seconds, then the whole command's wall time.

    .venv/bin/python scripts/bench_cold.py [--index index] [--runs 3] [--question "..."]

Phases run in a fresh interpreter (`--phases`, a child process), in the order a cold ask meets
them, each timed on its own: importing the engine, reading the plans and the saved BM25 (Chroma
is opened only if a search needs its HNSW index: printed at the end), loading underthesea's segmenter, loading the query encoder, then the ask itself (query
embedding, retrieval, composing). The whole command (`python -m assistant.cli ask`, a new process
each run) is timed `--runs` times; the median is the figure to compare with the 3 s target.
Other load on the machine's cores moves every number: compare runs made at the same time.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Ai báo cáo UBND thị xã, trước ngày nào?"


def phases(index: Path, question: str) -> dict[str, float]:
    times: dict[str, float] = {}
    t0 = start = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        times[name] = round(now - t0, 3)
        t0 = now

    sys.path.insert(0, str(REPO))
    import assistant.cli  # noqa: F401
    from assistant.engine import Engine

    lap("import_engine")
    engine = Engine.open(index)
    lap("engine_open")
    from assistant.retrieval.tokenize import _segmenter

    _segmenter()
    lap("underthesea_segmenter")
    model = engine._query_model()
    lap(f"query_model_load ({type(model).__name__})")
    engine.embed_queries([question])
    lap("query_embedding")
    engine.ask(question)
    lap("ask_rest (retrieval, compose)")
    times["total_in_process"] = round(time.perf_counter() - start, 3)
    times["chromadb_imported"] = "chromadb" in sys.modules  # only when a search needed HNSW
    times["torch_imported"] = "torch" in sys.modules
    return times


def whole_command(index: Path, question: str, runs: int) -> list[float]:
    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", question, "--index", str(index)],
                                cwd=REPO, capture_output=True, text=True, env=os.environ.copy())
        walls.append(round(time.perf_counter() - t0, 2))
        if result.returncode != 0:
            raise SystemExit(f"assistant ask failed: {result.stderr[-2000:]}")
    return walls


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default=str(REPO / "index"))
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phases", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    index = Path(args.index)
    if args.phases:
        print(json.dumps(phases(index, args.question)))
        return 0
    if not (index / "manifest.json").is_file():
        print(f"bench_cold: {index}: no index (build one with `assistant ingest`)", file=sys.stderr)
        return 1
    child = subprocess.run([sys.executable, __file__, "--phases", "--index", str(index), "--question", args.question],
                           cwd=REPO, capture_output=True, text=True, env=os.environ.copy())
    if child.returncode != 0:
        print(child.stderr[-3000:], file=sys.stderr)
        return 1
    times = json.loads(child.stdout.strip().splitlines()[-1])
    for name, value in times.items():
        print(f"{name:<40} {value:6.2f} s" if not isinstance(value, bool) else f"{name:<40} {value}")
    walls = whole_command(index, args.question, args.runs)
    median = statistics.median(walls)
    print(f"{'assistant ask (whole command), runs':<40} {', '.join(f'{w:.2f}' for w in walls)} s")
    print(f"{'median':<40} {median:6.2f} s  (target 3 s)")
    print(json.dumps({"phases": times, "command_s": walls, "command_median_s": median}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
