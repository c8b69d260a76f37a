"""LexicalIndex builds bm25s's score matrix itself from int32 token ids (memory: see
LexicalIndex._index); it must be the matrix bm25s's own `index` builds, entry for entry."""
from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

from assistant.retrieval.lexical import LexicalIndex


def _corpus(seed: int, docs: int) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)] + ["kế_hoạch", "báo_cáo", "ubnd", "sở", ""]
    # Zipf-like draws so that some terms are in most clauses and many in one; some clauses empty.
    return [[words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)] for _ in range(rng.choice([0, 1, 3, 12, 40]))]
            for _ in range(docs)]


def _reference(corpus: list[list[str]], k1: float, b: float) -> bm25s.BM25:
    reference = bm25s.BM25(k1=k1, b=b)
    reference.index(corpus, show_progress=False)
    return reference


@pytest.mark.parametrize("seed,chunk", [(1, 1 << 21), (2, 97), (3, 1)])
def test_same_matrix_as_bm25s(seed: int, chunk: int, monkeypatch) -> None:
    """In one chunk, in chunks of ~97 tokens (a term's column filled from several), one clause
    per chunk."""
    monkeypatch.setattr("assistant.retrieval.lexical.TOKENS_PER_CHUNK", chunk)
    corpus = _corpus(seed, 700)
    ours = LexicalIndex(corpus)
    reference = _reference(corpus, ours.k1, ours.b)
    assert ours.avgdl == pytest.approx(np.mean([len(t) for t in corpus]))
    for token, column in reference.vocab_dict.items():
        if column >= len(reference.scores["indptr"]) - 1:
            continue  # bm25s's empty token, past its matrix
        a, z = reference.scores["indptr"][column], reference.scores["indptr"][column + 1]
        mine = ours._bm25.vocab_dict[token]
        b_, y = ours._bm25.scores["indptr"][mine], ours._bm25.scores["indptr"][mine + 1]
        assert list(ours._bm25.scores["indices"][b_:y]) == list(reference.scores["indices"][a:z]), token
        assert np.array_equal(ours._bm25.scores["data"][b_:y], reference.scores["data"][a:z]), token
    assert len(ours._bm25.scores["data"]) == len(reference.scores["data"])


def test_same_scores_as_bm25s() -> None:
    corpus = _corpus(7, 500)
    ours = LexicalIndex(corpus)
    reference = _reference(corpus, ours.k1, ours.b)
    for query in (["w0"], ["w1", "w1", "w5"], ["kế_hoạch", "báo_cáo"], ["w299", "w3"]):
        assert np.array_equal(ours.scores(query), np.asarray(reference.get_scores(query), dtype=np.float32)), query
    assert not ours.scores(["không_có"]).any()


def test_saved_and_loaded(tmp_path) -> None:
    corpus = _corpus(11, 200)
    ours = LexicalIndex(corpus)
    ours.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, ours.size, ours.avgdl)
    for query in (["w0", "w2"], ["sở"]):
        assert np.array_equal(loaded.scores(query), ours.scores(query))
    assert loaded.doc_freqs() == ours.doc_freqs()
    assert ours.doc_freqs()["w0"] == sum("w0" in tokens for tokens in corpus)
