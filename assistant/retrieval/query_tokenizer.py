"""The model's Unigram tokenizer for a few short texts, without building its 250k-piece trie.

`tokenizers.Tokenizer.from_file` on e5's tokenizer.json spends ~1.2 s building the trie of the
whole XLM-R vocabulary: the largest part of a cold `assistant ask` after torch was removed from
it. A Unigram segmentation of a word can only use pieces that are substrings of that word, so a
tokenizer whose vocabulary holds exactly those pieces (same strings, same scores), plus the
special tokens and the lowest-scored piece (the unknown-token score is derived from it), finds the
same best segmentation; its ids are mapped back to the full vocabulary's. Such a tokenizer builds
in a few milliseconds per text. tests/test_query_encoder.py checks the ids against the full
tokenizer on every clause of the corpus and the gold questions.

The vocabulary is read from a small cache in a folder the caller names (the Engine: the index
folder; pieces as lines, scores as .npy, ~0.1 s to load instead of ~0.9 s of JSON), written on
first use and keyed by tokenizer.json's path, size and modification time. Without a folder, or when
it is read-only, the vocabulary is read from tokenizer.json each time. The model folder itself is
never written.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

CACHE_PREFIX = "query-vocab-"


def supports(tokenizer_json: dict) -> bool:
    model = tokenizer_json.get("model") or {}
    return model.get("type") == "Unigram" and not model.get("byte_fallback") and tokenizer_json.get("pre_tokenizer") is not None


class SubsetTokenizer:
    """encode(text) → ids, identical to tokenizers.Tokenizer.from_file(path).encode(text).ids
    (with truncation to `max_length`)."""

    def __init__(self, path: Path, max_length: int = 512, cache_dir: Path | None = None) -> None:
        from tokenizers import Tokenizer

        self.path = Path(path)
        self.max_length = max_length
        self._pieces, self._scores, self._skeleton = _load_vocab(self.path, cache_dir)
        self._index = {piece: i for i, piece in enumerate(self._pieces)}
        self._longest = max(len(p) for p in self._pieces)
        self._lowest = int(np.argmin(self._scores))
        self._special = [t["id"] for t in self._skeleton["added_tokens"]]
        # Normalizer and pre-tokenizer alone (an empty vocabulary builds instantly): the words
        # whose substrings are looked up.
        splitter = dict(self._skeleton, model={"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]],
                                               "byte_fallback": False}, added_tokens=[], post_processor=None)
        self._splitter = Tokenizer.from_str(json.dumps(splitter))

    def _words(self, text: str) -> set[str]:
        words = set()
        normalizer, pre = self._splitter.normalizer, self._splitter.pre_tokenizer
        for variant in {text, normalizer.normalize_str(text) if normalizer else text}:
            words.update(word for word, _ in pre.pre_tokenize_str(variant))
        return words

    def encode(self, text: str) -> list[int]:
        from tokenizers import Tokenizer

        wanted = set(self._special)
        wanted.add(self._lowest)
        wanted.add(int(self._skeleton["model"]["unk_id"]))
        for word in self._words(text):
            for start in range(len(word)):
                for end in range(start + 1, min(len(word), start + self._longest) + 1):
                    found = self._index.get(word[start:end])
                    if found is not None:
                        wanted.add(found)
        original = sorted(wanted)  # ascending, so the special tokens 0..3 keep their ids
        local = {orig: i for i, orig in enumerate(original)}
        spec = dict(self._skeleton)
        spec["model"] = dict(spec["model"], unk_id=local[int(spec["model"]["unk_id"])],
                             vocab=[[self._pieces[i], float(self._scores[i])] for i in original])
        spec["added_tokens"] = [dict(t, id=local[t["id"]]) for t in spec["added_tokens"]]
        spec["post_processor"] = _remap_post_processor(spec.get("post_processor"), local)
        tokenizer = Tokenizer.from_str(json.dumps(spec))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_length)
        return [original[i] for i in tokenizer.encode(text).ids]


def _remap_post_processor(processor, local: dict[int, int]):
    """TemplateProcessing names its special tokens' ids: give them their local numbers."""
    if not processor:
        return processor
    processor = json.loads(json.dumps(processor))
    for token in (processor.get("special_tokens") or {}).values():
        token["ids"] = [local[i] for i in token["ids"]]
    if processor.get("type") not in ("TemplateProcessing", None):
        raise ValueError(f"post-processor {processor.get('type')} not supported")
    return processor


def _stamp(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def _load_vocab(path: Path, cache_dir: Path | None) -> tuple[list[str], np.ndarray, dict]:
    stamp = _stamp(path)
    folder = None
    if cache_dir is not None:
        name = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:12]
        folder = Path(cache_dir) / f"{CACHE_PREFIX}{name}"
    try:
        if folder is None:
            raise FileNotFoundError
        skeleton = json.loads((folder / "skeleton.json").read_text("utf-8"))
        if skeleton.pop("_stamp", None) == stamp:
            pieces = (folder / "pieces.txt").read_text("utf-8").split("\n")
            scores = np.load(folder / "scores.npy")
            if len(pieces) == len(scores):
                return pieces, scores, skeleton
    except (OSError, ValueError):
        pass
    data = json.loads(path.read_text("utf-8"))
    if not supports(data):
        raise ValueError(f"{path}: not a Unigram tokenizer without byte fallback")
    pieces = [piece for piece, _ in data["model"]["vocab"]]
    if any("\n" in piece for piece in pieces):
        raise ValueError(f"{path}: a piece contains a newline")
    scores = np.array([score for _, score in data["model"]["vocab"]], dtype=np.float64)
    skeleton = dict(data, model={k: v for k, v in data["model"].items() if k != "vocab"})
    if folder is not None:
        _save_vocab(folder, pieces, scores, dict(skeleton, _stamp=stamp))
    return pieces, scores, skeleton


def _save_vocab(folder: Path, pieces: list[str], scores: np.ndarray, skeleton: dict) -> None:
    """Into a fresh folder renamed into place: a reader sees the old cache, the new one or none."""
    try:
        staged = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        (staged / "pieces.txt").write_text("\n".join(pieces), "utf-8")
        np.save(staged / "scores.npy", scores)
        (staged / "skeleton.json").write_text(json.dumps(skeleton), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)  # a stale cache (tokenizer.json changed)
        os.replace(staged, folder)
    except OSError:
        pass  # read-only model folder (or a concurrent writer): the vocabulary stays in memory
    finally:
        for leftover in folder.parent.glob(f".{folder.name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)
