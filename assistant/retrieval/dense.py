"""Dense side: e5 vectors of clauses in a Chroma collection, ids shared with the lexical side.

Chroma is used directly (not through llama-index's vector store): ingestion needs per-plan
delete/replace and `where` filters on the plan, which the raw client does in one call each.
Telemetry is off and no embedding function is attached (Chroma's default downloads a model).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

COLLECTION = "clauses"
CHROMA_URL_VAR = "ASSISTANT_CHROMA_URL"


def _client(index_dir: Path):
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    url = os.environ.get(CHROMA_URL_VAR, "").strip()
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                   ssl=parsed.scheme == "https", settings=settings)
    return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=settings)


def vector_id(source_key: str, clause_id: str) -> str:
    return f"{source_key}::{clause_id}"


class DenseIndex:
    def __init__(self, index_dir: Path, collection: str = COLLECTION) -> None:
        self._collection = _client(Path(index_dir)).get_or_create_collection(
            collection, metadata={"hnsw:space": "cosine"}, embedding_function=None)

    def replace_plan(self, source: str, ids: list[str], vectors: np.ndarray) -> None:
        """Delete then add: not atomic. The indexer names the plan in its journal first, so a run
        killed in between is repaired by the next one; queries meanwhile ignore vectors whose id
        is not a clause of a loaded plan."""
        self.remove_plan(source)
        for start in range(0, len(ids), 1000):  # Chroma caps the batch size
            end = start + 1000
            self._collection.add(ids=ids[start:end], embeddings=vectors[start:end].tolist(),
                                 metadatas=[{"source": source}] * len(ids[start:end]))

    def remove_plan(self, source: str) -> None:
        self._collection.delete(where={"source": source})

    def count(self) -> int:
        return self._collection.count()

    def ids_of(self, source: str) -> list[str]:
        """Vector ids stored for one plan (checks after a crash; tests)."""
        return list(self._collection.get(where={"source": source}, include=[])["ids"])

    def search(self, vector: np.ndarray, k: int, sources: list[str] | None = None) -> list[tuple[str, float]]:
        """(vector id, cosine similarity) best first, optionally within some plans. Chroma returns
        fewer than k rows when fewer match, so no count() round trip is needed first."""
        where = None
        if sources:
            where = {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": sources}}
        result = self._collection.query(query_embeddings=[vector.tolist()], n_results=k,
                                        where=where, include=["distances"])
        return [(vid, 1.0 - dist) for vid, dist in zip(result["ids"][0], result["distances"][0])]
