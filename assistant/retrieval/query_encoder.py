"""Query vectors without torch: the e5 (XLM-R / BERT encoder) forward pass in numpy.

A cold `assistant ask` embeds one short question. Importing torch and sentence-transformers and
loading the model through them took ~4 s of a ~7 s cold ask; this encoder reads the same
`model.safetensors` memory-mapped (only the embedding rows of the question's tokens are paged
in), tokenizes with the same `tokenizer.json` (Rust `tokenizers`, imported in ~0.1 s) and runs
the 12 layers in float32 numpy. Its rows match sentence-transformers' float32 rows to cosine
≥ 0.9999 (tests/test_query_encoder.py). Passages are still embedded by the torch Embedder: bulk
throughput there is what matters, and bfloat16 on this CPU is faster than numpy.

Only folders this forward pass understands are accepted (`supports`); anything else (another
architecture, another pooling) falls back to the torch Embedder.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from assistant.retrieval.embedder import EmbedderUnavailable, model_path, prompts_for

ARCHITECTURES = {"xlm-roberta": "roberta", "bert": "bert"}
_MAP_ABOVE = 32 << 20  # bytes: tensors larger than this stay memory-mapped
_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None}


def supports(folder: Path) -> bool:
    """True when the folder is an encoder with mean pooling and L2 normalisation, in safetensors."""
    try:
        config = json.loads((folder / "config.json").read_text("utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text("utf-8"))
        modules = json.loads((folder / "modules.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    types = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    return (config.get("model_type") in ARCHITECTURES
            and config.get("position_embedding_type", "absolute") == "absolute"
            and config.get("hidden_act") == "gelu"
            and pooling.get("pooling_mode_mean_tokens") is True
            and not any(pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                                 "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_lasttoken"))
            and types == ["Transformer", "Pooling", "Normalize"]
            and (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file())


def _safetensors_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file: the large ones (the 384 MB word-embedding table) as
    read-only memory-mapped arrays, paged in row by row; the others copied into aligned memory,
    because numpy runs matrix products on unaligned data (the header length is arbitrary) without
    BLAS, ~100× slower. The format is an 8-byte header length, a JSON header of
    {name: {dtype, shape, data_offsets}}, then the raw little-endian data."""
    with open(path, "rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(length))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length)
    arrays = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise EmbedderUnavailable(f"{path}: tensor {name} has dtype {info['dtype']}, not supported here")
        start, end = info["data_offsets"]
        array = data[start:end].view(dtype).reshape(info["shape"])
        arrays[name] = array if end - start > _MAP_ABOVE else np.array(array)
    return arrays


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # exact (erf) GELU, as the model was trained; scipy is a bm25s dependency

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def _tokenizer(path: Path, max_length: int, cache_dir: Path | None):
    """text → ids: the subset tokenizer for Unigram vocabularies (no 1.2 s trie build), else the
    full one."""
    from assistant.retrieval.query_tokenizer import SubsetTokenizer

    try:
        return SubsetTokenizer(path, max_length, cache_dir).encode
    except ValueError:
        from tokenizers import Tokenizer

        full = Tokenizer.from_file(str(path))
        full.no_padding()
        full.enable_truncation(max_length)
        return lambda text: full.encode(text).ids


class QueryEncoder:
    """embed_queries(texts) → float32, L2-normalised rows, like Embedder.embed_queries."""

    def __init__(self, path: Path | None = None, cache_dir: Path | None = None) -> None:
        self.path = Path(path) if path is not None else model_path()
        if not supports(self.path):
            raise EmbedderUnavailable(f"{self.path}: not a folder the numpy query encoder can run")
        self.config = json.loads((self.path / "config.json").read_text("utf-8"))
        self.prompts = prompts_for(self.path)
        self._weights = _safetensors_arrays(self.path / "model.safetensors")
        prefix = "roberta." if any(k.startswith("roberta.") for k in self._weights) else \
            "bert." if any(k.startswith("bert.") for k in self._weights) else ""
        self._w = lambda name: self._weights[prefix + name]
        self._max_len = min(int(self.config.get("max_position_embeddings", 512)) - 2, 512)
        self._encode_ids = _tokenizer(self.path / "tokenizer.json", self._max_len, cache_dir)
        self.dimension = int(self.config["hidden_size"])
        self._heads = int(self.config["num_attention_heads"])
        self._eps = float(self.config.get("layer_norm_eps", 1e-12))
        self._pad = int(self.config.get("pad_token_id", 1))
        self._roberta = ARCHITECTURES[self.config["model_type"]] == "roberta"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, self.prompts["query"])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, self.prompts["passage"])

    def _embed(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        from threadpoolctl import threadpool_limits

        # One BLAS thread: these products are tiny, and OpenBLAS's threads waiting on a shared
        # 2-core machine made one question 3-5× slower than a single thread.
        with threadpool_limits(limits=1, user_api="blas"):
            rows = [self._encode(self._encode_ids(prefix + text)) for text in texts]
        return np.stack(rows).astype(np.float32)

    def _encode(self, ids: list[int]) -> np.ndarray:
        """One sequence, unpadded (so no attention mask): mean of the last hidden states, normalised."""
        w = self._w
        n = len(ids)
        # RoBERTa numbers positions from padding_idx + 1; BERT from 0.
        positions = np.arange(n) + (self._pad + 1 if self._roberta else 0)
        x = (np.asarray(w("embeddings.word_embeddings.weight")[ids], dtype=np.float32)
             + w("embeddings.position_embeddings.weight")[positions]
             + w("embeddings.token_type_embeddings.weight")[0])
        x = _layer_norm(x, w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"), self._eps)
        heads, size = self._heads, self.dimension // self._heads
        for layer in range(int(self.config["num_hidden_layers"])):
            p = f"encoder.layer.{layer}."
            q, k, v = (x @ w(p + f"attention.self.{m}.weight").T + w(p + f"attention.self.{m}.bias")
                       for m in ("query", "key", "value"))
            q, k, v = (t.reshape(n, heads, size).transpose(1, 0, 2) for t in (q, k, v))
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(1, 0, 2).reshape(n, self.dimension)
            attended = context @ w(p + "attention.output.dense.weight").T + w(p + "attention.output.dense.bias")
            x = _layer_norm(attended + x, w(p + "attention.output.LayerNorm.weight"),
                            w(p + "attention.output.LayerNorm.bias"), self._eps)
            hidden = _gelu(x @ w(p + "intermediate.dense.weight").T + w(p + "intermediate.dense.bias"))
            out = hidden @ w(p + "output.dense.weight").T + w(p + "output.dense.bias")
            x = _layer_norm(out + x, w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias"), self._eps)
        pooled = x.mean(0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)
