"""Ranking and answer metrics (BEIR/MTEB definitions, binary relevance) and table helpers.

A ranking is a list of positions; each position holds the set of clause keys `(source, clause)`
it covers: one clause for our retrieval and citations, possibly several for a text chunk of a
baseline. A position is relevant when it covers a gold clause not already covered higher up, so
nDCG stays ≤ 1 whatever the chunking; IDCG assumes min(|gold|, k) relevant positions.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Key = tuple[str, str]
Ranking = Sequence[frozenset[Key] | set[Key]]


def relevance(ranking: Ranking, gold: set[Key], k: int) -> list[int]:
    seen: set[Key] = set()
    rels = []
    for keys in list(ranking)[:k]:
        new = (set(keys) & gold) - seen
        rels.append(1 if new else 0)
        seen |= new
    return rels


def hit_at(ranking: Ranking, gold: set[Key], k: int) -> float:
    return 1.0 if any(relevance(ranking, gold, k)) else 0.0


def mrr_at(ranking: Ranking, gold: set[Key], k: int = 10) -> float:
    for rank, rel in enumerate(relevance(ranking, gold, k), start=1):
        if rel:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranking: Ranking, gold: set[Key], k: int = 10) -> float:
    dcg = sum(rel / math.log2(rank + 1) for rank, rel in enumerate(relevance(ranking, gold, k), start=1))
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal if ideal else 0.0


def retrieval_scores(ranking: Ranking, gold: set[Key]) -> dict[str, float]:
    return {
        "hit@1": hit_at(ranking, gold, 1),
        "hit@5": hit_at(ranking, gold, 5),
        "mrr@10": mrr_at(ranking, gold, 10),
        "ndcg@10": ndcg_at(ranking, gold, 10),
    }


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)
