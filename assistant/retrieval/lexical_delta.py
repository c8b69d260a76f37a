"""BM25 over a large saved index plus a small delta, without rebuilding the large one.

An upload into a 1,000-plan index rebuilt BM25 over 165k clauses (~9 s, growing with the index).
Here the saved index (the base) keeps serving the plans it was built from and whose plan files are
unchanged; plans added or changed since are scored by a delta built at open from their tokens
alone (milliseconds for a plan or two); rows of plans removed or changed since are simply not
read. The base is rebuilt, and saved, only once the delta and the dropped rows together pass a
fraction of it (Engine: `MERGE_FRACTION`), or by `assistant ingest`'s next full build.

Delta clauses are scored with the base's statistics (document count, average length, document
frequency of each term; a term the base never saw counts its delta documents): exactly the score
the clause would have had in the base, so the two halves rank on one scale. The difference from a
full rebuild is only the drift of those statistics, small while the delta is a small part of the
base (tests/test_lexical_delta.py measures it). Formula: bm25s's "lucene" method, which the
base uses: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf / (tf + k1 (1 - b + b·dl/avgdl)).
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from assistant.retrieval.lexical import LexicalIndex


class DeltaScorer:
    """Lucene BM25 scores of a few documents under given corpus statistics."""

    def __init__(self, docs: list[list[str]], base: LexicalIndex) -> None:
        from scipy import sparse

        self.size = len(docs)
        df_base = base.doc_freqs()
        n = max(base.size, 1)
        avgdl = base.avgdl or (float(np.mean([len(d) for d in docs])) if docs else 1.0)
        k1, b = base.k1, base.b
        new_terms = Counter(t for doc in docs for t in set(doc) if t not in df_base)
        self.vocab: dict[str, int] = {}
        rows, cols, values = [], [], []
        for row, doc in enumerate(docs):
            dl = len(doc)
            for term, tf in Counter(doc).items():
                df = df_base.get(term) or new_terms[term]
                idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
                col = self.vocab.setdefault(term, len(self.vocab))
                rows.append(row)
                cols.append(col)
                values.append(idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)))
        self._matrix = sparse.csc_matrix((np.asarray(values, dtype=np.float32), (rows, cols)),
                                         shape=(self.size, max(len(self.vocab), 1)), dtype=np.float32)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """Summed over the query's tokens, repeated ones counted each time (as bm25s does)."""
        cols = [self.vocab[t] for t in query_tokens if t in self.vocab]
        if not cols or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        weights = np.zeros(self._matrix.shape[1], dtype=np.float32)
        np.add.at(weights, cols, 1.0)
        return np.asarray(self._matrix @ weights, dtype=np.float32).ravel()


class SegmentedLexical:
    """Scores aligned with the corpus: base rows for the positions the base covers, delta rows
    for the others. Same interface as LexicalIndex (`size`, `scores`)."""

    def __init__(self, base: LexicalIndex, size: int, base_positions: np.ndarray, base_rows: np.ndarray,
                 delta_docs: list[list[str]], delta_positions: np.ndarray) -> None:
        self.base = base
        self.size = size
        self.base_positions = base_positions
        self.base_rows = base_rows
        self.delta = DeltaScorer(delta_docs, base)
        self.delta_positions = delta_positions

    @property
    def delta_size(self) -> int:
        return self.delta.size

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        if not query_tokens:
            return out
        out[self.base_positions] = self.base.scores(query_tokens)[self.base_rows]
        if self.delta.size:
            out[self.delta_positions] = self.delta.scores(query_tokens)
        return out


MERGE_FRACTION = 0.1  # delta + dropped rows beyond this share of the base: rebuild the base


def assemble(base, current: list[tuple[str, str, str, int]], tokens: list[list[list[str]]],
             merge_fraction: float | None = None):
    """The lexical index for `current` plans (source, hash, stamp, clauses; corpus order) given a
    saved base (lexical_store.SavedBase): the base itself when it covers exactly these plans, a
    SegmentedLexical when the change is small, else None (the caller builds a new base).
    `tokens[i]` are plan i's clause tokens."""
    if base is None:
        return None
    merge_fraction = MERGE_FRACTION if merge_fraction is None else merge_fraction
    if base.plans == current:
        return base.lexical
    offsets, row = {}, 0
    for entry in base.plans:
        offsets[entry] = row
        row += entry[3]
    base_positions, base_rows, delta_docs, delta_positions = [], [], [], []
    position = reused = 0
    for entry, plan_tokens in zip(current, tokens):
        count = entry[3]
        if entry in offsets:
            base_positions.append(np.arange(position, position + count))
            base_rows.append(np.arange(offsets[entry], offsets[entry] + count))
            reused += count
        else:
            delta_docs.extend(plan_tokens)
            delta_positions.append(np.arange(position, position + count))
        position += count
    dropped = base.lexical.size - reused
    if len(delta_docs) + dropped > merge_fraction * max(base.lexical.size, 1):
        return None
    join = lambda parts: np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)  # noqa: E731
    return SegmentedLexical(base.lexical, position, join(base_positions), join(base_rows), delta_docs,
                            join(delta_positions))
