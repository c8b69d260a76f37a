"""Session fixtures for the quality evaluation: the corpus indexed once, the engines built once.

The product code never reads `evals/`; everything here goes through the public API.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assistant  # noqa: F401  (offline environment before any model library loads)

REPO = Path(__file__).resolve().parents[1]
EVALS = REPO / "evals"
GOLD = EVALS / "gold.jsonl"
sys.path.insert(0, str(EVALS))


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def eval_index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("eval-index")
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "corpus", "--index", str(index), "--quiet"],
                   cwd=REPO, check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return index


@pytest.fixture(scope="session")
def engine(eval_index):
    from assistant.engine import Engine

    return Engine.open(eval_index)
