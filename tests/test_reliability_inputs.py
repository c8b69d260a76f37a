"""Bad and awkward input files for the reliability and security tests, generated on the fly
(helpers only: no tests here)."""
from __future__ import annotations

from pathlib import Path

import docx

from assistant.ingest.encodings import encode_vni

HUGE_BYTES = 100 * 1024 * 1024

LEGACY_PLAN = (
    "ỦY BAN NHÂN DÂN\nXÃ ĐỒNG TÂM THỬ NGHIỆM\nKẾ HOẠCH\nThu gom rác thải sinh hoạt xã Đồng Tâm Thử Nghiệm\n"
    "I. MỤC TIÊU\n1. Tỷ lệ rác thải sinh hoạt được thu gom đạt 92%.\n"
    "II. TỔ CHỨC THỰC HIỆN\n1. Công chức Địa chính – Xây dựng xã\n"
    "- Kiểm tra bãi tập kết rác thải hằng tháng.\n"
)
VIETNAMESE_NAME_PLAN = (
    "ỦY BAN NHÂN DÂN\nPHƯỜNG HÒA AN\nKẾ HOẠCH\nTrồng cây xanh trên địa bàn phường Hòa An năm 2026\n"
    "I. MỤC TIÊU\n1. Trồng mới 1.500 cây xanh bóng mát.\n"
    "II. TỔ CHỨC THỰC HIỆN\n1. Tổ dân phố số 4\n- Chăm sóc cây xanh dọc đường Hòa An hằng tuần.\n"
)
DUPLICATE_PLAN = (
    "KẾ HOẠCH\nNạo vét kênh mương nội đồng xã Bình Lư Thử Nghiệm\n"
    "I. NHIỆM VỤ\n1. Nạo vét 12 km kênh mương trước mùa mưa.\n"
)
UNSTRUCTURED = (
    "Biên bản họp tổ dân phố về việc giữ gìn trật tự ngõ xóm và phòng chống cháy nổ mùa hanh khô.\n\n"
    "Các hộ gia đình thống nhất không đốt rơm rạ gần khu dân cư và trang bị bình chữa cháy mini.\n\n"
    "Tổ trưởng tổ dân phố nhắc nhở các hộ kinh doanh ăn uống kiểm tra bếp ga mỗi tuần.\n"
)
ENGLISH_PLAN = (
    "PEOPLE'S COMMITTEE OF RIVERSIDE TEST COMMUNE\nPLAN\nFlood preparedness in Riverside Test Commune, 2026\n"
    "I. OBJECTIVES\n1. Every hamlet has an evacuation route map by June 2026.\n"
    "II. IMPLEMENTATION\n1. Commune Militia Command\n- Inspect the river dykes every month during the rainy season.\n"
)


def windows_1258(text: str) -> bytes:
    """How Windows writes cp1258: letters with ^ ( + precomposed, tone marks combining after."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    letters = []
    for char in unicodedata.normalize("NFC", text):
        marks = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in tones))
        letters.append(base + "".join(c for c in marks if c in tones))
    return "".join(letters).encode("cp1258")


def text_pdf(path: Path, lines: list[str], user_password: str | None = None) -> Path:
    from tests.test_loaders import make_pdf

    writer = make_pdf([lines])
    if user_password:
        writer.encrypt(user_password=user_password, algorithm="RC4-128")
    writer.write(path)
    return path


def tables_only_docx(path: Path) -> Path:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    rows = [("STT", "Chỉ tiêu", "Năm 2026"), ("1", "Tỷ lệ hộ dùng nước sạch", "95%"),
            ("2", "Số giếng khoan được kiểm tra", "40")]
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    # python-docx starts with one empty paragraph; drop every paragraph so only the table remains
    body = document.element.body
    for paragraph in body.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        body.remove(paragraph)
    document.save(str(path))
    return path


def huge_text(path: Path, size: int = HUGE_BYTES) -> Path:
    with path.open("wb") as handle:  # real content, written in a few large blocks (~0.1 s)
        block = b"a\n" * (4 * 1024 * 1024)
        for _ in range(size // len(block)):
            handle.write(block)
        handle.write(b"a\n" * ((size % len(block)) // 2))
    return path


def make_bad_inputs(folder: Path) -> dict[str, Path]:
    """Every awkward input by role; the names are what a user would have."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(role: str, name: str, data: bytes) -> None:
        files[role] = folder / name
        files[role].write_bytes(data)

    put("empty", "trong.txt", b"")
    put("binary", "anh-doi-duoi.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16)
    files["huge"] = huge_text(folder / "rat-lon.txt")
    full = text_pdf(folder / "tam.pdf", ["KE HOACH", "I. MUC TIEU", "1. Phu song 5G dat 80%."]).read_bytes()
    (folder / "tam.pdf").unlink()
    put("truncated_pdf", "cat-cut.pdf", full[: len(full) // 2])
    files["encrypted_pdf"] = text_pdf(folder / "co-mat-khau.pdf", ["KE HOACH", "I. MUC TIEU"], user_password="bi-mat")
    files["tables_docx"] = tables_only_docx(folder / "chi-bang.docx")
    put("cp1258", "ke-hoach-cp1258.txt", windows_1258(LEGACY_PLAN).replace(b"\n", b"\r\n"))
    put("vni", "ke-hoach-vni.txt", encode_vni(LEGACY_PLAN.replace("Đồng Tâm", "Đồng Hòa")))
    put("vietnamese_name", "Kế hoạch phường Hòa An.txt", VIETNAMESE_NAME_PLAN.encode("utf-8"))
    put("original", "nao-vet-kenh.txt", DUPLICATE_PLAN.encode("utf-8"))
    put("copy", "nao-vet-kenh (ban sao).txt", DUPLICATE_PLAN.encode("utf-8"))
    put("unstructured", "bien-ban-hop.txt", UNSTRUCTURED.encode("utf-8"))
    put("english", "flood-plan.txt", ENGLISH_PLAN.encode("utf-8"))
    return files


FAILING = {  # role: words the CLI message must contain (besides the file name)
    "empty": "empty file",
    "binary": "binary content",
    "huge": "file too large",
    "truncated_pdf": "not a readable PDF",
    "encrypted_pdf": "encrypted PDF",
}
