"""Shared fixtures: the corpus plans (segmented, no model needed) and a built index."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import assistant  # noqa: F401  (offline environment for everything the tests import)

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
PLAN_FILES = {
    "phu_my": CORPUS / "thi-tran-phu-my.txt",
    "tinh_thien": CORPUS / "xa-tinh-thien.txt",
    "muong_lay": CORPUS / "thi-xa-muong-lay.txt",
    "phu_son": CORPUS / "phuong-phu-son-ocr.txt",
    "long_my": CORPUS / "phuong-long-my.txt",
}


@pytest.fixture(scope="session")
def plans():
    from assistant.ingest.pipeline import read_plan

    return {name: read_plan(path) for name, path in PLAN_FILES.items()}


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The corpus indexed once per test session in a temporary folder (model included)."""
    index = tmp_path_factory.mktemp("index")
    run_cli("ingest", str(CORPUS), "--index", str(index), "--quiet", check=True)
    return index


@pytest.fixture(scope="session")
def engine(corpus_index):
    from assistant.engine import Engine

    return Engine.open(corpus_index)


def run_cli(*args: str, check: bool = False, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=REPO, capture_output=True,
                            text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO)})
    if check and result.returncode != 0:
        raise AssertionError(f"assistant {' '.join(args)} failed: {result.stderr}")
    return result


def clause(plan, clause_id: str):
    found = [c for c in plan.clauses if c.id == clause_id]
    assert found, f"no clause {clause_id} in {plan.source}"
    return found[0]


def copy_index(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
