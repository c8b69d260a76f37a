"""Hybrid retrieval over the loaded index: BM25 and e5 ranks fused by weighted reciprocal rank,
optionally restricted to some plans.

Weights and the RRF constant are plain constructor arguments; the defaults are the values tuned
on the evaluation set (see FusionSettings), not guesses.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.documents import Clause, Plan
from assistant.retrieval.columns import clause_at, clause_count, plan_ids
from assistant.retrieval.dense import EXACT_SEARCH_MAX, DenseIndex, vector_id
from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.scoped import scoped_scores
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
    """All indexed clauses as one sequence of positions, in the order the lexical index holds
    them: plan after plan, each plan's clauses contiguous. Per clause only an int32 (its plan's
    number) is held; a clause itself is read from its plan (a StoredPlan decodes it from its
    columns) when a ranking returns its position."""

    def __init__(self, plans: list[tuple[Plan, list[list[str]] | None]], lexical=None) -> None:
        """`plans`: each plan with its clauses' tokens, which may be None when `lexical` (an
        index over exactly these clauses, in this order) is given."""
        self.plans = [plan for plan, _ in plans]
        counts = np.asarray([clause_count(plan) for plan in self.plans], dtype=np.int64)
        self._starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._by_source = {plan.source: plan for plan in self.plans}
        self._plan_number = {plan.source: number for number, plan in enumerate(self.plans)}
        self._key_number = {plan_key(plan.source): number for number, plan in enumerate(self.plans)}
        self._id_offsets: OrderedDict[int, dict[str, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.entries = _Entries(self)
        self.position = _Positions(self)
        # Each clause's plan as a small integer: filtering 100k+ clauses by plan is then one
        # vectorised comparison instead of string matching (sources are unique: manifest keys).
        self.plan_numbers = np.repeat(np.arange(len(self.plans), dtype=np.int32), counts)
        if lexical is not None and lexical.size != len(self.entries):
            lexical = None  # saved for another set of clauses: never trust it over the plans
        if lexical is None:
            missing = [plan.source for plan, tokens in plans if tokens is None]
            if missing:
                raise IndexError_(f"{missing[0]}: no tokens and no lexical index to score its clauses")
            uneven = [plan.source for plan, tokens in plans if len(tokens) != clause_count(plan)]
            if uneven:
                raise IndexError_(f"{uneven[0]}: indexed plan has not one token list per clause; "
                                 f"rebuild with 'assistant ingest --rebuild'")
            lexical = LexicalIndex([t for _, tokens in plans for t in tokens])
        self.lexical = lexical

    def __len__(self) -> int:
        return int(self._starts[-1])

    def plan(self, source: str) -> Plan | None:
        return self._by_source.get(source)

    def locate(self, position: int) -> tuple[int, int]:
        """(plan number, offset within the plan) of a position."""
        number = int(np.searchsorted(self._starts, position, side="right")) - 1
        return number, position - int(self._starts[number])

    def source_at(self, position: int) -> str:
        return self.plans[self.locate(position)[0]].source

    def clause_count(self, sources: list[str]) -> int:
        numbers = [self._plan_number[s] for s in set(sources) if s in self._plan_number]
        return int(sum(self._starts[n + 1] - self._starts[n] for n in numbers))

    def _vector_ids(self, number: int) -> list[str]:
        key = plan_key(self.plans[number].source)
        return [vector_id(key, cid) for cid in plan_ids(self.plans[number])]

    @property
    def vector_ids(self) -> list[str]:
        """The dense-side id of every clause, in position order (built on each call: for small
        indexes and tests; large ones map ids through `position`)."""
        return [vid for number in range(len(self.plans)) for vid in self._vector_ids(number)]

    def vector_ids_of(self, sources: list[str]) -> list[str]:
        """The dense-side ids of the clauses of the given plans."""
        return [vid for source in dict.fromkeys(sources) if source in self._plan_number
                for vid in self._vector_ids(self._plan_number[source])]

    def _offsets(self, number: int) -> dict[str, int]:
        """Clause id -> offset within plan `number` (kept for the last plans asked)."""
        with self._lock:
            found = self._id_offsets.get(number)
            if found is not None:
                self._id_offsets.move_to_end(number)
                return found
        # A repeated id maps to its last clause, as a dict over all vector ids did.
        offsets = {cid: offset for offset, cid in enumerate(plan_ids(self.plans[number]))}
        with self._lock:
            self._id_offsets[number] = offsets
            while len(self._id_offsets) > 512:
                self._id_offsets.popitem(last=False)
        return offsets

    def in_plans(self, sources: list[str]) -> np.ndarray:
        """Boolean mask over the clauses: those of the given plans."""
        wanted = np.zeros(len(self.plans) + 1, dtype=bool)
        wanted[[self._plan_number[s] for s in sources if s in self._plan_number]] = True
        return wanted[self.plan_numbers]


class _Entries(Sequence):
    """`corpus.entries[position]` -> (source, clause), decoded on access."""

    def __init__(self, corpus: ClauseCorpus) -> None:
        self._corpus = corpus

    def __len__(self) -> int:
        return len(self._corpus)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        number, offset = self._corpus.locate(position)
        plan = self._corpus.plans[number]
        return plan.source, clause_at(plan, offset)

    def __iter__(self):
        for plan in self._corpus.plans:
            for clause in plan.clauses:
                yield plan.source, clause


class _Positions:
    """`corpus.position.get(vector id)` -> position, through the id's plan key and that plan's ids."""

    def __init__(self, corpus: ClauseCorpus) -> None:
        self._corpus = corpus

    def get(self, vid: str, default=None):
        key, sep, cid = vid.partition("::")
        number = self._corpus._key_number.get(key) if sep else None
        if number is None:
            return default
        offset = self._corpus._offsets(number).get(cid)
        return default if offset is None else int(self._corpus._starts[number]) + offset

    def __contains__(self, vid: str) -> bool:
        return self.get(vid) is not None

    def __getitem__(self, vid: str) -> int:
        position = self.get(vid)
        if position is None:
            raise KeyError(vid)
        return position

    def __len__(self) -> int:
        return len(self._corpus)


class HybridRetriever:
    def __init__(self, corpus: ClauseCorpus, dense: DenseIndex | None, embedder, settings: FusionSettings | None = None):
        self.corpus = corpus
        self.dense = dense
        self.embedder = embedder
        self.settings = settings or FusionSettings()

    def lexical_ranking(self, question: str, sources: list[str] | None = None) -> list[tuple[int, float]]:
        tokens = query_tokens(question)
        if sources:
            scores = scoped_scores(self.corpus.lexical, tokens, self.corpus.in_plans(sources))
        else:
            scores = self.corpus.lexical.scores(tokens)
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
        elif not sources and len(self.corpus) <= EXACT_SEARCH_MAX:
            candidates = self.corpus.vector_ids  # a small index: exact over all, no HNSW needed
        for vid, similarity in self.dense.search(vector, self.settings.depth, sources, candidates):
            position = self.corpus.position.get(vid)
            if position is not None:  # vectors of a half-written plan are ignored
                ranking.append((position, similarity))
        return ranking

    def retrieve(self, question: str, k: int = 10, sources: list[str] | None = None,
                 lexical_question: str | None = None) -> list[Hit]:
        """The clauses best matching the question, BM25 and dense ranks fused. `lexical_question`
        stands in for the question on the lexical side only (an English question's Vietnamese
        terms: its English words occur in no plan, while the dense model reads English)."""
        s = self.settings
        fused: dict[int, float] = {}
        lexical_ranks: dict[int, int] = {}
        dense_ranks: dict[int, int] = {}
        if s.lexical_weight:
            for rank, (position, _) in enumerate(self.lexical_ranking(lexical_question or question, sources), start=1):
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
