"""Dense sentence embeddings from a local sentence-transformers folder (CPU, offline).

The default folder is intfloat/multilingual-e5-small rebuilt by `scripts/build_embedder.py`
(`make setup`). `ASSISTANT_EMBED_MODEL` may point at any other sentence-transformers folder
(bge-m3, a Vietnamese bi-encoder); only e5 models get the `query: ` / `passage: ` prefixes.

Precision: on a CPU with native bfloat16 arithmetic (AVX512-BF16 or AMX) the weights run in
bfloat16, which measured 1.65× the float32 throughput on this machine's 2 cores at cosine ≥ 0.998
to the float32 vectors; elsewhere bfloat16 is emulated and slower, so float32 stays.
`ASSISTANT_EMBED_DTYPE=float32|bfloat16` overrides the choice.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import assistant  # noqa: F401  (sets the HF offline env vars before sentence-transformers loads)
import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "multilingual-e5-small"
ENV_VAR = "ASSISTANT_EMBED_MODEL"
DTYPE_VAR = "ASSISTANT_EMBED_DTYPE"
DTYPES = ("float32", "bfloat16")
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}


class EmbedderUnavailable(Exception):
    """The embedding model folder is missing or unusable."""


def model_path() -> Path:
    """The model folder: `ASSISTANT_EMBED_MODEL` if set, else the bundled e5 folder."""
    override = os.environ.get(ENV_VAR, "").strip()
    return Path(override).expanduser() if override else DEFAULT_MODEL_DIR


def prompts_for(folder: Path) -> dict[str, str]:
    """Prefixes the model was trained with: the e5 ones when the folder declares them in
    config_sentence_transformers.json, or when it is named like an e5 model; else none."""
    declared: dict[str, str] = {}
    try:
        config = json.loads((folder / "config_sentence_transformers.json").read_text("utf-8"))
        declared = config.get("prompts") or {}
    except (OSError, ValueError):
        pass
    if declared.get("query") == E5_PROMPTS["query"] or "e5" in folder.name.lower():
        return dict(E5_PROMPTS)
    return {"query": "", "passage": ""}


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        flags = set(cpuinfo.read_text("utf-8", errors="replace").split())
    except OSError:
        return False
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def choose_dtype(requested: str | None = None) -> str:
    """`requested`, else `ASSISTANT_EMBED_DTYPE`, else bfloat16 where the CPU computes it natively."""
    wanted = (requested or os.environ.get(DTYPE_VAR, "") or "auto").strip().lower()
    if wanted == "auto":
        return "bfloat16" if cpu_has_native_bf16() else "float32"
    if wanted not in DTYPES:
        raise EmbedderUnavailable(f"{DTYPE_VAR}={wanted!r} is not a supported precision "
                                  f"(use auto, {' or '.join(DTYPES)})")
    return wanted


class Embedder:
    """A sentence-transformers model loaded once; returns float32, L2-normalised rows."""

    def __init__(self, path: Path | None = None, batch_size: int = 32, dtype: str | None = None) -> None:
        self.path = Path(path) if path is not None else model_path()
        if not (self.path / "modules.json").is_file() and not (self.path / "config.json").is_file():
            raise EmbedderUnavailable(
                f"embedding model folder not found or incomplete: {self.path} "
                f"(run `make setup` to build it, or set {ENV_VAR} to a sentence-transformers folder)")
        self.batch_size = batch_size
        self.dtype = choose_dtype(dtype)
        self.prompts = prompts_for(self.path)
        self._model = _load(self.path, self.dtype)
        self.dimension: int = int(self._model.get_embedding_dimension())

    @property
    def identity(self) -> str:
        """What a cached vector depends on: the folder and, when not float32, the precision."""
        return str(self.path) if self.dtype == "float32" else f"{self.path}#{self.dtype}"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, self.prompts["query"])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, self.prompts["passage"])

    def _embed(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Prefixes are added here rather than through ST prompts so that any folder behaves the
        # same whatever its config_sentence_transformers.json says.
        vectors = self._model.encode([prefix + text for text in texts],
                                     batch_size=self.batch_size, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def _load(path: Path, dtype: str):  # -> SentenceTransformer (imported lazily: torch takes seconds)
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # At most two threads: the sizing in DESIGN.md §4 is for 2 cores, and the web app, the
    # indexer and Chroma share the machine with this model.
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    hf_logging.disable_progress_bar()  # the "Loading weights" bar is noise in app logs
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise EmbedderUnavailable(f"cannot load embedding model from {path}: {exc} "
                                  f"(run `make setup` to rebuild it)") from exc
    if dtype == "bfloat16":
        model = model.to(torch.bfloat16)  # encode() still returns float32 rows (converted below)
    return model
