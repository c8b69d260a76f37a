"""Lexical side: BM25 (bm25s) over clause tokens, heading path included.

bm25s is given pre-tokenized Vietnamese (see tokenize.py), so its English stopwords and its
drop of 1-character tokens never apply. Scores for all clauses come back as one numpy vector,
which makes a plan filter a mask rather than a second index.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np


TOKENS_PER_CHUNK = 1 << 21  # ~2M tokens: a chunk's arrays stay around 100 MB


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
        500k clauses). Here the clauses are read in chunks twice: once to count each term's
        clauses (the matrix's column sizes), once to write each chunk's (term, clause, score)
        entries into their final places; beyond the ids, only the matrix itself and one chunk's
        arrays are held. The matrix is bm25s's own, entry for entry (tests/test_lexical_build.py)."""
        vocab: dict[str, int] = {}
        lengths = np.fromiter(map(len, corpus_tokens), dtype=np.int64, count=self.size)
        ids = np.fromiter((vocab.setdefault(token, len(vocab)) for tokens in corpus_tokens for token in tokens),
                          dtype=np.int32, count=int(lengths.sum()))
        n_docs, n_terms = self.size, len(vocab)
        starts = np.concatenate([[0], np.cumsum(lengths)])
        # Average clause length: bm25s does not save it, and a delta index scores with it.
        average = lengths.mean()  # as bm25s computes it (np.float64)
        self.avgdl = float(average)
        chunks = _chunks(starts, TOKENS_PER_CHUNK)

        def entries(first: int, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """(term, clause, term frequency) of clauses first..last-1, by term then clause."""
            span = last - first
            local = np.repeat(np.arange(span, dtype=np.int64), lengths[first:last])
            keys, tf = np.unique(ids[starts[first]:starts[last]].astype(np.int64) * span + local, return_counts=True)
            terms, docs = np.divmod(keys, span)
            return terms, docs + first, tf

        doc_freq = np.zeros(n_terms, dtype=np.int64)
        for first, last in chunks:
            doc_freq += np.bincount(entries(first, last)[0], minlength=n_terms)
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(doc_freq, out=indptr[1:])
        # idf and tfc as bm25s's lucene scorers compute them (float64, the idf stored as float32;
        # math.log per distinct frequency, as bm25s calls it: numpy's log may round otherwise).
        freqs, of_term = np.unique(doc_freq, return_inverse=True)
        idf = np.asarray([math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for df in freqs.tolist()],
                         dtype=np.float32)[of_term]
        data = np.empty(int(indptr[-1]), dtype=np.float32)
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        written = indptr[:-1].copy()  # next free place in each term's column
        for first, last in chunks:
            terms, docs, tf = entries(first, last)
            within = np.arange(len(terms)) - np.searchsorted(terms, terms)  # rank inside its term's run
            places = written[terms] + within
            tf = tf.astype(np.float32).astype(np.float64)
            tfc = tf / (self.k1 * ((1 - self.b) + self.b * lengths[docs].astype(np.float64) / average) + tf)
            data[places] = (idf[terms].astype(np.float64) * tfc).astype(np.float32)
            indices[places] = docs
            written += np.bincount(terms, minlength=n_terms)
        self._bm25.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n_docs}
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


def _chunks(starts: np.ndarray, tokens_per_chunk: int) -> list[tuple[int, int]]:
    """Runs of consecutive clauses of about `tokens_per_chunk` tokens each (one clause at least)."""
    out, first, n = [], 0, len(starts) - 1
    while first < n:
        last = int(np.searchsorted(starts, starts[first] + tokens_per_chunk, side="right")) - 1
        last = min(max(last, first + 1), n)
        out.append((first, last))
        first = last
    return out

