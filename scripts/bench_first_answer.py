"""First answer after a restart: starts `assistant serve` over an index, then measures

- served: process start → the page is served;
- ready: process start → the server says questions are answered at once (`/status`), i.e. the
  model and the segmenter are loaded (the page's question box opens then);
- first answer: one `/ask` sent the moment the server is ready → its answer;
- second answer: another question right after (a warm answer, for comparison).

    .venv/bin/python scripts/bench_first_answer.py [--index index] [--runs 2]

Prints one line per run and the medians. Local only (127.0.0.1); the server is stopped after each run.
"""
from __future__ import annotations

import argparse
import os
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
QUESTIONS = ("Ai báo cáo UBND thị xã, trước ngày nào?", "Kế hoạch của phường Long Mỹ căn cứ văn bản nào?")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_once(index: Path) -> dict[str, float]:
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    work = Path(tempfile.mkdtemp(prefix="bench-first-"))
    env = {**os.environ, "PYTHONPATH": str(REPO), "ASSISTANT_UPLOAD_DIR": str(work / "uploads"),
           "GRADIO_TEMP_DIR": str(work / "gradio")}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--index", str(index), "--port",
                                str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        served = None
        while served is None:
            if process.poll() is not None or time.perf_counter() - started > 180:
                raise SystemExit("assistant serve did not start")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        served = time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        client = Client(url, verbose=False)
        while not client.predict(api_name="/status")["ready"]:
            if time.perf_counter() - started > 300:
                raise SystemExit("the server never became ready")
            time.sleep(0.1)
        ready = time.perf_counter() - started
        times = []
        for question in QUESTIONS:
            asked = time.perf_counter()
            answer = client.predict(question, api_name="/ask")
            assert "[1]" in answer, answer
            times.append(time.perf_counter() - asked)
        return {"served": served, "ready": ready, "first": times[0], "second": times[1]}
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=str(REPO / "index"))
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    index = Path(args.index)
    if not (index / "manifest.json").is_file():
        print(f"bench_first_answer: no index at {index}; run `make index` first", file=sys.stderr)
        return 1
    results = []
    for run in range(1, args.runs + 1):
        result = run_once(index)
        results.append(result)
        print(f"run {run}: served {result['served']:.1f} s, ready {result['ready']:.1f} s, "
              f"first answer {result['first']:.2f} s, second {result['second']:.2f} s", flush=True)
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(f"median ({os.cpu_count()} CPUs): served {median['served']:.1f} s, ready {median['ready']:.1f} s, "
          f"first answer after restart {median['first']:.2f} s, second {median['second']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
