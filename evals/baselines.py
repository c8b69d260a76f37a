"""Retrieval baselines run on the same questions as the product, each returning a ranking: a list
of positions, each the set of clause keys `(source, clause id)` it covers (see metrics.py).

* `Bm25Baseline`      — bm25s with its defaults over raw clause text (no heading path).
* `EngineRetrieval`   — `engine.retrieve` of an Engine with given fusion settings (ours hybrid,
                        dense-only, lexical-only).
* `LlamaIndexBaseline`— a plain llama-index pipeline: SentenceSplitter(256, 20) over each plan's
                        file text, VectorStoreIndex with our e5 embedder, top-10 chunks; a chunk
                        covers the clauses whose span overlaps its character span.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from evals.metrics import Key

REPO = Path(__file__).resolve().parents[1]


class QueryEmbeddingCache:
    """Wraps an Embedder so the systems that embed the same question string (raw hybrid,
    dense-only, llama-index) compute its vector once. The time of the first computation is
    remembered and charged again on every cache hit (`charged_ms`), so each system's latency
    still includes its query embedding."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self.path = embedder.path
        self.dimension = embedder.dimension
        self._cache: dict[str, tuple[Any, float]] = {}
        self.charged_ms = 0.0

    def embed_queries(self, texts: list[str]):
        import numpy as np

        rows = []
        for text in texts:
            if text in self._cache:
                vector, ms = self._cache[text]
                self.charged_ms += ms
            else:
                start = time.perf_counter()
                vector = self.embedder.embed_queries([text])[0]
                ms = (time.perf_counter() - start) * 1000
                self._cache[text] = (vector, ms)
            rows.append(vector)
        return np.stack(rows) if rows else self.embedder.embed_queries([])

    def embed_passages(self, texts: list[str]):
        return self.embedder.embed_passages(texts)


class EngineRetrieval:
    def __init__(self, name: str, engine) -> None:
        self.name = name
        self.engine = engine

    def search(self, question: str, k: int = 10) -> list[frozenset[Key]]:
        return [frozenset({(h.source, h.clause.id)}) for h in self.engine.retrieve(question, k=k)]


class Bm25Baseline:
    name = "BM25 (bm25s defaults, raw clause text)"

    def __init__(self, entries: list[tuple[str, Any]]) -> None:
        import bm25s

        self.keys = [(source, clause.id) for source, clause in entries]
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize([clause.text for _, clause in entries], show_progress=False),
                             show_progress=False)
        self._bm25s = bm25s

    def search(self, question: str, k: int = 10) -> list[frozenset[Key]]:
        tokens = self._bm25s.tokenize(question, show_progress=False)
        k = min(k, len(self.keys))
        try:
            docs, _scores = self.retriever.retrieve(tokens, k=k, show_progress=False)
        except (ValueError, KeyError, IndexError):  # a query with no known token
            return []
        return [frozenset({self.keys[int(i)]}) for i in docs[0]]


def make_llama_embedding(embedder):
    """A llama-index embedding model backed by our Embedder (e5 prefixes included)."""
    from llama_index.core.bridge.pydantic import PrivateAttr
    from llama_index.core.embeddings import BaseEmbedding

    class OurEmbedding(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, embedder, **kwargs: Any) -> None:
            super().__init__(model_name=str(embedder.path), embed_batch_size=32, **kwargs)
            self._embedder = embedder

        @classmethod
        def class_name(cls) -> str:
            return "assistant_e5"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_queries([query])[0].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_passages(list(texts)).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        async def _aget_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embedding(text)

        async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._get_text_embeddings(texts)

    return OurEmbedding(embedder)


class LlamaIndexBaseline:
    name = "llama-index (SentenceSplitter 256/20 + e5, top-10 chunks)"

    def __init__(self, plans, embedder) -> None:
        from llama_index.core import Document, Settings, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        from assistant.ingest.loaders import load

        Settings.llm = None
        Settings.embed_model = make_llama_embedding(embedder)
        self.spans: dict[str, list[tuple[int, int, str, str]]] = {}
        self.texts: dict[str, str] = {}
        documents = []
        for plan in plans:
            text = load(REPO / plan.source).text
            self.texts[plan.source] = text
            self.spans[plan.source] = [(c.span[0], c.span[1], c.id, c.text) for c in plan.clauses]
            documents.append(Document(text=text, metadata={"source": plan.source}))
        splitter = SentenceSplitter(chunk_size=256, chunk_overlap=20)
        self.nodes = splitter.get_nodes_from_documents(documents)
        self.unlocated = sum(1 for n in self.nodes if n.start_char_idx is None)
        index = VectorStoreIndex(self.nodes, embed_model=Settings.embed_model, show_progress=False)
        self.retriever = index.as_retriever(similarity_top_k=10)

    def clauses_of(self, source: str, start: int | None, end: int | None, chunk: str) -> frozenset[Key]:
        keys = set()
        for c_start, c_end, clause_id, clause_text in self.spans.get(source, []):
            overlaps = start is not None and end is not None and c_start < end and start < c_end
            if overlaps or (clause_text and clause_text in chunk):
                keys.add((source, clause_id))
        return frozenset(keys)

    def search(self, question: str, k: int = 10) -> list[frozenset[Key]]:
        from llama_index.core.schema import MetadataMode

        ranking = []
        for hit in self.retriever.retrieve(question)[:k]:
            node = hit.node
            source = node.metadata.get("source", "")
            ranking.append(self.clauses_of(source, node.start_char_idx, node.end_char_idx,
                                           node.get_content(metadata_mode=MetadataMode.NONE)))
        return ranking
