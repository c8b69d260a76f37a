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
    in_scope = int(mask.sum())
    if not tokens or not in_scope:
        return out
    for term, count in Counter(tokens).items():
        column = lexical.scores([term])
        present = column > 0  # lucene's idf is positive: a score is there exactly where the term is
        df_all, df_scope = int(present.sum()), int((present & mask).sum())
        if not df_scope:
            continue
        weight = count * _idf(in_scope, df_scope) / _idf(lexical.size, df_all)
        out += (column * weight).astype(np.float32)
    return np.where(mask, out, 0.0).astype(np.float32)
