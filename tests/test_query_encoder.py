"""The torch-free query path of a cold `assistant ask`: the numpy e5 forward pass, the subset
tokenizer, and an underthesea import that leaves transformers alone."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.embedder import DEFAULT_MODEL_DIR, Embedder
from assistant.retrieval.query_encoder import QueryEncoder, supports
from assistant.retrieval.query_tokenizer import SubsetTokenizer

REPO = Path(__file__).resolve().parents[1]
BUILT = (DEFAULT_MODEL_DIR / ".build-stamp.json").is_file()
needs_model = pytest.mark.skipif(not BUILT, reason=f"{DEFAULT_MODEL_DIR} not built: run `make setup`")

QUESTIONS = [
    "Ai báo cáo UBND thị xã, trước ngày nào?",
    "ai bao cao ubnd thi xa truoc ngay nao",  # typed without diacritics
    "Who reports to the district People's Committee, and by when?",
    "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cáp quang năm 2025 là bao nhiêu phần trăm?",
    "Kế hoạch số 120/KH-UBND ngày 16/01/2024 " * 60,  # longer than the 512-token window
]


def _texts() -> list[str]:
    gold = [json.loads(line)["question"] for line in (REPO / "evals" / "gold.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    lines = [line for path in sorted((REPO / "corpus").glob("*.txt")) for line in path.read_text("utf-8").splitlines()
             if line.strip()]
    odd = ["<mask> lạ 稣 ☃ 𝔘𝔫𝔦 ＡＢＣ ①② ﬁ", " ", "x" * 3000, "Ủy ban nhân dân\ttỉnh  Thừa Thiên\u00a0Huế"]
    return gold + lines + odd


@needs_model
def test_numpy_query_vectors_match_sentence_transformers_float32():
    assert supports(DEFAULT_MODEL_DIR)
    reference = Embedder(dtype="float32").embed_queries(QUESTIONS)
    vectors = QueryEncoder(DEFAULT_MODEL_DIR).embed_queries(QUESTIONS)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@needs_model
def test_subset_tokenizer_ids_equal_the_full_tokenizer(tmp_path):
    from tokenizers import Tokenizer

    full = Tokenizer.from_file(str(DEFAULT_MODEL_DIR / "tokenizer.json"))
    full.no_padding()
    full.enable_truncation(512)
    subset = SubsetTokenizer(DEFAULT_MODEL_DIR / "tokenizer.json", 512, cache_dir=tmp_path)
    texts = _texts()
    assert len(texts) > 500
    mismatched = [t for t in texts if subset.encode("query: " + t) != full.encode("query: " + t).ids]
    assert mismatched == []
    # The vocabulary cache was written where asked, never into the model folder, and reloads.
    assert [p.name for p in tmp_path.iterdir()] and not (DEFAULT_MODEL_DIR / ".query-vocab").exists()
    again = SubsetTokenizer(DEFAULT_MODEL_DIR / "tokenizer.json", 512, cache_dir=tmp_path)
    assert again.encode(QUESTIONS[0]) == full.encode(QUESTIONS[0]).ids


def test_word_segmenter_loads_without_transformers_or_torch():
    code = ("import sys; from assistant.retrieval.tokenize import _segmenter, document_tokens;"
            "_segmenter(); print(document_tokens('Ủy ban nhân dân báo cáo'));"
            "print(sorted(m for m in ('transformers', 'torch', 'chromadb') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    tokens_line, imported = result.stdout.strip().splitlines()[-2:]
    assert "w:bao_cao" in tokens_line  # compounds still come from underthesea
    assert imported == "[]"
