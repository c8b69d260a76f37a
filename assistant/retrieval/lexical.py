"""Lexical side: BM25 (bm25s) over clause tokens, heading path included.

bm25s is given pre-tokenized Vietnamese (see tokenize.py), so its English stopwords and its
drop of 1-character tokens never apply. Scores for all clauses come back as one numpy vector,
which makes a plan filter a mask rather than a second index.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np


class LexicalIndex:
    PARAMS = {"k1": 1.2, "b": 0.5}

    def __init__(self, corpus_tokens: list[list[str]] | None, k1: float = PARAMS["k1"], b: float = PARAMS["b"]) -> None:
        import bm25s

        self.size = len(corpus_tokens or [])
        self.k1, self.b = k1, b
        self.avgdl = 0.0
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._doc_freqs: dict[str, int] | None = None
        if self.size:
            self._index(corpus_tokens)

    def _index(self, corpus_tokens: list[list[str]]) -> None:
        """bm25s's index (method "lucene"), built with numpy from one int32 array of token ids.
        `BM25.index` turns every clause into a Python list of ints and a Counter (1.6 GB more at
        500k clauses); this holds 4 bytes per token and a few arrays of one entry per distinct
        (term, clause) pair, and gives the same score matrix (tests/test_lexical_build.py)."""
        vocab: dict[str, int] = {}
        lengths = np.fromiter(map(len, corpus_tokens), dtype=np.int64, count=self.size)
        ids = np.fromiter((vocab.setdefault(token, len(vocab)) for tokens in corpus_tokens for token in tokens),
                          dtype=np.int64, count=int(lengths.sum()))
        n_docs, n_terms = self.size, len(vocab)
        # Average clause length: bm25s does not save it, and a delta index scores with it.
        average = lengths.mean()  # as bm25s computes it (np.float64)
        self.avgdl = float(average)
        # One key per token, term-major: sorted and counted, they are the CSC matrix's entries
        # (column = term, rows = clauses in order) with each term frequency.
        ids *= n_docs
        ids += np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        keys, tf = np.unique(ids, return_counts=True)
        del ids
        terms, docs = np.divmod(keys, n_docs)
        del keys
        doc_freq = np.bincount(terms, minlength=n_terms)
        # idf and tfc as bm25s's lucene scorers compute them (float64, the idf stored as float32).
        # (math.log per distinct frequency, as bm25s calls it: numpy's log may round otherwise.)
        freqs, of_term = np.unique(doc_freq, return_inverse=True)
        idf = np.asarray([math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for df in freqs.tolist()],
                         dtype=np.float32)[of_term]
        tf = tf.astype(np.float32).astype(np.float64)
        tfc = tf / (self.k1 * ((1 - self.b) + self.b * lengths[docs].astype(np.float64) / average) + tf)
        data = (idf[terms].astype(np.float64) * tfc).astype(np.float32)
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(doc_freq, out=indptr[1:])
        self._bm25.scores = {"data": data, "indices": docs.astype(np.int32), "indptr": indptr, "num_docs": n_docs}
        if "" not in vocab:
            vocab[""] = n_terms  # bm25s's empty token, past the matrix (it scores nothing)
        self._bm25.vocab_dict = vocab
        self._bm25.unique_token_ids_set = set(vocab.values())
        self._bm25.nonoccurrence_array = None  # lucene has none (bm25s sets it while indexing)

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
