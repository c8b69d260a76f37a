"""Passage-vector cache: each distinct passage is embedded once per model.

Key: sha1(model folder path [+ #precision] + NUL + passage text). Values: float32 rows in SQLite
(`index/vector_cache.sqlite`). Plans of a province repeat whole clauses (communes copy the
district's template), so most passages of a new plan are already here. The cache is only a
cache: deleting the file costs re-embedding, never correctness; a changed model folder path
gives new keys (a model replaced in place under the same path must be followed by deleting the
file, as `assistant ingest --rebuild` does with the whole index).
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

FILE_NAME = "vector_cache.sqlite"


def passage_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")
        self._db.commit()
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):  # SQLite caps bound parameters
            chunk = unique[start:start + 500]
            rows = self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)",
                             [(k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])
        self._db.commit()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def embedder_identity(embedder) -> str:
    """Model folder (plus precision when not float32) of an Embedder or a test double."""
    return str(getattr(embedder, "identity", None) or getattr(embedder, "path", ""))


def embed_passages_cached(embedder, cache: VectorCache | None, texts: list[str]) -> np.ndarray:
    """embedder.embed_passages(texts), computing only passages neither cached nor repeated in
    `texts`. Rows are identical to an uncached call's (same model, same text)."""
    if cache is None:
        return embedder.embed_passages(texts)
    model = embedder_identity(embedder)
    keys = [passage_key(model, t) for t in texts]
    found = cache.get_many(keys)
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in found and key not in missing:
            missing[key] = text
    cache.hits += len(texts) - len(missing)
    cache.misses += len(missing)
    if missing:
        vectors = embedder.embed_passages(list(missing.values()))
        new = dict(zip(missing.keys(), vectors))
        cache.put_many(new)
        found.update(new)
    if not texts:
        return np.zeros((0, int(getattr(embedder, "dimension", 0))), dtype=np.float32)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
