"""Chroma as a server: with ASSISTANT_CHROMA_URL the same CLI ingests into and answers from a
`chroma run` server on 127.0.0.1, and gives the same answers as the embedded store."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO

CHROMA = Path(sys.executable).parent / "chroma"
QUESTIONS = [
    "Công chức Văn hóa – Xã hội xã Tịnh Thiện báo cáo kết quả thực hiện kế hoạch hạ tầng số lên cấp nào?",
    "Ai chịu trách nhiệm phổ cập cáp quang đến hộ gia đình?",
    "Kinh phí thực hiện kế hoạch lấy từ đâu?",
    "Mường Lay đặt mục tiêu bao nhiêu phần trăm hộ gia đình có cáp quang?",
    "Who reports to the district people's committee and when?",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    if not CHROMA.is_file():
        pytest.skip(f"{CHROMA} not installed")
    data = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = open(data / "server.log", "wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_TELEMETRY": "False"}
    server = subprocess.Popen([str(CHROMA), "run", "--path", str(data / "db"), "--port", str(port),
                               "--host", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"chroma server did not start: {(data / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:  # finalizer: the server and anything it started
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()


def _ask(index: Path, env: dict | None = None) -> list[dict]:
    command = [sys.executable, "-m", "assistant.cli", "ask", "--index", str(index), "--json", *QUESTIONS]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _summary(answers: list[dict]) -> list[tuple]:
    return [(a["question"], a["answer"], a["grounded"], [(c["source"], c["clause"]) for c in a["citations"]])
            for a in answers]


def test_ingest_and_ask_through_chroma_server_match_embedded_store(corpus_index, chroma_server, tmp_path):
    server_env = {"ASSISTANT_CHROMA_URL": chroma_server}
    index = tmp_path / "index"
    index.mkdir()
    # Same passages, same model: reuse the embedded index's vector cache so the test stays fast.
    shutil.copy(corpus_index / "vector_cache.sqlite", index / "vector_cache.sqlite")
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(CORPUS), "--index", str(index),
                             "--quiet"], cwd=REPO, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(REPO), **server_env})
    assert result.returncode == 0, result.stderr
    assert not (index / "chroma").exists(), "with ASSISTANT_CHROMA_URL nothing goes to the embedded store"

    import chromadb
    from chromadb.config import Settings

    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]),
                                 settings=Settings(anonymized_telemetry=False))
    manifest = json.loads((index / "manifest.json").read_text("utf-8"))
    clauses = sum(entry["clauses"] for entry in manifest["plans"].values())
    assert client.get_collection("clauses").count() == clauses > 0

    embedded = _summary(_ask(corpus_index))
    served = _summary(_ask(index, server_env))
    assert len(served) == len(QUESTIONS)
    assert served == embedded
    assert any(citations for *_, citations in served)
