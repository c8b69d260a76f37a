"""Scale benchmark: synthetic plans (assistant/synthetic.py), by default 1,000 and 3,000 plans;
sizes not measured (10,000 by default) are extrapolated from the two largest measured sizes and
printed with measured=False.

One index is grown size by size (the generator is one seeded sequence, so 3,000 plans are the
1,000 plus 2,000 more). Per size, two fresh processes:
- ingest: the model loaded (not counted), the new plans ingested 50 at a time; its rate and peak
  RSS (`peak_rss_ingest_mb`; the web app and `assistant ingest` index in their own process);
- serve, what an app instance pays: the model, the first Engine.open (builds BM25 and saves it),
  a second open, the warm-up, a fixed sample of gold questions timed with `ask` and with
  `retrieve`, then one more plan ingested and timed until it is answerable (ingest, reopen with a
  BM25 delta, its clause retrieved first), and removed again. `peak_rss_mb` is this process's
  peak before the upload; `peak_rss_with_upload_mb` after it.
Prints a table and, as its last line, one JSON object; draws artifacts/bench/scale.png.

    .venv/bin/python scripts/bench_scale.py [--plans 1000,3000] [--extrapolate 10000] [--questions 20] [--max-ingest-s 1800] [--work DIR]
    .venv/bin/python scripts/bench_scale.py --profile 10 [--no-cache]   # cProfile of one ingest

`--max-ingest-s` bounds a size's ingest: the run stops adding plans once the budget is spent; the
row then says how many plans were actually indexed.
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
    """Peak RSS of the process (ru_maxrss is in KiB), in MB like rss_mb."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


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


def hwm_mb() -> float:
    """Peak RSS since the last `reset_peak` (VmHWM; MB)."""
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmHWM")) * 1024 / 1e6


def reset_peak() -> None:
    """Start the peak RSS (VmHWM) again from the current RSS, so a phase's own peak is seen."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def load_embedder(stand_in: bool):
    from assistant.retrieval.embedder import Embedder
    from assistant.retrieval.tokenize import document_tokens

    embedder = Embedder()
    if stand_in:
        embedder = StandInPassages(embedder)
    document_tokens("Kế hoạch phát triển hạ tầng số")  # underthesea's CRF loads with the model
    return embedder


def ingest_step(index: Path, work: Path, plans: int, max_ingest_s: float, seed: int, no_cache: bool,
                stand_in: bool) -> dict:
    """Grow the index at `index` to `plans` synthetic plans (the first ones are those a smaller
    size already ingested: the generator is one seeded sequence), in this process only."""
    from assistant.indexer import Indexer
    from assistant.synthetic import generate

    if no_cache:
        disable_speedups()
    t0 = time.perf_counter()
    embedder = load_embedder(stand_in)
    model_s = time.perf_counter() - t0
    rss_model = rss_mb()
    done_file = work / "ingested.json"
    done = json.loads(done_file.read_text())["plans"] if done_file.is_file() else 0
    files = generate(work / "synthetic", plans, seed=seed)[done:]
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
    done_file.write_text(json.dumps({"plans": done + indexed}))
    return {"plans": done + indexed, "ingested_now": indexed, "clauses_now": clauses,
            "model_load_s": round(model_s, 2), "ingest_s": round(ingest_s, 1),
            "ingest_clauses_per_s": round(clauses / ingest_s, 1) if ingest_s else 0.0,
            "cache_hit_rate": round(cache.hits / max(1, cache.hits + cache.misses), 3) if cache else None,
            "rss_model_ingest_mb": round(rss_model), "peak_rss_ingest_mb": round(peak_mb()),
            "no_cache": no_cache, "stand_in_passages": stand_in}


def serve_step(index: Path, work: Path, plans: int, questions: int, seed: int, stand_in: bool) -> dict:
    """What an app instance pays over an index it did not build, in a fresh process: the model,
    the first open (builds BM25 and saves it), a reopen, the warm-up, warm asks, then an upload."""
    from assistant.engine import Engine
    from assistant.indexer import Indexer
    from assistant.synthetic import generate

    embedder = load_embedder(stand_in)
    released()
    rss_model = rss_mb()
    reset_peak()
    t0 = time.perf_counter()
    engine = Engine.open(index, embedder=embedder)  # builds BM25 and saves it for the next open
    open_s = time.perf_counter() - t0
    peak_open = hwm_mb()
    del engine
    released()
    t0 = time.perf_counter()
    engine = Engine.open(index, embedder=embedder)  # what a restart or a cold `assistant ask` pays
    reopen_s = time.perf_counter() - t0
    clauses, indexed = len(engine.corpus), len(engine.plans)
    released()
    rss_open = rss_mb()
    sample = gold_questions(questions)
    engine.warm_up()  # as the web app does before it takes questions
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
    released()
    rss_serving = rss_mb()
    peak_serving = max(peak_open, hwm_mb())
    # Upload to answerable: one new plan ingested, the engine reopened (the base BM25 plus a
    # delta; the plans already loaded are taken from the open engine), and a question made of
    # its own longest clause retrieves that clause first. The plan is removed again afterwards,
    # so that the next size grows the same index.
    extra = generate(work / "upload", plans + 1, seed=seed + 1)[-1]
    if stand_in:
        embedder.real = True  # the uploaded plan is embedded by the model, as in the app
    indexer = Indexer(index, lambda: embedder)
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
    indexer.remove(new_plan.source)
    return {
        "plans": indexed, "clauses": clauses, "engine_open_s": round(open_s, 2), "engine_reopen_s": round(reopen_s, 2), "questions": len(sample),
        "ask_p50_ms": round(percentile(ask_ms, 50), 1), "ask_p95_ms": round(percentile(ask_ms, 95), 1),
        "ask_max_ms": round(max(ask_ms), 1),
        "retrieve_p50_ms": round(percentile(retrieve_ms, 50), 1),
        "retrieve_p95_ms": round(percentile(retrieve_ms, 95), 1),
        **{f"{phase}_p50_ms": round(percentile(ms, 50), 1) for phase, ms in phases.items()},
        "ask_minus_retrieve_p50_ms": round(percentile(ask_ms, 50) - percentile(retrieve_ms, 50), 1),
        "rss_model_mb": round(rss_model), "peak_rss_open_mb": round(peak_open),
        "rss_engine_open_mb": round(rss_open), "rss_serving_mb": round(rss_serving),
        "peak_rss_mb": round(peak_serving),
        "rss_per_1000_plans_above_model_mb": round((rss_serving - rss_model) / max(indexed, 1) * 1000),
        "peak_rss_with_upload_mb": round(peak_mb()),
        "index_mb": round(folder_size(index) / 1e6, 1),
        "upload_answerable_s": round(upload_s, 2), "upload_found": upload_ok, "measured": True,
        "upload_ingest_s": round(upload_ingest_s, 2), "upload_reopen_s": round(upload_reopen_s, 2),
        "upload_plans_read": plans_read,
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
        slopes = {key: (b[key] - a[key]) / max(1, b["plans"] - a["plans"]) for key in EXTRAPOLATED}
        # Nothing shrinks as plans are added: a negative slope is two noisy measurements, and a
        # tail (p95) grows at least as fast as the median it sits above.
        slopes = {key: max(0.0, slope) for key, slope in slopes.items()}
        slopes["ask_p95_ms"] = max(slopes["ask_p95_ms"], slopes["ask_p50_ms"])
        for key in EXTRAPOLATED:
            row[key] = round(b[key] + slopes[key] * (size - b["plans"]), 1)
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
    parser.add_argument("--work", help="keep the generated plans and the index here (default: a temporary folder)")
    parser.add_argument("--step", choices=("ingest", "serve"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=int, metavar="PLANS", help="cProfile one ingest of PLANS plans")
    parser.add_argument("--redraw", metavar="JSON", help="draw the chart again from a saved last line")
    args = parser.parse_args()

    if args.redraw:
        print(draw(json.loads(Path(args.redraw).read_text("utf-8"))["sizes"]))
        return 0
    if args.profile:
        profile(args.profile, args.no_cache, args.seed, args.stand_in_passages)
        return 0
    if args.step:
        work = Path(args.work)
        if args.step == "ingest":
            row = ingest_step(work / "index", work, args.size, args.max_ingest_s, args.seed, args.no_cache,
                              args.stand_in_passages)
        else:
            row = serve_step(work / "index", work, args.size, args.questions, args.seed, args.stand_in_passages)
        print(json.dumps(row))
        return 0
    # One index grown size by size; each size's ingest and its serving run in their own fresh
    # processes, so that a row's peak RSS is that of an app instance serving the index (the web
    # app and `assistant ingest` index in another process), and the ingest's is reported apart.
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(args.work or tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = []
        for size in sorted(int(s) for s in args.plans.split(",") if s.strip()):
            row: dict = {"plans_requested": size}
            for step in ("ingest", "serve"):
                command = [sys.executable, __file__, "--step", step, "--size", str(size), "--work", str(work),
                           "--questions", str(args.questions), "--max-ingest-s", str(args.max_ingest_s),
                           "--seed", str(args.seed)]
                command += ["--no-cache"] if args.no_cache else []
                command += ["--stand-in-passages"] if args.stand_in_passages else []
                result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=os.environ.copy())
                if result.returncode != 0:
                    print(result.stderr[-3000:], file=sys.stderr)
                    return 1
                row.update(json.loads(result.stdout.strip().splitlines()[-1]))
                print(f"done: {size} plans, {step}", file=sys.stderr, flush=True)
            rows.append(row)
    measured_sizes = {r["plans_requested"] for r in rows}
    wanted = [int(s) for s in args.extrapolate.split(",") if s.strip() and int(s) not in measured_sizes]
    rows += extrapolate(rows, wanted)
    columns = ["plans", "measured", "clauses", "ingest_clauses_per_s", "engine_open_s", "engine_reopen_s",
               "ask_p50_ms", "ask_p95_ms", "upload_answerable_s", "peak_rss_mb", "rss_serving_mb",
               "peak_rss_ingest_mb", "index_mb", "stand_in_passages"]
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
