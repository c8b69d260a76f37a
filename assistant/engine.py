"""The library API that the CLI, the web app, the evaluation and the benchmarks call.

    engine = Engine.open(Path("index"))          # loads the index and (lazily) the model
    answer = engine.ask("Ai báo cáo UBND thị xã, trước ngày nào?")
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import Clause, Plan
from assistant.retrieval.dense import DenseIndex
from assistant.retrieval import lexical_store
from assistant.retrieval.hybrid import ClauseCorpus, FusionSettings, Hit, HybridRetriever
from assistant.retrieval.lexical import LexicalIndex
from assistant.store import IndexError_, PlanStore

DEFAULT_INDEX = Path(os.environ.get("ASSISTANT_INDEX", "index"))
MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """A question that cannot be asked (empty, only punctuation, too long)."""


@dataclass(frozen=True)
class Citation:
    source: str
    clause: str
    path: list[str]
    text: str
    score: float


@dataclass
class Answer:
    question: str
    answer: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)
    intent: str = ""

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "grounded": self.grounded,
            "citations": [c.__dict__ for c in self.citations],
        }


def check_question(question: str) -> str:
    text = (question or "").strip()
    if not text:
        raise QuestionError("câu hỏi trống (empty question)")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"câu hỏi quá dài: {len(text)} ký tự, tối đa {MAX_QUESTION_CHARS} (question too long)")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("câu hỏi không có chữ hoặc số (question has no words)")
    return text


class Engine:
    def __init__(self, index_dir: Path, embedder=None, settings: FusionSettings | None = None,
                 use_dense: bool = True, save_lexical: bool = True) -> None:
        self.index_dir = Path(index_dir)
        store = PlanStore(self.index_dir)
        if not store.exists():
            raise IndexError_(f"{self.index_dir}: no index here; build it with 'assistant ingest' (or 'make run')")
        loaded, stamps = store.load_all_stamped()
        # BM25 saved by an earlier open of the same plan files, else built here and saved for the next.
        key = lexical_store.fingerprint([(p.source, p.sha256, stamp) for (p, _), stamp in zip(loaded, stamps)],
                                        LexicalIndex.PARAMS)
        saved = lexical_store.load(self.index_dir, key)
        self.corpus = ClauseCorpus(loaded, lexical=saved)
        if saved is None and save_lexical:
            lexical_store.save(self.index_dir, key, self.corpus.lexical)
        self._embedder = embedder
        self._query_vectors: dict[str, object] = {}
        self._query_lock = threading.Lock()
        self.use_dense = use_dense
        self.dense = DenseIndex(self.index_dir) if use_dense else None
        self.retriever = HybridRetriever(self.corpus, self.dense, self, settings)

    @classmethod
    def open(cls, index_dir: Path | None = None, **kwargs) -> "Engine":
        return cls(index_dir or DEFAULT_INDEX, **kwargs)

    # The retriever asks the engine for query vectors so the model loads only when first needed;
    # recent ones are kept because a comparison retrieves the same question once per compared plan.
    # The web app asks from several threads: the cache is touched under a lock, the model outside it.
    def embed_queries(self, texts: list[str]):
        import numpy as np

        with self._query_lock:
            vectors = {t: self._query_vectors.get(t) for t in texts}
        missing = [t for t, vector in vectors.items() if vector is None]
        if missing:
            fresh = dict(zip(missing, self.embedder.embed_queries(missing)))
            vectors.update(fresh)
            with self._query_lock:
                for text, vector in fresh.items():
                    if len(self._query_vectors) >= 256:
                        self._query_vectors.pop(next(iter(self._query_vectors)))
                    self._query_vectors[text] = vector
        return np.stack([vectors[t] for t in texts])

    @property
    def embedder(self):
        if self._embedder is None:
            from assistant.retrieval.embedder import Embedder

            self._embedder = Embedder()
        return self._embedder

    @property
    def plans(self) -> list[Plan]:
        return self.corpus.plans

    def plan(self, source: str) -> Plan | None:
        return self.corpus.plan(source)

    def clause(self, source: str, clause_id: str) -> Clause | None:
        plan = self.plan(source)
        return next((c for c in plan.clauses if c.id == clause_id), None) if plan else None

    def resolve_plan(self, name: str) -> list[str]:
        """Sources matching a user's plan name: a path, a file stem, or a locality name."""
        from assistant.question import plans_named

        return plans_named(name, self.plans)

    def retrieve(self, question: str, k: int = 10, sources: list[str] | None = None) -> list[Hit]:
        return self.retriever.retrieve(question, k=k, sources=sources)

    def ask(self, question: str, plan: str | None = None) -> Answer:
        from assistant.answering import compose

        text = check_question(question)
        return compose(self, text, plan=plan)
