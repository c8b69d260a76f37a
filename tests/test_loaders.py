"""Loaders: every fixture is generated in tmp_path, so the tests need no binary files."""
from __future__ import annotations

import codecs
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from assistant.documents import LoadError
from assistant.ingest.encodings import (
    encode_tcvn3,
    encode_vni,
    is_vietnamese_syllable,
    vietnamese_score,
)
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, load

REPORT = "Phòng Văn hóa và Thông tin thị xã báo cáo UBND thị xã trước ngày 10 tháng 12 hằng năm."
PLAN = "\n".join(
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 2855/KH-UBND",
        "KẾ HOẠCH",
        "Phát triển hạ tầng số trên địa bàn thị xã Mường Lay đến năm 2025",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Cụ thể hoá nhiệm vụ, giải pháp chủ yếu của Kế hoạch số 4734/KH-UBND của UBND tỉnh.",
        "- Tỷ lệ thôn, bản được phủ sóng di động băng rộng đạt 100%; tốc độ 37,7 Mbps.",
        "IV. TỔ CHỨC THỰC HIỆN",
        "3. Công chức Tài chính – Kế toán xã chủ trì, phối hợp với các đơn vị liên quan.",
        REPORT,
        "Ủy ban nhân dân các xã, phường gửi về Phòng Văn hóa – Xã hội trước ngày 15/12 hằng năm.",
        "Người nhận: Trường Đại học Quốc gia; khuỷu, quyền, giữa, thuở, ỵ.",
    ]
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def load_error(path: Path, **kwargs) -> str:
    with pytest.raises(LoadError) as caught:
        load(path, **kwargs)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    return message


# --- Unicode text --------------------------------------------------------------------------


def test_utf8_text_keeps_lines_and_normalises_line_endings(tmp_path):
    path = write(tmp_path, "ke-hoach.txt", PLAN.replace("\n", "\r\n").encode() + b"\r\nend\rlast")
    document = load(path)
    assert document.text == PLAN + "\nend\nlast"
    assert (document.format, document.encoding, document.page_starts) == ("txt", "utf-8", ())
    assert document.path == path
    assert document.page_at(0) is None


def test_utf8_text_is_not_normalised(tmp_path):
    nfd = unicodedata.normalize("NFD", REPORT) + "\nthuỷ lợi, hoá"
    document = load(write(tmp_path, "nfd.md", nfd.encode()))
    assert document.text == nfd
    assert document.format == "md"


def test_utf8_bom_is_stripped(tmp_path):
    document = load(write(tmp_path, "bom.txt", codecs.BOM_UTF8 + PLAN.encode()))
    assert document.text == PLAN
    assert document.encoding == "utf-8-sig"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, encoding):
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    data = bom[encoding] + PLAN.replace("\n", "\r\n").encode(encoding)
    document = load(write(tmp_path, "utf16.txt", data))
    assert document.text == PLAN
    assert document.encoding == "utf-16"


def test_upper_case_suffix(tmp_path):
    assert load(write(tmp_path, "KE-HOACH.TXT", REPORT.encode())).format == "txt"


def test_corpus_files_load_as_utf8():
    corpus = sorted((Path(__file__).parent.parent / "corpus").glob("*.txt"))
    assert corpus
    for path in corpus:
        document = load(path)
        assert document.encoding == "utf-8"
        assert document.text == path.read_text(encoding="utf-8")


# --- legacy encodings ----------------------------------------------------------------------


def windows_1258_form(text: str) -> str:
    """How Windows writes cp1258: letters with ^ ( + precomposed, tone marks combining after."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    letters = []
    for char in unicodedata.normalize("NFC", text):
        marks = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in tones))
        letters.append(base + "".join(c for c in marks if c in tones))
    return "".join(letters)


def test_windows_1258(tmp_path):
    data = windows_1258_form(PLAN).encode("cp1258")
    assert b"\xcc" in data and b"\xf2" in data  # combining grave and dot below really are used
    document = load(write(tmp_path, "cp1258.txt", data.replace(b"\n", b"\r\n")))
    assert document.encoding == "cp1258"
    assert document.text == unicodedata.normalize("NFC", PLAN)


def test_vni_generated_by_reverse_table(tmp_path):
    document = load(write(tmp_path, "vni.txt", encode_vni(PLAN)))
    assert document.encoding == "vni"
    assert document.text == PLAN


def test_vni_hand_written(tmp_path):
    # Bytes as VNI-Times documents store them (Windows-1252 view), typed here by hand.
    vni = (
        "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM\r\n"
        "Ñoäc laäp - Töï do - Haïnh phuùc\r\n"
        "Thaønh phoá Hoà Chí Minh, ngaøy 10 thaùng 12 naêm 2024\r\n"
        "Tröôøng Ñaïi hoïc Quoác gia baùo caùo UBND thaønh phoá tröôùc ngaøy 10/12 haèng naêm."
    )
    document = load(write(tmp_path, "vni-hand.txt", vni.encode("cp1252")))
    assert document.encoding == "vni"
    assert document.text.split("\n") == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thành phố Hồ Chí Minh, ngày 10 tháng 12 năm 2024",
        "Trường Đại học Quốc gia báo cáo UBND thành phố trước ngày 10/12 hằng năm.",
    ]


def test_tcvn3_generated_by_reverse_table(tmp_path):
    document = load(write(tmp_path, "tcvn3.txt", encode_tcvn3(PLAN)))
    assert document.encoding == "tcvn3"
    # Toned capitals have no TCVN3 code: all-capital lines get their case back from context,
    # a capital starting a mixed-case line ("Ủy ban") cannot.
    assert document.text == PLAN.replace("Ủy ban", "ủy ban")


def test_tcvn3_hand_written(tmp_path):
    # ".VnTime" text: one byte per toned letter ("¸" = á, "Ö" = ệ, "§" = Đ), typed here by hand.
    tcvn3 = (
        "Céng hoµ x· héi chñ nghÜa ViÖt Nam\r\n"
        "§éc lËp - Tù do - H¹nh phóc\r\n"
        "Sè: 12/KH-UBND\r\n"
        "KÕ ho¹ch ph¸t triÓn h¹ tÇng sè\r\n"
        "I. MôC §ÝCH, Y£U CÇU\r\n"
        "TM. ñY BAN NH¢N D¢N\r\n"
        "Phô lôc: C¸C CHØ TI£U PH¸T TRIÓN H¹ tÇng sè\r\n"
        "Tr\xadêng §¹i häc Quèc gia"
    )
    document = load(write(tmp_path, "tcvn3-hand.txt", tcvn3.encode("cp1252")))
    assert document.encoding == "tcvn3"
    assert document.text.split("\n") == [
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/KH-UBND",
        "Kế hoạch phát triển hạ tầng số",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "TM. ỦY BAN NHÂN DÂN",
        "Phụ lục: CÁC CHỈ TIÊU PHÁT TRIỂN Hạ tầng số",
        "Trường Đại học Quốc gia",
    ]


def test_utf8_with_a_few_bad_bytes_keeps_its_text(tmp_path):
    data = PLAN.encode().replace("Mường Lay".encode(), b"M\xb0\xf4\xeang Lay")  # pasted VNI
    document = load(write(tmp_path, "damaged.txt", data))
    assert document.encoding == "utf-8-replace"
    assert document.text == PLAN.replace("Mường Lay", "M\ufffd\ufffd\ufffdng Lay")


@pytest.mark.parametrize(
    ("text", "codec"),
    [("Grüße aus München, schöne Straße und Käse", "cp1252"), ("乡镇规划文件说明", "gbk")],
)
def test_unrecognised_encoding(tmp_path, text, codec):
    message = load_error(write(tmp_path, "other.txt", text.encode(codec)))
    assert "unrecognised text encoding" in message


def test_syllable_check():
    for word in ["người", "nghiệp", "quyền", "giữa", "khuỷu", "thuở", "hoá", "hóa", "ỵ", "Đường"]:
        assert is_vietnamese_syllable(word), word
    for word in ["Vieät", "hßa", "x·", "viưt", "céé", "ǹg", "Straße"]:
        assert not is_vietnamese_syllable(word), word


def test_wrong_decodings_score_low():
    assert vietnamese_score(PLAN) == 1.0
    assert vietnamese_score(encode_vni(PLAN).decode("cp1252")) < 0.5
    assert vietnamese_score(encode_tcvn3(PLAN).decode("cp1252")) < 0.5


# --- PDF -----------------------------------------------------------------------------------

PAGE_1 = ["KẾ HOẠCH", "Phát triển hạ tầng số thị xã Mường Lay", REPORT]
PAGE_2 = ["IV. TỔ CHỨC THỰC HIỆN", "Công chức Văn hóa - Xã hội xã tham mưu UBND xã."]


def _obj(writer: PdfWriter, entries: dict) -> IndirectObject:
    return writer._add_object(DictionaryObject({NameObject(k): v for k, v in entries.items()}))


def _unicode_font(writer: PdfWriter, chars: str) -> IndirectObject:
    """A Type0 font with Identity-H codes and a ToUnicode map, as Word-made PDFs carry."""
    codes = sorted({ord(char) for char in chars})
    blocks = []
    for start in range(0, len(codes), 100):  # at most 100 entries per bfchar block
        chunk = codes[start : start + 100]
        pairs = "\n".join(f"<{code:04X}> <{code:04X}>" for code in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{pairs}\nendbfchar")
    cmap = DecodedStreamObject()
    cmap.set_data(
        (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + "\n".join(blocks)
            + "\nendcmap CMapName currentdict /CMap defineresource pop end end"
        ).encode()
    )
    system_info = DictionaryObject(
        {
            NameObject("/Registry"): TextStringObject("Adobe"),
            NameObject("/Ordering"): TextStringObject("Identity"),
            NameObject("/Supplement"): NumberObject(0),
        }
    )
    descendant = _obj(
        writer,
        {
            "/Type": NameObject("/Font"),
            "/Subtype": NameObject("/CIDFontType2"),
            "/BaseFont": NameObject("/TimesNewRomanPSMT"),
            "/CIDSystemInfo": system_info,
            "/DW": NumberObject(500),
        },
    )
    return _obj(
        writer,
        {
            "/Type": NameObject("/Font"),
            "/Subtype": NameObject("/Type0"),
            "/BaseFont": NameObject("/TimesNewRomanPSMT"),
            "/Encoding": NameObject("/Identity-H"),
            "/DescendantFonts": ArrayObject([descendant]),
            "/ToUnicode": writer._add_object(cmap),
        },
    )


def make_pdf(pages: list[list[str]]) -> PdfWriter:
    writer = PdfWriter()
    font = _unicode_font(writer, "".join("".join(lines) for lines in pages))
    for lines in pages:
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        shows = [
            f"BT /F1 12 Tf 72 {770 - 20 * row} Td <{line.encode('utf-16-be').hex()}> Tj ET"
            for row, line in enumerate(lines)
        ]
        content = DecodedStreamObject()
        content.set_data("\n".join(shows).encode())
        page[NameObject("/Contents")] = writer._add_object(content)
    return writer


def pdf_bytes(writer: PdfWriter, tmp_path: Path) -> bytes:
    path = tmp_path / "made.pdf"
    writer.write(path)
    return path.read_bytes()


def test_pdf_pages_and_offsets(tmp_path):
    path = tmp_path / "ke-hoach.pdf"
    make_pdf([PAGE_1, PAGE_2]).write(path)
    document = load(path)
    assert document.format == "pdf"
    first, second = "\n".join(PAGE_1), "\n".join(PAGE_2)
    assert document.text == first + "\n\n" + second
    assert document.page_starts == (0, len(first) + 2)
    assert document.page_at(document.text.index("trước ngày 10 tháng 12")) == 1
    assert document.page_at(document.text.index("TỔ CHỨC THỰC HIỆN")) == 2


def test_pdf_protected_by_owner_password_only_loads(tmp_path):
    writer = make_pdf([PAGE_1])
    writer.encrypt(user_password="", owner_password="chu-tich", algorithm="RC4-128")
    path = tmp_path / "owner-only.pdf"
    writer.write(path)
    assert load(path).text == "\n".join(PAGE_1)


def test_pdf_with_user_password(tmp_path):
    writer = make_pdf([PAGE_1])
    writer.encrypt(user_password="mat-khau", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    assert load_error(path).endswith("encrypted PDF")


def test_pdf_with_blank_pages_only(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    path = tmp_path / "blank.pdf"
    writer.write(path)
    assert load_error(path).endswith("no text layer and no page images (blank PDF?)")  # nothing to OCR


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_pdf(tmp_path, fraction):
    data = pdf_bytes(make_pdf([PAGE_1, PAGE_2]), tmp_path)
    path = write(tmp_path, "truncated.pdf", data[: int(len(data) * fraction)])
    assert "not a readable PDF (" in load_error(path)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R", REPORT.encode(), b"\x89PNG\r\n"],
)
def test_corrupt_pdf(tmp_path, data):
    assert "not a readable PDF (" in load_error(write(tmp_path, "corrupt.pdf", data))


# --- DOCX ----------------------------------------------------------------------------------


def wrap_in_content_control(element) -> None:
    """Templates often put blocks inside <w:sdt><w:sdtContent>, outside python-docx's view."""
    control, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    element.addprevious(control)
    control.append(content)
    content.append(element)


def test_docx_paragraphs_and_tables_in_body_order(tmp_path):
    document = docx.Document()
    document.add_heading("KẾ HOẠCH", level=1)
    document.add_paragraph(REPORT)
    table = document.add_table(rows=3, cols=5)
    for column, text in enumerate(["TT", "Các chỉ tiêu", "Đơn vị tính", "Mục tiêu cụ thể", ""]):
        table.cell(0, column).text = text
    table.cell(0, 3).merge(table.cell(0, 4))  # header spanning two year columns
    table.cell(0, 0).merge(table.cell(1, 0))  # "TT" spanning two header rows
    table.cell(1, 3).text = "Năm 2024"
    table.cell(1, 4).text = "Năm 2025"
    row = ["1", "Tỷ lệ thôn, bản được phủ sóng di động băng rộng.", "%", "100", "100"]
    for column, text in enumerate(row):
        table.cell(2, column).text = text
    table.cell(2, 1).add_paragraph("(bắt buộc)")  # a second paragraph stays on the row's line
    layout = document.add_table(rows=1, cols=2)  # the signature block laid out in two columns
    layout.cell(0, 0).text = "Nơi nhận:"
    layout.cell(0, 1).text = "KT. CHỦ TỊCH"
    layout.cell(0, 1).add_paragraph("Nguyễn Văn A")
    document.add_paragraph("IV. TỔ CHỨC THỰC HIỆN")
    wrap_in_content_control(document.add_paragraph("Lưu: VT.")._p)
    path = tmp_path / "ke-hoach.docx"
    document.save(path)

    loaded = load(path)
    assert (loaded.format, loaded.page_starts) == ("docx", ())
    # Paragraphs are kept apart by blank lines (a docx paragraph has no hard wraps); the rows
    # of a data table stay on consecutive lines; a layout table gives one paragraph per line of
    # each cell.
    assert loaded.text.split("\n\n") == [
        "KẾ HOẠCH",
        REPORT,
        "TT\tCác chỉ tiêu\tĐơn vị tính\tMục tiêu cụ thể\t\n"
        "\t\t\tNăm 2024\tNăm 2025\n"
        "1\tTỷ lệ thôn, bản được phủ sóng di động băng rộng. (bắt buộc)\t%\t100\t100",
        "Nơi nhận:",
        "KT. CHỦ TỊCH",
        "Nguyễn Văn A",
        "IV. TỔ CHỨC THỰC HIỆN",
        "Lưu: VT.",
    ]


def test_docx_without_text_is_empty(tmp_path):
    path = tmp_path / "blank.docx"
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(path)
    assert load_error(path).endswith("empty file")


def test_corrupt_docx(tmp_path):
    assert "not a readable DOCX (" in load_error(write(tmp_path, "bad.docx", b"PK\x03\x04junk"))
    with zipfile.ZipFile(tmp_path / "no-body.docx", "w") as archive:
        archive.writestr("hello.txt", REPORT)
    assert "not a readable DOCX (" in load_error(tmp_path / "no-body.docx")


# --- bad input -----------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert load_error(tmp_path / "khong-co.txt").endswith("file not found")


def test_directory(tmp_path):
    folder = tmp_path / "thu-muc.txt"
    folder.mkdir()
    assert load_error(folder).endswith("is a directory, not a file")


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_zero_bytes(tmp_path, suffix):
    assert load_error(write(tmp_path, f"empty{suffix}", b"")).endswith("empty file")


@pytest.mark.parametrize("data", [b" \r\n\t\n", codecs.BOM_UTF8 + b"\n", codecs.BOM_UTF16_LE])
def test_whitespace_only(tmp_path, data):
    assert load_error(write(tmp_path, "blank.txt", data)).endswith("empty file")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        REPORT.encode() + b"\x00" + REPORT.encode(),
        bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20 + REPORT.encode(),
        "Kế hoạch".encode("utf-32"),
    ],
)
def test_binary_under_text_extension(tmp_path, data):
    assert load_error(write(tmp_path, "anh.md", data)).endswith("binary content, not text")


def test_file_too_large(tmp_path):
    path = write(tmp_path, "lon.txt", (b"ke hoach " * 9 + b"\n") * (3 * 1024 * 1024 // 164))  # 1.5 MB in short lines
    assert "file too large (1.5 MB > limit 1.0 MB)" in load_error(path, max_bytes=1024 * 1024)
    assert load(path).encoding == "utf-8"  # the default limit is 50 MB


@pytest.mark.parametrize(
    ("name", "shown"), [("cu.wpd", ".wpd"), ("a.xyz", ".xyz"), ("README", "(none)")]
)
def test_unsupported_suffix(tmp_path, name, shown):
    message = load_error(write(tmp_path, name, REPORT.encode()))
    assert message.endswith(
        f"unsupported file type '{shown}' (supported: .txt, .md, .pdf, .docx, .doc, .odt, .rtf, "
        f".png, .jpg, .jpeg, .tif, .tiff)"
    )


def test_docx_runs_inside_tracked_insertions_and_inline_controls_are_read_and_deletions_are_not(tmp_path):
    # A draft's date typed as a tracked change, a number in an inline content control: python-docx's
    # Paragraph.text reads neither; deleted text must not come back.
    document = docx.Document()
    date = document.add_paragraph("Mẫu Sơn, ngày ")
    inserted = OxmlElement("w:ins")
    inserted.append(date.add_run("12")._r)
    date._p.append(inserted)
    date.add_run(" tháng 3 năm 2026")
    deleted = OxmlElement("w:del")
    old = OxmlElement("w:r")
    old_text = OxmlElement("w:delText")
    old_text.text = " (bản cũ)"
    old.append(old_text)
    deleted.append(old)
    date._p.append(deleted)
    number = document.add_paragraph("Số: ")
    control, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    content.append(number.add_run("15/KH-UBND")._r)
    control.append(content)
    number._p.append(control)
    path = tmp_path / "du-thao.docx"
    document.save(path)
    assert load(path).text.split("\n\n") == ["Mẫu Sơn, ngày 12 tháng 3 năm 2026", "Số: 15/KH-UBND"]
