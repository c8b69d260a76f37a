"""Plan store timings: the index folder (store.PlanStore) against a Chroma server
(server_store.ServerStore on a `chroma run` this script starts on 127.0.0.1).

For N synthetic plans (assistant/synthetic.py) it times, per store:
    write     per plan as the Indexer does it: journal, payload, manifest commit, journal cleared
    open      a fresh store reads every plan (load_all_stamped)
    reopen    the same with every plan held from the open before (only the manifest and stamps)
    update    one plan rewritten and committed at N plans
    poll      one change-counter read (revision), the median of 50
    engine    Engine open and reopen (BM25 built, then loaded; no vectors: use_dense=False)
Tokens are whitespace splits (the store's cost, not underthesea's). Prints a table and a JSON line.

    .venv/bin/python scripts/bench_server_store.py --plans 200
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import assistant  # noqa: E402,F401


def start_chroma(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(folder / "chroma.log", "wb")
    server = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder / "db"),
                               "--port", str(port), "--host", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                return server, url
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"chroma run did not start; see {folder / 'chroma.log'}")
            time.sleep(0.2)


def measure(store, plans, index: Path) -> dict:
    from assistant.engine import Engine

    manifest = store.manifest()
    started = time.perf_counter()
    with store.writer():
        for plan, tokens in plans:
            store.write_journal("index", plan.source)
            store.put(plan, tokens)
            manifest["plans"][plan.source] = {"sha256": plan.sha256, "key": plan.source, "clauses": len(plan.clauses)}
            store.write_manifest(manifest)
            store.clear_journal()
    write_s = time.perf_counter() - started

    fresh = type(store)(index)
    started = time.perf_counter()
    loaded, stamps = fresh.load_all_stamped()
    open_s = time.perf_counter() - started
    held = {(p.source, s): (p, t) for (p, t), s in zip(loaded, stamps)}
    started = time.perf_counter()
    fresh.load_all_stamped(held)
    reopen_s = time.perf_counter() - started

    plan, tokens = plans[0]
    started = time.perf_counter()
    with store.writer():
        store.put(plan, tokens)
        store.write_manifest(manifest)
    update_s = time.perf_counter() - started

    polls = []
    for _ in range(50):
        started = time.perf_counter()
        store.revision()
        polls.append(time.perf_counter() - started)

    started = time.perf_counter()
    engine = Engine.open(index, use_dense=False)
    engine_open_s = time.perf_counter() - started
    started = time.perf_counter()
    Engine.open(index, use_dense=False)  # BM25 now loaded from the local cache
    engine_reopen_s = time.perf_counter() - started
    started = time.perf_counter()
    Engine.open(index, use_dense=False, previous=engine)
    engine_held_s = time.perf_counter() - started
    return {"write_s_per_plan": write_s / len(plans), "open_s": open_s, "reopen_held_s": reopen_s,
            "update_s": update_s, "poll_ms": statistics.median(polls) * 1000, "engine_open_s": engine_open_s,
            "engine_reopen_s": engine_reopen_s, "engine_reopen_previous_s": engine_held_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    from assistant.ingest.pipeline import read_plan
    from assistant.retrieval.dense import CHROMA_URL_VAR
    from assistant.store import PlanStore
    from assistant.synthetic import generate

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-server-store-") as tmp:
        tmp = Path(tmp)
        files = generate(tmp / "synthetic", args.plans, seed=args.seed)
        plans = []
        for path in files:
            plan = read_plan(path)
            plans.append((plan, [c.text.lower().split() for c in plan.clauses]))
        clauses = sum(len(p.clauses) for p, _ in plans)
        print(f"{len(plans)} synthetic plans, {clauses} clauses", flush=True)

        os.environ.pop(CHROMA_URL_VAR, None)
        (tmp / "folder").mkdir()
        results["folder"] = measure(PlanStore(tmp / "folder"), plans, tmp / "folder")

        server, url = start_chroma(tmp)
        try:
            os.environ[CHROMA_URL_VAR] = url
            from assistant.server_store import ServerStore

            (tmp / "server").mkdir()
            results["server"] = measure(ServerStore(tmp / "server"), plans, tmp / "server")
        finally:
            os.environ.pop(CHROMA_URL_VAR, None)
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
            shutil.rmtree(tmp / "db", ignore_errors=True)

    names = list(results["folder"])
    print(f"{'':26}{'folder':>10}{'server':>10}")
    for name in names:
        print(f"{name:26}{results['folder'][name]:10.3f}{results['server'][name]:10.3f}")
    print(json.dumps({"plans": len(plans), "clauses": clauses, **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
