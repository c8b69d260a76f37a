"""Hybrid retrieval over the loaded index: BM25 and e5 ranks fused by weighted reciprocal rank,
optionally restricted to some plans.

Weights and the RRF constant are plain constructor arguments; the defaults are the values tuned
on the evaluation set (see FusionSettings), not guesses.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.documents import Clause, Plan
from assistant.retrieval.dense import EXACT_SEARCH_MAX, DenseIndex, vector_id
from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.tokenize import query_tokens
from assistant.store import IndexError_, plan_key


@dataclass(frozen=True)
class Hit:
    source: str
    clause: Clause
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class FusionSettings:
    """Tuned on evals/gold.jsonl (176 answerable questions, plan filter on): lexical alone gives
    hit@5 0.903; equal weights with rrf_k 60 drop it to 0.812; dense 0.3 with rrf_k 5 keeps 0.903
    and lets the multilingual vectors break ties and carry paraphrased or English questions."""

    lexical_weight: float = 1.0
    dense_weight: float = 0.3
    rrf_k: float = 5.0
    depth: int = 60  # how deep each side's ranking is read before fusing


class ClauseCorpus:
    """All indexed clauses in one flat list, in the order the lexical index holds them."""

    def __init__(self, plans: list[tuple[Plan, list[list[str]] | None]], lexical=None) -> None:
        """`plans`: each plan with its clauses' tokens, which may be None when `lexical` (an
        index over exactly these clauses, in this order) is given."""
        self.plans = [plan for plan, _ in plans]
        self.entries: list[tuple[str, Clause]] = []
        self._ranges: dict[str, tuple[int, int]] = {}  # a plan's clauses are contiguous
        self.vector_ids: list[str] = []
        # Per plan, not per clause, where it can be: a reopen at 500k clauses spends its time here.
        for plan in self.plans:
            start = len(self.entries)
            self.entries.extend((plan.source, clause) for clause in plan.clauses)
            self._ranges[plan.source] = (start, len(self.entries))
            key = plan_key(plan.source)
            self.vector_ids.extend(vector_id(key, clause.id) for clause in plan.clauses)
        self.position = {vid: i for i, vid in enumerate(self.vector_ids)}
        self._by_source = {plan.source: plan for plan in self.plans}
        self._plan_number = {plan.source: number for number, plan in enumerate(self.plans)}
        # Each clause's plan as a small integer: filtering 100k+ clauses by plan is then one
        # vectorised comparison instead of string matching (sources are unique: manifest keys).
        self.plan_numbers = np.repeat(np.arange(len(self.plans), dtype=np.int32),
                                      [len(plan.clauses) for plan in self.plans])
        if lexical is not None and lexical.size != len(self.entries):
            lexical = None  # saved for another set of clauses: never trust it over the plans
        if lexical is None:
            missing = [plan.source for plan, tokens in plans if tokens is None]
            if missing:
                raise IndexError_(f"{missing[0]}: no tokens and no lexical index to score its clauses")
            uneven = [plan.source for plan, tokens in plans if len(tokens) != len(plan.clauses)]
            if uneven:
                raise IndexError_(f"{uneven[0]}: indexed plan has not one token list per clause; "
                                 f"rebuild with 'assistant ingest --rebuild'")
            lexical = LexicalIndex([t for _, tokens in plans for t in tokens])
        self.lexical = lexical

    def plan(self, source: str) -> Plan | None:
        return self._by_source.get(source)

    def clause_count(self, sources: list[str]) -> int:
        return sum(end - start for start, end in (self._ranges.get(s, (0, 0)) for s in set(sources)))

    def vector_ids_of(self, sources: list[str]) -> list[str]:
        """The dense-side ids of the clauses of the given plans."""
        return [vid for source in dict.fromkeys(sources) for vid in self.vector_ids[slice(*self._ranges.get(source, (0, 0)))]]

    def in_plans(self, sources: list[str]) -> np.ndarray:
        """Boolean mask over the clauses: those of the given plans."""
        wanted = np.zeros(len(self.plans) + 1, dtype=bool)
        wanted[[self._plan_number[s] for s in sources if s in self._plan_number]] = True
        return wanted[self.plan_numbers]


class HybridRetriever:
    def __init__(self, corpus: ClauseCorpus, dense: DenseIndex | None, embedder, settings: FusionSettings | None = None):
        self.corpus = corpus
        self.dense = dense
        self.embedder = embedder
        self.settings = settings or FusionSettings()

    def lexical_ranking(self, question: str, sources: list[str] | None = None) -> list[tuple[int, float]]:
        scores = self.corpus.lexical.scores(query_tokens(question))
        if sources:
            scores = np.where(self.corpus.in_plans(sources), scores, 0.0)
        depth = min(self.settings.depth, len(scores))
        if depth == 0:
            return []
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def dense_ranking(self, question: str, sources: list[str] | None = None) -> list[tuple[int, float]]:
        if self.dense is None or self.embedder is None:
            return []
        vector = self.embedder.embed_queries([question])[0]
        ranking = []
        candidates = None
        if sources and self.corpus.clause_count(sources) <= EXACT_SEARCH_MAX:
            candidates = self.corpus.vector_ids_of(sources)
        elif not sources and len(self.corpus.vector_ids) <= EXACT_SEARCH_MAX:
            candidates = self.corpus.vector_ids  # a small index: exact over all, no HNSW needed
        for vid, similarity in self.dense.search(vector, self.settings.depth, sources, candidates):
            position = self.corpus.position.get(vid)
            if position is not None:  # vectors of a half-written plan are ignored
                ranking.append((position, similarity))
        return ranking

    def retrieve(self, question: str, k: int = 10, sources: list[str] | None = None) -> list[Hit]:
        s = self.settings
        fused: dict[int, float] = {}
        lexical_ranks: dict[int, int] = {}
        dense_ranks: dict[int, int] = {}
        if s.lexical_weight:
            for rank, (position, _) in enumerate(self.lexical_ranking(question, sources), start=1):
                lexical_ranks[position] = rank
                fused[position] = fused.get(position, 0.0) + s.lexical_weight / (s.rrf_k + rank)
        if s.dense_weight:
            for rank, (position, _) in enumerate(self.dense_ranking(question, sources), start=1):
                dense_ranks[position] = rank
                fused[position] = fused.get(position, 0.0) + s.dense_weight / (s.rrf_k + rank)
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [
            Hit(self.corpus.entries[p][0], self.corpus.entries[p][1], score, lexical_ranks.get(p), dense_ranks.get(p))
            for p, score in best
        ]
