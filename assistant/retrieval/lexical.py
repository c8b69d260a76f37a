"""Lexical side: BM25 (bm25s) over clause tokens, heading path included.

bm25s is given pre-tokenized Vietnamese (see tokenize.py), so its English stopwords and its
drop of 1-character tokens never apply. Scores for all clauses come back as one numpy vector,
which makes a plan filter a mask rather than a second index.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


class LexicalIndex:
    PARAMS = {"k1": 1.2, "b": 0.5}

    def __init__(self, corpus_tokens: list[list[str]] | None, k1: float = PARAMS["k1"], b: float = PARAMS["b"]) -> None:
        import bm25s

        self.size = len(corpus_tokens or [])
        self.k1, self.b = k1, b
        # Average clause length: bm25s does not save it, and a delta index scores with it.
        self.avgdl = float(np.mean([len(t) for t in corpus_tokens])) if self.size else 0.0
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._doc_freqs: dict[str, int] | None = None
        if self.size:
            self._bm25.index(corpus_tokens, show_progress=False)

    def doc_freqs(self) -> dict[str, int]:
        """Documents containing each term, read off the score matrix (one column per term, a
        non-zero entry per document containing it)."""
        if self._doc_freqs is None:
            if not self.size:
                self._doc_freqs = {}
            else:
                counts = np.diff(np.asarray(self._bm25.scores["indptr"]))
                self._doc_freqs = {term: int(counts[i]) for term, i in self._bm25.vocab_dict.items()
                                   if i < len(counts)}  # bm25s may list an empty token past the matrix
        return self._doc_freqs

    def save(self, folder: Path) -> None:
        if self.size:
            self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int, avgdl: float = 0.0) -> "LexicalIndex":
        """A saved index, its score arrays memory-mapped (see lexical_store.py)."""
        import bm25s

        index = cls(None)
        index.size = size
        index.avgdl = avgdl
        if size:
            index._bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        return index

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not self.size or not query_tokens:
            return np.zeros(self.size, dtype=np.float32)
        known = [t for t in query_tokens if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
