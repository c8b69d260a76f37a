"""Scale benchmark: synthetic plans (assistant/synthetic.py), by default 1,000 and 3,000 plans;
sizes not measured (10,000 by default) are extrapolated from the two largest measured sizes and
printed with measured=False.

Per size, in a fresh subprocess (so peak memory is that size's own): generate the plans into a
temporary folder, ingest them into a temporary index (model loaded first and not counted), open
the Engine twice (the first open builds BM25 and saves it, the second loads it), then time a fixed
sample of gold questions with `ask` and with `retrieve`, then ingest one more plan and time until
it is answerable (ingest, reopen with a BM25 delta, its clause retrieved first). Prints a table and, as its last line, one JSON object; draws artifacts/bench/scale.png.

    .venv/bin/python scripts/bench_scale.py [--plans 1000,3000] [--extrapolate 10000] [--questions 20] [--max-ingest-s 1800]
    .venv/bin/python scripts/bench_scale.py --profile 10 [--no-cache]   # cProfile of one ingest

`--max-ingest-s` bounds a size's ingest: plans are ingested 50 at a time and the run stops adding
more once the budget is spent; the row then says how many plans were actually indexed.
`--stand-in-passages` ingests with hashed passage vectors instead of the model (see
StandInPassages: on this 2-core machine the model alone would take hours for 1,000 plans); the
uploaded plan is still embedded by the model, and queries always are. Rows say which was used.
`--no-cache` turns off the passage-vector cache, the cross-plan batching and the token cache
(the code path before the scale work), for before/after comparisons.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import assistant  # noqa: E402,F401

CHART = REPO / "artifacts" / "bench" / "scale.png"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def rss_mb() -> float:
    """Resident set size now (peak RSS is ru_maxrss)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def released() -> None:
    """Garbage collected and freed memory handed back, so RSS shows what is still held."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def disable_speedups() -> None:
    """The ingest path as it was before: no vector cache, no batching across plans, no token cache."""
    import assistant.indexer as indexer
    from assistant.retrieval import tokenize

    indexer.PREFETCH_PLANS = 1
    indexer.embed_passages_cached = lambda embedder, cache, texts: embedder.embed_passages(texts)
    uncached = lambda text: tokenize._tokens(tokenize.expand_abbreviations(text))  # noqa: E731
    indexer.document_tokens = uncached
    indexer.PREFETCH_EMBED = False


class StandInPassages:
    """The real model for queries, and for passages once `real` is set; until then passage
    vectors are a hash of the text (unit length, the model's width). On 2 shared cores the model
    embeds ~20 passages/s, so 1,000 plans (165k clauses) would take hours to ingest; what the
    benchmark measures after the ingest (open, memory, ask latency, the upload) costs the same
    with any vectors of that width. Dense rankings over stand-in rows are noise: `ask` still runs
    every stage (lexical, dense, fusion, composer) but its answers are not judged here."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self.identity = f"{getattr(embedder, 'identity', '')}#bench-stand-in"
        self.real = False
        self._width = int(embedder.embed_queries(["kế hoạch"]).shape[1])

    def embed_queries(self, texts: list[str]):
        return self._embedder.embed_queries(texts)

    def embed_passages(self, texts: list[str]):
        import hashlib

        import numpy as np

        if self.real:
            return self._embedder.embed_passages(texts)
        rows = np.empty((len(texts), self._width), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
            row = np.random.default_rng(seed).standard_normal(self._width).astype(np.float32)
            rows[i] = row / np.linalg.norm(row)
        return rows


def gold_questions(limit: int) -> list[dict]:
    rows = [json.loads(line) for line in (REPO / "evals" / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()]
    step = max(1, len(rows) // limit)
    return rows[::step][:limit]  # a fixed, spread-out sample


def run_one(plans: int, questions: int, max_ingest_s: float, seed: int, no_cache: bool,
            stand_in: bool = False) -> dict:
    from assistant.engine import Engine
    from assistant.indexer import Indexer
    from assistant.retrieval.embedder import Embedder
    from assistant.retrieval.tokenize import document_tokens
    from assistant.synthetic import generate

    if no_cache:
        disable_speedups()
    t0 = time.perf_counter()
    embedder = Embedder()
    if stand_in:
        embedder = StandInPassages(embedder)
    document_tokens("Kế hoạch phát triển hạ tầng số")  # underthesea's CRF loads with the model
    model_s = time.perf_counter() - t0
    rss_model = rss_mb()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        files = generate(Path(tmp) / "synthetic", plans, seed=seed)
        index = Path(tmp) / "index"
        indexer = Indexer(index, lambda: embedder)
        clauses = indexed = 0
        start = time.perf_counter()
        for chunk in range(0, len(files), 50):
            report = indexer.ingest(files[chunk:chunk + 50])
            clauses += report.clauses
            indexed += len(report.added)
            if time.perf_counter() - start > max_ingest_s:
                break
        ingest_s = time.perf_counter() - start
        cache = indexer._cache
        released()
        rss_ingested, peak_ingest = rss_mb(), peak_mb()
        t0 = time.perf_counter()
        engine = Engine.open(index, embedder=embedder)  # builds BM25 and saves it for the next open
        open_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        engine = Engine.open(index, embedder=embedder)  # what a restart or a cold `assistant ask` pays
        reopen_s = time.perf_counter() - t0
        released()
        rss_open = rss_mb()  # the model, Chroma's client, the ingest's caches and one open engine
        sample = gold_questions(questions)
        engine.ask(sample[0]["question"])  # warm-up
        ask_ms, retrieve_ms = [], []
        for row in sample:
            t0 = time.perf_counter()
            engine.ask(row["question"])
            ask_ms.append((time.perf_counter() - t0) * 1000)
        engine._query_vectors.clear()  # retrieve pays for its query embedding too
        for row in sample:
            t0 = time.perf_counter()
            engine.retrieve(row["question"], k=10)
            retrieve_ms.append((time.perf_counter() - t0) * 1000)
        # Where a retrieval's time goes: the query's embedding (cache cleared), BM25, the dense
        # search (its vector cached).
        engine._query_vectors.clear()
        phases: dict[str, list[float]] = {"embed": [], "lexical": [], "dense": []}
        for row in sample:
            for phase, call in (("embed", lambda q: engine.embed_queries([q])),
                                ("lexical", engine.retriever.lexical_ranking),
                                ("dense", engine.retriever.dense_ranking)):
                t0 = time.perf_counter()
                call(row["question"])
                phases[phase].append((time.perf_counter() - t0) * 1000)
        # Upload to answerable: one new plan ingested, the engine reopened (the base BM25 plus a
        # delta; the plans already loaded are taken from the open engine), and a question made of its
        # own longest clause retrieves that clause first.
        extra = generate(Path(tmp) / "upload", plans + 1, seed=seed + 1)[-1]
        if stand_in:
            embedder.real = True  # the uploaded plan is embedded by the model, as in the app
        t0 = time.perf_counter()
        indexer.ingest([extra])
        upload_ingest_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        engine = Engine.open(index, embedder=embedder, previous=engine)  # as the web app reloads
        upload_reopen_s = time.perf_counter() - t1
        plans_read = engine.plans_read
        new_plan = next(p for p in engine.plans if p.source.endswith(extra.name))
        target = max(new_plan.clauses, key=lambda c: len(c.text))
        hits = engine.retrieve(target.text, k=10, sources=[new_plan.source])
        upload_s = time.perf_counter() - t0
        upload_ok = bool(hits) and hits[0].clause.id == target.id
        released()
        rss_end = rss_mb()
        index_mb = folder_size(index) / 1e6
    return {
        "plans_requested": plans, "plans": indexed, "clauses": clauses,
        "model_load_s": round(model_s, 2), "ingest_s": round(ingest_s, 1),
        "ingest_clauses_per_s": round(clauses / ingest_s, 1) if ingest_s else 0.0,
        "cache_hit_rate": round(cache.hits / max(1, cache.hits + cache.misses), 3) if cache else None,
        "embedded_passages": cache.misses if cache else clauses,
        "engine_open_s": round(open_s, 2), "engine_reopen_s": round(reopen_s, 2), "questions": len(sample),
        "ask_p50_ms": round(percentile(ask_ms, 50), 1), "ask_p95_ms": round(percentile(ask_ms, 95), 1),
        "retrieve_p50_ms": round(percentile(retrieve_ms, 50), 1),
        "retrieve_p95_ms": round(percentile(retrieve_ms, 95), 1),
        **{f"{phase}_p50_ms": round(percentile(ms, 50), 1) for phase, ms in phases.items()},
        "ask_minus_retrieve_p50_ms": round(percentile(ask_ms, 50) - percentile(retrieve_ms, 50), 1),
        "peak_rss_mb": round(peak_mb()),
        "rss_model_mb": round(rss_model), "rss_after_ingest_mb": round(rss_ingested),
        "peak_rss_ingest_mb": round(peak_ingest), "rss_engine_open_mb": round(rss_open),
        "rss_end_mb": round(rss_end),
        "rss_per_1000_plans_above_model_mb": round((rss_end - rss_model) / max(indexed, 1) * 1000),
        "index_mb": round(index_mb, 1), "no_cache": no_cache,
        "upload_answerable_s": round(upload_s, 2), "upload_found": upload_ok, "measured": True,
        "upload_ingest_s": round(upload_ingest_s, 2), "upload_reopen_s": round(upload_reopen_s, 2),
        "upload_plans_read": plans_read, "stand_in_passages": stand_in,
    }


EXTRAPOLATED = ("clauses", "engine_open_s", "engine_reopen_s", "ask_p50_ms", "ask_p95_ms", "upload_answerable_s",
                "peak_rss_mb", "index_mb")


def extrapolate(rows: list[dict], sizes: list[int]) -> list[dict]:
    """Rows for sizes not measured, linear in the number of plans through the two largest measured
    sizes (labelled measured=False): a slope, not a measurement."""
    measured = sorted((r for r in rows if r.get("measured")), key=lambda r: r["plans"])
    if len(measured) < 2:
        return []
    a, b = measured[-2], measured[-1]
    out = []
    for size in sizes:
        row = {"plans_requested": size, "plans": size, "measured": False,
               "ingest_clauses_per_s": b["ingest_clauses_per_s"]}
        for key in EXTRAPOLATED:
            slope = (b[key] - a[key]) / max(1, b["plans"] - a["plans"])
            row[key] = round(b[key] + slope * (size - b["plans"]), 1)
        out.append(row)
    return out


def profile(plans: int, no_cache: bool, seed: int, stand_in: bool = False) -> None:
    import cProfile
    import pstats

    from assistant.indexer import Indexer
    from assistant.retrieval.embedder import Embedder
    from assistant.synthetic import generate

    if no_cache:
        disable_speedups()
    embedder = Embedder()
    if stand_in:
        embedder = StandInPassages(embedder)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        files = generate(Path(tmp) / "synthetic", plans, seed=seed)
        indexer = Indexer(Path(tmp) / "index", lambda: embedder)
        profiler = cProfile.Profile()
        t0 = time.perf_counter()
        profiler.enable()
        report = indexer.ingest(files)
        profiler.disable()
        elapsed = time.perf_counter() - t0
    print(f"ingest of {plans} plans, {report.clauses} clauses: {elapsed:.1f} s, "
          f"{report.clauses / elapsed:.1f} clauses/s (no_cache={no_cache})")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    wanted = ["embed_passages", "_encode_batches", "encode", "document_tokens", "_tokens", "word_tokenize",
              "replace_plan", "remove_plan", "put", "write_manifest", "read_plan", "get_many", "put_many", "ingest"]
    for (file, _, name), (_, calls, _, cumulative, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):
        if name in wanted and ("assistant" in file or name in ("encode", "word_tokenize")):
            print(f"  {name:<18} {calls:>7} calls  {cumulative:8.2f} s  {100 * cumulative / elapsed:5.1f} %  {Path(file).name}")


def draw(rows: list[dict]) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no chart", file=sys.stderr)
        return None
    rows = [r for r in rows if r.get("measured", True)]  # the chart shows measurements only
    plans = [r["plans"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    axes[0].plot(plans, [r["ingest_clauses_per_s"] for r in rows], "o-")
    axes[0].axhline(100, color="grey", ls="--", lw=1, label="target 100")
    axes[0].set(title="Ingest throughput (after model load)", xlabel="plans", ylabel="clauses / s", xscale="log")
    for key, style in (("ask_p50_ms", "o-"), ("ask_p95_ms", "o--"), ("retrieve_p50_ms", "s-"), ("retrieve_p95_ms", "s--")):
        axes[1].plot(plans, [r[key] for r in rows], style, label=key.replace("_ms", ""))
    axes[1].axhline(250, color="grey", ls="--", lw=1, label="p95 target @3000")
    axes[1].set(title="Warm query latency", xlabel="plans", ylabel="ms", xscale="log")
    axes[2].plot(plans, [r["peak_rss_mb"] for r in rows], "o-", label="peak RSS (MB)")
    axes[2].plot(plans, [r["index_mb"] for r in rows], "s-", label="index on disk (MB)")
    if all("rss_end_mb" in r for r in rows):
        axes[2].plot(plans, [r["rss_end_mb"] for r in rows], "^-", label="RSS after the run (MB)")
    axes[2].axhline(3500, color="grey", ls="--", lw=1, label="RSS target @3000")
    axes[2].set(title="Memory and index size", xlabel="plans", ylabel="MB", xscale="log")
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Scale benchmark on synthetic plans (2 cores, e5-small, CPU)")
    fig.tight_layout()
    CHART.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(CHART, dpi=110)
    return CHART


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", default="1000,3000", help="comma-separated sizes")
    parser.add_argument("--extrapolate", default="1000,3000,10000",
                        help="sizes to extrapolate (from the two largest measured) when not measured")
    parser.add_argument("--questions", type=int, default=20, help="gold questions sampled per size")
    parser.add_argument("--max-ingest-s", type=float, default=1800.0, help="ingest budget per size")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--no-cache", action="store_true", help="the ingest path without the scale speed-ups")
    parser.add_argument("--stand-in-passages", action="store_true",
                        help="ingest with hashed passage vectors (not the model), see StandInPassages")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=int, metavar="PLANS", help="cProfile one ingest of PLANS plans")
    parser.add_argument("--redraw", metavar="JSON", help="draw the chart again from a saved last line")
    args = parser.parse_args()

    if args.redraw:
        print(draw(json.loads(Path(args.redraw).read_text("utf-8"))["sizes"]))
        return 0
    if args.profile:
        profile(args.profile, args.no_cache, args.seed, args.stand_in_passages)
        return 0
    if args.one:
        print(json.dumps(run_one(args.one, args.questions, args.max_ingest_s, args.seed, args.no_cache,
                                 args.stand_in_passages)))
        return 0
    rows = []
    for size in [int(s) for s in args.plans.split(",") if s.strip()]:
        command = [sys.executable, __file__, "--one", str(size), "--questions", str(args.questions),
                   "--max-ingest-s", str(args.max_ingest_s), "--seed", str(args.seed)]
        if args.no_cache:
            command.append("--no-cache")
        if args.stand_in_passages:
            command.append("--stand-in-passages")
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=os.environ.copy())
        if result.returncode != 0:
            print(result.stderr[-3000:], file=sys.stderr)
            return 1
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        print(f"done: {size} plans", file=sys.stderr, flush=True)
    measured_sizes = {r["plans_requested"] for r in rows}
    wanted = [int(s) for s in args.extrapolate.split(",") if s.strip() and int(s) not in measured_sizes]
    rows += extrapolate(rows, wanted)
    columns = ["plans", "measured", "clauses", "ingest_clauses_per_s", "engine_open_s", "engine_reopen_s",
               "ask_p50_ms", "ask_p95_ms", "upload_answerable_s", "upload_reopen_s", "peak_rss_mb", "index_mb",
               "stand_in_passages"]
    print("  ".join(f"{c:>14}" for c in columns))
    for row in rows:
        print("  ".join(f"{str(row.get(c, '')):>14}" for c in columns))
    if any(not r.get("measured") for r in rows):
        print("rows with measured=False are extrapolated linearly from the two largest measured sizes")
    chart = draw(rows)
    if chart:
        print(f"chart: {chart.relative_to(REPO)}")
    print(json.dumps({"sizes": rows, "chart": str(chart.relative_to(REPO)) if chart else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
