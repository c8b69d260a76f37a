"""Dense side: e5 vectors of clauses in a Chroma collection, ids shared with the lexical side.

Chroma is used directly (not through llama-index's vector store): ingestion needs per-plan
delete/replace and `where` filters on the plan, which the raw client does in one call each.
Telemetry is off and no embedding function is attached (Chroma's default downloads a model).

Search within a few plans is exact, not HNSW. With a `where` filter that keeps a few hundred of
165k vectors, Chroma's query took ~100 ms on the 1,000-plan benchmark index (an unfiltered one,
~1 ms); fetching those vectors by id (~27 µs each, then kept in memory) and one matrix product is
faster, and exact. Larger scopes still go to Chroma with the filter.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import numpy as np

COLLECTION = "clauses"
CHROMA_URL_VAR = "ASSISTANT_CHROMA_URL"
EXACT_SEARCH_MAX = 4000  # candidate vectors up to which a filtered search is exact and local
VECTOR_MEMORY = 60_000  # vectors kept in memory for exact search (~90 MB of float32)


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
    """`local(ids) -> {id: vector}`, when given, is asked for vectors before Chroma (the Engine's
    reader of the passage-vector cache): an exact search then needs no Chroma at all, and Chroma
    (~2 s to import) is opened only when a search or a write needs it."""

    def __init__(self, index_dir: Path, collection: str = COLLECTION,
                 local: Callable[[list[str]], dict[str, np.ndarray]] | None = None) -> None:
        self._index_dir = Path(index_dir)
        self._collection_name = collection
        self._opened = None
        self._open_lock = threading.Lock()
        self._local = local
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()  # least recently used first
        self._vectors_lock = threading.Lock()

    @property
    def _collection(self):
        if self._opened is None:
            with self._open_lock:
                if self._opened is None:
                    self._opened = _client(self._index_dir).get_or_create_collection(
                        self._collection_name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        return self._opened

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
        with self._vectors_lock:
            self._vectors.clear()  # rare (ingest only); ids of the plan are not known here

    def count(self) -> int:
        return self._collection.count()

    def ids_of(self, source: str) -> list[str]:
        """Vector ids stored for one plan (checks after a crash; tests)."""
        return list(self._collection.get(where={"source": source}, include=[])["ids"])

    def search(self, vector: np.ndarray, k: int, sources: list[str] | None = None,
               candidates: list[str] | None = None) -> list[tuple[str, float]]:
        """(vector id, cosine similarity) best first, optionally within some plans. `candidates`,
        the vector ids of those plans when the caller knows them, allows the exact local search."""
        if candidates is not None and len(candidates) <= EXACT_SEARCH_MAX:
            return self._exact_search(vector, k, candidates)
        where = None
        if sources:
            where = {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": sources}}
        # Chroma returns fewer than k rows when fewer match: no count() round trip first.
        result = self._collection.query(query_embeddings=[vector.tolist()], n_results=k,
                                        where=where, include=["distances"])
        return [(vid, 1.0 - dist) for vid, dist in zip(result["ids"][0], result["distances"][0])]

    def _exact_search(self, vector: np.ndarray, k: int, candidates: list[str]) -> list[tuple[str, float]]:
        found = self._fetch(candidates)
        ids = [vid for vid in candidates if vid in found]
        if not ids:
            return []
        matrix = np.stack([found[vid] for vid in ids])
        query = np.asarray(vector, dtype=np.float32)
        similarity = matrix @ query / np.maximum(np.linalg.norm(matrix, axis=1) * np.linalg.norm(query), 1e-12)
        order = np.argsort(-similarity, kind="stable")[:k]
        return [(ids[i], float(similarity[i])) for i in order]

    def _fetch(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Vectors by id, from memory or Chroma (ids without a vector are left out)."""
        found = {}
        missing = []
        with self._vectors_lock:  # the web app answers questions from several threads
            for vid in ids:
                row = self._vectors.get(vid)
                if row is None:
                    missing.append(vid)
                else:
                    self._vectors.move_to_end(vid)
                    found[vid] = row
        fetched: dict[str, np.ndarray] = {}
        if missing and self._local is not None:
            fetched = self._local(missing)
            missing = [vid for vid in missing if vid not in fetched]
        if missing:
            result = self._collection.get(ids=missing, include=["embeddings"])
            fetched.update((vid, np.asarray(row, dtype=np.float32)) for vid, row in zip(result["ids"], result["embeddings"]))
        if fetched:
            found.update(fetched)
            with self._vectors_lock:
                self._vectors.update(fetched)
                while len(self._vectors) > VECTOR_MEMORY:
                    self._vectors.popitem(last=False)
        return found
