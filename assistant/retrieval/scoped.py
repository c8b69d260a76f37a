"""BM25 within the plans a question is restricted to, with those plans' own term statistics.

The index's IDF is the collection's: a plan's title words ("tổng kiểm kê tài sản công") are rare
among all plans, so once a question names that plan they outweigh what it asks ("vướng mắc",
"phản hồi") in every clause that repeats the title. Within the plan they are common and weigh
little. Each BM25 entry is idf·tf-part, so a term's column is rescaled by idf(scope)/idf(all);
the tf part keeps the collection's average length (lucene formula, as lexical.py).
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def scoped_scores(lexical, tokens: list[str], mask: np.ndarray) -> np.ndarray:
    """BM25 scores of the clauses where `mask` is true, the IDF of each query term counted among
    them; 0 elsewhere. `lexical` is a LexicalIndex or SegmentedLexical (`size`, `scores`)."""
    out = np.zeros(lexical.size, dtype=np.float32)
    rows = np.flatnonzero(mask)
    if not tokens or not len(rows):
        return out
    scoped = np.zeros(len(rows), dtype=np.float32)
    for term, count in Counter(tokens).items():
        column = lexical.scores([term])
        within = column[rows]
        # lucene's idf is positive: a score is there exactly where the term is
        df_scope = int(np.count_nonzero(within))
        if not df_scope:
            continue
        weight = count * _idf(len(rows), df_scope) / _idf(lexical.size, int(np.count_nonzero(column)))
        scoped += within * np.float32(weight)
    out[rows] = scoped
    return out
