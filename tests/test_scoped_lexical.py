"""BM25 within the plans a question names weighs terms by those plans' own statistics."""
from __future__ import annotations

import math

import numpy as np

from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.scoped import scoped_scores


def _index():
    # Plan A (rows 0-3) repeats its title words "kiem ke" in every clause; plan B (rows 4-7) never.
    docs = [["kiem", "ke", "tai", "san"], ["kiem", "ke", "tai", "san", "bao", "cao"],
            ["vuong", "mac", "phan", "hoi", "kiem", "ke"], ["kiem", "ke", "thoi", "han"],
            ["bao", "cao", "so"], ["vuong", "mac", "xu", "ly"], ["bao", "cao", "thang"], ["du", "lich"]]
    return LexicalIndex(docs)


def test_a_word_every_clause_of_the_plan_repeats_weighs_little_within_it():
    lexical = _index()
    mask = np.array([True] * 4 + [False] * 4)
    query = ["kiem", "ke", "vuong", "mac"]
    collection = np.where(mask, lexical.scores(query), 0.0)
    scoped = scoped_scores(lexical, query, mask)
    assert not scoped[4:].any()
    # over the whole collection "kiem ke" is rare and the title-only clauses rank near the answer;
    # within the plan it is in every clause and the clause that says "vướng mắc" stands out
    assert scoped[2] / scoped[[0, 1, 3]].max() > collection[2] / collection[[0, 1, 3]].max()
    assert int(np.argmax(scoped)) == 2


def test_a_term_is_rescaled_by_the_ratio_of_its_scoped_to_its_collection_idf():
    lexical = _index()
    mask = np.array([True] * 4 + [False] * 4)
    idf = lambda n, df: math.log(1 + (n - df + 0.5) / (df + 0.5))  # noqa: E731
    expected = lexical.scores(["bao"])[1] * idf(4, 1) / idf(8, 3)
    assert math.isclose(float(scoped_scores(lexical, ["bao"], mask)[1]), expected, rel_tol=1e-5)
    # a term absent from the scope scores nothing there
    assert not scoped_scores(lexical, ["du", "lich"], mask).any()
